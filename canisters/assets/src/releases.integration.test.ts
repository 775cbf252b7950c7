import { existsSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { Actor, type ActorSubclass } from '@dfinity/agent';
import { AssetManager } from '@dfinity/assets';
import { IDL } from '@dfinity/candid';
import { Ed25519KeyIdentity } from '@dfinity/identity';
import type { Principal } from '@dfinity/principal';
import { verifyRequestResponsePair } from '@dfinity/response-verification';
import { sha256 } from '@noble/hashes/sha2.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestNetwork } from '../../../infra/replica/src/integration/harness.js';
import { startTestNetwork } from '../../../infra/replica/src/integration/harness.js';
import {
  type HttpCanisterActor as HttpActor,
  httpInterface as httpIdl,
} from '../../../infra/gateway/src/canister/http-interface.js';
import {
  type AssetsActor,
  assetsActor,
  createAsset,
  setAssetContent,
  type Operation,
} from './testing/assets-actor.js';

/**
 * Releases and rollback (a Citadel extension) on the real replica: each commit is a release,
 * and rolling back serves the earlier release's responses byte for byte, each checked by the
 * unmodified `@dfinity/response-verification`, through upgrades and pruning. With the previous
 * build of the canister at hand (`ASSETS_PREVIOUS_WASM`, or `dist/assets-previous.wasm.gz`),
 * also checks that upgrading a canister installed before releases keeps its site: copy
 * `dist/assets.wasm.gz` there from a build of a commit before releases (e.g. 4a680f2).
 */

const WASM = new URL('../dist/assets.wasm.gz', import.meta.url);
const PREVIOUS_WASM =
  process.env.ASSETS_PREVIOUS_WASM ??
  new URL('../dist/assets-previous.wasm.gz', import.meta.url).pathname;
const owner = Ed25519KeyIdentity.generate();
const stranger = Ed25519KeyIdentity.generate();
const utf8 = new TextEncoder();

/** Every path the tests look at, found or not. */
const PATHS = ['/', '/index.html', '/style.css', '/old.txt', '/new.txt', '/about', '/no/such'];

interface Served {
  readonly status: number;
  /** Response headers but the certificate, which changes with every certification. */
  readonly headers: [string, string][];
  readonly body: Uint8Array;
}

async function startNetwork(wasm: string | URL) {
  if (!existsSync(wasm)) {
    throw new Error(`${wasm} is missing: run \`npm run build:canisters\` first.`);
  }
  const net = await startTestNetwork();
  const canisterId = await net.deploy(owner, new Uint8Array(readFileSync(wasm)));
  return { net, canisterId };
}

/** GET through http_request as a gateway does: assemble streamed chunks, verify v2. */
async function fetchVerified(net: TestNetwork, canisterId: Principal, url: string) {
  const actor = Actor.createActor<HttpActor>(httpIdl, { agent: await net.agent(), canisterId });
  const headers: [string, string][] = [['accept-encoding', 'gzip, identity']];
  const response = await actor.http_request({
    method: 'GET',
    url,
    headers,
    body: new Uint8Array(0),
    certificate_version: [2],
  });
  const parts = [response.body];
  let token = response.streaming_strategy[0]?.Callback.token;
  while (token !== undefined) {
    const next = await actor.http_request_streaming_callback(token);
    parts.push(next.body);
    token = next.token[0];
  }
  const body = new Uint8Array(parts.reduce((n, part) => n + part.length, 0));
  parts.reduce((offset, part) => (body.set(part, offset), offset + part.length), 0);
  const verified = verifyRequestResponsePair(
    { url, method: 'GET', headers, body: new Uint8Array(0), certificate_version: [2] },
    { status_code: response.status_code, headers: response.headers, body },
    canisterId.toUint8Array(),
    BigInt(Date.now()) * 1_000_000n,
    300_000_000_000n,
    net.replica.rootKeyDer,
    2,
  );
  expect(verified.response?.statusCode, url).toBe(response.status_code);
  const served: Served = {
    status: response.status_code,
    headers: response.headers.filter(([name]) => name.toLowerCase() !== 'ic-certificate'),
    body,
  };
  return served;
}

/** Every path of {@link PATHS} as served now, each response verified. */
async function site(net: TestNetwork, canisterId: Principal): Promise<Map<string, Served>> {
  const served = new Map<string, Served>();
  for (const path of PATHS) {
    served.set(path, await fetchVerified(net, canisterId, path));
  }
  return served;
}

/** One `commit_batch` (a release): files set inline, keys deleted. */
async function commit(
  actor: ActorSubclass<AssetsActor>,
  files: Record<string, string | Uint8Array>,
  deletes: string[] = [],
): Promise<void> {
  const { batch_id } = await actor.create_batch({});
  const operations: Operation[] = deletes.map((key) => ({ DeleteAsset: { key } }));
  for (const [key, text] of Object.entries(files)) {
    const content = typeof text === 'string' ? utf8.encode(text) : text;
    const type = key.endsWith('.html')
      ? 'text/html'
      : key.endsWith('.css')
        ? 'text/css'
        : 'text/plain';
    operations.push(createAsset({ key, content_type: type }), setAssetContent({ key, content }));
  }
  await actor.commit_batch({ batch_id, operations });
}

const RELEASE_1 = {
  '/index.html': '<h1>release one</h1>',
  '/style.css': 'body { color: navy }',
  '/old.txt': 'only in release one',
};
const RELEASE_2 = {
  '/index.html': '<h1>release two</h1>',
  '/new.txt': 'added by release two',
};

const bytesOf = (files: Record<string, string>) =>
  BigInt(Object.values(files).reduce((n, text) => n + utf8.encode(text).length, 0));

describe('releases and rollback on the replica', () => {
  let net: TestNetwork;
  let canisterId: Principal;
  let actor: ActorSubclass<AssetsActor>;
  let one: Map<string, Served>;
  let two: Map<string, Served>;

  beforeAll(async () => {
    ({ net, canisterId } = await startNetwork(WASM));
    actor = assetsActor(await net.agent(owner), canisterId);
  }, 120_000);
  afterAll(() => net.close());

  it('makes each commit a release, listed newest first with its files, bytes and committer', async () => {
    expect(await actor.list_releases()).toEqual([]);
    expect(await actor.current_release()).toEqual([]);
    await commit(actor, RELEASE_1);
    one = await site(net, canisterId);
    expect(one.get('/old.txt')?.status).toBe(200);
    expect(one.get('/new.txt')?.status).toBe(404);

    await commit(actor, RELEASE_2, ['/old.txt']);
    two = await site(net, canisterId);
    const releases = await actor.list_releases();
    expect(releases.map((release) => release.id)).toEqual([2n, 1n]);
    const [second, first] = releases;
    expect(first).toMatchObject({
      files: 3n,
      bytes: bytesOf(RELEASE_1),
      current: false,
      rollback_of: [],
    });
    expect(second).toMatchObject({
      files: 3n,
      bytes: bytesOf({ '/style.css': RELEASE_1['/style.css'], ...RELEASE_2 }),
      current: true,
      rollback_of: [],
    });
    expect(second?.committer.toText()).toBe(owner.getPrincipal().toText());
    expect(Number((second?.time_ns ?? 0n) / 1_000_000n)).toBeGreaterThan(Date.now() - 600_000);
    expect((await actor.current_release())[0]?.id).toBe(2n);
  });

  it('rolls back to release 1: every path byte-identical and verified, the deleted file back, the added one a certified 404', async () => {
    const release = await actor.rollback({ release_id: 1n });
    expect(release).toMatchObject({ id: 3n, rollback_of: [1n], current: true, files: 3n });
    expect(release.bytes).toBe(bytesOf(RELEASE_1));
    const now = await site(net, canisterId);
    expect(now).toEqual(one);
    expect(new TextDecoder().decode(now.get('/old.txt')?.body)).toBe(RELEASE_1['/old.txt']);
    expect(now.get('/new.txt')?.status).toBe(404);
    expect((await actor.current_release())[0]?.id).toBe(3n);
    const [latest, previous] = await actor.list_releases();
    expect(latest).toMatchObject({ id: 3n, current: true });
    expect(previous).toMatchObject({ id: 2n, current: false });
  });

  it('rolls forward to release 2', async () => {
    expect(await actor.rollback({ release_id: 2n })).toMatchObject({ id: 4n, rollback_of: [2n] });
    expect(await site(net, canisterId)).toEqual(two);
  });

  it('refuses strangers, unknown releases and the current one', async () => {
    const outsider = assetsActor(await net.agent(stranger), canisterId);
    await expect(outsider.rollback({ release_id: 1n })).rejects.toThrow(
      /does not have Commit permission/,
    );
    await expect(actor.rollback({ release_id: 99n })).rejects.toThrow(
      /release 99 does not exist: the latest release is 4/,
    );
    await expect(actor.rollback({ release_id: 4n })).rejects.toThrow(
      /release 4 is the current release/,
    );
    await expect(actor.rollback({ release_id: 2n })).rejects.toThrow(
      /the site already has the content of release 2/,
    );
    expect((await actor.list_releases()).map((release) => release.id)).toEqual([4n, 3n, 2n, 1n]);
  });

  it('keeps releases and their content across an upgrade', async () => {
    const before = await actor.list_releases();
    const management = await net.management(owner);
    await management.install_code({
      mode: { upgrade: [] },
      canister_id: canisterId,
      wasm_module: new Uint8Array(readFileSync(WASM)),
      arg: new Uint8Array(IDL.encode([], [])),
      sender_canister_version: [],
    });
    expect(await actor.list_releases()).toEqual(before);
    expect(await site(net, canisterId)).toEqual(two);
    // Release 1's bytes come back from stable memory alone.
    expect(await actor.rollback({ release_id: 1n })).toMatchObject({ id: 5n, rollback_of: [1n] });
    expect(await site(net, canisterId)).toEqual(one);
  });

  it('prunes to releases_kept: the oldest is refused', async () => {
    await actor.set_site_options({ spa_fallback: [], security_headers: [], releases_kept: [2] });
    expect((await actor.get_site_options()).releases_kept).toEqual([2]);
    expect((await actor.list_releases()).map((release) => release.id)).toEqual([5n, 4n]);
    for (let i = 0; i < 4; i++) {
      await commit(actor, { '/index.html': `<h1>release ${6 + i}</h1>` });
    }
    expect((await actor.list_releases()).map((release) => release.id)).toEqual([9n, 8n]);
    await expect(actor.rollback({ release_id: 7n })).rejects.toThrow(
      /release 7 is no longer kept: the last 2 releases are kept \(8 to 9\)/,
    );
    await expect(
      actor.set_site_options({ spa_fallback: [], security_headers: [], releases_kept: [0] }),
    ).rejects.toThrow(/releases_kept must be from 1 to 100, got 0/);
    await actor.rollback({ release_id: 8n });
    const index = await fetchVerified(net, canisterId, '/index.html');
    expect(new TextDecoder().decode(index.body)).toBe('<h1>release 8</h1>');
  });
});

describe.skipIf(!existsSync(PREVIOUS_WASM))(
  'upgrading a canister installed before releases',
  () => {
    let net: TestNetwork;
    let canisterId: Principal;

    beforeAll(async () => {
      ({ net, canisterId } = await startNetwork(PREVIOUS_WASM));
    }, 120_000);
    afterAll(() => net.close());

    it('keeps every asset, encoding and large file, and makes the site release 1', async () => {
      const assets = new AssetManager({ canisterId, agent: await net.agent(owner) });
      const big = new Uint8Array(4_000_000).map((_, i) => (i * 31 + (i >> 9)) & 0xff);
      const page = utf8.encode('<!doctype html><h1>before releases</h1>');
      const batch = assets.batch();
      // Hashes given: the client keys its running hash by asset key (see site.integration.test.ts).
      await batch.store(page, {
        fileName: 'index.html',
        contentType: 'text/html',
        sha256: sha256(page),
      });
      await batch.store(new Uint8Array(gzipSync(page)), {
        fileName: 'index.html',
        contentType: 'text/html',
        contentEncoding: 'gzip',
        sha256: sha256(new Uint8Array(gzipSync(page))),
      });
      await batch.store(big, { fileName: 'big.bin', contentType: 'application/octet-stream' });
      await batch.commit();
      await assets.store(utf8.encode('single call'), { fileName: 'old.txt' });
      // Keys the previous build wrote with TextEncoder are found with the new codec.
      const odd = 'ünï "quoted" \\ 日本.txt';
      await assets.store(utf8.encode('odd name'), { fileName: odd });
      const paths = ['/', '/index.html', '/big.bin', '/old.txt', encodeURI(`/${odd}`), '/missing'];
      const before = await Promise.all(paths.map((path) => fetchVerified(net, canisterId, path)));

      const management = await net.management(owner);
      await management.install_code({
        mode: { upgrade: [] },
        canister_id: canisterId,
        wasm_module: new Uint8Array(readFileSync(WASM)),
        arg: new Uint8Array(IDL.encode([], [])),
        sender_canister_version: [],
      });
      const after = await Promise.all(paths.map((path) => fetchVerified(net, canisterId, path)));
      expect(after).toEqual(before);
      expect(sha256(after[2]?.body ?? new Uint8Array(0))).toEqual(sha256(big));

      const actor = assetsActor(await net.agent(owner), canisterId);
      const [release] = await actor.list_releases();
      expect(release).toMatchObject({ id: 1n, files: 4n, current: true });
      expect(release?.bytes).toBe(
        BigInt(page.length + big.length + 'single call'.length + 'odd name'.length),
      );
      expect(new TextDecoder().decode(after[4]?.body)).toBe('odd name');
      expect(release?.committer.toText()).toBe(owner.getPrincipal().toText());

      await commit(actor, { '/index.html': '<h1>after</h1>' }, ['/big.bin']);
      await actor.rollback({ release_id: 1n });
      const restored = await Promise.all(paths.map((path) => fetchVerified(net, canisterId, path)));
      expect(restored).toEqual(before);
      // And once more after another upgrade, from the new layout.
      await management.install_code({
        mode: { upgrade: [] },
        canister_id: canisterId,
        wasm_module: new Uint8Array(readFileSync(WASM)),
        arg: new Uint8Array(IDL.encode([], [])),
        sender_canister_version: [],
      });
      expect(await Promise.all(paths.map((path) => fetchVerified(net, canisterId, path)))).toEqual(
        before,
      );
      expect((await actor.list_releases()).map((r) => r.id)).toEqual([3n, 2n, 1n]);
    }, 300_000);
  },
);
