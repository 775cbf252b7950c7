import { isDeepStrictEqual } from 'node:util';
import { bytesToHex } from '@citadel/protocol';
import { sha256 } from '@noble/hashes/sha2.js';
import { describe, expect, it } from 'vitest';
import { MapTable } from '../testing/map-table.js';
import { AssetStore, type BatchOperation, MAX_CHUNK_BYTES } from './asset-store.js';
import { AssetsErrorCode } from './errors.js';
import type { AssetRecord } from './records.js';
import { type Release, ReleaseLog, type ReleaseTables } from './release-log.js';
import type { Asset } from './types.js';

const utf8 = new TextEncoder();

interface TestTables extends ReleaseTables {
  readonly assets: MapTable<string>;
  readonly contents: MapTable<string>;
  readonly chunks: MapTable<Uint8Array>;
  readonly open: MapTable<string>;
  readonly releases: MapTable<string>;
  readonly undo: MapTable<string>;
  readonly legacyChunks: MapTable<Uint8Array>;
}

function newTables(): TestTables {
  return {
    assets: new MapTable(),
    contents: new MapTable(),
    chunks: new MapTable(),
    open: new MapTable(),
    releases: new MapTable(),
    undo: new MapTable(),
    legacyChunks: new MapTable(),
  };
}

/** Content to upload, with the hash the uploader declares (the canister trusts it). */
interface Content {
  readonly bytes: Uint8Array;
  readonly sha256: Uint8Array;
}

const content = (bytes: Uint8Array, declared?: Uint8Array): Content => ({
  bytes,
  sha256: declared ?? sha256(bytes),
});

/**
 * The canister's write path without Azle: an {@link AssetStore} for the heap and a
 * {@link ReleaseLog} over `Map` tables for stable memory, joined as `index.ts` joins them.
 */
class Site {
  readonly tables: TestTables;
  store = new AssetStore({ trustClientHashes: true });
  log: ReleaseLog;
  now = 1_700_000_000_000_000_000n;

  constructor(kept?: number, tables = newTables()) {
    this.tables = tables;
    this.log = new ReleaseLog(tables, kept);
  }

  tick(): bigint {
    this.now += 1_000_000_000n;
    return this.now;
  }

  /** What `changed()` does in the canister: writes every key the store changed. */
  persist(): void {
    for (const key of this.store.takeChangedKeys()) {
      this.log.write(key, this.store.exact(key));
    }
  }

  close(committer: string, rollbackOf?: number): Release | undefined {
    return this.log.close(
      { timeNs: this.tick(), committer, ...this.store.totals(), rollbackOf },
      rollbackOf !== undefined,
    );
  }

  /** A `commit_batch`: the operations, then a release. */
  commit(operations: BatchOperation[], committer = 'alice'): Release | undefined {
    this.store.commitBatch(1n, operations, this.tick());
    this.persist();
    return this.close(committer);
  }

  /** A change outside a batch (`store`, `delete_asset`, …): no release. */
  change(operations: BatchOperation[]): void {
    this.store.commitBatch(0n, operations, this.tick());
    this.persist();
  }

  rollback(id: number, committer = 'alice'): Release {
    for (const [key, asset] of this.log.restore(id)) {
      this.store.put(key, asset);
    }
    this.persist();
    return this.close(committer, id) as Release;
  }

  /** An upgrade: heap state is gone, everything is read back from the tables. */
  upgrade(): void {
    this.log = new ReleaseLog(this.tables, this.log.kept);
    this.store = new AssetStore({ trustClientHashes: true });
    for (const asset of this.log.load().assets) {
      this.store.restore(asset);
    }
  }
}

function put(key: string, body: Content, encoding = 'identity'): BatchOperation[] {
  return [
    { CreateAsset: { key, content_type: 'application/octet-stream' } },
    {
      SetAssetContent: {
        key,
        content_encoding: encoding,
        chunk_ids: [],
        last_chunk: body.bytes,
        sha256: body.sha256,
      },
    },
  ];
}

const remove = (key: string): BatchOperation => ({ DeleteAsset: { key } });

/** Everything about the site's assets that is served or listed, bytes included. */
function snapshotOf(store: AssetStore) {
  return store.list().map((asset: Asset) => ({
    key: asset.key,
    contentType: asset.contentType,
    maxAge: asset.maxAge,
    headers: asset.headers,
    isAliased: asset.isAliased,
    allowRawAccess: asset.allowRawAccess,
    encodings: [...asset.encodings.values()].map((encoding) => ({
      name: encoding.contentEncoding,
      chunks: encoding.chunks.map((chunk) => chunk.length),
      bytes: encoding.chunks.map(hashOf),
      totalLength: encoding.totalLength,
      sha256: bytesToHex(encoding.sha256),
      chunkSha256s: encoding.chunkSha256s?.map(bytesToHex),
      modifiedNs: encoding.modifiedNs,
    })),
  }));
}

const hashes = new WeakMap<Uint8Array, string>();

/** A chunk's SHA-256, remembered: snapshots are taken often and chunks are shared. */
function hashOf(chunk: Uint8Array): string {
  let hash = hashes.get(chunk);
  if (hash === undefined) {
    hash = bytesToHex(sha256(chunk));
    hashes.set(chunk, hash);
  }
  return hash;
}

function concat(chunks: readonly Uint8Array[]): Uint8Array {
  const whole = new Uint8Array(chunks.reduce((n, chunk) => n + chunk.length, 0));
  chunks.reduce((offset, chunk) => (whole.set(chunk, offset), offset + chunk.length), 0);
  return whole;
}

/**
 * The storage invariants: undo diffs are stored exactly where needed; every stored content's count is exactly the number of references to
 * it (current records, the open diff, kept undo diffs), nothing unreferenced is stored, and
 * the stored chunks are exactly the chunks of stored content.
 */
function checkStorage(tables: TestTables, log?: ReleaseLog): void {
  if (log !== undefined) {
    // Undo diffs are kept for the kept releases after the oldest, and for no other.
    const ids = log.list().map((release) => release.id);
    const needed = ids.slice(0, -1).sort((a, b) => a - b);
    expect([...tables.undo.map.keys()].map(Number).sort((a, b) => a - b)).toEqual(needed);
  }
  const expected = new Map<string, number>();
  const count = (text: string | null) => {
    for (const encoding of text === null ? [] : (JSON.parse(text) as AssetRecord).encodings) {
      const id = encoding.content as string;
      expected.set(id, (expected.get(id) ?? 0) + 1);
    }
  };
  tables.assets.map.forEach((text) => count(text));
  tables.open.map.forEach((text) => count(text === 'null' ? null : text));
  tables.undo.map.forEach((text) => {
    for (const [, record] of JSON.parse(text) as [string, string | null][]) {
      count(record);
    }
  });
  const stored = new Map<string, number>();
  const chunkKeys = new Set<string>();
  tables.contents.map.forEach((text, id) => {
    const record = JSON.parse(text) as { refs: number; chunks: number };
    expect(record.refs).toBeGreaterThan(0);
    stored.set(id, record.refs);
    for (let index = 0; index < record.chunks; index++) {
      chunkKeys.add(`${id}#${index}`);
    }
  });
  expect(stored).toEqual(expected);
  expect(new Set(tables.chunks.map.keys())).toEqual(chunkKeys);
}

function failure(call: () => unknown): string {
  try {
    call();
  } catch (error) {
    return (error as { code: string }).code;
  }
  throw new Error('expected the call to fail');
}

/** mulberry32: a small seeded PRNG, so a failing sequence can be replayed. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const A = content(utf8.encode('<h1>release one</h1>'));
const B = content(utf8.encode('body { color: red }'));
const C = content(utf8.encode('console.log("c")'));
const D = content(utf8.encode('a new file in release two'));

describe('ReleaseLog', () => {
  it('closes a release per commit with its committer, files and bytes, newest first', () => {
    const site = new Site();
    expect(site.log.current()).toBeUndefined();
    const first = site.commit([...put('/index.html', A), ...put('/app.css', B)], 'alice');
    expect(first).toMatchObject({ id: 1, committer: 'alice', files: 2, current: true });
    expect(first?.bytes).toBe(A.bytes.length + B.bytes.length);
    const second = site.commit([remove('/app.css'), ...put('/new.txt', D)], 'bob');
    expect(second).toMatchObject({ id: 2, committer: 'bob', files: 2, rollbackOf: undefined });
    expect(site.log.list().map((release) => [release.id, release.current])).toEqual([
      [2, true],
      [1, false],
    ]);
    expect(site.log.current()?.id).toBe(2);
    checkStorage(site.tables, site.log);
  });

  it('closes no release for a commit that changes nothing, and folds changes outside commits into the next one', () => {
    const site = new Site();
    site.commit(put('/index.html', A));
    expect(site.commit([])).toBeUndefined();
    site.change(put('/a.txt', B));
    expect(site.log.current()).toBeUndefined();
    expect(site.log.list()[0]).toMatchObject({ id: 1, current: false });
    site.change([remove('/a.txt')]);
    // Back to what release 1 had: it is current again.
    expect(site.log.current()?.id).toBe(1);
    site.change(put('/a.txt', C));
    expect(site.commit([])?.id).toBe(2);
    checkStorage(site.tables, site.log);
  });

  it('rolls back to a release: deleted files come back, added ones go, as a new release', () => {
    const site = new Site();
    site.commit([...put('/index.html', A), ...put('/app.css', B), ...put('/app.js', C)]);
    const one = snapshotOf(site.store);
    site.commit([...put('/index.html', D), remove('/app.css'), ...put('/new.txt', D)]);
    const two = snapshotOf(site.store);
    const back = site.rollback(1, 'carol');
    expect(back).toMatchObject({ id: 3, rollbackOf: 1, committer: 'carol', current: true });
    expect(back.files).toBe(3);
    expect(snapshotOf(site.store)).toEqual(one);
    checkStorage(site.tables, site.log);
    // Roll forward, then roll back the rollback.
    expect(site.rollback(2)).toMatchObject({ id: 4, rollbackOf: 2 });
    expect(snapshotOf(site.store)).toEqual(two);
    expect(site.rollback(3)).toMatchObject({ id: 5, rollbackOf: 3 });
    expect(snapshotOf(site.store)).toEqual(one);
    site.upgrade();
    expect(snapshotOf(site.store)).toEqual(one);
    expect(site.rollback(4)).toMatchObject({ id: 6, rollbackOf: 4 });
    expect(snapshotOf(site.store)).toEqual(two);
    checkStorage(site.tables, site.log);
  });

  it('refuses unknown, pruned and current releases, and releases with the current content', () => {
    const site = new Site(3);
    expect(failure(() => site.log.restore(1))).toBe(AssetsErrorCode.RELEASE_NOT_FOUND);
    for (const body of [A, B, C, D]) {
      site.commit(put('/index.html', body));
    }
    expect(site.log.list().map((release) => release.id)).toEqual([4, 3, 2]);
    expect(failure(() => site.log.restore(5))).toBe(AssetsErrorCode.RELEASE_NOT_FOUND);
    expect(failure(() => site.log.restore(0))).toBe(AssetsErrorCode.RELEASE_NOT_FOUND);
    expect(failure(() => site.log.restore(1))).toBe(AssetsErrorCode.RELEASE_PRUNED);
    expect(failure(() => site.log.restore(4))).toBe(AssetsErrorCode.RELEASE_IS_CURRENT);
    site.rollback(3);
    expect(failure(() => site.log.restore(3))).toBe(AssetsErrorCode.RELEASE_IS_CURRENT);
    expect(failure(() => site.log.restore(5))).toBe(AssetsErrorCode.RELEASE_IS_CURRENT);
    // A change outside a commit: rolling back to the latest release undoes it, as a release.
    site.change(put('/extra.txt', A));
    expect(site.log.current()).toBeUndefined();
    expect(site.rollback(5)).toMatchObject({ id: 6, rollbackOf: 5, files: 1, current: true });
    expect(site.store.exact('/extra.txt')).toBeUndefined();
    checkStorage(site.tables, site.log);
  });

  it('stores shared content once and frees exactly what pruning leaves unreferenced', () => {
    const site = new Site(2);
    const big = content(new Uint8Array(MAX_CHUNK_BYTES + 1_000).map((_, i) => (i * 7) & 0xff));
    site.commit([...put('/big.bin', big), ...put('/a.txt', A), ...put('/copy.txt', A)]);
    // One content for both files; two chunks for the big one.
    expect(site.tables.contents.map.size).toBe(2);
    expect(site.tables.chunks.map.size).toBe(3);
    // Re-uploading unchanged content stores no bytes.
    site.commit([...put('/big.bin', big), ...put('/a.txt', A)]);
    expect(site.tables.chunks.map.size).toBe(3);
    // Releases 2 and 3 kept: undo of 3 still needs big and A.
    site.commit([remove('/big.bin'), ...put('/a.txt', B), ...put('/copy.txt', B)]);
    expect(site.tables.contents.map.size).toBe(3);
    checkStorage(site.tables, site.log);
    // Releases 3 and 4 kept: nothing refers to big or A any more.
    site.commit(put('/c.txt', C));
    expect(site.tables.contents.map.size).toBe(2);
    expect(site.tables.chunks.map.size).toBe(2);
    checkStorage(site.tables, site.log);
    // Fewer releases kept: pruned at once.
    site.log.setKept(1);
    expect(site.log.list().map((release) => release.id)).toEqual([4]);
    expect(site.tables.undo.map.size).toBe(0);
  });

  it('keeps content apart when two uploads declare the same hash for different bytes', () => {
    const site = new Site();
    const liar = content(utf8.encode('<h1>release two</h1>'), A.sha256);
    site.commit(put('/index.html', A));
    site.commit(put('/other.html', liar));
    site.upgrade();
    const served = (key: string) =>
      concat(site.store.exact(key)?.encodings.get('identity')?.chunks ?? []);
    expect(served('/index.html')).toEqual(A.bytes);
    expect(served('/other.html')).toEqual(liar.bytes);
    checkStorage(site.tables, site.log);
  });

  it('moves content of the previous stable layout into the content store on load', () => {
    const tables = newTables();
    const legacy = {
      contentType: 'text/html',
      maxAge: '60',
      headers: [['x-frame-options', 'DENY']],
      isAliased: null,
      allowRawAccess: null,
      encodings: [
        {
          contentEncoding: 'identity',
          chunkCount: 2,
          totalLength: 5,
          sha256: bytesToHex(sha256(utf8.encode('hello'))),
          modifiedNs: '42',
        },
      ],
    };
    tables.assets.insert('/index.html', JSON.stringify(legacy));
    tables.legacyChunks.insert('/index.html\u0000identity\u00000', utf8.encode('hel'));
    tables.legacyChunks.insert('/index.html\u0000identity\u00001', utf8.encode('lo'));
    const site = new Site(undefined, tables);
    const { assets, migrated } = site.log.load();
    expect(migrated).toBe(1);
    expect(tables.legacyChunks.map.size).toBe(0);
    const [asset] = assets as [Asset];
    expect(asset.maxAge).toBe(60n);
    expect(asset.headers).toEqual([['x-frame-options', 'DENY']]);
    expect(asset.encodings.get('identity')?.chunks).toEqual([
      utf8.encode('hel'),
      utf8.encode('lo'),
    ]);
    expect(asset.encodings.get('identity')?.modifiedNs).toBe(42n);
    checkStorage(tables);
    // The site as it was becomes release 1, and a later release can be rolled back to it.
    site.store.restore(asset);
    site.close('controller');
    expect(site.log.list()).toHaveLength(0);
    expect(
      site.log.close({ timeNs: 1n, committer: 'controller', files: 1, bytes: 5 }, true)?.id,
    ).toBe(1);
    const before = snapshotOf(site.store);
    site.commit(put('/index.html', A));
    site.rollback(1);
    expect(snapshotOf(site.store)).toEqual(before);
    // Loading again finds nothing left to move.
    site.upgrade();
    expect(site.log.load().migrated).toBe(0);
    expect(snapshotOf(site.store)).toEqual(before);
    checkStorage(tables);
  });

  it('refuses releases_kept outside 1 to 100', () => {
    const site = new Site();
    expect(failure(() => site.log.setKept(0))).toBe(AssetsErrorCode.RELEASES_KEPT_INVALID);
    expect(failure(() => site.log.setKept(101))).toBe(AssetsErrorCode.RELEASES_KEPT_INVALID);
    expect(failure(() => new ReleaseLog(newTables(), 1.5))).toBe(
      AssetsErrorCode.RELEASES_KEPT_INVALID,
    );
  });

  describe('random sequences of commits, changes, rollbacks, prunes and upgrades', () => {
    const KEYS = ['/index.html', '/404.html', '/app.js', '/docs/index.html', '/ünï code.txt'];
    const BODIES: Content[] = [
      A,
      B,
      C,
      D,
      content(utf8.encode('')),
      // Declares A's hash for other bytes.
      content(utf8.encode('not what the hash says'), A.sha256),
      content(new Uint8Array(2 * MAX_CHUNK_BYTES + 17).map((_, i) => (i * 13 + 5) & 0xff)),
    ];

    for (const seed of [1, 2, 3, 4, 5]) {
      it(`seed ${seed}: every kept release is restored exactly; storage stays exact`, () => {
        const random = prng(seed);
        const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
        const site = new Site(1 + Math.floor(random() * 6));
        /** The site as each release closed it. */
        const snapshots = new Map<number, ReturnType<typeof snapshotOf>>();
        const released = (release: Release | undefined) => {
          if (release !== undefined) {
            snapshots.set(release.id, snapshotOf(site.store));
          }
        };
        /** A valid operation on the store as it is now. */
        const operation = (): BatchOperation[] => {
          const key = pick(KEYS);
          const asset = site.store.exact(key);
          const roll = random();
          if (asset === undefined || roll < 0.5) {
            return put(key, pick(BODIES), random() < 0.8 ? 'identity' : 'gzip');
          }
          if (roll < 0.7) {
            return [remove(key)];
          }
          if (roll < 0.85) {
            return [
              {
                SetAssetProperties: {
                  key,
                  max_age: { value: random() < 0.5 ? null : BigInt(Math.floor(random() * 100)) },
                  headers: random() < 0.5 ? undefined : { value: [['x-seed', String(seed)]] },
                  is_aliased: { value: random() < 0.5 ? null : random() < 0.5 },
                },
              },
            ];
          }
          if (roll < 0.95) {
            const [encoding] = asset.encodings.keys();
            return encoding === undefined
              ? [remove(key)]
              : [{ UnsetAssetContent: { key, content_encoding: encoding } }];
          }
          return [{ Clear: {} }];
        };

        let rollbacks = 0;
        for (let step = 0; step < 150; step++) {
          const roll = random();
          if (roll < 0.4) {
            const operations = Array.from({ length: 1 + Math.floor(random() * 3) }, () => {
              const ops = operation();
              site.store.commitBatch(0n, ops, site.tick());
              return ops;
            });
            expect(operations.length).toBeGreaterThan(0);
            site.persist();
            released(site.close(pick(['alice', 'bob'])));
          } else if (roll < 0.6) {
            site.change(operation());
          } else if (roll < 0.85) {
            const releases = site.log.list();
            const latest = releases[0]?.id ?? 0;
            const oldest = releases.at(-1)?.id ?? 1;
            // Mostly kept releases; sometimes any id, pruned and unknown ones included.
            const target =
              random() < 0.75
                ? oldest + Math.floor(random() * (latest - oldest + 1))
                : Math.floor(random() * (latest + 2));
            const expected =
              target < 1 || target > latest
                ? AssetsErrorCode.RELEASE_NOT_FOUND
                : target < oldest
                  ? AssetsErrorCode.RELEASE_PRUNED
                  : isDeepStrictEqual(snapshotOf(site.store), snapshots.get(target))
                    ? AssetsErrorCode.RELEASE_IS_CURRENT
                    : undefined;
            if (expected !== undefined) {
              expect(failure(() => site.log.restore(target))).toBe(expected);
            } else {
              const release = site.rollback(target, 'carol');
              expect(release).toMatchObject({ id: latest + 1, rollbackOf: target, current: true });
              expect(snapshotOf(site.store)).toEqual(snapshots.get(target));
              released(release);
              rollbacks++;
            }
          } else if (roll < 0.92) {
            site.log.setKept(1 + Math.floor(random() * 6));
          } else {
            const before = snapshotOf(site.store);
            site.upgrade();
            expect(snapshotOf(site.store)).toEqual(before);
          }
          checkStorage(site.tables, site.log);
          // The current flag: the latest release, if the site still has its content.
          const latest = site.log.list()[0];
          if (latest !== undefined) {
            const unchanged = isDeepStrictEqual(snapshotOf(site.store), snapshots.get(latest.id));
            expect(latest.current).toBe(unchanged);
          }
        }
        expect(rollbacks).toBeGreaterThan(2);
      });
    }
  });
});
