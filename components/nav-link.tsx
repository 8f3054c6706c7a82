'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';

/** A navigation link that marks the current section for screen readers and sighted users. */
export function NavLink({ href, children }: { href: string; children: React.ReactNode }) {
  const pathname = usePathname();
  const current = pathname === href || pathname.startsWith(`${href}/`);

  return (
    <Link
      href={href}
      aria-current={current ? 'page' : undefined}
      className={`rounded-md px-2.5 py-1.5 text-sm font-medium no-underline hover:bg-white/10 hover:no-underline ${
        current
          ? 'bg-white/15 text-white underline decoration-2 underline-offset-8'
          : 'text-stone-200'
      }`}
    >
      {children}
    </Link>
  );
}
