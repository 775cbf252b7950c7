import type { RequestId, SignatureVerifier } from '@citadel/protocol';

/** The three ingress endpoints (digest §1.1). */
export type IngressEndpoint = 'call' | 'query' | 'read_state';

/** Fields every request content carries (interface spec "Request content"). */
export interface CommonContent {
  /** The claimed sender principal (≤ 29 bytes); authenticated by the envelope. */
  readonly sender: Uint8Array;
  /** Nanoseconds since the epoch after which the request must not be processed. */
  readonly ingressExpiryNs: bigint;
  /** Optional blob that makes otherwise identical requests distinct (≤ 32 bytes). */
  readonly nonce?: Uint8Array;
}

/** Content of an update call. */
export interface CallContent extends CommonContent {
  readonly requestType: 'call';
  readonly canisterId: Uint8Array;
  readonly methodName: string;
  readonly arg: Uint8Array;
}

/** Content of a query. */
export interface QueryContent extends CommonContent {
  readonly requestType: 'query';
  readonly canisterId: Uint8Array;
  readonly methodName: string;
  readonly arg: Uint8Array;
}

/** Content of a read_state request. */
export interface ReadStateContent extends CommonContent {
  readonly requestType: 'read_state';
  /** Requested state-tree paths, each a list of labels. */
  readonly paths: Uint8Array[][];
}

/** Typed content of any ingress request. */
export type RequestContent = CallContent | QueryContent | ReadStateContent;

/** A request whose envelope passed every check. */
export interface ValidatedRequest {
  /** hash_of_map of the content exactly as received. */
  readonly requestId: RequestId;
  /** The authenticated sender (the anonymous principal `0x04` for unsigned requests). */
  readonly sender: Uint8Array;
  readonly content: RequestContent;
  /** Intersection of all delegation targets; null when unrestricted. */
  readonly targets: readonly Uint8Array[] | null;
}

/** Parameters of `validateEnvelope`. */
export interface ValidateEnvelopeParams {
  /** The endpoint the envelope was posted to; `request_type` must match it. */
  readonly endpoint: IngressEndpoint;
  /** The replica's current time in nanoseconds since the epoch. */
  readonly nowNs: bigint;
  /** The effective canister id from the URL; stands in for the management canister in target checks. */
  readonly effectiveCanisterId: Uint8Array;
  /** Signature registry (only `verify` is used): `createSignatureVerifier()` plus WebAuthn / canister-signature plug-ins. */
  readonly verifier: Pick<SignatureVerifier, 'verify'>;
}
