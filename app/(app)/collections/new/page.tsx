import type { Metadata } from 'next';
import Link from 'next/link';
import { requirePageUser } from '@/lib/auth/page-auth';
import { NewCollectionForm } from './new-collection-form';

export const metadata: Metadata = { title: 'New collection' };

export default async function NewCollectionPage() {
  await requirePageUser('collection:manage', '/collections/new');

  return (
    <div className="max-w-2xl">
      <p className="mb-2 text-sm">
        <Link href="/collections">← Collections</Link>
      </p>
      <h1 className="mb-5">New collection</h1>
      <NewCollectionForm />
    </div>
  );
}
