import { createHash } from 'node:crypto';
import { bytesToHex } from '@citadel/protocol';
import { describe, expect, it, vi } from 'vitest';
import type { BatchOperation } from './asset-store.js';
import { EVIDENCE_BYTES_PER_CALL, EvidenceComputation } from './evidence.js';

// Known answers are computed here with node:crypto over byte layouts spelled out by hand from
// dfinity/sdk `ic-certified-assets/src/evidence.rs` (the canister's `compute_evidence`) and
// `ic-asset/src/evidence/mod.rs` (dfx's offline computation): tag bytes, UTF-8 strings without
// length prefixes, NONE/SOME option tags, nat64 big-endian.
const FALSE = 0;
const TRUE = 1;
const NONE = 2;
const SOME = 3;
const CREATE_ASSET = 4;
const SET_ASSET_CONTENT = 5;
const UNSET_ASSET_CONTENT = 6;
const DELETE_ASSET = 7;
const CLEAR = 8;
const SET_ASSET_PROPERTIES = 9;

const utf8 = new TextEncoder();

/** SHA-256 (hex) of the parts in order: strings as UTF-8, number arrays as bytes. */
function expected(...parts: (string | readonly number[] | Uint8Array)[]): string {
  const hash = createHash('sha256');
  for (const part of parts) {
    hash.update(typeof part === 'string' ? utf8.encode(part) : Uint8Array.from(part));
  }
  return hash.digest('hex');
}

function sha256(bytes: Uint8Array): Uint8Array {
  return Uint8Array.from(createHash('sha256').update(bytes).digest());
}

/** The evidence (hex) the module computes, in steps of `budgetBytes`. */
function evidenceOf(
  operations: readonly BatchOperation[],
  chunks: ReadonlyMap<bigint, Uint8Array> = new Map(),
  budgetBytes = Number.POSITIVE_INFINITY,
): string {
  const computation = new EvidenceComputation({
    operations,
    readChunk: (id) => chunks.get(id),
  });
  for (;;) {
    const result = computation.step(budgetBytes);
    if (result.done) {
      return bytesToHex(result.evidence);
    }
  }
}

/** `count` bytes of a repeating pattern that starts at `seed`. */
function pattern(count: number, seed: number): Uint8Array {
  return Uint8Array.from({ length: count }, (_, i) => (seed + i * 7) & 0xff);
}

describe('evidence of a batch', () => {
  it('is SHA-256 of nothing when the batch has no operations', () => {
    // The blob dfx's e2e test (assetscanister.bash) presents for an empty proposal.
    expect(evidenceOf([])).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('hashes CreateAsset without options as its tag, key, content type and four NONE tags', () => {
    const operation: BatchOperation = {
      CreateAsset: { key: '/a.txt', content_type: 'text/plain' },
    };
    expect(evidenceOf([operation])).toBe(
      expected([CREATE_ASSET], '/a.txt', 'text/plain', [NONE], [NONE], [NONE], [NONE]),
    );
  });

  it('hashes CreateAsset options as max_age big-endian, sorted headers, raw access, then aliasing', () => {
    const operation: BatchOperation = {
      CreateAsset: {
        key: '/index.html',
        content_type: 'text/html',
        max_age: 888n,
        headers: [
          ['x-b', '2'],
          ['X-A', '1'],
          ['x-a', '0'],
        ],
        enable_aliasing: true,
        allow_raw_access: false,
      },
    };
    expect(evidenceOf([operation])).toBe(
      expected(
        [CREATE_ASSET],
        '/index.html',
        'text/html',
        [SOME, 0, 0, 0, 0, 0, 0, 0x03, 0x78], // 888
        [SOME],
        'X-A', // 0x58 sorts before 0x78
        '1',
        'x-a',
        '0',
        'x-b',
        '2',
        [SOME, FALSE], // allow_raw_access comes before enable_aliasing
        [SOME, TRUE],
      ),
    );
  });

  it('hashes an empty header list as SOME with no pairs, unlike no headers', () => {
    const operation: BatchOperation = {
      CreateAsset: { key: '/a', content_type: 't', headers: [] },
    };
    expect(evidenceOf([operation])).toBe(
      expected([CREATE_ASSET], '/a', 't', [NONE], [SOME], [NONE], [NONE]),
    );
  });

  it('keeps the last value of a repeated header name, as decoding into a BTreeMap does', () => {
    const operation: BatchOperation = {
      CreateAsset: {
        key: '/a',
        content_type: 't',
        headers: [
          ['x-a', 'first'],
          ['x-b', 'b'],
          ['x-a', 'last'],
        ],
      },
    };
    expect(evidenceOf([operation])).toBe(
      expected(
        [CREATE_ASSET],
        '/a',
        't',
        [NONE],
        [SOME],
        'x-a',
        'last',
        'x-b',
        'b',
        [NONE],
        [NONE],
      ),
    );
  });

  it('sorts header names by UTF-8 bytes, not by UTF-16 code units', () => {
    // U+FF61 is EF BD A1 in UTF-8 but 0xFF61 in UTF-16; U+1F600 is F0 9F 98 80 but 0xD83D….
    // JavaScript's default order puts the emoji first; Rust's String order does not.
    const operation: BatchOperation = {
      CreateAsset: {
        key: '/a',
        content_type: 't',
        headers: [
          ['\u{1F600}', 'emoji'],
          ['\uFF61', 'halfwidth'],
        ],
      },
    };
    expect(evidenceOf([operation])).toBe(
      expected(
        [CREATE_ASSET],
        '/a',
        't',
        [NONE],
        [SOME],
        [0xef, 0xbd, 0xa1],
        'halfwidth',
        [0xf0, 0x9f, 0x98, 0x80],
        'emoji',
        [NONE],
        [NONE],
      ),
    );
  });

  it('hashes SetAssetContent as its header and sha256, then each chunk in chunk_ids order', () => {
    const first = utf8.encode('<!DOCTYPE html>');
    const second = utf8.encode('<html></html>');
    const digest = sha256(Uint8Array.from([...first, ...second]));
    const chunks = new Map([
      [7n, second],
      [3n, first],
    ]);
    const operation: BatchOperation = {
      SetAssetContent: {
        key: '/index.html',
        content_encoding: 'identity',
        chunk_ids: [3n, 7n],
        sha256: digest,
      },
    };
    expect(evidenceOf([operation], chunks)).toBe(
      expected([SET_ASSET_CONTENT], '/index.html', 'identity', [SOME], digest, first, second),
    );
  });

  it('hashes SetAssetContent without sha256 with a NONE tag before the content', () => {
    const content = pattern(100, 1);
    const operation: BatchOperation = {
      SetAssetContent: { key: '/b', content_encoding: 'gzip', chunk_ids: [1n] },
    };
    expect(evidenceOf([operation], new Map([[1n, content]]))).toBe(
      expected([SET_ASSET_CONTENT], '/b', 'gzip', [NONE], content),
    );
  });

  it('hashes last_chunk as the content when chunk_ids is empty', () => {
    const content = utf8.encode('inline');
    const operation: BatchOperation = {
      SetAssetContent: {
        key: '/c',
        content_encoding: 'identity',
        chunk_ids: [],
        last_chunk: content,
      },
    };
    expect(evidenceOf([operation])).toBe(
      expected([SET_ASSET_CONTENT], '/c', 'identity', [NONE], 'inline'),
    );
  });

  it('leaves last_chunk out when chunk_ids is not empty, as the official canister does', () => {
    const operation: BatchOperation = {
      SetAssetContent: {
        key: '/c',
        content_encoding: 'identity',
        chunk_ids: [1n],
        last_chunk: utf8.encode('tail'),
      },
    };
    expect(evidenceOf([operation], new Map([[1n, utf8.encode('head')]]))).toBe(
      expected([SET_ASSET_CONTENT], '/c', 'identity', [NONE], 'head'),
    );
  });

  it('adds nothing for a chunk id that has no chunk, as the official canister does', () => {
    const operation: BatchOperation = {
      SetAssetContent: { key: '/d', content_encoding: 'identity', chunk_ids: [1n, 2n, 3n] },
    };
    const chunks = new Map([
      [1n, utf8.encode('one')],
      [3n, utf8.encode('three')],
    ]);
    expect(evidenceOf([operation], chunks)).toBe(
      expected([SET_ASSET_CONTENT], '/d', 'identity', [NONE], 'one', 'three'),
    );
  });

  it('hashes only the header of SetAssetContent with neither chunks nor last_chunk', () => {
    const operation: BatchOperation = {
      SetAssetContent: { key: '/e', content_encoding: 'br', chunk_ids: [] },
    };
    expect(evidenceOf([operation])).toBe(expected([SET_ASSET_CONTENT], '/e', 'br', [NONE]));
  });

  it('hashes UnsetAssetContent as its tag, key and encoding', () => {
    const operation: BatchOperation = {
      UnsetAssetContent: { key: '/notreally.js', content_encoding: 'gzip' },
    };
    expect(evidenceOf([operation])).toBe(expected([UNSET_ASSET_CONTENT], '/notreally.js', 'gzip'));
  });

  it('hashes DeleteAsset as its tag and key', () => {
    const operation: BatchOperation = { DeleteAsset: { key: '/to-be-deleted.txt' } };
    expect(evidenceOf([operation])).toBe(expected([DELETE_ASSET], '/to-be-deleted.txt'));
  });

  it('hashes Clear as its tag alone', () => {
    expect(evidenceOf([{ Clear: {} }])).toBe(expected([CLEAR]));
  });

  it('hashes SetAssetProperties fields left alone as NONE', () => {
    const operation: BatchOperation = { SetAssetProperties: { key: '/p' } };
    expect(evidenceOf([operation])).toBe(
      expected([SET_ASSET_PROPERTIES], '/p', [NONE], [NONE], [NONE], [NONE]),
    );
  });

  it('hashes SetAssetProperties fields being unset as SOME NONE', () => {
    const operation: BatchOperation = {
      SetAssetProperties: {
        key: '/p',
        max_age: { value: null },
        headers: { value: null },
        allow_raw_access: { value: null },
        is_aliased: { value: null },
      },
    };
    expect(evidenceOf([operation])).toBe(
      expected(
        [SET_ASSET_PROPERTIES],
        '/p',
        [SOME, NONE],
        [SOME, NONE],
        [SOME, NONE],
        [SOME, NONE],
      ),
    );
  });

  it('hashes SetAssetProperties fields being set as SOME SOME and the value', () => {
    const operation: BatchOperation = {
      SetAssetProperties: {
        key: '/update-my-properties.txt',
        max_age: { value: 0x0102030405060708n },
        headers: {
          value: [
            ['x-extra-header', 'x-extra-value'],
            ['cache-control', 'no-store'],
          ],
        },
        allow_raw_access: { value: true },
        is_aliased: { value: false },
      },
    };
    expect(evidenceOf([operation])).toBe(
      expected(
        [SET_ASSET_PROPERTIES],
        '/update-my-properties.txt',
        [SOME, SOME, 1, 2, 3, 4, 5, 6, 7, 8],
        [SOME, SOME],
        'cache-control',
        'no-store',
        'x-extra-header',
        'x-extra-value',
        [SOME, SOME, TRUE],
        [SOME, SOME, FALSE],
      ),
    );
  });

  it('hashes all operations into one hash, in proposal order', () => {
    const content = utf8.encode('new file content\n');
    const digest = sha256(content);
    const operations: BatchOperation[] = [
      { CreateAsset: { key: '/new_file.txt', content_type: 'text/plain' } },
      {
        SetAssetContent: {
          key: '/new_file.txt',
          content_encoding: 'identity',
          chunk_ids: [1n],
          sha256: digest,
        },
      },
      { DeleteAsset: { key: '/old.txt' } },
    ];
    const chunks = new Map([[1n, content]]);
    expect(evidenceOf(operations, chunks)).toBe(
      expected(
        [CREATE_ASSET],
        '/new_file.txt',
        'text/plain',
        [NONE, NONE, NONE, NONE],
        [SET_ASSET_CONTENT],
        '/new_file.txt',
        'identity',
        [SOME],
        digest,
        content,
        [DELETE_ASSET],
        '/old.txt',
      ),
    );
    expect(evidenceOf([...operations].reverse(), chunks)).not.toBe(evidenceOf(operations, chunks));
  });

  it('equals the offline computation over whole files, however the content was chunked', () => {
    // ic-asset hashes each encoding's whole content at once; the canister hashes its chunks.
    const content = pattern(5000, 9);
    const digest = sha256(content);
    const cuts = [0, 1, 1024, 1025, 4999, 5000];
    const chunks = new Map<bigint, Uint8Array>();
    for (let i = 0; i + 1 < cuts.length; i++) {
      chunks.set(BigInt(i + 10), content.subarray(cuts[i], cuts[i + 1]));
    }
    const operation: BatchOperation = {
      SetAssetContent: {
        key: '/noise.bin',
        content_encoding: 'identity',
        chunk_ids: [...chunks.keys()],
        sha256: digest,
      },
    };
    expect(evidenceOf([operation], chunks)).toBe(
      expected([SET_ASSET_CONTENT], '/noise.bin', 'identity', [SOME], digest, content),
    );
  });
});

describe('EvidenceComputation steps', () => {
  const first = pattern(300, 3);
  const second = pattern(129, 200);
  const chunks = new Map([
    [1n, first],
    [2n, second],
  ]);
  const operations: BatchOperation[] = [
    { Clear: {} },
    {
      CreateAsset: {
        key: '/a.html',
        content_type: 'text/html',
        max_age: 60n,
        headers: [['x', 'y']],
        enable_aliasing: false,
      },
    },
    {
      SetAssetContent: {
        key: '/a.html',
        content_encoding: 'identity',
        chunk_ids: [1n, 2n],
        sha256: sha256(Uint8Array.from([...first, ...second])),
      },
    },
    {
      SetAssetContent: {
        key: '/a.html',
        content_encoding: 'gzip',
        chunk_ids: [],
        last_chunk: first,
      },
    },
    { UnsetAssetContent: { key: '/a.html', content_encoding: 'br' } },
    { SetAssetProperties: { key: '/a.html', is_aliased: { value: true } } },
    { DeleteAsset: { key: '/b' } },
  ];
  // Clear 1; CreateAsset 1 + 7 + 9 + 9 (max_age) + 3 (SOME x y) + 1 + 2 = 32; SetAssetContent
  // 1 + 7 + 8 + 1 + 32 (sha256) = 49, then 300 + 129; the second 1 + 7 + 4 + 1 = 13, then 300;
  // UnsetAssetContent 1 + 7 + 2 = 10; SetAssetProperties 1 + 7 + 1 + 1 + 1 + 3 = 14; DeleteAsset 3.
  const totalBytes = 1 + 32 + 49 + 429 + 13 + 300 + 10 + 14 + 3;

  it('gives the same evidence whatever the budget of each step', () => {
    const whole = evidenceOf(operations, chunks);
    for (const budget of [1, 2, 3, 5, 8, 31, 64, 65, 100, 299, 300, 301, 850, 851, 852, 100_000]) {
      expect(evidenceOf(operations, chunks, budget), `budget ${budget}`).toBe(whole);
    }
  });

  it('hashes at most the budget per step and every byte exactly once', () => {
    for (const budget of [1, 7, 64, 300]) {
      const computation = new EvidenceComputation({
        operations,
        readChunk: (id) => chunks.get(id),
      });
      let total = 0;
      let steps = 0;
      for (;;) {
        const result = computation.step(budget);
        steps += 1;
        expect(result.hashedBytes).toBeLessThanOrEqual(budget);
        total += result.hashedBytes;
        if (result.done) {
          break;
        }
        expect(result.hashedBytes, 'an unfinished step uses its whole budget').toBe(budget);
      }
      expect(total).toBe(totalBytes);
      expect(steps).toBe(Math.ceil(totalBytes / budget));
    }
  });

  it('spreads content larger than one call over several calls', () => {
    const big = pattern(EVIDENCE_BYTES_PER_CALL * 2 + 10, 5);
    const operation: BatchOperation = {
      SetAssetContent: { key: '/big', content_encoding: 'identity', chunk_ids: [1n] },
    };
    const computation = new EvidenceComputation({
      operations: [operation],
      readChunk: () => big,
    });
    expect(computation.step(EVIDENCE_BYTES_PER_CALL).done).toBe(false);
    expect(computation.step(EVIDENCE_BYTES_PER_CALL).done).toBe(false);
    const last = computation.step(EVIDENCE_BYTES_PER_CALL);
    expect(last.done).toBe(true);
    expect(last.done && bytesToHex(last.evidence)).toBe(
      expected([SET_ASSET_CONTENT], '/big', 'identity', [NONE], big),
    );
  });

  it('finishes in the step that hashes the last byte of the last chunk', () => {
    const finish = new EvidenceComputation({
      operations: operations.slice(0, 3),
      readChunk: (id) => chunks.get(id),
    });
    expect(finish.step(1 + 32 + 49 + 429)).toMatchObject({ done: true, hashedBytes: 511 });
    const inline = new EvidenceComputation({
      operations: operations.slice(3, 4),
      readChunk: () => undefined,
    });
    expect(inline.step(13 + 300)).toMatchObject({ done: true, hashedBytes: 313 });
  });

  it('finishes in the step that hashes the last byte', () => {
    const computation = new EvidenceComputation({
      operations: [{ Clear: {} }],
      readChunk: () => undefined,
    });
    const result = computation.step(1);
    expect(result).toMatchObject({ done: true, hashedBytes: 1 });
  });

  it('returns the same evidence on every step after it is done, hashing nothing more', () => {
    const computation = new EvidenceComputation({ operations, readChunk: (id) => chunks.get(id) });
    expect(computation.evidence).toBeUndefined();
    const done = computation.step(Number.POSITIVE_INFINITY);
    const again = computation.step(10);
    expect(done.done && again.done).toBe(true);
    expect(again.hashedBytes).toBe(0);
    expect(again.done && bytesToHex(again.evidence)).toBe(done.done && bytesToHex(done.evidence));
    expect(bytesToHex(computation.evidence ?? new Uint8Array())).toBe(
      done.done && bytesToHex(done.evidence),
    );
  });

  it('makes progress of one byte when the budget is below one byte', () => {
    for (const budget of [0, -5, 0.5, Number.NaN]) {
      const computation = new EvidenceComputation({
        operations,
        readChunk: (id) => chunks.get(id),
      });
      expect(computation.step(budget).hashedBytes, `budget ${budget}`).toBe(1);
    }
  });

  it('reads each chunk once, only when hashing reaches it', () => {
    const readChunk = vi.fn((id: bigint) => chunks.get(id));
    const computation = new EvidenceComputation({ operations, readChunk });
    // Clear (1 byte), CreateAsset (32 bytes) and the SetAssetContent header (49 bytes).
    computation.step(1 + 32 + 49);
    expect(readChunk).not.toHaveBeenCalled();
    computation.step(1);
    expect(readChunk.mock.calls).toEqual([[1n]]);
    computation.step(Number.POSITIVE_INFINITY);
    expect(readChunk.mock.calls).toEqual([[1n], [2n]]);
  });

  it('gives a caller its own copy of the evidence', () => {
    const computation = new EvidenceComputation({ operations: [], readChunk: () => undefined });
    const result = computation.step(1);
    if (!result.done) {
      throw new Error('expected the empty batch to finish in one step');
    }
    result.evidence.fill(0);
    expect(bytesToHex(computation.evidence ?? new Uint8Array())).toBe(expected());
  });
});
