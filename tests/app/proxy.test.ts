import { NextRequest } from 'next/server';
import { describe, expect, it } from 'vitest';
import { proxy } from '@/proxy';

describe('proxy', () => {
  it('sends a page request without a session cookie to sign in, keeping the path', () => {
    const response = proxy(new NextRequest('http://localhost/collections/birds?filter=none'));

    expect(response.status).toBe(307);
    const location = new URL(response.headers.get('location') ?? '');
    expect(location.pathname).toBe('/sign-in');
    expect(location.searchParams.get('next')).toBe('/collections/birds?filter=none');
  });

  it('lets a request with a session cookie through for the page itself to check', () => {
    const response = proxy(
      new NextRequest('http://localhost/admin/users', {
        headers: { cookie: 'curio_session=anything' },
      }),
    );

    expect(response.headers.get('location')).toBeNull();
    expect(response.headers.get('x-middleware-next')).toBe('1');
  });
});
