import Link from 'next/link';
import { redirect } from 'next/navigation';
import { NavLink } from '@/components/nav-link';
import { SignOutButton } from '@/components/sign-out-button';
import { getPageUser } from '@/lib/auth/page-auth';
import { can } from '@/lib/auth/permissions';

/** The signed-in shell. Each page still checks its own permission with requirePageUser. */
export default async function AppLayout({ children }: { children: React.ReactNode }) {
  const user = await getPageUser();
  if (!user) redirect('/sign-in');

  return (
    <div className="flex min-h-screen flex-col">
      <header className="bg-ink text-white">
        <div className="mx-auto flex max-w-7xl items-center gap-6 px-4 py-2.5">
          <Link
            href="/collections"
            className="flex items-center gap-2 text-white no-underline hover:no-underline"
          >
            <span
              aria-hidden="true"
              className="grid size-7 place-items-center rounded bg-accent text-sm font-bold"
            >
              C
            </span>
            <span className="text-base font-semibold tracking-wide">Curio</span>
          </Link>
          <nav aria-label="Main" className="flex items-center gap-1">
            <NavLink href="/collections">Collections</NavLink>
            {can(user.role, 'user:manage') && <NavLink href="/admin/users">Users</NavLink>}
          </nav>
          <div className="ml-auto flex items-center gap-3 text-sm">
            <span>
              <span className="font-medium">{user.name}</span>{' '}
              <span className="rounded bg-white/15 px-1.5 py-0.5 text-xs uppercase tracking-wide text-stone-200">
                {user.role}
              </span>
            </span>
            <SignOutButton />
          </div>
        </div>
      </header>
      <main id="main" className="mx-auto w-full max-w-7xl flex-1 px-4 py-6">
        {children}
      </main>
    </div>
  );
}
