import { CitadelError } from '@citadel/protocol';

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
  INTERNAL: 'REPLICA_HTTP_INTERNAL',
} as const;
export type HttpErrorCode = (typeof HttpErrorCode)[keyof typeof HttpErrorCode];

/** A request the HTTP interface refuses, with the status the IC uses for it. */
export class HttpError extends CitadelError {
  readonly status: number;

  constructor(status: number, code: HttpErrorCode, message: string) {
    super(status === 413 ? 'limit' : 'input', code, message, { status });
    this.name = 'HttpError';
    this.status = status;
  }
}
