import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { getDb } from '@/db/client';
import { requirePageUser } from '@/lib/auth/page-auth';
import { can } from '@/lib/auth/permissions';
import { getCollectionBySlug } from '@/lib/collections/collection-repo';
import { env } from '@/lib/env';
import { CsvImportForm } from './csv-import-form';
import { FolderImportForm } from './folder-import-form';
import { IiifImportForm } from './iiif-import-form';
import { UploadDropZone } from './upload-drop-zone';

export const metadata: Metadata = { title: 'Import images' };

type Props = { params: Promise<{ slug: string }> };

export default async function ImportPage({ params }: Props) {
  const { slug } = await params;
  const user = await requirePageUser('item:import', `/collections/${slug}/import`);
  const collection = getCollectionBySlug(getDb(), slug);
  if (!collection) notFound();

  const mayImportServerFolders = can(user.role, 'item:import-server-folder');

  return (
    <div className="max-w-3xl space-y-5">
      <p className="text-sm">
        <Link href={`/collections/${collection.slug}`}>← {collection.name}</Link>
      </p>
      <h1>Import images</h1>
      <p className="text-muted">
        Images already in the collection are recognised by their content and not added twice. In a
        folder whose sub-folders are named after labels, each image gets its folder&rsquo;s label
        {collection.annotationMode === 'multi'
          ? '; an image found in several label folders gets all of those labels.'
          : '; an image found in several label folders is imported without a label and listed as a conflict.'}{' '}
        Images directly in the folder are imported without labels. Zip archives work the same way.
        Every import lists what it could not use and why; the rest is kept.
      </p>

      <section className="card space-y-3 p-6" aria-labelledby="upload-heading">
        <h2 id="upload-heading">Upload images or a zip</h2>
        <UploadDropZone collectionId={collection.id} maxFileBytes={env().CURIO_MAX_UPLOAD_BYTES} />
      </section>

      <section className="card space-y-3 p-6" aria-labelledby="iiif-heading">
        <h2 id="iiif-heading">From a IIIF manifest or collection</h2>
        <IiifImportForm collectionId={collection.id} />
      </section>

      <section className="card space-y-3 p-6" aria-labelledby="csv-heading">
        <h2 id="csv-heading">From a CSV list (Dublin Core)</h2>
        <p className="text-sm">
          One row per item. <code>dcterms:identifier</code> is required and is the key: importing
          the same identifier again updates that item&rsquo;s title and metadata instead of adding
          it twice. Other <code>dcterms:</code> columns (<code>title</code>,{' '}
          <code>description</code>, <code>creator</code>, <code>date</code>, <code>rights</code>,{' '}
          <code>subject</code>, …) are kept as metadata. One media column (<code>media</code>,{' '}
          <code>image</code> or <code>file</code>) holds an image URL, a IIIF manifest URL or the
          name of a file in the zip. An optional <code>labels</code> column lists label names
          separated by <code>|</code> (new names become labels; <code>none</code> means none of the
          labels fits).
        </p>
        <CsvImportForm collectionId={collection.id} />
      </section>

      {mayImportServerFolders ? (
        <section className="card space-y-3 p-6" aria-labelledby="server-folder-heading">
          <h2 id="server-folder-heading">From a folder on the server</h2>
          <FolderImportForm collectionId={collection.id} importRoots={env().importRoots} />
        </section>
      ) : (
        <p className="hint">Importing a folder from the server is for administrators.</p>
      )}
    </div>
  );
}
