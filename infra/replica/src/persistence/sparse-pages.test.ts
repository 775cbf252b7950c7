import { Buffer } from 'node:buffer';
import { describe, expect, it } from 'vitest';
import { StableMemory } from '../execution/index.js';
import {
  SPARSE_PAGE_BYTES,
  sparseFromBytes,
  sparseFromStableMemory,
  sparseLayoutProblem,
  sparseToBytes,
} from './sparse-pages.js';

const PAGE = SPARSE_PAGE_BYTES;

/** Byte equality through memcmp; `toEqual` walks large typed arrays element by element. */
const same = (a: Uint8Array, b: Uint8Array): boolean => Buffer.from(a).equals(Buffer.from(b));

describe('sparse pages', () => {
  it('sparseFromBytes keeps only the non-zero pages, grouped into runs', () => {
    const memory = new Uint8Array(6 * PAGE);
    memory[1 * PAGE] = 1;
    memory[2 * PAGE + 5] = 2;
    memory[5 * PAGE - 1] = 3;
    const sparse = sparseFromBytes(memory);
    expect(sparse.sizeBytes).toBe(6 * PAGE);
    expect(sparse.runs).toEqual([
      [1, 2],
      [4, 1],
    ]);
    expect(sparse.data.length).toBe(3 * PAGE);
    expect(same(sparseToBytes(sparse), memory)).toBe(true);
  });

  it('sparseFromBytes copies, so later writes to the memory do not show through', () => {
    const memory = new Uint8Array(PAGE);
    memory[0] = 1;
    const sparse = sparseFromBytes(memory);
    memory[0] = 2;
    expect(sparseToBytes(sparse)[0]).toBe(1);
  });

  it('an all-zero memory has no runs and no data, and an empty one stays empty', () => {
    expect(sparseFromBytes(new Uint8Array(3 * PAGE))).toEqual({
      sizeBytes: 3 * PAGE,
      runs: [],
      data: new Uint8Array(0),
    });
    expect(sparseToBytes(sparseFromBytes(new Uint8Array(0)))).toEqual(new Uint8Array(0));
  });

  it('a memory whose size is not a multiple of 64 KiB keeps its short last page', () => {
    const memory = new Uint8Array(PAGE + 10);
    memory[PAGE + 9] = 7;
    const sparse = sparseFromBytes(memory);
    expect(sparse.runs).toEqual([[1, 1]]);
    expect(sparse.data.length).toBe(10);
    expect(sparseLayoutProblem(sparse.sizeBytes, sparse.runs, sparse.data.length)).toBeUndefined();
    expect(same(sparseToBytes(sparse), memory)).toBe(true);
  });

  it('sparseFromStableMemory gives the same image as sparseFromBytes of the dense copy', () => {
    const stable = StableMemory.create();
    stable.grow(40n);
    stable.write(3 * PAGE - 2, Uint8Array.of(1, 2, 3, 4));
    stable.write(30 * PAGE, Uint8Array.of(9));
    const sparse = sparseFromStableMemory(stable);
    const dense = sparseFromBytes(stable.toBytes());
    expect(sparse.runs).toEqual(dense.runs);
    expect(sparse.sizeBytes).toBe(dense.sizeBytes);
    expect(same(sparse.data, dense.data)).toBe(true);
    expect(sparse.runs).toEqual([
      [2, 2],
      [30, 1],
    ]);
  });

  it('sparseLayoutProblem rejects runs that overlap, lie outside the memory or miss the data length', () => {
    expect(sparseLayoutProblem(4 * PAGE, [[0, 2]], 2 * PAGE)).toBeUndefined();
    expect(
      sparseLayoutProblem(
        4 * PAGE,
        [
          [0, 2],
          [1, 1],
        ],
        3 * PAGE,
      ),
    ).toMatch(/overlaps/);
    expect(sparseLayoutProblem(4 * PAGE, [[3, 2]], 2 * PAGE)).toMatch(/outside 4 pages/);
    expect(sparseLayoutProblem(4 * PAGE, [[0, 0]], 0)).toMatch(/not a positive run/);
    expect(sparseLayoutProblem(4 * PAGE, [[0, 1]], PAGE - 1)).toMatch(/holds 65535/);
  });
});
