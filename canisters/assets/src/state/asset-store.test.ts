import { sha256 } from '@noble/hashes/sha2.js';
import { describe, expect, it } from 'vitest';
import { aliasTargets, aliasesOf } from './aliases.js';
import { AssetStore, BATCH_EXPIRY_NS, MAX_CHUNK_BYTES } from './asset-store.js';
import { AssetsErrorCode } from './errors.js';

const NOW = 1_700_000_000_000_000_000n;
const utf8 = new TextEncoder();

/** The error code a store call fails with. */
function failure(call: () => unknown): string {
  try {
    call();
  } catch (error) {
    return (error as { code: string }).code;
  }
  throw new Error('expected the call to fail');
}

/** Uploads `bytes` the way @dfinity/assets' batch path does: chunks, then one commit. */
function uploadInBatch(store: AssetStore, key: string, bytes: Uint8Array, chunkBytes: number) {
  const batchId = store.createBatch(NOW);
  const pieces: Uint8Array[] = [];
  for (let start = 0; start < bytes.length; start += chunkBytes) {
    pieces.push(bytes.subarray(start, start + chunkBytes));
  }
  // Chunks arrive in any order; the commit lists them in content order.
  const ids = pieces.map((piece) => store.createChunk(batchId, piece, NOW));
  store.commitBatch(
    batchId,
    [
      { CreateAsset: { key, content_type: 'application/octet-stream' } },
      {
        SetAssetContent: {
          key,
          content_encoding: 'identity',
          chunk_ids: ids,
          sha256: sha256(bytes),
        },
      },
    ],
    NOW,
  );
}

function bytesOf(length: number, seed = 1): Uint8Array {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) {
    bytes[i] = (i * 31 + seed) & 0xff;
  }
  return bytes;
}

describe('AssetStore', () => {
  it('stores a small file and reads it back with its hash', () => {
    const store = new AssetStore();
    const content = utf8.encode('<h1>hi</h1>');
    store.store(
      { key: '/index.html', content_type: 'text/html', content_encoding: 'identity', content },
      NOW,
    );
    const { asset, encoding } = store.get('/index.html', ['identity']);
    expect(asset.contentType).toBe('text/html');
    expect(encoding.chunks).toEqual([content]);
    expect(encoding.sha256).toEqual(sha256(content));
    expect(encoding.totalLength).toBe(content.length);
  });

  it('assembles a large file from chunks in chunk_ids order and serves equal-sized chunks', () => {
    const store = new AssetStore();
    const bytes = bytesOf(5 * MAX_CHUNK_BYTES + 123);
    uploadInBatch(store, '/big.bin', bytes, MAX_CHUNK_BYTES);
    const { encoding } = store.get('/big.bin', ['identity']);
    expect(encoding.chunks).toHaveLength(6);
    const joined = new Uint8Array(encoding.totalLength);
    encoding.chunks.forEach((chunk, i) => {
      expect(store.getChunk('/big.bin', 'identity', i, encoding.sha256)).toBe(chunk);
      joined.set(chunk, i * MAX_CHUNK_BYTES);
    });
    // Compared by hash: deep equality of megabytes is slow in the test runner.
    expect(sha256(joined)).toEqual(sha256(bytes));
  });

  it('re-cuts uploads made of odd-sized pieces so chunk offsets stay index × first length', () => {
    const store = new AssetStore();
    const bytes = bytesOf(2 * MAX_CHUNK_BYTES + 7);
    uploadInBatch(store, '/odd.bin', bytes, 700_001);
    const { encoding } = store.get('/odd.bin', ['identity']);
    expect(encoding.chunks.map((chunk) => chunk.length)).toEqual([
      MAX_CHUNK_BYTES,
      MAX_CHUNK_BYTES,
      7,
    ]);
  });

  it('re-uploading an existing key through a batch replaces its content', () => {
    const store = new AssetStore();
    uploadInBatch(store, '/a.bin', bytesOf(10, 1), 4);
    uploadInBatch(store, '/a.bin', bytesOf(12, 2), 5);
    expect(store.get('/a.bin', ['identity']).encoding.totalLength).toBe(12);
  });

  it('refuses content whose sha256 differs from the client’s, keeping the old content', () => {
    const store = new AssetStore();
    const content = utf8.encode('x');
    store.store(
      { key: '/x', content_type: 'text/plain', content_encoding: 'identity', content },
      NOW,
    );
    expect(
      failure(() =>
        store.store(
          {
            key: '/x',
            content_type: 'text/plain',
            content_encoding: 'identity',
            content: utf8.encode('y'),
            sha256: sha256(utf8.encode('z')),
          },
          NOW,
        ),
      ),
    ).toBe(AssetsErrorCode.SHA256_MISMATCH);
    expect(store.get('/x', ['identity']).encoding.chunks).toEqual([content]);
  });

  it('can take the client’s hash instead of hashing megabytes, as the canister does', () => {
    const store = new AssetStore({ trustClientHashes: true });
    const claimed = sha256(utf8.encode('what the client says'));
    store.store(
      {
        key: '/t',
        content_type: 'text/plain',
        content_encoding: 'identity',
        content: utf8.encode('content'),
        sha256: claimed,
      },
      NOW,
    );
    // The claim is what gets certified, so a gateway would refuse this body.
    expect(store.get('/t', ['identity']).encoding.sha256).toEqual(claimed);
    store.store(
      {
        key: '/u',
        content_type: 'text/plain',
        content_encoding: 'identity',
        content: utf8.encode('u'),
      },
      NOW,
    );
    expect(store.get('/u', ['identity']).encoding.sha256).toEqual(sha256(utf8.encode('u')));
  });

  it('picks the first accepted encoding and says which are missing', () => {
    const store = new AssetStore();
    for (const encoding of ['identity', 'gzip']) {
      store.store(
        {
          key: '/app.js',
          content_type: 'text/javascript',
          content_encoding: encoding,
          content: utf8.encode(encoding),
        },
        NOW,
      );
    }
    expect(store.get('/app.js', ['br', 'gzip', 'identity']).encoding.contentEncoding).toBe('gzip');
    expect(failure(() => store.get('/app.js', ['br']))).toBe(AssetsErrorCode.ENCODING_NOT_FOUND);
    expect(failure(() => store.get('/nope.js', ['identity']))).toBe(
      AssetsErrorCode.ASSET_NOT_FOUND,
    );
  });

  it('resolves aliases unless the target turns aliasing off', () => {
    const store = new AssetStore();
    const put = (key: string) =>
      store.store(
        { key, content_type: 'text/html', content_encoding: 'identity', content: utf8.encode(key) },
        NOW,
      );
    put('/about.html');
    put('/docs/index.html');
    put('/index.html');
    expect(store.resolve('/about')?.key).toBe('/about.html');
    expect(store.resolve('/docs')?.key).toBe('/docs/index.html');
    expect(store.resolve('/docs/')?.key).toBe('/docs/index.html');
    expect(store.resolve('/')?.key).toBe('/index.html');
    store.setAssetProperties({ key: '/about.html', is_aliased: { value: false } });
    expect(store.resolve('/about')).toBeUndefined();
  });

  it('names the alias paths of each key as the official canister certifies them', () => {
    expect(aliasesOf('/x.html')).toEqual(['/x']);
    expect(aliasesOf('/d/index.html')).toEqual(['/d/index', '/d/', '/d']);
    expect(aliasesOf('/index.html')).toEqual(['/index', '/']);
    expect(aliasesOf('/img.png')).toEqual([]);
    expect(aliasTargets('/d/')).toEqual(['/d/index.html']);
    expect(aliasTargets('/x')).toEqual(['/x.html', '/x/index.html']);
  });

  it('consumes chunks once and drops expired batches with their chunks', () => {
    const store = new AssetStore();
    const batchId = store.createBatch(NOW);
    const chunkId = store.createChunk(batchId, utf8.encode('abc'), NOW);
    store.commitBatch(
      batchId,
      [
        { CreateAsset: { key: '/c', content_type: 'text/plain' } },
        { SetAssetContent: { key: '/c', content_encoding: 'identity', chunk_ids: [chunkId] } },
      ],
      NOW,
    );
    expect(failure(() => store.createChunk(batchId, utf8.encode('late'), NOW))).toBe(
      AssetsErrorCode.BATCH_NOT_FOUND,
    );
    const stale = store.createBatch(NOW);
    const staleChunk = store.createChunk(stale, utf8.encode('old'), NOW);
    store.createBatch(NOW + BATCH_EXPIRY_NS + 1n);
    expect(
      failure(() =>
        store.commitBatch(
          stale,
          [
            {
              SetAssetContent: { key: '/c', content_encoding: 'identity', chunk_ids: [staleChunk] },
            },
          ],
          NOW,
        ),
      ),
    ).toBe(AssetsErrorCode.CHUNK_NOT_FOUND);
  });

  it('requires and checks sha256 on get_chunk, as clients send it', () => {
    const store = new AssetStore();
    store.store(
      {
        key: '/k',
        content_type: 'text/plain',
        content_encoding: 'identity',
        content: utf8.encode('k'),
      },
      NOW,
    );
    expect(failure(() => store.getChunk('/k', 'identity', 0, undefined))).toBe(
      AssetsErrorCode.SHA256_REQUIRED,
    );
    expect(failure(() => store.getChunk('/k', 'identity', 0, new Uint8Array(32)))).toBe(
      AssetsErrorCode.SHA256_MISMATCH,
    );
  });

  it('sets and unsets properties, unsets encodings, deletes and clears', () => {
    const store = new AssetStore();
    store.store(
      {
        key: '/p',
        content_type: 'text/plain',
        content_encoding: 'identity',
        content: utf8.encode('p'),
      },
      NOW,
    );
    store.setAssetProperties({
      key: '/p',
      max_age: { value: 60n },
      headers: { value: [['x-a', '1']] },
    });
    expect(store.exact('/p')).toMatchObject({ maxAge: 60n, headers: [['x-a', '1']] });
    store.setAssetProperties({ key: '/p', max_age: { value: null } });
    expect(store.exact('/p')).toMatchObject({ maxAge: undefined, headers: [['x-a', '1']] });
    store.commitBatch(
      0n,
      [{ UnsetAssetContent: { key: '/p', content_encoding: 'identity' } }],
      NOW,
    );
    expect(store.exact('/p')?.encodings.size).toBe(0);
    store.commitBatch(0n, [{ DeleteAsset: { key: '/p' } }, { DeleteAsset: { key: '/gone' } }], NOW);
    expect(store.list()).toEqual([]);
    uploadInBatch(store, '/q', bytesOf(3), 3);
    store.commitBatch(0n, [{ Clear: {} }], NOW);
    expect(store.isEmpty).toBe(true);
    expect(store.createBatch(NOW)).toBe(1n);
  });

  it('lists assets sorted by key and reports the keys whose responses changed', () => {
    const store = new AssetStore();
    for (const key of ['/b', '/a', '/c']) {
      store.store(
        {
          key,
          content_type: 'text/plain',
          content_encoding: 'identity',
          content: utf8.encode(key),
        },
        NOW,
      );
    }
    expect(store.list().map((asset) => asset.key)).toEqual(['/a', '/b', '/c']);
    expect(store.takeChangedKeys().sort()).toEqual(['/a', '/b', '/c']);
    expect(store.takeChangedKeys()).toEqual([]);
  });

  it('refuses keys that are not absolute paths', () => {
    const store = new AssetStore();
    expect(
      failure(() =>
        store.store(
          {
            key: 'x',
            content_type: 'text/plain',
            content_encoding: 'identity',
            content: utf8.encode('x'),
          },
          NOW,
        ),
      ),
    ).toBe(AssetsErrorCode.INVALID_KEY);
  });
});

describe('AssetStore proposals (propose_commit_batch, compute_evidence, commit_proposed_batch)', () => {
  function proposed(store: AssetStore, content: Uint8Array) {
    const batchId = store.createBatch(NOW);
    const chunkId = store.createChunk(batchId, content, NOW);
    const operations = [
      { CreateAsset: { key: '/p.txt', content_type: 'text/plain' } },
      {
        SetAssetContent: {
          key: '/p.txt',
          content_encoding: 'identity',
          chunk_ids: [chunkId],
          sha256: sha256(content),
        },
      },
    ];
    store.proposeCommitBatch(batchId, operations);
    return { batchId, chunkId, operations };
  }

  function evidenceOf(store: AssetStore, batchId: bigint, budget: number): Uint8Array {
    for (let calls = 0; calls < 10_000; calls++) {
      const evidence = store.computeEvidence(batchId, budget);
      if (evidence !== undefined) {
        return evidence;
      }
    }
    throw new Error('evidence never completed');
  }

  it('commits a proposal only with its evidence, computed in as many calls as it takes', () => {
    const store = new AssetStore();
    const content = bytesOf(5_000);
    const { batchId } = proposed(store, content);
    expect(store.exact('/p.txt')).toBeUndefined();
    expect(failure(() => store.commitProposedBatch(batchId, new Uint8Array(32), NOW))).toBe(
      AssetsErrorCode.EVIDENCE_NOT_COMPUTED,
    );
    const evidence = evidenceOf(store, batchId, 1_000);
    const otherStore = new AssetStore();
    expect(evidenceOf(otherStore, proposed(otherStore, content).batchId, Infinity)).toEqual(
      evidence,
    );

    const wrong = evidence.slice();
    wrong[0] = (wrong[0] ?? 0) ^ 1;
    expect(failure(() => store.commitProposedBatch(batchId, wrong, NOW))).toBe(
      AssetsErrorCode.EVIDENCE_MISMATCH,
    );
    expect(store.exact('/p.txt')).toBeUndefined();
    store.commitProposedBatch(batchId, evidence, NOW);
    expect(store.get('/p.txt', ['identity']).encoding.chunks[0]).toEqual(content);
  });

  it('holds other uploads while a proposal is pending, and lets a decided one outlive expiry', () => {
    const store = new AssetStore();
    const { batchId } = proposed(store, bytesOf(10));
    expect(failure(() => store.createChunk(batchId, bytesOf(1), NOW))).toBe(
      AssetsErrorCode.BATCH_ALREADY_PROPOSED,
    );
    expect(failure(() => store.createBatch(NOW))).toBe(AssetsErrorCode.BATCH_ALREADY_PROPOSED);
    expect(failure(() => store.proposeCommitBatch(batchId, []))).toBe(
      AssetsErrorCode.BATCH_ALREADY_PROPOSED,
    );
    const evidence = evidenceOf(store, batchId, Infinity);
    // Expired but decided: kept for its commit, and still blocking new batches.
    expect(failure(() => store.createBatch(NOW + BATCH_EXPIRY_NS + 1n))).toBe(
      AssetsErrorCode.BATCH_ALREADY_PROPOSED,
    );
    store.commitProposedBatch(batchId, evidence, NOW);
    expect(store.createBatch(NOW)).toBeGreaterThan(batchId);
  });

  it('drops an undecided proposal when it expires', () => {
    const store = new AssetStore();
    const { batchId } = proposed(store, bytesOf(10));
    const next = store.createBatch(NOW + BATCH_EXPIRY_NS + 1n);
    expect(next).toBeGreaterThan(batchId);
    expect(failure(() => store.computeEvidence(batchId, 1))).toBe(AssetsErrorCode.BATCH_NOT_FOUND);
  });

  it('refuses proposals whose content could escape the evidence', () => {
    const store = new AssetStore();
    const other = store.createBatch(NOW);
    const foreignChunk = store.createChunk(other, bytesOf(4), NOW);
    const batchId = store.createBatch(NOW);
    const ownChunk = store.createChunk(batchId, bytesOf(4), NOW);
    const set = (chunkIds: bigint[], lastChunk?: Uint8Array) => [
      {
        SetAssetContent: {
          key: '/x',
          content_encoding: 'identity',
          chunk_ids: chunkIds,
          last_chunk: lastChunk,
        },
      },
    ];
    expect(failure(() => store.proposeCommitBatch(batchId, set([foreignChunk])))).toBe(
      AssetsErrorCode.PROPOSAL_REFUSED,
    );
    expect(failure(() => store.proposeCommitBatch(batchId, set([ownChunk], bytesOf(2))))).toBe(
      AssetsErrorCode.PROPOSAL_REFUSED,
    );
    store.proposeCommitBatch(batchId, set([ownChunk]));
    expect(failure(() => store.computeEvidence(other, 1))).toBe(AssetsErrorCode.BATCH_NOT_PROPOSED);
  });
});
