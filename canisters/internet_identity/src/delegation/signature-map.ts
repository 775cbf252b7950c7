import { type HashTree, reconstruct } from '@citadel/protocol';
import { SIGNATURES_PRUNED_PER_ADD, SIGNATURE_TTL_NS } from '../identity/limits.js';
import { CertifiedMap } from './certified-map.js';

/**
 * The canister signatures the canister has made and not yet forgotten (II §3.4, after
 * `ic-canister-sig-creation`'s `SignatureMap`): a certified tree
 * `sig → sha256(seed) → message hash → ""` whose root, under the label `sig`, is the
 * canister's certified data. A signature is that tree's witness of one path plus a data
 * certificate, so "signing" is adding a path and certifying the new root.
 *
 * Each entry lives {@link SIGNATURE_TTL_NS} (1 minute): long enough for the client's
 * `get_delegation` query. Expired entries are never handed out; each {@link SignatureMap.add}
 * removes up to {@link SIGNATURES_PRUNED_PER_ADD} of them, oldest first. The map lives on the
 * heap only: an upgrade empties it, and clients simply prepare again.
 *
 * Entries are also found by an id the caller chooses (the delegation request that produced
 * them), so that a query can look one up without recomputing its hashes.
 */

const SIG = new TextEncoder().encode('sig');
const EMPTY_LEAF = new Uint8Array(0);

/** One signature: where it sits in the tree, and until when it is handed out. */
interface Entry {
  readonly seedHash: Uint8Array;
  readonly messageHash: Uint8Array;
  expiresAtNs: bigint;
}

export interface SignatureMapOptions {
  /** How long an entry is handed out after it is added. @default SIGNATURE_TTL_NS */
  readonly ttlNs?: bigint;
  /** Most expired entries one `add` removes. @default SIGNATURES_PRUNED_PER_ADD */
  readonly prunePerAdd?: number;
}

/** The canister's signatures: see the module comment. */
export class SignatureMap {
  readonly #ttlNs: bigint;
  readonly #prunePerAdd: number;
  /** sha256(seed) → (message hash → empty leaf). */
  readonly #tree = new CertifiedMap();
  readonly #entries = new Map<string, Entry>();
  /**
   * Ids in the order their expiry was set, with that expiry. The IC's time never goes back
   * and every entry lives equally long, so this is also expiry order; an id re-added later
   * leaves a stale record here, skipped when reached.
   */
  #queue: { readonly id: string; readonly expiresAtNs: bigint }[] = [];
  #queueStart = 0;

  constructor(options: SignatureMapOptions = {}) {
    this.#ttlNs = options.ttlNs ?? SIGNATURE_TTL_NS;
    this.#prunePerAdd = options.prunePerAdd ?? SIGNATURES_PRUNED_PER_ADD;
  }

  /** How many entries are held, expired ones not yet pruned included. */
  get size(): number {
    return this.#entries.size;
  }

  /**
   * Adds the signature of `messageHash` under `seedHash` (or renews it: it is then handed
   * out for another full period), after pruning expired entries. Returns how many it pruned.
   * Set the canister's certified data to {@link certifiedData} afterwards, in the same call.
   */
  add(id: string, seedHash: Uint8Array, messageHash: Uint8Array, nowNs: bigint): number {
    const pruned = this.prune(nowNs, this.#prunePerAdd);
    const expiresAtNs = nowNs + this.#ttlNs;
    const existing = this.#entries.get(id);
    if (existing !== undefined) {
      existing.expiresAtNs = expiresAtNs;
    } else {
      this.#entries.set(id, { seedHash, messageHash, expiresAtNs });
      const messages = this.#tree.get(seedHash);
      const submap = messages instanceof CertifiedMap ? messages : new CertifiedMap();
      submap.set(messageHash, EMPTY_LEAF);
      this.#tree.set(seedHash, submap);
    }
    this.#queue.push({ id, expiresAtNs });
    return pruned;
  }

  /** Removes up to `max` entries that expired at or before `nowNs`, oldest first; returns how many. */
  prune(nowNs: bigint, max: number): number {
    let pruned = 0;
    while (pruned < max && this.#queueStart < this.#queue.length) {
      const next = this.#queue[this.#queueStart] as { id: string; expiresAtNs: bigint };
      if (next.expiresAtNs > nowNs) {
        break;
      }
      this.#queueStart++;
      const entry = this.#entries.get(next.id);
      if (entry === undefined || entry.expiresAtNs !== next.expiresAtNs) {
        continue; // renewed since: a later record stands for it
      }
      this.#entries.delete(next.id);
      this.#removeFromTree(entry);
      pruned++;
    }
    if (this.#queueStart > 64 && this.#queueStart * 2 > this.#queue.length) {
      this.#queue = this.#queue.slice(this.#queueStart);
      this.#queueStart = 0;
    }
    return pruned;
  }

  /**
   * The signature tree of entry `id` — `labeled("sig", witness)`, everything off its path
   * pruned — or undefined when there is no such entry or it has expired.
   */
  witness(id: string, nowNs: bigint): HashTree | undefined {
    const entry = this.#entries.get(id);
    if (entry === undefined || entry.expiresAtNs <= nowNs) {
      return undefined;
    }
    return [2, SIG, this.#tree.witness([entry.seedHash, entry.messageHash])];
  }

  /** The canister's certified data: the root hash of `labeled("sig", tree)` (II §3.4). */
  certifiedData(): Uint8Array {
    return reconstruct([2, SIG, [4, this.#tree.rootHash()]]);
  }

  #removeFromTree(entry: Entry): void {
    const messages = this.#tree.get(entry.seedHash);
    if (!(messages instanceof CertifiedMap)) {
      return;
    }
    messages.delete(entry.messageHash);
    if (messages.size === 0) {
      this.#tree.delete(entry.seedHash);
    } else {
      this.#tree.set(entry.seedHash, messages);
    }
  }
}
