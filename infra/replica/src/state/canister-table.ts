import { bytesToHex, canisterIdFromIndex, principalToText } from '@citadel/protocol';
import type { CanisterRecord } from './canister.js';
import { defaultSettings } from './canister.js';

/** Parameters of `CanisterTable.create`. */
export interface CreateCanisterParams {
  readonly controllers: Uint8Array[];
  readonly cyclesBalance: bigint;
  readonly nowNs: bigint;
  /** `specified_id` of `provisional_create_canister_with_cycles`; otherwise the next free index. */
  readonly specifiedId?: Uint8Array;
}

/**
 * All canisters of the subnet, keyed by id. Ids are handed out from an increasing index and
 * never reused, also after deletion (interface spec: "canister ids are never reused").
 */
export class CanisterTable {
  readonly #byId = new Map<string, CanisterRecord>();
  readonly #retired = new Set<string>();
  #nextIndex: bigint;

  constructor(nextIndex = 0n) {
    this.#nextIndex = nextIndex;
  }

  get nextIndex(): bigint {
    return this.#nextIndex;
  }

  get size(): number {
    return this.#byId.size;
  }

  /** Never hands out an index-allocated id below `index` (ids that may have been used before). */
  reserveBelow(index: bigint): void {
    if (index > this.#nextIndex) {
      this.#nextIndex = index;
    }
  }

  get(id: Uint8Array): CanisterRecord | undefined {
    return this.#byId.get(bytesToHex(id));
  }

  values(): IterableIterator<CanisterRecord> {
    return this.#byId.values();
  }

  /** True when `id` is taken now or was taken by a deleted canister. */
  isUsed(id: Uint8Array): boolean {
    return this.#byId.has(bytesToHex(id)) || this.#retired.has(bytesToHex(id));
  }

  create(params: CreateCanisterParams): CanisterRecord {
    let id = params.specifiedId;
    if (!id) {
      do {
        id = canisterIdFromIndex(this.#nextIndex);
        this.#nextIndex += 1n;
      } while (this.isUsed(id));
    }
    const record: CanisterRecord = {
      id,
      idText: principalToText(id),
      controllers: params.controllers,
      status: 'running',
      cyclesBalance: params.cyclesBalance,
      version: 0n,
      certifiedData: new Uint8Array(0),
      globalTimerNs: 0n,
      code: null,
      chunkStore: new Map(),
      settings: defaultSettings(),
      createdAtNs: params.nowNs,
      lastInstallNs: null,
      openCallContexts: 0,
    };
    this.#byId.set(bytesToHex(id), record);
    return record;
  }

  /** Restores a record from a checkpoint without touching the id counter. */
  restore(record: CanisterRecord): void {
    this.#byId.set(bytesToHex(record.id), record);
  }

  delete(id: Uint8Array): void {
    this.#byId.delete(bytesToHex(id));
    this.#retired.add(bytesToHex(id));
  }

  retired(): string[] {
    return [...this.#retired];
  }

  retire(idHex: string): void {
    this.#retired.add(idHex);
  }
}
