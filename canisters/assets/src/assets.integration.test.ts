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
import { type HttpActor, httpIdl } from './testing/http-actor.js';

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
  async function fetchVerified(url: string) {
    const actor = Actor.createActor<HttpActor>(httpIdl, { agent: await net.agent(), canisterId });
    const response = await actor.http_request({
      method: 'GET',
      url,
      headers: [],
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
      { url, method: 'GET', headers: [], body: new Uint8Array(0), certificate_version: [2] },
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
    const controlled = Actor.createActor<{ authorize(p: Principal): Promise<void> }>(
      ({ IDL: I }) => I.Service({ authorize: I.Func([I.Principal], [], []) }),
      { agent: await net.agent(owner), canisterId },
    );
    await controlled.authorize(stranger.getPrincipal());
    await outsider.store(utf8.encode('now allowed'), { fileName: 'x.txt' });
    expect(new TextDecoder().decode(await (await assets.get('/x.txt')).toUint8Array())).toBe(
      'now allowed',
    );
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
  });
});
