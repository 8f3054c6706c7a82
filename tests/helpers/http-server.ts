import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A real HTTP server on 127.0.0.1 for tests of fetching imports. Each route answers a path
 * (without the query) with a handler; anything else is a 404. Imports that fetch from it need
 * CURIO_ALLOW_PRIVATE_FETCH (or allowPrivate), since 127.0.0.1 is a loopback address.
 */

export type RouteHandler = (
  request: http.IncomingMessage,
  response: http.ServerResponse,
  url: URL,
) => unknown;

export interface TestHttpServer {
  origin: string;
  /** Paths requested so far, in order. */
  requests: string[];
  route(pathName: string, handler: RouteHandler): void;
  /** Answers paths that start with this prefix. */
  routePrefix(prefix: string, handler: RouteHandler): void;
  close(): Promise<void>;
}

export async function startHttpServer(): Promise<TestHttpServer> {
  const exact = new Map<string, RouteHandler>();
  const prefixes: [string, RouteHandler][] = [];
  const requests: string[] = [];

  const server = http.createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    requests.push(url.pathname);
    const handler =
      exact.get(url.pathname) ?? prefixes.find(([prefix]) => url.pathname.startsWith(prefix))?.[1];
    if (!handler) {
      response.writeHead(404).end('not found');
      return;
    }
    Promise.resolve(handler(request, response, url)).catch(() => {
      if (!response.headersSent) response.writeHead(500);
      response.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    route: (pathName, handler) => exact.set(pathName, handler),
    routePrefix: (prefix, handler) => prefixes.push([prefix, handler]),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
