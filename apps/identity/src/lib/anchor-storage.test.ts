import { describe, expect, it } from 'vitest';
import {
  ANCHORS_STORAGE_KEY,
  createAnchorStore,
  MAX_REMEMBERED_ANCHORS,
  type AnchorStorage,
} from './anchor-storage';

function makeStorage(initial: Record<string, string> = {}): AnchorStorage & {
  readonly items: Map<string, string>;
} {
  const items = new Map(Object.entries(initial));
  return {
    items,
    getItem: (key) => items.get(key) ?? null,
    setItem: (key, value) => void items.set(key, value),
  };
}

describe('createAnchorStore', () => {
  it('remembers anchors most recent first, without duplicates, as decimal strings', () => {
    const storage = makeStorage();
    const store = createAnchorStore(storage);
    expect(store.list()).toEqual([]);
    store.remember(10_000n);
    store.remember(10_001n);
    store.remember(10_000n);
    expect(store.list()).toEqual([10_000n, 10_001n]);
    expect(storage.items.get(ANCHORS_STORAGE_KEY)).toBe('["10000","10001"]');
    expect(createAnchorStore(storage).list()).toEqual([10_000n, 10_001n]);
  });

  it('forgets an anchor', () => {
    const store = createAnchorStore(makeStorage({ [ANCHORS_STORAGE_KEY]: '["1","2","3"]' }));
    store.forget(2n);
    expect(store.list()).toEqual([1n, 3n]);
  });

  it(`keeps at most ${MAX_REMEMBERED_ANCHORS} anchors, dropping the oldest`, () => {
    const store = createAnchorStore(makeStorage());
    for (let anchor = 1n; anchor <= 12n; anchor++) {
      store.remember(anchor);
    }
    expect(store.list()).toHaveLength(MAX_REMEMBERED_ANCHORS);
    expect(store.list()[0]).toBe(12n);
    expect(store.list()).not.toContain(2n);
  });

  it('ignores a stored value that is not a list of anchors, and entries that are not anchors', () => {
    for (const stored of ['not json', '{"a":1}', '42']) {
      expect(createAnchorStore(makeStorage({ [ANCHORS_STORAGE_KEY]: stored })).list()).toEqual([]);
    }
    const mixed = createAnchorStore(
      makeStorage({ [ANCHORS_STORAGE_KEY]: '["10000", 7, "x", "10000", "-1", "10002"]' }),
    );
    expect(mixed.list()).toEqual([10_000n, 10_002n]);
  });

  it('keeps anchors for the page when storage is missing or throws', () => {
    const throwing: AnchorStorage = {
      getItem: () => {
        throw new Error('SecurityError');
      },
      setItem: () => {
        throw new Error('QuotaExceededError');
      },
    };
    for (const storage of [undefined, throwing]) {
      const store = createAnchorStore(storage);
      store.remember(10_000n);
      expect(store.list()).toEqual([10_000n]);
    }
  });
});
