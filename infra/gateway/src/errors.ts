import { CitadelError, type ErrorKind } from '@citadel/protocol';

/**
 * Why the gateway did not pass a canister's answer on. Each becomes an HTTP status and a page
 * naming the code (see `pages/error-page.ts`), and a log line.
 */
export const GatewayErrorCode = {
  /** The host names no canister (and no `canisterId` parameter was given). */
  NO_CANISTER: 'GATEWAY_NO_CANISTER',
  /** The response failed verification against the root key: never served. */
  VERIFICATION_FAILED: 'GATEWAY_VERIFICATION_FAILED',
  /** The canister does not exist on the network. */
  CANISTER_NOT_FOUND: 'GATEWAY_CANISTER_NOT_FOUND',
  /** The canister rejected the call or trapped. */
  CANISTER_REJECTED: 'GATEWAY_CANISTER_REJECTED',
  /** A canister call took longer than the gateway waits. */
  CANISTER_TIMEOUT: 'GATEWAY_CANISTER_TIMEOUT',
  /** The replica could not be reached or answered with an error. */
  REPLICA_UNAVAILABLE: 'GATEWAY_REPLICA_UNAVAILABLE',
  /** A streamed or ranged body grew past the gateway's limit before it could be verified. */
  BODY_TOO_LARGE: 'GATEWAY_BODY_TOO_LARGE',
  /** The request body is larger than a canister call may carry. */
  REQUEST_TOO_LARGE: 'GATEWAY_REQUEST_TOO_LARGE',
  /** A custom domain points at a canister that does not list it in `/.well-known/ic-domains`. */
  DOMAIN_NOT_LISTED: 'GATEWAY_DOMAIN_NOT_LISTED',
  /** The canister's streaming or range answers do not fit together. */
  MALFORMED_RESPONSE: 'GATEWAY_MALFORMED_RESPONSE',
} as const;

export type GatewayErrorCode = (typeof GatewayErrorCode)[keyof typeof GatewayErrorCode];

/** HTTP status and error kind per code. */
export const GATEWAY_ERROR_STATUS: Record<GatewayErrorCode, { status: number; kind: ErrorKind }> = {
  GATEWAY_NO_CANISTER: { status: 400, kind: 'input' },
  GATEWAY_VERIFICATION_FAILED: { status: 503, kind: 'trust' },
  GATEWAY_CANISTER_NOT_FOUND: { status: 404, kind: 'input' },
  GATEWAY_CANISTER_REJECTED: { status: 502, kind: 'protocol' },
  GATEWAY_REPLICA_UNAVAILABLE: { status: 502, kind: 'transport' },
  GATEWAY_CANISTER_TIMEOUT: { status: 504, kind: 'transport' },
  GATEWAY_BODY_TOO_LARGE: { status: 503, kind: 'limit' },
  GATEWAY_REQUEST_TOO_LARGE: { status: 413, kind: 'limit' },
  GATEWAY_MALFORMED_RESPONSE: { status: 503, kind: 'protocol' },
  GATEWAY_DOMAIN_NOT_LISTED: { status: 421, kind: 'input' },
};

export function gatewayError(
  code: GatewayErrorCode,
  message: string,
  details: Record<string, unknown> = {},
  cause?: unknown,
): CitadelError {
  return new CitadelError(GATEWAY_ERROR_STATUS[code].kind, code, message, details, { cause });
}
