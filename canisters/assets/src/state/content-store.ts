import { bytesToHex } from '@citadel/protocol';
import type { Table } from './table.js';

/**
 * Encoded content in stable memory, stored once however many assets and releases use it:
 * chunks under the content's id, and per id a reference count — how many encodings of the
 * current assets and of the records kept in undo diffs name it (see `release-log.ts`). Content
 * goes when its count drops to zero.
 *
 * The id is the SHA-256 the uploader declared (the hash the content is certified with: the
 * canister cannot afford to recompute it), the length and a fingerprint of the bytes (the
 * first and last 8), so a re-deploy of an unchanged file writes no bytes. The fingerprint is
 * there because the hash is the client's: two uploads may declare the same hash for different
 * bytes (a wrong hash, which gateways refuse anyway), and each must get back its own bytes.
 * The id is a function of the content alone, so equal assets always make equal records.
 */

interface ContentRecord {
  /** References from current assets and from kept undo diffs; never below 1 while stored. */
  readonly refs: number;
  readonly chunks: number;
  readonly length: number;
}

/** What the store needs of an encoding to file it. */
export interface EncodedContent {
  readonly sha256: Uint8Array;
  readonly totalLength: number;
  readonly chunks: readonly Uint8Array[];
}

const FINGERPRINT_BYTES = 8;

function fingerprint(chunks: readonly Uint8Array[]): string {
  const first = chunks[0] ?? new Uint8Array(0);
  const last = chunks.at(-1) ?? first;
  return `${bytesToHex(first.subarray(0, FINGERPRINT_BYTES))}${bytesToHex(
    last.subarray(Math.max(0, last.length - FINGERPRINT_BYTES)),
  )}`;
}

const chunkKey = (id: string, index: number) => `${id}#${index}`;

export class ContentStore {
  readonly #contents: Table<string>;
  readonly #chunks: Table<Uint8Array>;

  constructor(contents: Table<string>, chunks: Table<Uint8Array>) {
    this.#contents = contents;
    this.#chunks = chunks;
  }

  /** The id `content` is stored under (whether it is stored or not). */
  idOf(content: EncodedContent): string {
    return `${bytesToHex(content.sha256)}:${content.totalLength}:${fingerprint(content.chunks)}`;
  }

  /** Adds a reference to `content`, storing it if it is not stored yet; returns its id. */
  acquire(content: EncodedContent): string {
    const id = this.idOf(content);
    const record = this.#record(id);
    if (record !== undefined) {
      this.#contents.insert(id, JSON.stringify({ ...record, refs: record.refs + 1 }));
      return id;
    }
    content.chunks.forEach((chunk, index) => {
      this.#chunks.insert(chunkKey(id, index), chunk);
    });
    const created: ContentRecord = {
      refs: 1,
      chunks: content.chunks.length,
      length: content.totalLength,
    };
    this.#contents.insert(id, JSON.stringify(created));
    return id;
  }

  /** Drops a reference to `id`; the content goes with its last reference. */
  release(id: string): void {
    const record = this.#record(id);
    if (record === undefined) {
      throw new Error(`content ${id} released but not stored`);
    }
    if (record.refs > 1) {
      this.#contents.insert(id, JSON.stringify({ ...record, refs: record.refs - 1 }));
      return;
    }
    for (let index = 0; index < record.chunks; index++) {
      this.#chunks.remove(chunkKey(id, index));
    }
    this.#contents.remove(id);
  }

  /** The chunks stored under `id`. */
  load(id: string): Uint8Array[] {
    const record = this.#record(id);
    if (record === undefined) {
      throw new Error(`content ${id} is not stored`);
    }
    const chunks: Uint8Array[] = [];
    for (let index = 0; index < record.chunks; index++) {
      const chunk = this.#chunks.get(chunkKey(id, index));
      if (chunk === undefined) {
        throw new Error(`chunk ${index} of content ${id} is missing`);
      }
      chunks.push(chunk);
    }
    return chunks;
  }

  /** The reference count of `id` (0 when not stored). */
  refs(id: string): number {
    return this.#record(id)?.refs ?? 0;
  }

  #record(id: string): ContentRecord | undefined {
    const text = this.#contents.get(id);
    return text === undefined ? undefined : (JSON.parse(text) as ContentRecord);
  }
}
