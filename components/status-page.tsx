import Link from 'next/link';

/** A calm full-page message for 403 and 404. */
export function StatusPage(props: { code: number; title: string; children: React.ReactNode }) {
  return (
    <main id="main" className="grid min-h-screen place-items-center px-4">
      <div className="card max-w-md p-8 text-center">
        <p className="font-mono text-sm text-muted">Error {props.code}</p>
        <h1 className="mt-1">{props.title}</h1>
        <div className="mt-3 text-muted">{props.children}</div>
        <p className="mt-6">
          <Link href="/collections" className="btn btn-primary">
            Back to collections
          </Link>
        </p>
      </div>
    </main>
  );
}
