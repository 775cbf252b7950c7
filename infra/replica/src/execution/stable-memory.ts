import { Buffer } from 'node:buffer';
import { createInvalidSnapshotError } from './errors.js';
import { WASM_PAGE_BYTES } from './wasm-js-api.js';

/**
 * A canister's stable memory (interface spec "Stable memory"): zero-initialised 64 KiB pages
 * that survive upgrades. Pages are stored sparsely and shared copy-on-write, so
 *
 * - a transaction records only the pages it touches, and rolling back restores those pages
 *   instead of copying the whole memory (pitfall 16);
 * - {@link StableMemory.fork} is O(pages touched so far), not O(bytes), which is what
 *   `CanisterInstance.stableMemory()` hands to the next module version on upgrade.
 *
 * Invariant: a page object may be shared by several memories; it is mutated in place only if
 * it is in `writable`, which is cleared whenever sharing or a new transaction starts.
 */
export class StableMemory {
  /** Default cap: 4 GiB (65 536 pages). The IC allows 500 GiB; a local replica rarely needs it. */
  static readonly DEFAULT_MAX_PAGES = 65_536n;

  private pages = new Map<number, Uint8Array>();
  private sizePagesValue = 0;
  private readonly writable = new Set<number>();
  private journal: { sizePages: number; pages: Map<number, Uint8Array | undefined> } | undefined;

  private constructor(readonly maxPages: bigint) {}

  /** An empty stable memory. */
  static create(maxPages: bigint = StableMemory.DEFAULT_MAX_PAGES): StableMemory {
    return new StableMemory(maxPages);
  }

  /** A stable memory holding `bytes`; throws REPLICA_EXEC_INVALID_SNAPSHOT unless the length is a multiple of 64 KiB. */
  static fromBytes(
    bytes: Uint8Array,
    maxPages: bigint = StableMemory.DEFAULT_MAX_PAGES,
  ): StableMemory {
    if (bytes.length % WASM_PAGE_BYTES !== 0) {
      throw createInvalidSnapshotError(
        `stable memory size ${bytes.length} is not a multiple of 64 KiB`,
      );
    }
    const memory = new StableMemory(maxPages);
    memory.sizePagesValue = bytes.length / WASM_PAGE_BYTES;
    for (let page = 0; page < memory.sizePagesValue; page++) {
      const chunk = bytes.subarray(page * WASM_PAGE_BYTES, (page + 1) * WASM_PAGE_BYTES);
      // Zero pages stay implicit, so a mostly empty memory stays cheap to hold (native memcmp).
      if (!Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length).equals(ZERO_PAGE)) {
        memory.pages.set(page, chunk.slice());
      }
    }
    return memory;
  }

  /**
   * A stable memory of `sizePages` pages whose non-zero pages are `pages` (index → 64 KiB of
   * bytes, taken over without a copy), as a sparse checkpoint image stores them.
   * @throws CitadelError `REPLICA_EXEC_INVALID_SNAPSHOT` for a page outside the size or not 64 KiB.
   */
  static fromPages(
    sizePages: number,
    pages: Iterable<readonly [page: number, bytes: Uint8Array]>,
    maxPages: bigint = StableMemory.DEFAULT_MAX_PAGES,
  ): StableMemory {
    const memory = new StableMemory(maxPages);
    memory.sizePagesValue = sizePages;
    for (const [page, bytes] of pages) {
      if (!Number.isInteger(page) || page < 0 || page >= sizePages) {
        throw createInvalidSnapshotError(`stable page ${page} lies outside ${sizePages} pages`);
      }
      if (bytes.length !== WASM_PAGE_BYTES) {
        throw createInvalidSnapshotError(`stable page ${page} has ${bytes.length} bytes`);
      }
      memory.pages.set(page, bytes);
    }
    return memory;
  }

  /** Current size in 64 KiB pages. */
  get sizePages(): number {
    return this.sizePagesValue;
  }

  /** Current size in bytes. */
  get sizeBytes(): number {
    return this.sizePagesValue * WASM_PAGE_BYTES;
  }

  /** Grows by `deltaPages`; returns the previous size in pages, or -1 past the cap (never throws). */
  grow(deltaPages: bigint): bigint {
    const old = BigInt(this.sizePagesValue);
    if (deltaPages < 0n || old + deltaPages > this.maxPages) {
      return -1n;
    }
    this.sizePagesValue = Number(old + deltaPages);
    return old;
  }

  /** True when `[offset, offset + length)` lies inside the memory. */
  contains(offset: bigint, length: bigint): boolean {
    return offset + length <= BigInt(this.sizeBytes);
  }

  /** Copies `length` bytes starting at `offset` into `target[targetOffset..]`; caller checks bounds. */
  readInto(offset: number, length: number, target: Uint8Array, targetOffset: number): void {
    let done = 0;
    while (done < length) {
      const at = offset + done;
      const page = Math.floor(at / WASM_PAGE_BYTES);
      const inPage = at % WASM_PAGE_BYTES;
      const n = Math.min(length - done, WASM_PAGE_BYTES - inPage);
      const data = this.pages.get(page);
      if (data === undefined) {
        target.fill(0, targetOffset + done, targetOffset + done + n);
      } else {
        target.set(data.subarray(inPage, inPage + n), targetOffset + done);
      }
      done += n;
    }
  }

  /** Writes `source` at `offset`; caller checks bounds. */
  write(offset: number, source: Uint8Array): void {
    let done = 0;
    while (done < source.length) {
      const at = offset + done;
      const page = Math.floor(at / WASM_PAGE_BYTES);
      const inPage = at % WASM_PAGE_BYTES;
      const n = Math.min(source.length - done, WASM_PAGE_BYTES - inPage);
      this.pageForWrite(page).set(source.subarray(done, done + n), inPage);
      done += n;
    }
  }

  /** Starts recording changes so that {@link rollback} can undo them. */
  begin(): void {
    this.journal = { sizePages: this.sizePagesValue, pages: new Map() };
    this.writable.clear();
  }

  /** Keeps the changes since {@link begin}. */
  commit(): void {
    this.journal = undefined;
  }

  /** Restores the pages and size recorded at {@link begin}. */
  rollback(): void {
    const journal = this.journal;
    if (journal === undefined) {
      return;
    }
    for (const [page, original] of journal.pages) {
      if (original === undefined) {
        this.pages.delete(page);
      } else {
        this.pages.set(page, original);
      }
    }
    this.sizePagesValue = journal.sizePages;
    this.journal = undefined;
    this.writable.clear();
  }

  /** An independent copy that shares unchanged pages with this one (optionally with a new cap). */
  fork(maxPages: bigint = this.maxPages): StableMemory {
    const copy = new StableMemory(maxPages);
    copy.pages = new Map(this.pages);
    copy.sizePagesValue = this.sizePagesValue;
    this.writable.clear();
    return copy;
  }

  /** The whole memory as one byte array (for checkpoints). */
  toBytes(): Uint8Array {
    const out = new Uint8Array(this.sizeBytes);
    for (const [page, data] of this.pages) {
      if (page < this.sizePagesValue) {
        out.set(data, page * WASM_PAGE_BYTES);
      }
    }
    return out;
  }

  private pageForWrite(page: number): Uint8Array {
    const current = this.pages.get(page);
    if (current !== undefined && this.writable.has(page)) {
      return current;
    }
    if (this.journal !== undefined && !this.journal.pages.has(page)) {
      this.journal.pages.set(page, current);
    }
    const fresh = current === undefined ? new Uint8Array(WASM_PAGE_BYTES) : current.slice();
    this.pages.set(page, fresh);
    this.writable.add(page);
    return fresh;
  }
}

const ZERO_PAGE = Buffer.alloc(WASM_PAGE_BYTES);
