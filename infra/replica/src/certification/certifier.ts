import type { StateTree } from '@citadel/protocol';
import { encodeCertificate, hashStateTree, stateRootMessage, witness } from '@citadel/protocol';

/** Anything that produces the subnet's BLS signature over a message (the threshold signer in production). */
export interface StateSigner {
  sign(message: Uint8Array): Uint8Array;
}

/** A state tree whose root the subnet has signed. */
export interface CertifiedState {
  readonly height: number;
  readonly timeNs: bigint;
  readonly tree: StateTree;
  readonly rootHash: Uint8Array;
  readonly signature: Uint8Array;
}

export type LabelPath = readonly (Uint8Array | string)[];

/**
 * Signs each round's state root and cuts certificates from the latest signed tree. Every
 * certificate handed out is a witness of exactly the tree that was signed, so its
 * reconstructed root matches the signature (ic-protocol.md §4.2).
 */
export class Certifier {
  readonly #signer: StateSigner;
  #latest: CertifiedState | null = null;

  constructor(signer: StateSigner) {
    this.#signer = signer;
  }

  certify(tree: StateTree, timeNs: bigint): CertifiedState {
    const rootHash = hashStateTree(tree);
    const signature = this.#signer.sign(stateRootMessage(rootHash));
    this.#latest = {
      height: (this.#latest?.height ?? 0) + 1,
      timeNs,
      tree,
      rootHash,
      signature,
    };
    return this.#latest;
  }

  get latest(): CertifiedState | null {
    return this.#latest;
  }

  /** A CBOR certificate revealing `paths` (and always `/time`) from `state`. */
  certificate(state: CertifiedState, paths: readonly LabelPath[]): Uint8Array {
    const tree = witness(state.tree, [...paths, ['time']]);
    return encodeCertificate({ tree, signature: state.signature });
  }
}
