import { describe, expect, it } from 'vitest';
import { NOTE_LIMITS } from './limits.js';
import {
  countBelow,
  insertSorted,
  removeSorted,
  resolvePageLimit,
  takePage,
} from './pagination.js';
import type { PageRequest } from './types.js';

const ids = (...values: number[]) => values.map(BigInt);

/** A page over `list` where every item weighs `size` bytes. */
function page(list: bigint[], request: PageRequest, maxBytes = 1_000_000, size = 1) {
  return takePage({
    ids: list,
    request,
    limits: NOTE_LIMITS,
    maxBytes,
    read: (id) => id,
    sizeOf: () => size,
  });
}

describe('sorted id arrays', () => {
  it('countBelow finds how many ids are below a value', () => {
    const list = ids(2, 4, 6);
    expect([1, 2, 3, 4, 5, 6, 7].map((n) => countBelow(list, BigInt(n)))).toEqual([
      0, 0, 1, 1, 2, 2, 3,
    ]);
    expect(countBelow([], 5n)).toBe(0);
  });

  it('insertSorted and removeSorted keep the order and ignore repeats and strangers', () => {
    const list = ids(2, 6);
    insertSorted(list, 4n);
    insertSorted(list, 4n);
    insertSorted(list, 9n);
    insertSorted(list, 1n);
    expect(list).toEqual(ids(1, 2, 4, 6, 9));
    removeSorted(list, 5n);
    removeSorted(list, 1n);
    removeSorted(list, 9n);
    expect(list).toEqual(ids(2, 4, 6));
  });
});

describe('resolvePageLimit', () => {
  it('takes the default without a limit and clamps a limit to 1..page_max', () => {
    expect(resolvePageLimit(undefined, NOTE_LIMITS)).toBe(20);
    expect(resolvePageLimit(0, NOTE_LIMITS)).toBe(1);
    expect(resolvePageLimit(1, NOTE_LIMITS)).toBe(1);
    expect(resolvePageLimit(100, NOTE_LIMITS)).toBe(100);
    expect(resolvePageLimit(101, NOTE_LIMITS)).toBe(100);
    expect(resolvePageLimit(4_294_967_295, NOTE_LIMITS)).toBe(100);
  });
});

describe('takePage', () => {
  const list = ids(...Array.from({ length: 45 }, (_, i) => i + 1));

  it('walks every id once, newest first, across pages joined by the cursor', () => {
    const seen: bigint[] = [];
    let cursor: bigint | undefined;
    let pages = 0;
    do {
      const { items, nextCursor } = page(list, cursor === undefined ? {} : { cursor });
      seen.push(...items);
      cursor = nextCursor;
      pages++;
    } while (cursor !== undefined);
    expect(pages).toBe(3);
    expect(seen).toEqual([...list].reverse());
  });

  it('sets no cursor when the page ends exactly at the oldest id', () => {
    expect(page(ids(1, 2, 3), { limit: 3 })).toEqual({ items: ids(3, 2, 1) });
    expect(page(ids(1, 2, 3, 4), { limit: 3 })).toEqual({ items: ids(4, 3, 2), nextCursor: 2n });
  });

  it('returns ids strictly below the cursor, whether or not the cursor is an id', () => {
    expect(page(ids(2, 4, 6, 8), { cursor: 6n }).items).toEqual(ids(4, 2));
    expect(page(ids(2, 4, 6, 8), { cursor: 5n }).items).toEqual(ids(4, 2));
    expect(page(ids(2, 4, 6, 8), { cursor: 100n }).items).toEqual(ids(8, 6, 4, 2));
    expect(page(ids(2, 4, 6, 8), { cursor: 2n })).toEqual({ items: [] });
    expect(page(ids(2, 4), { cursor: 0n })).toEqual({ items: [] });
  });

  it('is empty for an empty listing', () => {
    expect(page([], {})).toEqual({ items: [] });
  });

  it('ends a page early at the byte budget, with a cursor, but always takes one item', () => {
    expect(page(list, { limit: 100 }, 250, 100)).toEqual({ items: ids(45, 44), nextCursor: 44n });
    expect(page(list, { limit: 100 }, 10, 100)).toEqual({ items: ids(45), nextCursor: 45n });
    expect(page(ids(1), {}, 10, 100)).toEqual({ items: ids(1) });
  });
});
