import { compareBytes, concatBytes } from '@citadel/protocol';
import { Sha256 } from '../crypto/sha256.js';
import type { BatchOperation } from './asset-store.js';
import type { HeaderField } from './types.js';

/**
 * The "evidence" of a proposed batch: one SHA-256 over a batch's operations and the content
 * they upload, as DFINITY's asset canister computes it for `compute_evidence` and as
 * `ic-asset` (dfx `deploy --by-proposal` / `--compute-evidence`) computes it offline. A
 * reviewer recomputes it from the project's files; `commit_proposed_batch` only runs a batch
 * whose evidence matches the one presented.
 *
 * Byte layout (dfinity/sdk `src/canisters/frontend/ic-certified-assets/src/evidence.rs` and
 * `ic-asset/src/evidence/mod.rs`): every operation, in proposal order, feeds one hasher; strings
 * are their UTF-8 bytes and blobs their raw bytes, with no length prefix; options are tagged
 * `NONE` or `SOME` + value; `nat64` is 8 bytes big-endian; booleans are one tag byte.
 *
 * - `CreateAsset`: `4` key content_type opt(max_age) opt(headers) opt(allow_raw_access)
 *   opt(enable_aliasing). (Raw access before aliasing, unlike the Candid field order.)
 * - `SetAssetContent`: `5` key content_encoding opt(sha256), then the bytes of each chunk
 *   in `chunk_ids` order, or the bytes of `last_chunk` when `chunk_ids` is empty.
 * - `UnsetAssetContent`: `6` key content_encoding.
 * - `DeleteAsset`: `7` key.
 * - `Clear`: `8`.
 * - `SetAssetProperties`: `9` key, then for max_age, headers, allow_raw_access, is_aliased
 *   in that order: `NONE` (leave alone) or `SOME` + opt(value) (`SOME NONE` unsets).
 * - headers: the name/value pairs sorted by name (bytewise, as Rust's `BTreeMap<String, _>`),
 *   each as name then value; a repeated name keeps its last value, as decoding into that map
 *   does.
 *
 * The empty batch's evidence is therefore SHA-256 of nothing, `e3b0c442…b855` (the value
 * dfx's own e2e test presents for an empty proposal).
 */

/** The length of an evidence hash in bytes. */
export const EVIDENCE_BYTES = 32;

/**
 * How many bytes one `compute_evidence` call should hash. Hashing costs about 80 000 Wasm
 * instructions per byte in the canister (Azle's QuickJS), so 256 KiB is about 21 billion
 * instructions: half an update message's 40 billion, leaving room for decoding and the rest
 * of the call.
 */
export const EVIDENCE_BYTES_PER_CALL = 262_144;

const TAG_FALSE = 0;
const TAG_TRUE = 1;
const TAG_NONE = 2;
const TAG_SOME = 3;
const TAG_CREATE_ASSET = 4;
const TAG_SET_ASSET_CONTENT = 5;
const TAG_UNSET_ASSET_CONTENT = 6;
const TAG_DELETE_ASSET = 7;
const TAG_CLEAR = 8;
const TAG_SET_ASSET_PROPERTIES = 9;

/** `#chunkIndex` before a `SetAssetContent`'s header has been hashed. */
const HEADER = -1;

const utf8 = new TextEncoder();

/**
 * Reads an uploaded chunk's bytes by id, or `undefined` when there is no such chunk. Chunks
 * are read when the hashing reaches them, as the official canister does.
 */
export type ChunkReader = (chunkId: bigint) => Uint8Array | undefined;

/** What {@link EvidenceComputation} needs: the proposed operations and the uploaded chunks. */
export interface EvidenceComputationParams {
  readonly operations: readonly BatchOperation[];
  readonly readChunk: ChunkReader;
}

/** The outcome of one {@link EvidenceComputation.step}: the evidence, or "call again". */
export type EvidenceStep =
  | { readonly done: true; readonly evidence: Uint8Array; readonly hashedBytes: number }
  | { readonly done: false; readonly hashedBytes: number };

/**
 * A batch's evidence, computed in bounded steps so that a large batch spreads over several
 * `compute_evidence` calls. Each {@link step} hashes at most its budget of bytes (operation
 * headers and chunk contents alike) and resumes exactly where the previous one stopped, so
 * the result does not depend on the budgets used.
 *
 * @example
 * const computation = new EvidenceComputation({ operations, readChunk: (id) => chunks.get(id) });
 * let result = computation.step(EVIDENCE_BYTES_PER_CALL);
 * while (!result.done) {
 *   result = computation.step(EVIDENCE_BYTES_PER_CALL); // in the canister: the next call
 * }
 */
export class EvidenceComputation {
  readonly #operations: readonly BatchOperation[];
  readonly #readChunk: ChunkReader;
  readonly #hasher = new Sha256();
  /** The operation whose bytes come next. */
  #operationIndex = 0;
  /** Within a `SetAssetContent`: the next chunk to hash, or `HEADER` before its header. */
  #chunkIndex = HEADER;
  /** The not yet hashed rest of the current piece (a header or one chunk's content). */
  #pending: Uint8Array = new Uint8Array(0);
  #evidence: Uint8Array | undefined;

  constructor(params: EvidenceComputationParams) {
    this.#operations = params.operations;
    this.#readChunk = params.readChunk;
  }

  /** The evidence once computed, else `undefined`. */
  get evidence(): Uint8Array | undefined {
    return this.#evidence?.slice();
  }

  /**
   * Hashes up to `budgetBytes` more bytes and finishes the hash when nothing is left. A budget
   * below one byte counts as one, so that a loop of steps always ends; `Infinity` computes the
   * rest in one step. Once done, every further step returns the same evidence.
   */
  step(budgetBytes: number): EvidenceStep {
    if (this.#evidence !== undefined) {
      return { done: true, evidence: this.#evidence.slice(), hashedBytes: 0 };
    }
    let left = budgetBytes >= 1 ? Math.floor(budgetBytes) : 1;
    let hashedBytes = 0;
    while (left > 0) {
      if (this.#pending.length === 0) {
        const piece = this.#nextPiece();
        if (piece === undefined) {
          break;
        }
        this.#pending = piece;
        continue;
      }
      const take = Math.min(left, this.#pending.length);
      this.#hasher.update(this.#pending.subarray(0, take));
      this.#pending = this.#pending.subarray(take);
      left -= take;
      hashedBytes += take;
    }
    if (this.#pending.length === 0 && this.#operationIndex >= this.#operations.length) {
      this.#evidence = this.#hasher.digest();
      return { done: true, evidence: this.#evidence.slice(), hashedBytes };
    }
    return { done: false, hashedBytes };
  }

  /**
   * The next piece to hash, advancing the cursor past it; `undefined` at the end. A chunk id
   * with no chunk adds nothing, and `last_chunk` counts only when `chunk_ids` is empty: both
   * as in the official canister, whose evidence ours must equal.
   */
  #nextPiece(): Uint8Array | undefined {
    while (this.#operationIndex < this.#operations.length) {
      const operation = this.#operations[this.#operationIndex] as BatchOperation;
      if (!('SetAssetContent' in operation)) {
        this.#nextOperation();
        return encodeOperationHeader(operation);
      }
      const { chunk_ids: chunkIds, last_chunk: lastChunk } = operation.SetAssetContent;
      if (this.#chunkIndex === HEADER) {
        this.#chunkIndex = 0;
        if (chunkIds.length === 0 && lastChunk === undefined) {
          this.#nextOperation();
        }
        return encodeOperationHeader(operation);
      }
      if (chunkIds.length === 0) {
        this.#nextOperation();
        if (lastChunk !== undefined) {
          return lastChunk;
        }
        continue;
      }
      const chunkId = chunkIds[this.#chunkIndex] as bigint;
      this.#chunkIndex += 1;
      // Moving on as soon as the last piece is handed out lets `step` finish in the same call.
      if (this.#chunkIndex >= chunkIds.length) {
        this.#nextOperation();
      }
      const content = this.#readChunk(chunkId);
      if (content !== undefined) {
        return content;
      }
    }
    return undefined;
  }

  #nextOperation(): void {
    this.#operationIndex += 1;
    this.#chunkIndex = HEADER;
  }
}

/** An operation's own bytes: everything but a `SetAssetContent`'s content. */
function encodeOperationHeader(operation: BatchOperation): Uint8Array {
  const out = new ByteWriter();
  if ('CreateAsset' in operation) {
    const args = operation.CreateAsset;
    out.tag(TAG_CREATE_ASSET).text(args.key).text(args.content_type);
    out.optNat64(args.max_age).optHeaders(args.headers);
    out.optBool(args.allow_raw_access).optBool(args.enable_aliasing);
  } else if ('SetAssetContent' in operation) {
    const args = operation.SetAssetContent;
    out.tag(TAG_SET_ASSET_CONTENT).text(args.key).text(args.content_encoding);
    out.optBlob(args.sha256);
  } else if ('UnsetAssetContent' in operation) {
    const args = operation.UnsetAssetContent;
    out.tag(TAG_UNSET_ASSET_CONTENT).text(args.key).text(args.content_encoding);
  } else if ('DeleteAsset' in operation) {
    out.tag(TAG_DELETE_ASSET).text(operation.DeleteAsset.key);
  } else if ('Clear' in operation) {
    out.tag(TAG_CLEAR);
  } else {
    const args = operation.SetAssetProperties;
    out.tag(TAG_SET_ASSET_PROPERTIES).text(args.key);
    out.change(args.max_age, (value) => out.optNat64(value));
    out.change(args.headers, (value) => out.optHeaders(value));
    out.change(args.allow_raw_access, (value) => out.optBool(value));
    out.change(args.is_aliased, (value) => out.optBool(value));
  }
  return out.bytes();
}

/** Collects the pieces of one operation's encoding. */
class ByteWriter {
  readonly #parts: Uint8Array[] = [];

  tag(tag: number): this {
    this.#parts.push(Uint8Array.of(tag));
    return this;
  }

  text(value: string): this {
    this.#parts.push(utf8.encode(value));
    return this;
  }

  optBlob(value: Uint8Array | undefined): this {
    if (value === undefined) {
      return this.tag(TAG_NONE);
    }
    this.tag(TAG_SOME);
    this.#parts.push(value);
    return this;
  }

  optBool(value: boolean | undefined): this {
    return value === undefined
      ? this.tag(TAG_NONE)
      : this.tag(TAG_SOME).tag(value ? TAG_TRUE : TAG_FALSE);
  }

  optNat64(value: bigint | undefined): this {
    if (value === undefined) {
      return this.tag(TAG_NONE);
    }
    const bytes = new Uint8Array(8);
    new DataView(bytes.buffer).setBigUint64(0, value);
    this.tag(TAG_SOME);
    this.#parts.push(bytes);
    return this;
  }

  optHeaders(headers: readonly HeaderField[] | undefined): this {
    if (headers === undefined) {
      return this.tag(TAG_NONE);
    }
    this.tag(TAG_SOME);
    for (const [name, value] of sortedHeaders(headers)) {
      this.#parts.push(name, value);
    }
    return this;
  }

  /** A `SetAssetProperties` field: absent is `NONE`, present is `SOME` + opt(value). */
  change<T>(
    field: { readonly value: T | null } | undefined,
    inner: (value: T | undefined) => void,
  ): this {
    if (field === undefined) {
      return this.tag(TAG_NONE);
    }
    this.tag(TAG_SOME);
    inner(field.value ?? undefined);
    return this;
  }

  bytes(): Uint8Array {
    return concatBytes(this.#parts);
  }
}

/** Headers as the official canister's `BTreeMap` holds them: last value per name, by name. */
function sortedHeaders(headers: readonly HeaderField[]): [Uint8Array, Uint8Array][] {
  const byName = new Map<string, string>();
  for (const [name, value] of headers) {
    byName.set(name, value);
  }
  return [...byName]
    .map(([name, value]): [Uint8Array, Uint8Array] => [utf8.encode(name), utf8.encode(value)])
    .sort(([a], [b]) => compareBytes(a, b));
}
