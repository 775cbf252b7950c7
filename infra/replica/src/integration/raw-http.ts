import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { concatBytes } from '@citadel/protocol';

/** One HTTP/1.1 response as read off the wire. */
export interface RawResponse {
  readonly status: number;
  /** Header names in lower case; a repeated header keeps its last value. */
  readonly headers: ReadonlyMap<string, string>;
  readonly body: Uint8Array;
}

/** What came back for one raw request. */
export interface RawExchange {
  /** The final (non-1xx) response, or null when the server closed without one. */
  readonly response: RawResponse | null;
  /** Statuses of interim 1xx responses before it. */
  readonly interim: readonly number[];
  readonly elapsedMs: number;
}

/** Parameters of {@link rawExchange}. */
export interface RawExchangeParams {
  readonly port: number;
  /** Written in order, waiting for drain; writing stops quietly once the server closes. */
  readonly chunks: readonly Uint8Array[];
  /** Writes the chunks one byte at a time, this far apart (a slow-loris client). */
  readonly byteIntervalMs?: number;
  /** Half-close after the last chunk, so an incomplete request meets end of input. */
  readonly halfClose?: boolean;
  /** The exchange fails (rejects) when the server has not closed the connection by then. */
  readonly timeoutMs: number;
}

/** Thrown when the server neither answered nor closed the connection in time. */
export class HangError extends Error {
  constructor(timeoutMs: number, received: number) {
    super(`no answer and no close within ${timeoutMs} ms (${received} bytes received)`);
    this.name = 'HangError';
  }
}

/**
 * Sends raw bytes to 127.0.0.1:`port` and reads until the server closes the connection, so
 * requests should carry `connection: close`. Nothing is validated on the way out: this is
 * the client for malformed HTTP that fetch refuses to send.
 */
export function rawExchange(params: RawExchangeParams): Promise<RawExchange> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const received: Uint8Array[] = [];
    let receivedBytes = 0;
    const socket = connect({ host: '127.0.0.1', port: params.port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new HangError(params.timeoutMs, receivedBytes));
    }, params.timeoutMs);
    socket.on('data', (chunk: Uint8Array) => {
      received.push(chunk);
      receivedBytes += chunk.length;
    });
    // Write errors (EPIPE, ECONNRESET) are expected when the server refuses early.
    socket.on('error', () => {});
    socket.on('close', () => {
      clearTimeout(timer);
      const { response, interim } = parseResponses(concatBytes(received));
      resolve({ response, interim, elapsedMs: performance.now() - started });
    });
    socket.once('connect', () => {
      const written =
        params.byteIntervalMs === undefined
          ? writeAll(socket, params.chunks)
          : drip(socket, concatBytes(params.chunks), params.byteIntervalMs);
      void written.then(() => {
        if (params.halfClose && !socket.destroyed) {
          socket.end();
        }
      });
    });
  });
}

async function writeAll(socket: Socket, chunks: readonly Uint8Array[]): Promise<void> {
  for (const chunk of chunks) {
    if (socket.destroyed || !socket.writable) {
      return;
    }
    if (!socket.write(chunk)) {
      await new Promise<void>((resolve) => {
        const done = () => {
          socket.off('drain', done);
          socket.off('close', done);
          resolve();
        };
        socket.on('drain', done);
        socket.on('close', done);
      });
    }
  }
}

async function drip(socket: Socket, bytes: Uint8Array, intervalMs: number): Promise<void> {
  for (let i = 0; i < bytes.length && socket.writable; i++) {
    socket.write(bytes.subarray(i, i + 1));
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** Encodes a request exactly as given: no header is added or checked. */
export function rawRequest(
  requestLine: string,
  headers: readonly (readonly [string, string])[],
  body: Uint8Array = new Uint8Array(0),
): Uint8Array {
  const head = [requestLine, ...headers.map(([name, value]) => `${name}: ${value}`), '', ''].join(
    '\r\n',
  );
  return concatBytes([latin1(head), body]);
}

/** A string's code units as bytes (code units above 0xff are truncated, as on the wire). */
export function latin1(text: string): Uint8Array {
  return Uint8Array.from(text, (char) => char.charCodeAt(0) & 0xff);
}

function parseResponses(bytes: Uint8Array): {
  response: RawResponse | null;
  interim: number[];
} {
  const interim: number[] = [];
  let offset = 0;
  for (;;) {
    const parsed = parseOne(bytes, offset);
    if (!parsed) {
      return { response: null, interim };
    }
    if (parsed.response.status >= 200) {
      return { response: parsed.response, interim };
    }
    interim.push(parsed.response.status);
    offset = parsed.end;
  }
}

function parseOne(bytes: Uint8Array, start: number): { response: RawResponse; end: number } | null {
  const headEnd = indexOf(bytes, latin1('\r\n\r\n'), start);
  if (headEnd < 0) {
    return null;
  }
  const lines = new TextDecoder('latin1').decode(bytes.subarray(start, headEnd)).split('\r\n');
  const status = /^HTTP\/1\.[01] (\d{3})/.exec(lines[0] ?? '');
  if (!status) {
    return null;
  }
  const headers = new Map<string, string>();
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    if (colon > 0) {
      headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
    }
  }
  const code = Number(status[1]);
  const bodyStart = headEnd + 4;
  if (code < 200) {
    return { response: { status: code, headers, body: new Uint8Array(0) }, end: bodyStart };
  }
  const length = headers.get('content-length');
  const rest = bytes.subarray(bodyStart);
  const body =
    headers.get('transfer-encoding')?.toLowerCase() === 'chunked'
      ? dechunk(rest)
      : rest.subarray(0, length === undefined ? rest.length : Number(length));
  return { response: { status: code, headers, body }, end: bodyStart + body.length };
}

function dechunk(bytes: Uint8Array): Uint8Array {
  const parts: Uint8Array[] = [];
  let offset = 0;
  for (;;) {
    const lineEnd = indexOf(bytes, latin1('\r\n'), offset);
    if (lineEnd < 0) {
      break;
    }
    const size = parseInt(new TextDecoder('latin1').decode(bytes.subarray(offset, lineEnd)), 16);
    if (!(size > 0)) {
      break;
    }
    parts.push(bytes.subarray(lineEnd + 2, lineEnd + 2 + size));
    offset = lineEnd + 2 + size + 2;
  }
  return concatBytes(parts);
}

function indexOf(haystack: Uint8Array, needle: Uint8Array, from: number): number {
  outer: for (let i = from; i <= haystack.length - needle.length; i++) {
    for (let j = 0; j < needle.length; j++) {
      if (haystack[i + j] !== needle[j]) {
        continue outer;
      }
    }
    return i;
  }
  return -1;
}
