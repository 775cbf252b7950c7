import { bytesToHex } from '@citadel/protocol';
import type { Reject } from './reject.js';

/** Status of an ingress message as `/request_status/<id>/status` shows it. */
export type IngressStatus =
  | { readonly status: 'received' | 'processing' }
  | { readonly status: 'replied'; readonly reply: Uint8Array }
  | { readonly status: 'rejected'; readonly reject: Reject }
  | { readonly status: 'done' };

/** What the replica remembers about one ingress message until well after its expiry. */
export interface IngressRecord {
  readonly requestId: Uint8Array;
  readonly sender: Uint8Array;
  /** The canister the call was addressed to, for delegation-target checks when reading its status. */
  readonly receiver: Uint8Array;
  readonly expiryNs: bigint;
  state: IngressStatus;
  /** Round-end time at which the current state was set; terminal states become `done` later. */
  updatedAtNs: bigint;
}

const toKey = bytesToHex;

/**
 * The ingress history: replay protection and the source of `request_status` in the state tree.
 * Terminal entries turn into `done` once their expiry has passed and are dropped a while later,
 * as on the IC, so the certified tree stays small.
 */
export class IngressHistory {
  readonly #records = new Map<string, IngressRecord>();

  get(requestId: Uint8Array): IngressRecord | undefined {
    return this.#records.get(toKey(requestId));
  }

  has(requestId: Uint8Array): boolean {
    return this.#records.has(toKey(requestId));
  }

  add(record: IngressRecord): void {
    this.#records.set(toKey(record.requestId), record);
  }

  values(): IterableIterator<IngressRecord> {
    return this.#records.values();
  }

  get size(): number {
    return this.#records.size;
  }

  /**
   * Ages the history at a round boundary: answers whose expiry passed become `done` (their
   * payload is no longer needed for replay protection), and `done` entries older than
   * `forgetAfterNs` are forgotten.
   */
  prune(nowNs: bigint, forgetAfterNs: bigint): void {
    for (const [key, record] of this.#records) {
      const terminal = record.state.status === 'replied' || record.state.status === 'rejected';
      if (terminal && record.expiryNs < nowNs) {
        record.state = { status: 'done' };
        record.updatedAtNs = nowNs;
      } else if (record.state.status === 'done' && record.expiryNs + forgetAfterNs < nowNs) {
        this.#records.delete(key);
      }
    }
  }
}
