import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';

/** Timeouts that keep slow or stalled clients from holding connections forever. */
export const HEADERS_TIMEOUT_MS = 10_000;
export const REQUEST_TIMEOUT_MS = 60_000;

/** A bound HTTP server around a fetch-style handler. */
export interface BoundServer {
  readonly server: Server;
  readonly port: number;
  close(): Promise<void>;
}

/** Binds `handler` to a node:http server on `host:port` (port 0 picks a free port). */
export async function serveHandler(
  handler: (request: Request) => Promise<Response>,
  options: { host: string; port: number },
): Promise<BoundServer> {
  const server = createServer((req, res) => {
    void respond(handler, req, res, options.host);
  });
  server.headersTimeout = HEADERS_TIMEOUT_MS;
  server.requestTimeout = REQUEST_TIMEOUT_MS;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  return {
    server,
    port,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function respond(
  handler: (request: Request) => Promise<Response>,
  req: IncomingMessage,
  res: ServerResponse,
  host: string,
): Promise<void> {
  try {
    const url = `http://${req.headers.host ?? host}${req.url ?? '/'}`;
    const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      if (typeof value === 'string') {
        headers.set(name, value);
      } else if (Array.isArray(value)) {
        headers.set(name, value.join(', '));
      }
    }
    const request = new Request(url, {
      method: req.method ?? 'GET',
      headers,
      ...(hasBody
        ? { body: Readable.toWeb(req) as ReadableStream<Uint8Array>, duplex: 'half' }
        : {}),
    });
    const response = await handler(request);
    res.statusCode = response.status;
    response.headers.forEach((value, name) => res.setHeader(name, value));
    const body = response.body ? new Uint8Array(await response.arrayBuffer()) : null;
    res.end(body);
  } catch {
    // The handler answers every failure itself; this only sees broken sockets and bad URLs.
    if (!res.headersSent) {
      res.statusCode = 400;
      res.end('Bad request');
    } else {
      res.destroy();
    }
  }
}
