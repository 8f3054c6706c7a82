import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isPrivateAddress, safeFetch } from '@/lib/import/safe-fetch';
import { startHttpServer, type TestHttpServer } from '../../helpers/http-server';

let server: TestHttpServer;

beforeAll(async () => {
  server = await startHttpServer();
  server.route('/hello', (_request, response) => {
    response.writeHead(200, { 'content-type': 'text/plain' }).end('hello');
  });
  server.route('/loop', (_request, response) => {
    response.writeHead(302, { location: '/loop' }).end();
  });
  server.route('/to-hello', (_request, response) => {
    response.writeHead(301, { location: '/hello' }).end();
  });
  server.route('/big', (_request, response) => {
    // No content-length: the cap must hold on the bytes actually read.
    response.writeHead(200, { 'content-type': 'application/octet-stream' });
    for (let i = 0; i < 64; i += 1) response.write(Buffer.alloc(1024, 1));
    response.end();
  });
  server.route('/slow', () => {
    // Never answers.
  });
});

afterAll(() => server.close());

describe('safeFetch', () => {
  it('fetches from a local server when private fetches are allowed, following redirects', async () => {
    const result = await safeFetch(`${server.origin}/to-hello`, { allowPrivate: true });
    expect(result.ok && result.body.bytes.toString()).toBe('hello');
    expect(result.ok && result.body.finalUrl).toBe(`${server.origin}/hello`);
  });

  it.each(['file:///etc/passwd', 'ftp://example.org/a.jpg', 'javascript:alert(1)'])(
    'refuses the non-http URL %s',
    async (url) => {
      const result = await safeFetch(url, { allowPrivate: true });
      expect(result).toEqual({ ok: false, reason: expect.stringContaining('only http and https') });
    },
  );

  it.each([
    'http://127.0.0.1:9/a',
    'http://10.1.2.3/a',
    'http://169.254.169.254/latest/meta-data',
    'http://[::1]/a',
  ])('refuses the private address %s when private fetches are not allowed', async (url) => {
    const result = await safeFetch(url, { allowPrivate: false });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toMatch(/private or local address/);
  });

  it('refuses a host name that resolves to a loopback address', async () => {
    const result = await safeFetch('http://localhost:9/a', { allowPrivate: false });
    expect(!result.ok && result.reason).toMatch(/localhost resolves to the private or local/);
  });

  it('gives up on endless redirects and says so', async () => {
    const result = await safeFetch(`${server.origin}/loop`, { allowPrivate: true });
    expect(!result.ok && result.reason).toMatch(/redirected more than 5 times/);
  });

  it('refuses a body larger than the cap even without a declared length', async () => {
    const result = await safeFetch(`${server.origin}/big`, {
      allowPrivate: true,
      maxBytes: 10_000,
    });
    expect(!result.ok && result.reason).toMatch(/sent more than 10000 bytes/);
  });

  it('stops waiting after the time limit', async () => {
    const result = await safeFetch(`${server.origin}/slow`, { allowPrivate: true, timeoutMs: 200 });
    expect(!result.ok && result.reason).toMatch(/did not answer in time/);
  });

  it('reports an HTTP error status with the URL', async () => {
    const result = await safeFetch(`${server.origin}/missing`, { allowPrivate: true });
    expect(!result.ok && result.reason).toBe(`${server.origin}/missing answered HTTP 404`);
  });
});

describe('isPrivateAddress', () => {
  it('tells public from private and mapped addresses', () => {
    expect(isPrivateAddress('8.8.8.8')).toBe(false);
    expect(isPrivateAddress('2a00:1450:4001::1')).toBe(false);
    expect(isPrivateAddress('192.168.1.1')).toBe(true);
    expect(isPrivateAddress('::ffff:127.0.0.1')).toBe(true);
    expect(isPrivateAddress('fd12::1')).toBe(true);
  });
});
