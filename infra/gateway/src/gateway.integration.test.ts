import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { HttpAgent } from '@dfinity/agent';
import { AssetManager } from '@dfinity/assets';
import { Ed25519KeyIdentity } from '@dfinity/identity';
import type { Principal } from '@dfinity/principal';
import { sha256 } from '@noble/hashes/sha2.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestNetwork } from '../../replica/src/integration/harness.js';
import { startTestNetwork } from '../../replica/src/integration/harness.js';
import {
  CHUNK_BYTES,
  assetsActor,
  uploadInRanges,
} from '../../../canisters/assets/src/testing/assets-actor.js';
import { type Gateway, createGateway } from './gateway.js';

/**
 * The gateway in front of the real replica and the asset canister built from source: every
 * file of a small site comes out byte for byte, in each encoding, and only after the unmodified
 * `@dfinity/response-verification` accepted it.
 */

const ASSETS_WASM = new URL('../../../canisters/assets/dist/assets.wasm.gz', import.meta.url);
const owner = Ed25519KeyIdentity.generate();
const utf8 = new TextEncoder();

const FILES: Record<string, { content: Uint8Array; type: string; gzip?: boolean }> = {
  ...generatedScripts(40),
  '/index.html': { content: utf8.encode('<h1>home</h1>'), type: 'text/html', gzip: true },
  '/404.html': { content: utf8.encode('<h1>lost</h1>'), type: 'text/html' },
  '/docs/guide.html': { content: utf8.encode('<h1>guide</h1>'), type: 'text/html' },
  '/ünï cødé.txt': { content: utf8.encode('unicode'), type: 'text/plain' },
  '/media/big.bin': {
    content: new Uint8Array(5_000_000).map((_, i) => (i * 7 + (i >> 9)) & 0xff),
    type: 'application/octet-stream',
  },
};

/** `count` small scripts in nested folders, every other one also gzipped. */
function generatedScripts(count: number) {
  const files: Record<string, { content: Uint8Array; type: string; gzip?: boolean }> = {};
  for (let i = 0; i < count; i++) {
    files[`/_next/static/chunks/${i % 4}/page-${i.toString(36)}.js`] = {
      content: utf8.encode(`export const page${i} = ${JSON.stringify('x'.repeat(i * 3))};\n`),
      type: 'text/javascript',
      gzip: i % 2 === 0,
    };
  }
  return files;
}

describe('gateway in front of the replica', () => {
  let net: TestNetwork;
  let canisterId: Principal;
  let gateway: Gateway;
  const logged: string[] = [];

  beforeAll(async () => {
    net = await startTestNetwork();
    canisterId = await net.deploy(owner, new Uint8Array(readFileSync(ASSETS_WASM)));
    const assets = new AssetManager({ canisterId, agent: await net.agent(owner) });
    const batch = assets.batch();
    for (const [key, file] of Object.entries(FILES)) {
      const slash = key.lastIndexOf('/');
      const where = { path: key.slice(0, slash), fileName: key.slice(slash + 1) };
      await batch.store(file.content, {
        ...where,
        contentType: file.type,
        sha256: sha256(file.content),
      });
      if (file.gzip === true) {
        const zipped = new Uint8Array(gzipSync(file.content));
        await batch.store(zipped, {
          ...where,
          contentType: file.type,
          contentEncoding: 'gzip',
          sha256: sha256(zipped),
        });
      }
    }
    await batch.commit();
    const agent: HttpAgent = await net.agent();
    gateway = createGateway({
      agent,
      rootKey: net.replica.rootKeyDer,
      log: (line) => logged.push(line),
    });
  }, 120_000);
  afterAll(() => net.close());

  function get(path: string, headers: Record<string, string> = {}) {
    return gateway.fetch(
      new Request(`http://${canisterId.toText()}.localhost:4943${encodeURI(path)}`, { headers }),
    );
  }

  it('serves every file byte for byte, verified, in each encoding', async () => {
    for (const [key, file] of Object.entries(FILES)) {
      const response = await get(key, { 'accept-encoding': 'identity' });
      expect(response.status, `${key}: ${logged.at(-2)}`).toBe(200);
      expect(sha256(new Uint8Array(await response.arrayBuffer())), key).toEqual(
        sha256(file.content),
      );
      expect(response.headers.get('content-type'), key).toBe(file.type);
      expect(response.headers.get('ic-certificate'), key).toBeNull();
      if (file.gzip === true) {
        const zipped = await get(key, { 'accept-encoding': 'gzip' });
        expect(zipped.headers.get('content-encoding')).toBe('gzip');
        expect(new Uint8Array(await zipped.arrayBuffer())).toEqual(
          new Uint8Array(gzipSync(file.content)),
        );
      }
    }
  });

  it('serves aliases, the certified 404 page, and answers If-None-Match from the certified ETag', async () => {
    expect(await (await get('/docs/guide')).text()).toBe('<h1>guide</h1>');
    const missing = await get('/nowhere');
    expect(missing.status).toBe(404);
    expect(await missing.text()).toBe('<h1>lost</h1>');
    const first = await get('/');
    const etag = first.headers.get('etag');
    expect(etag).toMatch(/^"[0-9a-f]{64}"$/);
    const again = await get('/', { 'if-none-match': etag ?? '' });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
  });

  it('finds the canister from ?canisterId= too, and explains a host that names none', async () => {
    const byQuery = await gateway.fetch(
      new Request(`http://localhost:4943/docs/guide.html?canisterId=${canisterId.toText()}`),
    );
    expect(await byQuery.text()).toBe('<h1>guide</h1>');
    const none = await gateway.fetch(new Request('http://localhost:4943/'));
    expect(none.status).toBe(400);
    expect(none.headers.get('x-citadel-error')).toBe('GATEWAY_NO_CANISTER');
    expect(await none.text()).toContain('names no canister');
    const unknown = await gateway.fetch(
      new Request('http://ryjl3-tyaaa-aaaaa-aaaba-cai.localhost:4943/'),
    );
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('x-citadel-error')).toBe('GATEWAY_CANISTER_NOT_FOUND');
  });

  it('serves a verified response from its cache until the cache time ends, then the new version', async () => {
    let nowMs = Date.now();
    const cached = createGateway({
      agent: await net.agent(),
      rootKey: net.replica.rootKeyDer,
      cacheTtlMs: 60_000,
      nowNs: () => BigInt(nowMs) * 1_000_000n,
    });
    const url = `http://${canisterId.toText()}.localhost:4943/docs/guide.html`;
    expect(await (await cached.fetch(new Request(url))).text()).toBe('<h1>guide</h1>');
    const assets = new AssetManager({ canisterId, agent: await net.agent(owner) });
    await assets.store(utf8.encode('<h1>guide v2</h1>'), {
      path: '/docs',
      fileName: 'guide.html',
      contentType: 'text/html',
    });
    expect(await (await cached.fetch(new Request(url))).text()).toBe('<h1>guide</h1>');
    nowMs += 61_000;
    expect(await (await cached.fetch(new Request(url))).text()).toBe('<h1>guide v2</h1>');
  });

  it('serves a custom domain only once the canister lists it in /.well-known/ic-domains', async () => {
    const domains = createGateway({
      agent: await net.agent(),
      rootKey: net.replica.rootKeyDer,
      routing: { customDomains: new Map([['shop.example', canisterId.toText()]]) },
      cacheTtlMs: 0,
    });
    const visit = () =>
      domains.fetch(
        new Request('http://shop.example/docs/guide.html', { headers: { host: 'shop.example' } }),
      );
    const refused = await visit();
    expect(refused.status).toBe(421);
    expect(refused.headers.get('x-citadel-error')).toBe('GATEWAY_DOMAIN_NOT_LISTED');
    const assets = new AssetManager({ canisterId, agent: await net.agent(owner) });
    await assets.store(utf8.encode('shop.example\n'), {
      path: '/.well-known',
      fileName: 'ic-domains',
      contentType: 'text/plain',
    });
    const served = await visit();
    expect(served.status).toBe(200);
    expect(await served.text()).toContain('<h1>guide');
  });

  it('answers its health check with the replica reachable', async () => {
    const health = await gateway.fetch(
      new Request('http://localhost:4943/_citadel/gateway/health'),
    );
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', replica: 'reachable' });
  });

  it('passes on a large asset certified in ranges piece by piece, as one verified 200', async () => {
    const content = new Uint8Array(2 * CHUNK_BYTES + 777).map((_, i) => (i * 11 + 5) & 0xff);
    await uploadInRanges(
      assetsActor(await net.agent(owner), canisterId),
      '/media/ranged.bin',
      content,
    );
    const response = await get('/media/ranged.bin');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-length')).toBe(String(content.length));
    expect(response.headers.get('content-range')).toBeNull();
    expect(sha256(new Uint8Array(await response.arrayBuffer()))).toEqual(sha256(content));
  });

  it('upgrades to http_request_update when the canister asks, passing method, URL and body', async () => {
    const probe = await net.deployProbe(owner);
    const post = (body: string) =>
      gateway.fetch(
        new Request(`http://${probe.toText()}.localhost:4943/submit?x=1`, {
          method: 'POST',
          body,
        }),
      );
    const first = await post('hello');
    expect(first.status).toBe(200);
    expect(await first.text()).toBe('update 1: POST /submit?x=1 hello');
    expect(await (await post('again')).text()).toBe('update 2: POST /submit?x=1 again');
  });

  it('serves raw domains unverified and marked, and only where the asset allows raw access', async () => {
    const raw = (path: string) =>
      gateway.fetch(new Request(`http://${canisterId.toText()}.raw.localhost:4943${path}`));
    const page = await raw('/docs/guide.html');
    expect(page.status).toBe(200);
    expect(page.headers.get('x-citadel-verification')).toBe('none (raw domain)');
    const properties = assetsActor(await net.agent(owner), canisterId);
    await properties.set_asset_properties({
      key: '/404.html',
      max_age: [],
      headers: [],
      allow_raw_access: [[false]],
      is_aliased: [],
    });
    const refused = await raw('/404.html');
    expect(refused.status).toBe(308);
    expect(refused.headers.get('location')).toBe(
      `http://${canisterId.toText()}.localhost:4943/404.html`,
    );
  });

  it('answers cache hits without a Fetch request, exactly as fetch would', async () => {
    const host = `${canisterId.toText()}.localhost:4943`;
    const headers: Record<string, string> = { host, 'accept-encoding': 'identity' };
    const quick = (target: string, extra: Record<string, string> = {}) =>
      gateway.quickAnswer({
        method: 'GET',
        target,
        header: (name) => ({ ...headers, ...extra })[name],
      });
    expect(quick('/ünï%20cødé-never-fetched.txt')).toBeUndefined();
    const viaFetch = await gateway.fetch(
      new Request(`http://${host}/docs/guide.html`, { headers }),
    );
    const body = new Uint8Array(await viaFetch.arrayBuffer());
    const hit = quick('/docs/guide.html');
    expect(hit?.status).toBe(200);
    expect(hit?.body).toEqual(body);
    expect(new Map(hit?.headers).get('content-type')).toBe(viaFetch.headers.get('content-type'));
    const etag = viaFetch.headers.get('etag') ?? '';
    expect(quick('/docs/guide.html', { 'if-none-match': etag })?.status).toBe(304);
    expect(quick('/docs/guide.html', { cookie: 'session=1' })).toBeUndefined();
  });

  it('sends identical requests that miss together to the canister once', async () => {
    let queries = 0;
    const counting = await HttpAgent.create({
      host: 'http://127.0.0.1:4943',
      fetch: ((input: string | URL | Request, init?: RequestInit) => {
        const request = new Request(input, init);
        if (request.url.endsWith('/query')) {
          queries++;
        }
        return net.replica.fetch(request);
      }) as typeof fetch,
      shouldFetchRootKey: true,
      verifyQuerySignatures: false,
    });
    const shared = createGateway({ agent: counting, rootKey: net.replica.rootKeyDer });
    const url = `http://${canisterId.toText()}.localhost:4943/docs/guide.html`;
    const bodies = await Promise.all(
      Array.from({ length: 8 }, async () => (await shared.fetch(new Request(url))).text()),
    );
    expect(new Set(bodies).size).toBe(1);
    expect(bodies[0]).toContain('<h1>guide');
    expect(queries).toBe(1);
  });

  it('gives up on a canister call that takes too long, with a 504 naming the code', async () => {
    const slow = await HttpAgent.create({
      host: 'http://127.0.0.1:4943',
      fetch: (async (input: string | URL | Request, init?: RequestInit) => {
        const request = new Request(input, init);
        if (request.url.endsWith('/query')) {
          await new Promise((resolve) => setTimeout(resolve, 1_000));
        }
        return net.replica.fetch(request);
      }) as typeof fetch,
      shouldFetchRootKey: true,
      verifyQuerySignatures: false,
    });
    const impatient = createGateway({
      agent: slow,
      rootKey: net.replica.rootKeyDer,
      callTimeoutMs: 100,
      cacheTtlMs: 0,
    });
    const response = await impatient.fetch(
      new Request(`http://${canisterId.toText()}.localhost:4943/docs/guide.html`),
    );
    expect(response.status).toBe(504);
    expect(response.headers.get('x-citadel-error')).toBe('GATEWAY_CANISTER_TIMEOUT');
  });

  it('writes an access log line per request', () => {
    expect(logged.some((line) => line.includes(`GET ${canisterId.toText()} /docs/guide 200`))).toBe(
      true,
    );
  });
});

describe('gateway in front of an idle network', () => {
  it('still verifies after minutes without updates: the query certifies a fresh state first', async () => {
    let nowNs = BigInt(Date.now()) * 1_000_000n;
    const net = await startTestNetwork({ clockNs: () => nowNs });
    try {
      const canisterId = await net.deploy(owner, new Uint8Array(readFileSync(ASSETS_WASM)));
      const assets = new AssetManager({ canisterId, agent: await net.agent(owner) });
      await assets.store(utf8.encode('still here'), { fileName: 'idle.txt' });
      const gateway = createGateway({
        agent: await net.agent(),
        rootKey: net.replica.rootKeyDer,
        nowNs: () => nowNs,
        cacheTtlMs: 0,
      });
      const get = () =>
        gateway.fetch(new Request(`http://${canisterId.toText()}.localhost:4943/idle.txt`));
      expect((await get()).status).toBe(200);
      nowNs += 6n * 60n * 1_000_000_000n;
      const later = await get();
      expect(later.status).toBe(200);
      expect(await later.text()).toBe('still here');
    } finally {
      await net.close();
    }
  });
});
