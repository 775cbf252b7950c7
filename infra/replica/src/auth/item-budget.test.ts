import { CborTag } from '@citadel/protocol';
import type { CborValue } from '@citadel/protocol';
import { describe, expect, it } from 'vitest';

import { exceedsItemBudget } from './item-budget.js';

describe('exceedsItemBudget', () => {
  it('exceedsItemBudget counts maps, arrays, tags and leaves, the value itself included', () => {
    const value: CborValue = { a: [1, 2], b: new CborTag(2, new Uint8Array(1)), c: 'x' };
    // map, array, 1, 2, tag, bytes, text
    expect(exceedsItemBudget(value, 7)).toBe(false);
    expect(exceedsItemBudget(value, 6)).toBe(true);
  });

  it('exceedsItemBudget skips undefined fields, as the request id does', () => {
    expect(exceedsItemBudget({ a: undefined, b: 1 }, 2)).toBe(false);
  });

  it('exceedsItemBudget fails fast when a huge array is over the budget without walking it', () => {
    const huge = new Array<CborValue>(10_000_000).fill(0);
    const started = performance.now();
    expect(exceedsItemBudget({ huge }, 1_000)).toBe(true);
    expect(performance.now() - started).toBeLessThan(100);
  });

  it('exceedsItemBudget walks nesting deeper than the call stack allows without overflowing', () => {
    let deep: CborValue = 0;
    for (let i = 0; i < 100_000; i++) {
      deep = [deep];
    }
    expect(exceedsItemBudget(deep, 200_001)).toBe(false);
    expect(exceedsItemBudget(deep, 50_000)).toBe(true);
  });
});
