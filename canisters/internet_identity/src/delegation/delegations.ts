import {
  encodeCanisterSignaturePublicKeyDer,
  encodeCbor,
  selfAuthenticatingPrincipal,
} from '@citadel/protocol';
import { sha256 } from '@noble/hashes/sha2.js';
import {
  DEFAULT_SESSION_TTL_NS,
  IDENTITY_LIMITS,
  type IdentityLimits,
  MAX_SESSION_TTL_NS,
} from '../identity/limits.js';
import { checkFrontend, checkSessionKey } from '../identity/validation.js';
import { delegationMessageHash } from './delegation-hash.js';
import { deriveSeed } from './seed.js';
import { SignatureMap } from './signature-map.js';

/** Who signs: the identity canister's id and its salt. */
export interface Signer {
  /** The identity canister's principal bytes. */
  readonly canisterId: Uint8Array;
  /** The 32-byte salt every seed includes (II §3.5). */
  readonly salt: Uint8Array;
}

/** The session a dApp asks for: one anchor, one frontend, one session key. */
export interface SessionRequest {
  readonly anchor: bigint;
  /** The frontend origin (e.g. `http://localhost:5173`); it decides the principal. */
  readonly frontend: string;
  /** The DER public key of the dApp's session key. */
  readonly sessionKey: Uint8Array;
}

/** A delegation from the user key to a session key, with its canister signature. */
export interface SignedDelegation {
  readonly delegation: { readonly pubkey: Uint8Array; readonly expirationNs: bigint };
  /** CBOR (tag 55799) `{certificate, tree}` (II §3.2). */
  readonly signature: Uint8Array;
}

export interface DelegationsOptions {
  readonly limits?: Partial<IdentityLimits>;
  readonly signatures?: SignatureMap;
}

/** A byte string as a string of one character per byte, to key maps by. */
const keyOf = (bytes: Uint8Array) => String.fromCharCode(...bytes);

/**
 * Delegations from an anchor's per-frontend user key to dApp session keys (II §3, §4.4):
 * `prepare` signs one (an update: it adds the signature to the certified signature map),
 * `get` hands it out with a data certificate (a query). The user key is the canister-signature
 * key of the seed of (salt, anchor, frontend), so each frontend sees its own principal.
 */
export class Delegations {
  readonly signatures: SignatureMap;
  readonly #limits: IdentityLimits;

  constructor(options: DelegationsOptions = {}) {
    this.#limits = Object.freeze({ ...IDENTITY_LIMITS, ...options.limits });
    this.signatures = options.signatures ?? new SignatureMap();
  }

  /** The user key of `anchor` at `frontend`: a canister-signature DER key (II §3.1). */
  userKey(signer: Signer, anchor: bigint, frontend: string): Uint8Array {
    const seed = deriveSeed(signer.salt, anchor, this.#frontendBytes(frontend));
    return encodeCanisterSignaturePublicKeyDer(signer.canisterId, seed);
  }

  /** The principal `anchor` has at `frontend`: `selfAuthenticating(userKey)`. */
  principal(signer: Signer, anchor: bigint, frontend: string): Uint8Array {
    return selfAuthenticatingPrincipal(this.userKey(signer, anchor, frontend));
  }

  /**
   * Signs a delegation to the session key that expires `maxTimeToLiveNs` from now (30
   * minutes if absent, 30 days at most), and returns the user key and the expiration.
   * The caller must then set the certified data to `signatures.certifiedData()`.
   */
  prepare(
    signer: Signer,
    request: SessionRequest,
    maxTimeToLiveNs: bigint | undefined,
    nowNs: bigint,
  ): { userKey: Uint8Array; expirationNs: bigint } {
    const frontend = this.#frontendBytes(request.frontend);
    this.#checkSessionKey(request.sessionKey);
    const ttlNs = maxTimeToLiveNs ?? DEFAULT_SESSION_TTL_NS;
    const expirationNs = nowNs + (ttlNs < MAX_SESSION_TTL_NS ? ttlNs : MAX_SESSION_TTL_NS);
    const seed = deriveSeed(signer.salt, request.anchor, frontend);
    this.signatures.add(
      requestId(request, frontend, expirationNs),
      sha256(seed),
      delegationMessageHash(request.sessionKey, expirationNs),
      nowNs,
    );
    return { userKey: encodeCanisterSignaturePublicKeyDer(signer.canisterId, seed), expirationNs };
  }

  /**
   * The delegation `prepare` signed for exactly this request and expiration, with its
   * signature over `certificate` (the data certificate of the current query), or undefined
   * when there is none or its signature expired. Costs no hashing: the entry is found by the
   * request, which determines its hashes.
   */
  get(
    request: SessionRequest,
    expirationNs: bigint,
    certificate: Uint8Array,
    nowNs: bigint,
  ): SignedDelegation | undefined {
    const frontend = this.#frontendBytes(request.frontend);
    this.#checkSessionKey(request.sessionKey);
    const tree = this.signatures.witness(requestId(request, frontend, expirationNs), nowNs);
    if (tree === undefined) {
      return undefined;
    }
    return {
      delegation: { pubkey: request.sessionKey, expirationNs },
      signature: encodeCbor({ certificate, tree }),
    };
  }

  #frontendBytes(frontend: string): Uint8Array {
    const checked = checkFrontend(frontend, this.#limits);
    if (!checked.ok) {
      throw checked.error;
    }
    return checked.bytes;
  }

  #checkSessionKey(sessionKey: Uint8Array): void {
    const problem = checkSessionKey(sessionKey, this.#limits);
    if (problem !== undefined) {
      throw problem;
    }
  }
}

/** What determines a signature's place in the tree, as a map key. */
function requestId(request: SessionRequest, frontend: Uint8Array, expirationNs: bigint): string {
  return JSON.stringify([
    request.anchor.toString(),
    keyOf(frontend),
    keyOf(request.sessionKey),
    expirationNs.toString(),
  ]);
}
