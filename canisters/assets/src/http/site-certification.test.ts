import { verifyRequestResponsePair } from '@dfinity/response-verification';
import { sha256 } from '@noble/hashes/sha2.js';
import { describe, expect, it } from 'vitest';
import { CertificationTree } from '../certification/certification-tree.js';
import { AssetStore, type BatchOperation, MAX_CHUNK_BYTES } from '../state/asset-store.js';
import type { AssetReader } from '../state/asset-view.js';
import {
  FIVE_MINUTES_NS,
  TEST_CANISTER_ID,
  TEST_NOW_NS,
  TEST_ROOT_KEY,
  dataCertificate,
} from '../testing/certificates.js';
import { httpRequest } from './http-request.js';
import { CertificationJob, type SiteOptions, certifySite } from './site-certification.js';

/**
 * Re-certifying only what a change touched must give exactly the tree certifying the whole
 * site from scratch would (the tree's shape depends on its content alone, so root hashes are
 * comparable), however the work is split into budgeted steps; and while it runs, the previous
 * snapshot and tree keep answering with responses that verify.
 */

const utf8 = new TextEncoder();
const OPTIONS: SiteOptions = { spaFallback: false, securityHeaders: true };

function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state ^ (state >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
    return state / 2 ** 32;
  };
}

/** Keys chosen so that aliases collide: `/a`, `/a.html`, `/a/index.html`, `/index.html`, … */
const KEYS = [
  '/index.html',
  '/404.html',
  '/a',
  '/a.html',
  '/a/index.html',
  '/a/b.html',
  '/docs/index.html',
  '/docs/',
  '/app.js',
  '/ü ber.txt',
];

function content(key: string, version: number): BatchOperation[] {
  const body = utf8.encode(`${key} v${version}`);
  return [
    { CreateAsset: { key, content_type: key.endsWith('.js') ? 'text/javascript' : 'text/html' } },
    {
      SetAssetContent: {
        key,
        content_encoding: version % 2 === 0 ? 'identity' : 'gzip',
        chunk_ids: [],
        last_chunk: body,
        sha256: sha256(body),
      },
    },
  ];
}

function randomChange(store: AssetStore, next: () => number, version: number): void {
  const key = KEYS[Math.floor(next() * KEYS.length)] as string;
  const exists = store.exact(key) !== undefined;
  const roll = next();
  let operations: BatchOperation[];
  if (exists && roll < 0.25) {
    operations = [{ DeleteAsset: { key } }];
  } else if (exists && roll < 0.4) {
    operations = [
      { SetAssetProperties: { key, is_aliased: { value: next() < 0.5 }, max_age: { value: 5n } } },
    ];
  } else if (exists && roll < 0.5) {
    operations = [{ UnsetAssetContent: { key, content_encoding: 'identity' } }];
  } else if (roll < 0.53) {
    operations = [{ Clear: {} }];
  } else {
    operations = content(key, version);
  }
  store.commitBatch(0n, operations, TEST_NOW_NS);
}

function verifiesAt(site: AssetReader, tree: CertificationTree, url: string): boolean {
  const response = httpRequest(
    { method: 'GET', url, headers: [], body: new Uint8Array(0), certificateVersion: 2 },
    { store: site, tree, options: OPTIONS, certificate: dataCertificate(tree.rootHash()) },
  );
  try {
    verifyRequestResponsePair(
      { url, method: 'GET', headers: [], body: new Uint8Array(0), certificate_version: [2] },
      {
        status_code: response.status,
        headers: [...response.headers] as [string, string][],
        body: response.body,
      },
      TEST_CANISTER_ID,
      TEST_NOW_NS,
      FIVE_MINUTES_NS,
      TEST_ROOT_KEY,
      2,
    );
    return true;
  } catch {
    return false;
  }
}

describe('incremental site certification', () => {
  it('re-certifying the changed keys gives the same tree as certifying the whole site', () => {
    const next = random(3);
    const store = new AssetStore();
    let tree = certifySite(store.snapshot(), OPTIONS);
    for (let version = 0; version < 150; version++) {
      randomChange(store, next, version);
      const site = store.snapshot();
      const job = new CertificationJob(tree, site, store.takeChangedKeys(), OPTIONS);
      const done = job.run(() => false);
      if (done === undefined) {
        throw new Error('an unbudgeted job finishes in one run');
      }
      expect(done.rootHash).toEqual(certifySite(site, OPTIONS).rootHash());
      tree = done.tree;
    }
  });

  it('gives the same result however the work is split into budgeted steps', () => {
    const store = new AssetStore();
    for (const key of KEYS) {
      store.commitBatch(0n, content(key, 1), TEST_NOW_NS);
    }
    const site = store.snapshot();
    const expected = certifySite(site, OPTIONS).rootHash();
    for (const stepsPerRun of [1, 3, 10]) {
      const job = new CertificationJob(new CertificationTree(), site, [...KEYS], OPTIONS);
      let runs = 0;
      let done: ReturnType<CertificationJob['run']>;
      do {
        let budget = stepsPerRun;
        done = job.run(() => budget-- <= 0);
        runs++;
      } while (done === undefined && runs < 10_000);
      expect(done?.rootHash).toEqual(expected);
      if (stepsPerRun === 1) {
        expect(runs).toBeGreaterThan(KEYS.length);
      }
    }
  });

  it('stops between the chunk responses of one large asset, so no step grows with file size', () => {
    const store = new AssetStore();
    const chunks = 6;
    const content = new Uint8Array(chunks * MAX_CHUNK_BYTES).fill(7);
    const pieces = Array.from({ length: chunks }, (_, i) =>
      content.subarray(i * MAX_CHUNK_BYTES, (i + 1) * MAX_CHUNK_BYTES),
    );
    const digest = sha256(pieces[0] as Uint8Array);
    store.commitBatch(
      0n,
      [
        { CreateAsset: { key: '/big.bin', content_type: 'application/octet-stream' } },
        {
          SetAssetContent: {
            key: '/big.bin',
            content_encoding: 'identity',
            chunk_ids: [],
            last_chunk: content,
            sha256: sha256(content),
            chunk_sha256s: pieces.map(() => digest),
          },
        },
      ],
      TEST_NOW_NS,
    );
    const site = store.snapshot();
    const job = new CertificationJob(new CertificationTree(), site, ['/big.bin'], OPTIONS);
    let runs = 0;
    let done: ReturnType<CertificationJob['run']>;
    do {
      let budget = 1;
      done = job.run(() => budget-- <= 0);
      runs++;
    } while (done === undefined && runs < 1_000);
    // One response for the whole body and one per chunk, each in a run of its own.
    expect(runs).toBeGreaterThan(chunks + 1);
    expect(done?.rootHash).toEqual(certifySite(site, OPTIONS).rootHash());
  });

  it('keeps the served snapshot verifiable while the next version is being certified', () => {
    const store = new AssetStore();
    store.commitBatch(0n, content('/a.html', 0), TEST_NOW_NS);
    const served = store.snapshot();
    const servedTree = certifySite(served, OPTIONS);

    store.commitBatch(0n, [...content('/a.html', 2), { DeleteAsset: { key: '/a.html' } }], 0n);
    store.commitBatch(0n, content('/b.html', 1), TEST_NOW_NS);
    const job = new CertificationJob(
      servedTree,
      store.snapshot(),
      store.takeChangedKeys(),
      OPTIONS,
    );
    let budget = 1;
    expect(job.run(() => budget-- <= 0)).toBeUndefined();

    // Mid-job, the old pair still serves /a.html as it was, and verifiably.
    expect(verifiesAt(served, servedTree, '/a')).toBe(true);
    expect(served.resolve('/a')?.key).toBe('/a.html');
    const done = job.run(() => false);
    expect(done).toBeDefined();
    expect(verifiesAt(store.snapshot(), done?.tree as CertificationTree, '/b')).toBe(true);
    expect(verifiesAt(store.snapshot(), done?.tree as CertificationTree, '/a')).toBe(true);
  });
});
