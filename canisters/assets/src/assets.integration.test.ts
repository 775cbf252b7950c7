import { existsSync, readFileSync } from 'node:fs';
import { Actor } from '@dfinity/agent';
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
  CHUNK_BYTES,
  assetsActor,
  createAsset,
  setAssetContent,
  uploadInRanges,
} from './testing/assets-actor.js';
import {
  type HttpCanisterActor as HttpActor,
  httpInterface as httpIdl,
} from '../../../infra/gateway/src/canister/http-interface.js';

/**
 * The asset canister built from source (`canisters/assets/dist/assets.wasm.gz`) on the real
 * replica, driven by the unmodified `@dfinity/assets` client and checked by the unmodified
 * `@dfinity/response-verification`.
 */

const WASM = new URL('../dist/assets.wasm.gz', import.meta.url);
const owner = Ed25519KeyIdentity.generate();
const stranger = Ed25519KeyIdentity.generate();
const utf8 = new TextEncoder();

describe('asset canister on the replica', () => {
  let net: TestNetwork;
  let canisterId: Principal;
  let assets: AssetManager;

  beforeAll(async () => {
    if (!existsSync(WASM)) {
      throw new Error(`${WASM.pathname} is missing: run \`npm run build:canisters\` first.`);
    }
    net = await startTestNetwork();
    canisterId = await net.deploy(owner, new Uint8Array(readFileSync(WASM)));
    assets = new AssetManager({ canisterId, agent: await net.agent(owner) });
  }, 120_000);
  afterAll(() => net.close());

  /** GET through http_request as a gateway does: assemble streamed chunks, verify v2. */
  async function fetchVerified(url: string, headers: [string, string][] = []) {
    const actor = Actor.createActor<HttpActor>(httpIdl, { agent: await net.agent(), canisterId });
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
    return { status: response.status_code, body, verified };
  }

  it('stores a small file with @dfinity/assets, reads it back and finds it certified', async () => {
    const key = await assets.store(utf8.encode('<h1>hello</h1>'), {
      fileName: 'index.html',
      contentType: 'text/html',
    });
    expect(key).toBe('/index.html');
    const asset = await assets.get('/index.html');
    expect(new TextDecoder().decode(await asset.toUint8Array())).toBe('<h1>hello</h1>');
    expect(await asset.isCertified()).toBe(true);
    const { verified } = await fetchVerified('/');
    expect(new TextDecoder().decode(verified.response?.body)).toBe('<h1>hello</h1>');
  });

  it('stores a large file through the batch path in parallel chunks and serves it verified', async () => {
    const big = new Uint8Array(5_000_000).map((_, i) => (i * 7) & 0xff);
    const batch = assets.batch();
    await batch.store(big, { fileName: 'big.bin', contentType: 'application/octet-stream' });
    await batch.store(utf8.encode('small'), { fileName: 'small.txt', contentType: 'text/plain' });
    await batch.commit();
    const asset = await assets.get('/big.bin');
    expect(sha256(await asset.toUint8Array())).toEqual(sha256(big));
    const { body, verified } = await fetchVerified('/big.bin');
    expect(sha256(body)).toEqual(sha256(big));
    expect(verified.response?.statusCode).toBe(200);
    const keys = (await assets.list()).map((entry) => entry.key).sort();
    expect(keys).toEqual(['/big.bin', '/index.html', '/small.txt']);
  });

  it('re-uploads an existing key and deletes keys', async () => {
    const batch = assets.batch();
    await batch.store(new Uint8Array(3_000_000).fill(9), { fileName: 'big.bin' });
    await batch.commit();
    expect((await (await assets.get('/big.bin')).toUint8Array()).length).toBe(3_000_000);
    await assets.delete('/small.txt');
    const { status, verified } = await fetchVerified('/small.txt');
    expect(status).toBe(404);
    expect(verified.response?.statusCode).toBe(404);
  });

  it('lets only controllers and permitted principals change content', async () => {
    const outsider = new AssetManager({ canisterId, agent: await net.agent(stranger) });
    await expect(outsider.store(utf8.encode('x'), { fileName: 'x.txt' })).rejects.toThrow(
      /does not have Commit permission/,
    );
    await assets.store(utf8.encode('kept'), { fileName: 'kept.txt' });
    await assetsActor(await net.agent(owner), canisterId).authorize(stranger.getPrincipal());
    await outsider.store(utf8.encode('now allowed'), { fileName: 'x.txt' });
    expect(new TextDecoder().decode(await (await assets.get('/x.txt')).toUint8Array())).toBe(
      'now allowed',
    );
  });

  it('commits a batch proposed by a Prepare principal once its evidence is presented', async () => {
    const preparer = Ed25519KeyIdentity.generate();
    const asOwner = assetsActor(await net.agent(owner), canisterId);
    const asPreparer = assetsActor(await net.agent(preparer), canisterId);
    await asOwner.grant_permission({
      to_principal: preparer.getPrincipal(),
      permission: { Prepare: null },
    });
    const content = utf8.encode('proposed and approved');
    const { batch_id } = await asPreparer.create_batch({});
    const { chunk_id } = await asPreparer.create_chunk({ batch_id, content });
    const operations = [
      createAsset({ key: '/proposed.txt', content_type: 'text/plain' }),
      setAssetContent({ key: '/proposed.txt', content, chunk_ids: [chunk_id] }),
    ];
    await expect(asPreparer.commit_batch({ batch_id, operations })).rejects.toThrow(
      /does not have Commit permission/,
    );
    await asPreparer.propose_commit_batch({ batch_id, operations });
    let evidence: Uint8Array | undefined;
    while (evidence === undefined) {
      [evidence] = await asPreparer.compute_evidence({ batch_id, max_iterations: [97] });
    }
    const forged = new Uint8Array(32);
    expect(
      await asOwner.validate_commit_proposed_batch({ batch_id, evidence: forged }),
    ).toHaveProperty('Err');
    await expect(asOwner.commit_proposed_batch({ batch_id, evidence: forged })).rejects.toThrow(
      /does not match presented evidence/,
    );
    expect(await asOwner.validate_commit_proposed_batch({ batch_id, evidence })).toHaveProperty(
      'Ok',
    );
    await asOwner.commit_proposed_batch({ batch_id, evidence });
    const { verified } = await fetchVerified('/proposed.txt');
    expect(new TextDecoder().decode(verified.response?.body)).toBe('proposed and approved');
  });

  it('turns on the single-page fallback when a principal with Commit permission asks', async () => {
    const anonymous = assetsActor(await net.agent(), canisterId);
    await expect(
      anonymous.set_site_options({ spa_fallback: [true], security_headers: [], releases_kept: [] }),
    ).rejects.toThrow(/does not have Commit permission/);
    const before = await fetchVerified('/app/some/route');
    expect(before.status).toBe(404);

    const asOwner = assetsActor(await net.agent(owner), canisterId);
    await asOwner.set_site_options({
      spa_fallback: [true],
      security_headers: [],
      releases_kept: [],
    });
    expect(await asOwner.get_site_options()).toEqual({
      spa_fallback: true,
      security_headers: true,
      releases_kept: [10],
    });
    const after = await fetchVerified('/app/some/route');
    expect(after.status).toBe(200);
    expect(new TextDecoder().decode(after.verified.response?.body)).toBe('<h1>hello</h1>');
    expect(new Map(after.verified.response?.headers).get('x-content-type-options')).toBe('nosniff');
  });

  it('serves a large asset uploaded with chunk hashes as 206 ranges, each verified', async () => {
    const content = new Uint8Array(2 * CHUNK_BYTES + 4321).map((_, i) => (i * 17 + 3) & 0xff);
    await uploadInRanges(assetsActor(await net.agent(owner), canisterId), '/ranged.bin', content);

    const received: Uint8Array[] = [];
    let next = 0;
    while (next < content.length) {
      const headers: [string, string][] = next === 0 ? [] : [['range', `bytes=${next}-`]];
      const { status, verified } = await fetchVerified('/ranged.bin', headers);
      expect(status).toBe(206);
      const range = new Map(verified.response?.headers).get('content-range') ?? '';
      const [, start, end] = /^bytes (\d+)-(\d+)\/\d+$/.exec(range) ?? [];
      expect(Number(start)).toBe(next);
      received.push(verified.response?.body as Uint8Array);
      next = Number(end) + 1;
    }
    expect(received).toHaveLength(3);
    const whole = new Uint8Array(content.length);
    received.reduce((offset, part) => (whole.set(part, offset), offset + part.length), 0);
    expect(sha256(whole)).toEqual(sha256(content));
  });

  it('fails closed on bad uploads and keeps serving: a wrong hash fails verification, a bad operation is refused', async () => {
    const batch = assets.batch();
    await batch.store(utf8.encode('would be new'), { fileName: 'new.txt' });
    await batch.store(utf8.encode('never'), { fileName: 'bad.txt', sha256: new Uint8Array(32) });
    // Trusted client hashes are certified as sent, so the bad one is not caught by the
    // canister: the commit lands, and a verifying gateway refuses the body it cannot match.
    await batch.commit();
    const good = await fetchVerified('/new.txt');
    expect(new TextDecoder().decode(good.verified.response?.body)).toBe('would be new');
    await expect(fetchVerified('/bad.txt')).rejects.toThrow();

    const raw = assetsActor(await net.agent(owner), canisterId);
    await expect(
      raw.set_asset_content({
        key: '/new.txt',
        content_encoding: 'identity',
        chunk_ids: [999_999n],
        last_chunk: [],
        sha256: [],
        chunk_sha256s: [],
      }),
    ).rejects.toThrow(/chunk not found: 999999/);
    await expect(raw.delete_asset({ key: 'no-leading-slash' })).resolves.toBeUndefined();
    const still = await fetchVerified('/new.txt');
    expect(new TextDecoder().decode(still.verified.response?.body)).toBe('would be new');
    // Deleting the bad asset leaves a path that verifies again (the site's fallback).
    await raw.delete_asset({ key: '/bad.txt' });
    const gone = await fetchVerified('/bad.txt');
    expect(gone.verified.response?.statusCode).toBe(gone.status);
  });

  it('keeps content, permissions and certification across an upgrade', async () => {
    const management = await net.management(owner);
    await management.install_code({
      mode: { upgrade: [] },
      canister_id: canisterId,
      wasm_module: new Uint8Array(readFileSync(WASM)),
      arg: new Uint8Array(IDL.encode([], [])),
      sender_canister_version: [],
    });
    const asset = await assets.get('/big.bin');
    expect((await asset.toUint8Array()).length).toBe(3_000_000);
    expect(await (await assets.get('/index.html')).isCertified()).toBe(true);
    const { verified } = await fetchVerified('/kept.txt');
    expect(new TextDecoder().decode(verified.response?.body)).toBe('kept');
    const outsider = new AssetManager({ canisterId, agent: await net.agent(stranger) });
    await outsider.store(utf8.encode('still allowed'), { fileName: 'y.txt' });
    // The site options survive too: unknown paths still get the single-page fallback.
    expect((await fetchVerified('/app/some/route')).status).toBe(200);
    // And the chunk hashes: the last range still verifies.
    const last = await fetchVerified('/ranged.bin', [['range', `bytes=${2 * CHUNK_BYTES}-`]]);
    expect(last.status).toBe(206);
    expect(last.verified.response?.body).toHaveLength(4321);
  });
});
