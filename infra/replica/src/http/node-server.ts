import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { STATUS_CODES, createServer, maxHeaderSize } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import type { Duplex } from 'node:stream';

import { HttpError, HttpErrorCode } from './http-error.js';

/** How long a client may take to send the request line and headers. */
export const HEADERS_TIMEOUT_MS = 10_000;
/** How long a client may take to send its whole request, body included. */
export const REQUEST_TIMEOUT_MS = 60_000;
/** Longest a timed-out client keeps its connection: Node checks timeouts at this interval. */
const MAX_TIMEOUT_CHECK_INTERVAL_MS = 1_000;

/**
 * Methods the Fetch standard forbids (`new Request` throws on them). CONNECT never reaches
 * the request listener: Node hands it to the `connect` event.
 */
const FORBIDDEN_METHODS: ReadonlySet<string> = new Set(['CONNECT', 'TRACE', 'TRACK']);

/** Options of {@link serveHandler}. */
export interface ServeHandlerOptions {
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  /**
   * How long a client may take to send the request line and headers before it gets a 408 and
   * is disconnected (slow-loris defence); also bounds idle connections that send nothing.
   * @default HEADERS_TIMEOUT_MS (10 s)
   */
  readonly headersTimeoutMs?: number;
  /**
   * How long a client may take to send its whole request, body included.
   * @default REQUEST_TIMEOUT_MS (60 s)
   */
  readonly requestTimeoutMs?: number;
  /** Receives a line per unexpected failure: a handler that throws, a failed accept. */
  readonly log?: (line: string) => void;
  /**
   * Answers a GET or HEAD directly when it can (a cache hit), skipping the Fetch adapter,
   * which costs more than the answer itself; undefined falls through to the handler.
   */
  readonly quickAnswer?: (request: QuickRequest) => QuickAnswer | undefined;
}

/** What {@link ServeHandlerOptions.quickAnswer} sees of a request. */
export interface QuickRequest {
  readonly method: 'GET' | 'HEAD';
  /** The request target as sent: path and query. */
  readonly target: string;
  /** Header values by lower-case name. */
  readonly header: (name: string) => string | undefined;
}

/** A complete answer given without the handler. */
export interface QuickAnswer {
  readonly status: number;
  readonly headers: readonly (readonly [string, string])[];
  /** Omitted for HEAD and 304. */
  readonly body: Uint8Array | undefined;
}

/** A bound HTTP server around a fetch-style handler. */
export interface BoundServer {
  readonly server: Server;
  readonly port: number;
  close(): Promise<void>;
}

/** What the adapter needs while it answers one connection. */
interface ServeContext {
  readonly handler: (request: Request) => Promise<Response>;
  readonly headersTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly log: (line: string) => void;
  /** Responses under way, by socket: a client error on such a socket is answered through them. */
  readonly inFlight: WeakMap<Duplex, ServerResponse>;
}

/**
 * Binds `handler` to a node:http server on `host:port`. Every refusal the server makes itself
 * (unparsable HTTP, timeouts, oversized headers, a throwing handler) is answered like the
 * handler's own: a status, a plain-text reason and `x-citadel-error-code`, never a crash.
 * @example
 * const bound = await serveHandler(replica.fetch, { host: '127.0.0.1', port: 0 });
 */
export async function serveHandler(
  handler: (request: Request) => Promise<Response>,
  options: ServeHandlerOptions,
): Promise<BoundServer> {
  const headersTimeoutMs = options.headersTimeoutMs ?? HEADERS_TIMEOUT_MS;
  const requestTimeoutMs = options.requestTimeoutMs ?? REQUEST_TIMEOUT_MS;
  const log = options.log ?? (() => {});
  const server = createServer({
    headersTimeout: headersTimeoutMs,
    requestTimeout: requestTimeoutMs,
    // Node enforces both timeouts only when it sweeps its connections, every 30 s by default;
    // a slow-loris client would keep its socket three times the headers timeout.
    connectionsCheckingInterval: Math.max(
      1,
      Math.min(MAX_TIMEOUT_CHECK_INTERVAL_MS, Math.floor(headersTimeoutMs / 4)),
    ),
    // Node's own refusal of a Host-less HTTP/1.1 request has an empty body; the IC does not
    // need the Host header, so such requests are served with the bound address as origin.
    requireHostHeader: false,
  });
  const ctx: ServeContext = {
    handler,
    headersTimeoutMs,
    requestTimeoutMs,
    log,
    inFlight: new WeakMap(),
  };
  const quickAnswer = options.quickAnswer;
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (quickAnswer !== undefined && answerQuickly(ctx, quickAnswer, req, res)) {
      return;
    }
    void respond(ctx, req, res, false);
  });
  // Answer `Expect: 100-continue` only once the handler reads the body, so a request it
  // refuses on its headers (413 on the declared length, 404, 405) is never uploaded.
  server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => {
    void respond(ctx, req, res, true);
  });
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    answerClientError(ctx, error, socket);
  });
  server.on('connect', (_req: IncomingMessage, socket: Duplex) => {
    refuseOnSocket(
      socket,
      new HttpError(
        405,
        HttpErrorCode.METHOD_NOT_ALLOWED,
        'CONNECT is not supported: this is the IC HTTP interface, not a proxy.',
      ),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  // After listening, an 'error' without a listener would crash the process: accept() fails
  // with EMFILE when a flood of connections exhausts the file descriptors.
  server.on('error', (error: Error) => {
    log(`HTTP server error (the network keeps serving): ${describe(error)}`);
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

/** Serves `req` from `quickAnswer` if it has an answer; false to go the normal way. */
function answerQuickly(
  ctx: ServeContext,
  quickAnswer: (request: QuickRequest) => QuickAnswer | undefined,
  req: IncomingMessage,
  res: ServerResponse,
): boolean {
  const method = req.method;
  if ((method !== 'GET' && method !== 'HEAD') || req.url === undefined) {
    return false;
  }
  let answer: QuickAnswer | undefined;
  try {
    answer = quickAnswer({
      method,
      target: req.url,
      header: (name) => {
        const value = req.headers[name];
        return Array.isArray(value) ? value.join(', ') : value;
      },
    });
  } catch (error) {
    ctx.log(`quick answer failed for ${method} ${req.url} (served normally): ${describe(error)}`);
    return false;
  }
  if (answer === undefined) {
    return false;
  }
  res.statusCode = answer.status;
  for (const [name, value] of answer.headers) {
    res.appendHeader(name, value);
  }
  res.end(answer.body);
  return true;
}

async function respond(
  ctx: ServeContext,
  req: IncomingMessage,
  res: ServerResponse,
  expectsContinue: boolean,
): Promise<void> {
  ctx.inFlight.set(req.socket, res);
  res.once('close', () => {
    if (ctx.inFlight.get(req.socket) === res) {
      ctx.inFlight.delete(req.socket);
    }
  });
  let request: Request;
  try {
    request = toRequest(req, res, expectsContinue);
  } catch (error) {
    if (!(error instanceof HttpError)) {
      // Node accepted the request but Fetch does not: log it, since it may be our bug.
      ctx.log(`request refused by the Fetch adapter: ${req.method} ${req.url}: ${describe(error)}`);
    }
    sendRefusal(
      req,
      res,
      error instanceof HttpError
        ? error
        : new HttpError(
            400,
            HttpErrorCode.BAD_REQUEST,
            'The request line or headers cannot be represented as a Fetch request; check the header values for control characters.',
          ),
    );
    return;
  }
  let response: Response;
  try {
    response = await ctx.handler(request);
  } catch (error) {
    ctx.log(`internal error on ${req.method} ${req.url}: ${describe(error)}`);
    sendRefusal(req, res, internalError());
    return;
  }
  try {
    // The body is passed on as it comes (a gateway streams verified pieces of a large file),
    // but the status line waits for its first two pieces: a one-piece body is sent with its
    // length, and one that fails that early is still answered with a 500 rather than a cut-off
    // 200. A later failure can only end the connection.
    const reader = response.body?.getReader();
    const first = reader === undefined ? undefined : await reader.read();
    if (res.headersSent || res.writableEnded) {
      // A client error (timeout, broken framing) was already answered on this socket.
      await reader?.cancel();
      return;
    }
    res.statusCode = response.status;
    response.headers.forEach((value, name) => res.setHeader(name, value));
    closeIfBodyUnread(req, res);
    if (reader === undefined || first === undefined || first.done) {
      res.end();
      return;
    }
    const second = await reader.read();
    if (second.done) {
      res.end(first.value);
      return;
    }
    await writeAll(res, reader, [first.value, second.value]);
  } catch (error) {
    ctx.log(`internal error writing the answer to ${req.method} ${req.url}: ${describe(error)}`);
    if (res.headersSent) {
      res.destroy();
    } else {
      sendRefusal(req, res, internalError());
    }
  }
}

/** Writes `start` and the rest of `reader` to `res`, waiting when the socket's buffer is full. */
async function writeAll(
  res: ServerResponse,
  reader: ReadableStreamDefaultReader<Uint8Array>,
  start: readonly Uint8Array[],
): Promise<void> {
  const write = async (chunk: Uint8Array) => {
    if (!res.write(chunk)) {
      await new Promise<void>((resolve) => {
        const done = () => {
          res.off('drain', done);
          res.off('close', done);
          resolve();
        };
        res.on('drain', done);
        res.on('close', done);
      });
    }
  };
  for (const chunk of start) {
    await write(chunk);
  }
  for (let next = await reader.read(); !next.done; next = await reader.read()) {
    if (res.destroyed) {
      await reader.cancel();
      return;
    }
    await write(next.value);
  }
  res.end();
}

/** The Node request as a Fetch request; throws an {@link HttpError} for what Fetch cannot hold. */
function toRequest(req: IncomingMessage, res: ServerResponse, expectsContinue: boolean): Request {
  const method = req.method ?? 'GET';
  if (FORBIDDEN_METHODS.has(method)) {
    throw new HttpError(
      405,
      HttpErrorCode.METHOD_NOT_ALLOWED,
      `${method} is not allowed: the IC HTTP interface uses GET for /api/v2/status and POST for call, query and read_state.`,
    );
  }
  const url = toUrl(req);
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (typeof value === 'string') {
      headers.set(name, value);
    } else if (Array.isArray(value)) {
      headers.set(name, value.join(', '));
    }
  }
  const hasBody = method !== 'GET' && method !== 'HEAD';
  return new Request(url, {
    method,
    headers,
    ...(hasBody ? { body: bodyStream(req, res, expectsContinue), duplex: 'half' } : {}),
  });
}

/** A Host header that is a plain host name or IP literal with an optional port. */
const HOST = /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

/**
 * The absolute URL of a request. Only origin-form and absolute-form targets are accepted
 * (RFC 9112 §3.2); a Host header that is not a plain host falls back to the address the
 * client connected to, so it can never change the path the request is routed by.
 */
function toUrl(req: IncomingMessage): string {
  const target = req.url ?? '/';
  const local = req.socket.localAddress ?? '127.0.0.1';
  const bound = `${local.includes(':') ? `[${local}]` : local}:${req.socket.localPort ?? 80}`;
  let path = target;
  if (!target.startsWith('/')) {
    const absolute = /^https?:\/\//i.test(target) ? URL.parse(target) : null;
    if (!absolute) {
      throw new HttpError(
        400,
        HttpErrorCode.BAD_REQUEST,
        `The request target must be a path such as /api/v2/status (or an absolute http URL), got '${target.slice(0, 100)}'.`,
      );
    }
    path = `${absolute.pathname}${absolute.search}`;
  }
  const host = req.headers.host;
  const origin = host !== undefined && HOST.test(host) ? host : bound;
  return (URL.parse(`http://${origin}${path}`) ?? new URL(`http://${bound}${path}`)).href;
}

/**
 * The request body as a Web stream. Under `Expect: 100-continue` the interim response is sent
 * on the first read, so the client uploads only a body the handler asks for.
 */
function bodyStream(
  req: IncomingMessage,
  res: ServerResponse,
  expectsContinue: boolean,
): ReadableStream<Uint8Array> {
  const stream = Readable.toWeb(req) as ReadableStream<Uint8Array>;
  if (!expectsContinue) {
    return stream;
  }
  const reader = stream.getReader();
  let continued = false;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (!continued) {
          continued = true;
          res.writeContinue();
        }
        const { done, value } = await reader.read();
        if (done) {
          controller.close();
        } else {
          controller.enqueue(value);
        }
      },
      cancel: (reason) => reader.cancel(reason),
    },
    // No read ahead: with the default high-water mark the stream pulls, and so sends
    // `100 Continue`, as soon as it exists.
    { highWaterMark: 0 },
  );
}

/**
 * A response sent before the request body arrived in full (a 413, or a refusal on the
 * headers) closes the connection: Node would otherwise read and discard whatever body the
 * client still sends, which a hostile client can make endless.
 */
function closeIfBodyUnread(req: IncomingMessage, res: ServerResponse): void {
  if (!req.complete) {
    res.setHeader('connection', 'close');
  }
}

/** Answers `res` with a refusal, unless something was already sent on it. */
function sendRefusal(req: IncomingMessage, res: ServerResponse, error: HttpError): void {
  if (res.headersSent || res.writableEnded) {
    return;
  }
  const body = new TextEncoder().encode(error.message);
  res.statusCode = error.status;
  for (const [name, value] of Object.entries(refusalHeaders(error, body.length))) {
    res.setHeader(name, value);
  }
  closeIfBodyUnread(req, res);
  res.end(body);
}

function refusalHeaders(error: HttpError, length: number): Record<string, string> {
  return {
    'content-type': 'text/plain; charset=utf-8',
    'content-length': String(length),
    'x-citadel-error-code': error.code,
    'access-control-allow-origin': '*',
  };
}

/**
 * Answers what Node's HTTP parser refuses before a request exists (RFC 9112 framing, header
 * size, timeouts) the way the handler answers its refusals, then closes the connection.
 * Node's default writes these with an empty body.
 */
function answerClientError(ctx: ServeContext, error: NodeJS.ErrnoException, socket: Duplex): void {
  const refusal = clientErrorRefusal(ctx, error);
  if (!refusal || !socket.writable) {
    socket.destroy();
    return;
  }
  const res = ctx.inFlight.get(socket);
  if (res) {
    // A request is being handled on this socket. Once its answer has started there is
    // nothing left to say. If it arrived whole, the error is in bytes pipelined after it:
    // it still gets its answer, and the connection closes after that. Otherwise the error
    // is in its own body (framing, timeout) and the refusal goes out as its answer.
    if (res.headersSent) {
      socket.destroy();
      return;
    }
    res.setHeader('connection', 'close');
    if (!res.req.complete) {
      sendRefusal(res.req, res, refusal);
    }
    return;
  }
  refuseOnSocket(socket, refusal);
}

/** Writes a complete refusal on a socket no response object owns, then closes it. */
function refuseOnSocket(socket: Duplex, error: HttpError): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const body = new TextEncoder().encode(error.message);
  const head = [
    `HTTP/1.1 ${error.status} ${STATUS_CODES[error.status] ?? 'Error'}`,
    ...Object.entries(refusalHeaders(error, body.length)).map(([n, v]) => `${n}: ${v}`),
    'connection: close',
    '',
    '',
  ].join('\r\n');
  const bytes = new Uint8Array(head.length + body.length);
  bytes.set(new TextEncoder().encode(head));
  bytes.set(body, head.length);
  socket.end(bytes, () => socket.destroy());
  // A client that never reads cannot hold the socket open through an unflushed write.
  setTimeout(() => socket.destroy(), 1_000).unref();
}

/** The refusal for an error of Node's HTTP parser; null when there is no one to answer. */
function clientErrorRefusal(ctx: ServeContext, error: NodeJS.ErrnoException): HttpError | null {
  switch (error.code) {
    case 'ECONNRESET':
    case 'EPIPE':
      return null;
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return new HttpError(
        408,
        HttpErrorCode.REQUEST_TIMEOUT,
        `The request did not arrive in time: headers must be complete within ${ctx.headersTimeoutMs} ms and the whole request within ${ctx.requestTimeoutMs} ms.`,
      );
    case 'HPE_HEADER_OVERFLOW':
      return new HttpError(
        431,
        HttpErrorCode.HEADERS_TOO_LARGE,
        `The request line and headers exceed ${maxHeaderSize} bytes.`,
      );
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return new HttpError(
        413,
        HttpErrorCode.PAYLOAD_TOO_LARGE,
        'The chunk extensions of the request body are too large.',
      );
    case 'HPE_INVALID_EOF_STATE':
      return new HttpError(
        400,
        HttpErrorCode.BAD_REQUEST,
        'The client closed its side of the connection before the request was complete: the headers did not end, or the body is shorter than its content-length.',
      );
    default: {
      // llhttp's reasons describe the client's bytes ("Invalid method encountered"), not us.
      const reason = (error as { reason?: unknown }).reason;
      return new HttpError(
        400,
        HttpErrorCode.BAD_REQUEST,
        `Malformed HTTP/1.1 request${typeof reason === 'string' ? `: ${reason}` : ''}${error.code ? ` (${error.code})` : ''}.`,
      );
    }
  }
}

const internalError = (): HttpError =>
  new HttpError(
    500,
    HttpErrorCode.INTERNAL,
    'Internal error in the local network; see the network log for details.',
  );

function describe(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}
