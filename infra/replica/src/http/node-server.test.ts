import { request as httpRequest } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { type BoundServer, serveHandler } from './node-server.js';

/**
 * How the Node adapter passes a handler's response body on: as it comes, with the status line
 * held back until the first bytes, so a body that fails at once still gets a 500 and one that
 * fails later is cut off rather than completed.
 */

interface Received {
  readonly status: number;
  readonly body: string;
  readonly complete: boolean;
}

function get(port: number): Promise<Received> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path: '/' }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, complete: res.complete }));
      res.on('error', () => resolve({ status: res.statusCode ?? 0, body, complete: false }));
      res.on('aborted', () => resolve({ status: res.statusCode ?? 0, body, complete: false }));
    });
    req.on('error', reject);
    req.end();
  });
}

function streamOf(pieces: readonly string[], failAfter?: number): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream({
    async pull(controller) {
      await new Promise((resolve) => setTimeout(resolve, 5));
      if (failAfter !== undefined && sent === failAfter) {
        controller.error(new Error('piece failed verification'));
        return;
      }
      const piece = pieces[sent++];
      if (piece === undefined) {
        controller.close();
      } else {
        controller.enqueue(new TextEncoder().encode(piece));
      }
    },
  });
}

describe('serveHandler response bodies', () => {
  let server: BoundServer | undefined;
  const lines: string[] = [];
  afterEach(async () => {
    await server?.close();
    lines.length = 0;
  });

  const serve = async (body: () => ReadableStream<Uint8Array>) => {
    server = await serveHandler(async () => new Response(body(), { status: 200 }), {
      host: '127.0.0.1',
      port: 0,
      log: (line) => lines.push(line),
    });
    return server.port;
  };

  it('passes a streamed body on piece by piece to the end', async () => {
    const port = await serve(() => streamOf(['one ', 'two ', 'three']));
    expect(await get(port)).toEqual({ status: 200, body: 'one two three', complete: true });
  });

  it('answers 500 when the body fails before its first bytes', async () => {
    const port = await serve(() => streamOf(['never'], 0));
    const received = await get(port);
    expect(received.status).toBe(500);
    expect(received.body).not.toContain('never');
  });

  it('cuts the connection when a later piece fails, never completing the response', async () => {
    const port = await serve(() => streamOf(['verified ', 'also verified ', 'tampered'], 2));
    const received = await get(port);
    expect(received.status).toBe(200);
    expect(received.complete).toBe(false);
    expect(received.body).toBe('verified also verified ');
    expect(lines.some((line) => line.includes('piece failed verification'))).toBe(true);
  });
});
