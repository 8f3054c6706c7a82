import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { env } from '@/lib/env';

/**
 * Fetches remote resources named by users (IIIF manifests, images, CSV media) under a policy
 * that keeps the server from being used to reach places it should not:
 * - only http: and https: URLs;
 * - every address a host name resolves to must be public (not loopback, private, link-local,
 *   carrier-grade NAT, multicast or reserved) unless CURIO_ALLOW_PRIVATE_FETCH is on. The check
 *   runs inside the socket's own DNS lookup, so a name cannot resolve to a public address for the
 *   check and to a private one for the connection (DNS rebinding);
 * - at most MAX_REDIRECTS redirects, each one checked like the first URL;
 * - a time limit for the whole exchange and a cap on the body size, counted on the bytes read.
 * Failures are values whose reason names the URL, so an import can report them per row or canvas.
 */

export const MAX_REDIRECTS = 5;
export const DEFAULT_TIMEOUT_MS = 30_000;
export const DEFAULT_MAX_BYTES = 20 * 1024 * 1024;

export interface SafeFetchOptions {
  maxBytes?: number;
  timeoutMs?: number;
  maxRedirects?: number;
  accept?: string;
  signal?: AbortSignal;
  /** Defaults to env().CURIO_ALLOW_PRIVATE_FETCH. */
  allowPrivate?: boolean;
}

export interface FetchedBody {
  url: string;
  /** The URL that answered, after redirects. */
  finalUrl: string;
  contentType: string;
  bytes: Buffer;
}

export type FetchResult = { ok: true; body: FetchedBody } | { ok: false; reason: string };

const blocked = new net.BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  blocked.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b::', 96],
  ['100::', 64],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  blocked.addSubnet(network, prefix, 'ipv6');
}

/** True for addresses a public-facing fetch must not reach. */
export function isPrivateAddress(address: string): boolean {
  const family = net.isIP(address);
  if (family === 4) return blocked.check(address, 'ipv4');
  if (family !== 6) return true;

  // An IPv4-mapped IPv6 address (::ffff:10.0.0.1) reaches the IPv4 host it embeds.
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return blocked.check(mapped[1], 'ipv4');
  return blocked.check(address, 'ipv6');
}

class RefusedAddressError extends Error {}

function guardedLookup(allowPrivate: boolean): net.LookupFunction {
  return (hostname, options, callback) => {
    dns.lookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) {
        callback(error, '', 4);
        return;
      }
      const refused = addresses.find((entry) => !allowPrivate && isPrivateAddress(entry.address));
      if (refused) {
        callback(new RefusedAddressError(refused.address), '', 4);
        return;
      }
      if (options.all) {
        (callback as unknown as (e: null, all: dns.LookupAddress[]) => void)(null, addresses);
        return;
      }
      callback(null, addresses[0].address, addresses[0].family);
    });
  };
}

function checkUrl(raw: string, allowPrivate: boolean): URL | string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return `${raw} is not a valid URL`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return `${raw} was refused: only http and https URLs can be fetched (not ${url.protocol})`;
  }
  if (url.username || url.password) {
    return `${raw} was refused: URLs with credentials are not fetched`;
  }
  // A literal address never goes through DNS, so it is checked here.
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (net.isIP(host) && !allowPrivate && isPrivateAddress(host)) {
    return `${raw} was refused: ${host} is a private or local address (see CURIO_ALLOW_PRIVATE_FETCH)`;
  }
  return url;
}

type Hop =
  | { kind: 'body'; contentType: string; bytes: Buffer }
  | { kind: 'redirect'; location: string }
  | { kind: 'failed'; reason: string };

function requestOnce(
  url: URL,
  options: Required<Pick<SafeFetchOptions, 'maxBytes' | 'accept' | 'allowPrivate'>>,
  signal: AbortSignal,
): Promise<Hop> {
  const client = url.protocol === 'https:' ? https : http;

  return new Promise((resolve) => {
    const request = client.get(
      url,
      {
        headers: { accept: options.accept, 'user-agent': 'Curio image importer' },
        lookup: guardedLookup(options.allowPrivate),
        signal,
      },
      (response) => {
        const status = response.statusCode ?? 0;
        if (status >= 300 && status < 400 && response.headers.location) {
          response.resume();
          resolve({ kind: 'redirect', location: response.headers.location });
          return;
        }
        if (status < 200 || status >= 300) {
          response.resume();
          resolve({ kind: 'failed', reason: `${url.href} answered HTTP ${status}` });
          return;
        }

        const declared = Number(response.headers['content-length'] ?? '0');
        if (declared > options.maxBytes) {
          response.destroy();
          resolve({ kind: 'failed', reason: tooLarge(url.href, options.maxBytes) });
          return;
        }

        const chunks: Buffer[] = [];
        let received = 0;
        response.on('data', (chunk: Buffer) => {
          received += chunk.length;
          if (received > options.maxBytes) {
            response.destroy();
            resolve({ kind: 'failed', reason: tooLarge(url.href, options.maxBytes) });
            return;
          }
          chunks.push(chunk);
        });
        response.on('end', () =>
          resolve({
            kind: 'body',
            contentType: String(response.headers['content-type'] ?? ''),
            bytes: Buffer.concat(chunks),
          }),
        );
        response.on('error', (error) => resolve({ kind: 'failed', reason: failure(url, error) }));
      },
    );
    request.on('error', (error) => resolve({ kind: 'failed', reason: failure(url, error) }));
  });
}

function tooLarge(href: string, maxBytes: number): string {
  return `${href} sent more than ${maxBytes} bytes; refused`;
}

function failure(url: URL, error: Error): string {
  if (error instanceof RefusedAddressError) {
    return `${url.href} was refused: ${url.hostname} resolves to the private or local address ${error.message} (see CURIO_ALLOW_PRIVATE_FETCH)`;
  }
  if (error.name === 'AbortError') return `${url.href} did not answer in time or was cancelled`;
  const code = (error as NodeJS.ErrnoException).code;
  return `${url.href} could not be fetched (${code ?? error.message})`;
}

/** Fetches a URL under the policy above; never throws. */
export async function safeFetch(raw: string, options: SafeFetchOptions = {}): Promise<FetchResult> {
  const allowPrivate = options.allowPrivate ?? env().CURIO_ALLOW_PRIVATE_FETCH;
  const maxRedirects = options.maxRedirects ?? MAX_REDIRECTS;
  const settings = {
    maxBytes: options.maxBytes ?? DEFAULT_MAX_BYTES,
    accept: options.accept ?? '*/*',
    allowPrivate,
  };
  const timeout = AbortSignal.timeout(options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;

  let current = raw;
  for (let hop = 0; hop <= maxRedirects; hop += 1) {
    const url = checkUrl(current, allowPrivate);
    if (typeof url === 'string') return { ok: false, reason: url };

    const answer = await requestOnce(url, settings, signal);
    if (answer.kind === 'failed') return { ok: false, reason: answer.reason };
    if (answer.kind === 'body') {
      return {
        ok: true,
        body: {
          url: raw,
          finalUrl: url.href,
          contentType: answer.contentType,
          bytes: answer.bytes,
        },
      };
    }
    current = new URL(answer.location, url).href;
  }
  return { ok: false, reason: `${raw} redirected more than ${maxRedirects} times; gave up` };
}
