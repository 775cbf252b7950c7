import { CitadelError } from '@citadel/protocol';

/** Stable codes of ingress validation failures (interface spec "Authentication"). */
export const IngressErrorCode = {
  MALFORMED: 'REPLICA_INGRESS_MALFORMED',
  WRONG_REQUEST_TYPE: 'REPLICA_INGRESS_WRONG_REQUEST_TYPE',
  EXPIRY: 'REPLICA_INGRESS_EXPIRY',
  NONCE_TOO_BIG: 'REPLICA_INGRESS_NONCE_TOO_BIG',
  TOO_MANY_PATHS: 'REPLICA_INGRESS_TOO_MANY_PATHS',
  ANONYMOUS_SIGNED: 'REPLICA_INGRESS_ANONYMOUS_SIGNED',
  MISSING_SIGNATURE: 'REPLICA_INGRESS_MISSING_SIGNATURE',
  SENDER_KEY_MISMATCH: 'REPLICA_INGRESS_SENDER_KEY_MISMATCH',
  INVALID_SIGNATURE: 'REPLICA_INGRESS_INVALID_SIGNATURE',
  INVALID_DELEGATION: 'REPLICA_INGRESS_INVALID_DELEGATION',
  DELEGATION_EXPIRED: 'REPLICA_INGRESS_DELEGATION_EXPIRED',
  NOT_A_DELEGATION_TARGET: 'REPLICA_INGRESS_NOT_A_DELEGATION_TARGET',
} as const;
export type IngressErrorCode = (typeof IngressErrorCode)[keyof typeof IngressErrorCode];

/** A request the replica refuses before execution, with the HTTP status the IC answers it with. */
export class IngressError extends CitadelError {
  readonly httpStatus: 400 | 403;

  constructor(
    httpStatus: 400 | 403,
    code: IngressErrorCode,
    message: string,
    details: Record<string, unknown> = {},
  ) {
    super(httpStatus === 403 ? 'trust' : 'input', code, message, details);
    this.name = 'IngressError';
    this.httpStatus = httpStatus;
  }
}
