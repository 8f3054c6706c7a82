import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { getDb } from '@/db/client';
import { requirePageUser } from '@/lib/auth/page-auth';
import { can } from '@/lib/auth/permissions';
import { getCollectionBySlug } from '@/lib/collections/collection-repo';
import { env } from '@/lib/env';
import { FolderImportForm } from './folder-import-form';

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
        Images directly in the folder are imported without labels.
      </p>

      {mayImportServerFolders ? (
        <section className="card space-y-3 p-6" aria-labelledby="server-folder-heading">
          <h2 id="server-folder-heading">From a folder on the server</h2>
          <FolderImportForm collectionId={collection.id} importRoots={env().importRoots} />
        </section>
      ) : (
        <p className="card p-6 text-sm">
          Importing a folder from the server is for administrators. Ask one to import your images,
          or to run <code>npm run curio -- import</code> on the server.
        </p>
      )}

      <p className="hint">
        Uploading files, zip archives, IIIF manifests and CSV lists come in a later version.
      </p>
    </div>
  );
}
