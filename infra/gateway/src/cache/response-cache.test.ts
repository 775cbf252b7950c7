import { describe, expect, it } from 'vitest';
import { ResponseCache } from './response-cache.js';

const response = (bytes: number) => ({
  status: 200,
  headers: [['content-type', 'text/plain']] as [string, string][],
  body: new Uint8Array(bytes),
});

describe('ResponseCache', () => {
  it('serves an entry until its time to live ends', () => {
    const cache = new ResponseCache({ ttlMs: 1_000 });
    cache.set('a', response(3), 0, Number.MAX_SAFE_INTEGER);
    expect(cache.get('a', 999)?.body).toHaveLength(3);
    expect(cache.get('a', 1_000)).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('never keeps a response past its certificate’s freshness', () => {
    const cache = new ResponseCache({ ttlMs: 60_000 });
    cache.set('a', response(1), 0, 500);
    expect(cache.get('a', 499)).toBeDefined();
    expect(cache.get('a', 500)).toBeUndefined();
    cache.set('stale', response(1), 1_000, 900);
    expect(cache.get('stale', 1_000)).toBeUndefined();
  });

  it('drops the least recently used entries when over its byte budget, and skips huge bodies', () => {
    const cache = new ResponseCache({ ttlMs: 10_000, maxBytes: 10, maxEntryBytes: 6 });
    cache.set('a', response(4), 0, Infinity);
    cache.set('b', response(4), 0, Infinity);
    expect(cache.get('a', 1)).toBeDefined(); // a is now the most recently used
    cache.set('c', response(4), 0, Infinity);
    expect(cache.get('b', 1)).toBeUndefined();
    expect(cache.get('a', 1)).toBeDefined();
    expect(cache.get('c', 1)).toBeDefined();
    cache.set('huge', response(7), 0, Infinity);
    expect(cache.get('huge', 1)).toBeUndefined();
  });
});
