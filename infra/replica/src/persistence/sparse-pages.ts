import { Buffer } from 'node:buffer';
import { StableMemory } from '../execution/index.js';

/** Page size of sparse memory images: the Wasm page, 64 KiB. */
export const SPARSE_PAGE_BYTES = 65_536;

/** A run of consecutive non-zero pages: first page index and page count. */
export type PageRun = readonly [firstPage: number, pageCount: number];

/**
 * A memory image without its all-zero pages. An Azle canister's stable memory is tens of MiB,
 * almost all of it zero, so this keeps checkpoints (and the image held while writing) small.
 */
export interface SparsePages {
  /** Size of the whole memory in bytes. */
  readonly sizeBytes: number;
  /** The non-zero pages, ascending and disjoint; every other page is zero. */
  readonly runs: readonly PageRun[];
  /** The pages of `runs`, concatenated in order (the last page of the memory may be short). */
  readonly data: Uint8Array;
}

const ZERO_PAGE = Buffer.alloc(SPARSE_PAGE_BYTES);

/** The sparse image of `bytes` (copied: later changes to `bytes` do not show through). */
export function sparseFromBytes(bytes: Uint8Array): SparsePages {
  return collect(bytes.length, (page) =>
    bytes.subarray(page * SPARSE_PAGE_BYTES, (page + 1) * SPARSE_PAGE_BYTES),
  );
}

/**
 * The sparse image of a stable memory. Pass a fork (`CanisterInstance.stableMemory()`): reading
 * it page by page through one scratch buffer is about three times faster than scanning the
 * dense copy `snapshot()` makes, whose untouched zero pages fault in one by one.
 */
export function sparseFromStableMemory(memory: StableMemory): SparsePages {
  const scratch = new Uint8Array(SPARSE_PAGE_BYTES);
  return collect(memory.sizeBytes, (page) => {
    memory.readInto(page * SPARSE_PAGE_BYTES, SPARSE_PAGE_BYTES, scratch, 0);
    return scratch;
  });
}

/** The dense memory a sparse image describes. */
export function sparseToBytes(sparse: SparsePages): Uint8Array {
  const out = new Uint8Array(sparse.sizeBytes);
  let offset = 0;
  for (const [first, count] of sparse.runs) {
    const start = first * SPARSE_PAGE_BYTES;
    const length = Math.min(count * SPARSE_PAGE_BYTES, sparse.sizeBytes - start);
    out.set(sparse.data.subarray(offset, offset + length), start);
    offset += length;
  }
  return out;
}

/**
 * The stable memory a sparse image describes, built page by page without the dense copy
 * {@link sparseToBytes} makes (tens of MiB per Azle canister). Pages are views of `data`.
 */
export function sparseToStableMemory(sparse: SparsePages): StableMemory {
  const sizePages = Math.ceil(sparse.sizeBytes / SPARSE_PAGE_BYTES);
  const pages: [number, Uint8Array][] = [];
  let offset = 0;
  for (const [first, count] of sparse.runs) {
    for (let page = first; page < first + count; page++) {
      pages.push([page, sparse.data.subarray(offset, offset + SPARSE_PAGE_BYTES)]);
      offset += SPARSE_PAGE_BYTES;
    }
  }
  return StableMemory.fromPages(sizePages, pages);
}

/**
 * Why `runs` cannot describe `dataBytes` bytes of a `sizeBytes` memory, or `undefined` when they
 * can. Checked before {@link sparseToBytes} on data read from disk.
 */
export function sparseLayoutProblem(
  sizeBytes: number,
  runs: readonly PageRun[],
  dataBytes: number,
): string | undefined {
  const pages = Math.ceil(sizeBytes / SPARSE_PAGE_BYTES);
  let next = 0;
  let expected = 0;
  for (const [first, count] of runs) {
    if (!Number.isSafeInteger(first) || !Number.isSafeInteger(count) || count < 1) {
      return `page run [${first}, ${count}] is not a positive run`;
    }
    if (first < next || first + count > pages) {
      return `page run [${first}, ${count}] overlaps another or lies outside ${pages} pages`;
    }
    const start = first * SPARSE_PAGE_BYTES;
    expected += Math.min(count * SPARSE_PAGE_BYTES, sizeBytes - start);
    next = first + count;
  }
  return expected === dataBytes
    ? undefined
    : `the page runs cover ${expected} bytes but the file holds ${dataBytes}`;
}

function collect(sizeBytes: number, page: (index: number) => Uint8Array): SparsePages {
  const pageCount = Math.ceil(sizeBytes / SPARSE_PAGE_BYTES);
  const nonZero: number[] = [];
  let dataBytes = 0;
  for (let index = 0; index < pageCount; index++) {
    const view = page(index);
    if (!isZero(view)) {
      nonZero.push(index);
      dataBytes += view.length;
    }
  }
  const data = new Uint8Array(dataBytes);
  let offset = 0;
  for (const index of nonZero) {
    const view = page(index);
    data.set(view, offset);
    offset += view.length;
  }
  return { sizeBytes, runs: toRuns(nonZero), data };
}

function isZero(view: Uint8Array): boolean {
  // Buffer.equals is a native memcmp; a JS loop over 64 KiB pages is several times slower.
  const bytes = Buffer.from(view.buffer, view.byteOffset, view.length);
  return bytes.equals(
    view.length === SPARSE_PAGE_BYTES ? ZERO_PAGE : ZERO_PAGE.subarray(0, view.length),
  );
}

function toRuns(pages: readonly number[]): PageRun[] {
  const runs: [number, number][] = [];
  for (const page of pages) {
    const last = runs.at(-1);
    if (last !== undefined && last[0] + last[1] === page) {
      last[1] += 1;
    } else {
      runs.push([page, 1]);
    }
  }
  return runs;
}
