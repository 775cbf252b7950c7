import { CitadelError } from '@citadel/protocol';
import type { ErrorKind } from '@citadel/protocol';

/** Stable codes of the failures the HTTP interface reports itself. */
export const HttpErrorCode = {
  NOT_FOUND: 'REPLICA_HTTP_NOT_FOUND',
  METHOD_NOT_ALLOWED: 'REPLICA_HTTP_METHOD_NOT_ALLOWED',
  CONTENT_TYPE: 'REPLICA_HTTP_CONTENT_TYPE',
  PAYLOAD_TOO_LARGE: 'REPLICA_HTTP_PAYLOAD_TOO_LARGE',
  MALFORMED_CBOR: 'REPLICA_HTTP_MALFORMED_CBOR',
  INVALID_PRINCIPAL: 'REPLICA_HTTP_INVALID_PRINCIPAL',
  EFFECTIVE_CANISTER_ID_MISMATCH: 'REPLICA_HTTP_EFFECTIVE_ID_MISMATCH',
  INVALID_PATH: 'REPLICA_HTTP_INVALID_PATH',
  FORBIDDEN: 'REPLICA_HTTP_FORBIDDEN',
  /** Not HTTP/1.1 the server can parse: bad request line, header, framing or Host. */
  BAD_REQUEST: 'REPLICA_HTTP_BAD_REQUEST',
  /** The client took longer than the headers or request timeout to send its request. */
  REQUEST_TIMEOUT: 'REPLICA_HTTP_REQUEST_TIMEOUT',
  /** Request line and headers over Node's `maxHeaderSize` (16 KiB). */
  HEADERS_TOO_LARGE: 'REPLICA_HTTP_HEADERS_TOO_LARGE',
  /** The client closed the connection or broke the body framing while the body was read. */
  BODY_INCOMPLETE: 'REPLICA_HTTP_BODY_INCOMPLETE',
  INTERNAL: 'REPLICA_HTTP_INTERNAL',
} as const;
export type HttpErrorCode = (typeof HttpErrorCode)[keyof typeof HttpErrorCode];

/** Statuses that refuse a request for going over a limit rather than for being wrong. */
const LIMIT_STATUSES: ReadonlySet<number> = new Set([408, 413, 431]);

/** A request the HTTP interface refuses, with the status the IC uses for it. */
export class HttpError extends CitadelError {
  readonly status: number;

  constructor(status: number, code: HttpErrorCode, message: string) {
    const kind: ErrorKind =
      status >= 500 ? 'unknown' : LIMIT_STATUSES.has(status) ? 'limit' : 'input';
    super(kind, code, message, { status });
    this.name = 'HttpError';
    this.status = status;
  }
}
