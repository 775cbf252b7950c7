import { CitadelError } from '@citadel/protocol';
import type { ErrorKind } from '@citadel/protocol';

/**
 * Stable codes of ingress validation failures (IC validator ingress_validation.rs; digest §2,
 * §3.4). Every one answers with the IC's HTTP status and message text. The values shared with
 * the interim `ingress/` module (commit 82fba3e) are kept, since the HTTP layer already
 * reports them in `x-citadel-error-code`.
 */
export const IngressErrorCode = {
  /**
   * The envelope or its content cannot be read: not a map, a field missing or of the wrong type
   * or size, or `sender_pubkey` without `sender_sig` (the IC's "Could not parse body as …").
   */
  MALFORMED: 'REPLICA_INGRESS_MALFORMED',
  /** `request_type` does not match the endpoint the request was sent to. */
  WRONG_REQUEST_TYPE: 'REPLICA_INGRESS_WRONG_REQUEST_TYPE',
  /** A call whose argument and method name exceed the 2 MiB ingress limit (413). */
  MESSAGE_TOO_LARGE: 'REPLICA_INGRESS_MESSAGE_TOO_LARGE',
  /**
   * The content, or a delegation, holds more CBOR items than any request within the limits
   * can (fields the spec does not define); refused before hashing, which costs one SHA-256
   * per item.
   */
  TOO_MANY_ITEMS: 'REPLICA_INGRESS_TOO_MANY_ITEMS',
  /** More than 1000 read_state paths. */
  TOO_MANY_PATHS: 'REPLICA_INGRESS_TOO_MANY_PATHS',
  /** A read_state path with more than 127 labels. */
  PATH_TOO_LONG: 'REPLICA_INGRESS_PATH_TOO_LONG',
  /** A nonce longer than 32 bytes. */
  NONCE_TOO_BIG: 'REPLICA_INGRESS_NONCE_TOO_BIG',
  /** `ingress_expiry` is in the past or more than 5 min 30 s ahead; the agent then syncs time. */
  EXPIRY: 'REPLICA_INGRESS_EXPIRY',
  /** A non-anonymous sender without `sender_pubkey` and `sender_sig`. */
  MISSING_SIGNATURE: 'REPLICA_INGRESS_MISSING_SIGNATURE',
  /** The anonymous sender with a key, signature or delegation. */
  ANONYMOUS_SIGNED: 'REPLICA_INGRESS_ANONYMOUS_SIGNED',
  /** `sender` is not the self-authenticating principal of `sender_pubkey`. */
  SENDER_KEY_MISMATCH: 'REPLICA_INGRESS_SENDER_KEY_MISMATCH',
  /** `sender_sig` does not verify (or its key cannot be used). */
  INVALID_SIGNATURE: 'REPLICA_INGRESS_INVALID_SIGNATURE',
  /** A delegation is badly signed, has unusable targets or permissions, or its key is unusable. */
  INVALID_DELEGATION: 'REPLICA_INGRESS_INVALID_DELEGATION',
  /** More than 20 delegations. */
  TOO_MANY_DELEGATIONS: 'REPLICA_INGRESS_TOO_MANY_DELEGATIONS',
  /** A delegation with more than 1000 targets. */
  TOO_MANY_TARGETS: 'REPLICA_INGRESS_TOO_MANY_TARGETS',
  /** A public key appears twice in the chain (cycle or self-delegation). */
  DELEGATION_CYCLE: 'REPLICA_INGRESS_DELEGATION_CYCLE',
  /** A delegation whose expiration is before now. */
  DELEGATION_EXPIRED: 'REPLICA_INGRESS_DELEGATION_EXPIRED',
  /** A delegation limited to queries was used for an update call. */
  DELEGATION_NOT_PERMITTED: 'REPLICA_INGRESS_DELEGATION_NOT_PERMITTED',
  /** The target canister is outside the delegations' targets. */
  NOT_A_DELEGATION_TARGET: 'REPLICA_INGRESS_NOT_A_DELEGATION_TARGET',
} as const;

/** One of the {@link IngressErrorCode} strings. */
export type IngressErrorCode = (typeof IngressErrorCode)[keyof typeof IngressErrorCode];

/** HTTP status of a refused request. The IC answers every validation failure with 400. */
export type IngressHttpStatus = 400 | 403 | 413;

/**
 * A request the replica refuses before execution. The HTTP layer answers `httpStatus` with
 * `message` as text/plain; the messages follow the IC's own texts so clients react alike
 * (the agent re-syncs its clock on the `Invalid request expiry: ` prefix).
 */
export class IngressError extends CitadelError {
  readonly httpStatus: IngressHttpStatus;

  constructor(
    kind: ErrorKind,
    code: IngressErrorCode,
    message: string,
    details: Record<string, unknown> = {},
    options: { httpStatus?: IngressHttpStatus; cause?: unknown } = {},
  ) {
    super(
      kind,
      code,
      message,
      details,
      options.cause === undefined ? undefined : { cause: options.cause },
    );
    this.name = 'IngressError';
    this.httpStatus = options.httpStatus ?? 400;
  }
}
