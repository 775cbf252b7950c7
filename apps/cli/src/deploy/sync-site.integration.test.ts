import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import type { ActorSubclass } from '@dfinity/agent';
import { Ed25519KeyIdentity } from '@dfinity/identity';
import type { Principal } from '@dfinity/principal';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AssetsCanister, assetsActor } from '@citadel/assets-canister/client';
import { type Gateway, createGateway } from '@citadel/gateway';
import {
  type TestNetwork,
  startTestNetwork,
} from '../../../../infra/replica/src/integration/harness.js';
import type { UploadJournal } from './asset-upload.js';
import { createMemoryEncodingCache } from './encoding-cache.js';
import { syncSite } from './sync-site.js';

/**
 * `syncSite` against the real replica and the asset canister built from source: every file
 * comes out of the verifying gateway byte for byte in each encoding; a redeploy uploads only
 * what changed; an interrupted upload resumes without sending its chunks again.
 */

const ASSETS_WASM = new URL('../../../../canisters/assets/dist/assets.wasm.gz', import.meta.url);
const owner = Ed25519KeyIdentity.generate();

const script = (n: number) =>
  `export function page${n}() {\n${'  console.log("citadel serves certified pages");\n'.repeat(40 + n)}}\n`;

const SITE: Record<string, string | Uint8Array> = {
  'index.html': `<!doctype html><title>home</title>${'<p>hello</p>'.repeat(50)}`,
  '404.html': '<h1>lost</h1>',
  'docs/guide.html': `<h1>guide</h1>${'<p>read me</p>'.repeat(40)}`,
  'docs/guide/index.txt': 'a folder beside a page',
  '_next/static/chunks/a.js': script(1),
  '_next/static/chunks/b.js': script(2),
  'files/résumé.txt': 'unicode name',
  'files/read me.txt': 'space in the name',
  'media/big.bin': new Uint8Array(4_500_000).map((_, i) => (i * 31 + (i >> 11)) & 0xff),
  '.hidden': 'never uploaded',
  '.ic-assets.json5': `[{ match: "**/*.js", headers: { "x-kind": "script" }, cache: { max_age: 600 } }]`,
};

async function writeSite(root: string, files: Record<string, string | Uint8Array>) {
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), content);
  }
}

describe('syncSite on the real replica, verified through the gateway', () => {
  let net: TestNetwork;
  let canisterId: Principal;
  let actor: ActorSubclass<AssetsCanister>;
  let gateway: Gateway;
  let site: string;
  const cache = createMemoryEncodingCache();

  beforeAll(async () => {
    net = await startTestNetwork();
    canisterId = await net.deploy(owner, new Uint8Array(readFileSync(ASSETS_WASM)));
    actor = assetsActor(await net.agent(owner), canisterId);
    // No response cache: each test looks at what the canister serves right after a sync.
    gateway = createGateway({
      agent: await net.agent(),
      rootKey: net.replica.rootKeyDer,
      cacheTtlMs: 0,
    });
    site = await mkdtemp(join(tmpdir(), 'citadel-site-'));
    await writeSite(site, SITE);
  }, 120_000);
  afterAll(async () => {
    await net.close();
    await rm(site, { recursive: true, force: true });
  });

  function get(path: string, encoding = 'identity') {
    return gateway.fetch(
      new Request(`http://${canisterId.toText()}.localhost:4943${encodeURI(path)}`, {
        headers: { 'accept-encoding': encoding },
      }),
    );
  }

  async function expectServed(path: string, content: string | Uint8Array) {
    const expected = typeof content === 'string' ? new TextEncoder().encode(content) : content;
    const response = await get(path);
    expect(response.status, path).toBe(200);
    expect(Buffer.from(await response.arrayBuffer()).equals(Buffer.from(expected)), path).toBe(
      true,
    );
  }

  it('uploads a whole site in one commit, every file served verified in each encoding', async () => {
    const result = await syncSite(actor, site, { cache });
    expect(result).toMatchObject({ files: 9, created: 9, updated: 0, removed: 0, committed: true });
    // The commit made release 1, which the site now serves.
    const [current] = await actor.current_release();
    expect(current?.id).toBe(1n);
    expect(await actor.served_release()).toEqual([1n]);
    for (const [path, content] of Object.entries(SITE)) {
      if (path.startsWith('.')) {
        expect((await get(`/${path}`)).status, path).toBe(404);
        continue;
      }
      await expectServed(`/${path}`, content);
    }
    const text = new TextEncoder().encode(SITE['_next/static/chunks/a.js'] as string);
    const gzipped = await get('/_next/static/chunks/a.js', 'gzip');
    expect(gzipped.headers.get('content-encoding')).toBe('gzip');
    expect(gunzipSync(Buffer.from(await gzipped.arrayBuffer())).equals(Buffer.from(text))).toBe(
      true,
    );
    const brotli = await get('/_next/static/chunks/a.js', 'br');
    expect(brotli.headers.get('content-encoding')).toBe('br');
    expect(
      brotliDecompressSync(Buffer.from(await brotli.arrayBuffer())).equals(Buffer.from(text)),
    ).toBe(true);
    expect(brotli.headers.get('x-kind')).toBe('script');
    expect(brotli.headers.get('cache-control')).toBe('max-age=600');
    // Binary files are stored once; text also as gzip and brotli where that is smaller.
    expect(result.uploadedEncodings).toBe(9 + 2 * 4);
    expect((await get('/docs/guide')).status).toBe(200);
    const missing = await get('/nowhere');
    expect(missing.status).toBe(404);
    expect(await missing.text()).toBe('<h1>lost</h1>');
  }, 120_000);

  it('leaves the canister alone when nothing changed', async () => {
    const result = await syncSite(actor, site, { cache });
    expect(result).toMatchObject({ committed: false, unchanged: 9, uploadedBytes: 0 });
  });

  it('uploads only the changed file, adds the new one and deletes the removed one', async () => {
    const secondEdition = `<h1>guide, second edition</h1>${'<p>new</p>'.repeat(30)}`;
    await writeFile(join(site, 'docs/guide.html'), secondEdition);
    await writeFile(join(site, 'new.txt'), 'new file');
    await unlink(join(site, 'files/read me.txt'));
    const result = await syncSite(actor, site, { cache });
    expect(result).toMatchObject({ created: 1, updated: 1, removed: 1, unchanged: 7 });
    // guide.html in three encodings, new.txt (too small to compress) in one.
    expect(result.uploadedEncodings).toBe(4);
    await expectServed('/docs/guide.html', secondEdition);
    await expectServed('/new.txt', 'new file');
    expect((await get('/files/read me.txt')).status).toBe(404);
    const gzipped = await get('/docs/guide.html', 'gzip');
    expect(gunzipSync(Buffer.from(await gzipped.arrayBuffer())).toString()).toBe(secondEdition);
  }, 60_000);

  it('changes properties without uploading when only .ic-assets.json5 changed', async () => {
    await writeFile(
      join(site, '.ic-assets.json5'),
      `[{ match: "**/*.js", headers: { "x-kind": "module" }, cache: { max_age: 600 } }]`,
    );
    const result = await syncSite(actor, site, { cache });
    expect(result).toMatchObject({ updated: 2, uploadedBytes: 0, committed: true });
    expect((await get('/_next/static/chunks/b.js')).headers.get('x-kind')).toBe('module');
  }, 60_000);

  it('resumes an interrupted upload without sending the chunks the canister already has', async () => {
    const big = new Uint8Array(5_000_000).map((_, i) => (i * 17 + 5) & 0xff);
    await writeFile(join(site, 'media/big.bin'), big);
    await writeFile(
      join(site, 'media/other.bin'),
      Uint8Array.from(big.subarray(0, 3_000_000)).reverse(),
    );
    const journal = memoryJournal();
    let calls = 0;
    const failing = new Proxy(actor, {
      get(target, name, receiver) {
        if (name === 'create_chunks') {
          return async (args: { batch_id: bigint; content: Uint8Array[] }) => {
            if (++calls > 2) {
              throw new Error('connection lost (simulated)');
            }
            return target.create_chunks(args);
          };
        }
        return Reflect.get(target, name, receiver) as unknown;
      },
    });
    await expect(syncSite(failing, site, { cache, journal, concurrency: 1 })).rejects.toThrow(
      'simulated',
    );
    expect(journal.chunkIds.size).toBe(2);
    let sent = 0;
    const counting = new Proxy(actor, {
      get(target, name, receiver) {
        if (name === 'create_chunks') {
          return async (args: { batch_id: bigint; content: Uint8Array[] }) => {
            sent += args.content.length;
            return target.create_chunks(args);
          };
        }
        return Reflect.get(target, name, receiver) as unknown;
      },
    });
    const result = await syncSite(counting, site, { cache, journal, concurrency: 1 });
    expect(result.committed).toBe(true);
    // big.bin is 3 pieces, other.bin 2: two were in the canister already.
    expect(sent).toBe(3);
    expect(journal.batchId).toBeUndefined();
    await expectServed('/media/big.bin', big);
  }, 120_000);
});

function memoryJournal(): UploadJournal & { chunkIds: Map<string, bigint> } {
  const chunkIds = new Map<string, bigint>();
  let batchId: bigint | undefined;
  return {
    get batchId() {
      return batchId;
    },
    chunkIds,
    async started(id) {
      batchId = id;
      chunkIds.clear();
    },
    uploaded(sha, id) {
      chunkIds.set(sha, id);
    },
    async flush() {},
    async clear() {
      batchId = undefined;
      chunkIds.clear();
    },
  };
}
