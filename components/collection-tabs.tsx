'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';

export interface CollectionTab {
  /** Path below /collections/<slug>; '' is the item grid. */
  segment: string;
  text: string;
}

/**
 * The sections of one collection. The server layout decides which tabs a role sees; this only
 * marks the current one.
 */
export function CollectionTabs({ slug, tabs }: { slug: string; tabs: CollectionTab[] }) {
  const pathname = usePathname();
  const base = `/collections/${slug}`;

  function isCurrent(tab: CollectionTab): boolean {
    if (tab.segment === '') return pathname === base || pathname.startsWith(`${base}/items`);
    return pathname === `${base}/${tab.segment}` || pathname.startsWith(`${base}/${tab.segment}/`);
  }

  return (
    <nav aria-label="Collection sections" className="mb-5 border-b border-line">
      <ul className="-mb-px flex flex-wrap gap-1">
        {tabs.map((tab) => {
          const current = isCurrent(tab);
          return (
            <li key={tab.segment}>
              <Link
                href={tab.segment === '' ? base : `${base}/${tab.segment}`}
                aria-current={current ? 'page' : undefined}
                className={`inline-block border-b-2 px-3 py-2 text-sm font-medium no-underline hover:no-underline ${
                  current
                    ? 'border-accent text-ink'
                    : 'border-transparent text-muted hover:border-line hover:text-ink'
                }`}
              >
                {tab.text}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
