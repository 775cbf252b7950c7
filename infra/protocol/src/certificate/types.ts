import type { HashTree } from '../hash-tree/types.js';

/**
 * A subnet delegation (interface spec "Delegation"): a certificate signed by the root key that
 * shows the subnet's public key and canister ranges.
 */
export interface CertificateDelegation {
  /** The delegated subnet's principal bytes. */
  readonly subnetId: Uint8Array;
  /** The CBOR-encoded delegation certificate (itself without a delegation). */
  readonly certificate: Uint8Array;
}

/** A decoded certificate (interface spec "Certificate encoding"). */
export interface Certificate {
  /** The pruned state tree whose root the signature covers. */
  readonly tree: HashTree;
  /** 48-byte BLS signature over `0x0D "ic-state-root" ‖ reconstruct(tree)`. */
  readonly signature: Uint8Array;
  /** Absent for certificates signed by the root key itself. */
  readonly delegation?: CertificateDelegation;
}
