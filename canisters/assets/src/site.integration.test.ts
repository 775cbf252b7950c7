import { existsSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { Actor, type HttpAgent } from '@dfinity/agent';
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

/**
 * A generated site — nested folders, unicode and space file names, a 20 MB binary, a few
 * hundred small files, gzip next to identity — uploaded in one batch by the unmodified
 * `@dfinity/assets`, then every path and encoding fetched through `http_request` as a gateway
 * does and checked by the unmodified `@dfinity/response-verification` against the network's
 * root key, before and after an upgrade.
 */

const WASM = new URL('../dist/assets.wasm.gz', import.meta.url);
const owner = Ed25519KeyIdentity.generate();
const utf8 = new TextEncoder();
const SMALL_FILES = 120;

interface SiteFile {
  readonly key: string;
  readonly contentType: string;
  readonly identity: Uint8Array;
  readonly gzip?: Uint8Array;
}

function generateSite(): SiteFile[] {
  const html = (key: string, title: string): SiteFile => {
    const identity = utf8.encode(`<!doctype html><title>${title}</title><p>${key}</p>`);
    return { key, contentType: 'text/html', identity, gzip: new Uint8Array(gzipSync(identity)) };
  };
  const files: SiteFile[] = [
    html('/index.html', 'home'),
    html('/404.html', 'not found'),
    html('/about.html', 'about'),
    html('/docs/index.html', 'docs'),
    html('/docs/guide/intro.html', 'intro'),
    html('/ünïcödé/日本語.html', 'unicode'),
    {
      key: '/with space/a file.txt',
      contentType: 'text/plain',
      identity: utf8.encode('spaces survive'),
    },
    {
      key: '/media/big.bin',
      contentType: 'application/octet-stream',
      identity: new Uint8Array(20 * 1024 * 1024).map((_, i) => (i * 31 + (i >> 11)) & 0xff),
    },
  ];
  for (let i = 0; i < SMALL_FILES; i++) {
    const identity = utf8.encode(`export const chunk${i} = ${JSON.stringify('x'.repeat(i))};\n`);
    files.push({
      key: `/_next/static/chunks/${i.toString(36)}-${i * 7919}.js`,
      contentType: 'text/javascript',
      identity,
      gzip: i % 2 === 0 ? new Uint8Array(gzipSync(identity)) : undefined,
    });
  }
  return files;
}

/** The paths an HTML file is also served at (official alias rules, spelled out). */
function aliasPaths(key: string): string[] {
  if (key === '/index.html') {
    return ['/', '/index'];
  }
  if (key.endsWith('/index.html')) {
    const directory = key.slice(0, -'index.html'.length);
    return [directory, directory.slice(0, -1), key.slice(0, -'.html'.length)];
  }
  return key.endsWith('.html') ? [key.slice(0, -'.html'.length)] : [];
}

describe('a generated site on the asset canister', () => {
  let net: TestNetwork;
  let canisterId: Principal;
  let agent: HttpAgent;
  const site = generateSite();

  beforeAll(async () => {
    if (!existsSync(WASM)) {
      throw new Error(`${WASM.pathname} is missing: run \`npm run build:canisters\` first.`);
    }
    net = await startTestNetwork();
    canisterId = await net.deploy(owner, new Uint8Array(readFileSync(WASM)));
    agent = await net.agent();
    const assets = new AssetManager({ canisterId, agent: await net.agent(owner) });
    const batch = assets.batch();
    for (const file of site) {
      const slash = file.key.lastIndexOf('/');
      const location = { path: file.key.slice(0, slash), fileName: file.key.slice(slash + 1) };
      // Hashes given: the client keys its running hash by asset key, so two encodings of one
      // key in a batch would share (and digest twice) one hasher.
      await batch.store(file.identity, {
        ...location,
        contentType: file.contentType,
        sha256: sha256(file.identity),
      });
      if (file.gzip !== undefined) {
        await batch.store(file.gzip, {
          ...location,
          contentType: file.contentType,
          contentEncoding: 'gzip',
          sha256: sha256(file.gzip),
        });
      }
    }
    const started = performance.now();
    await batch.commit();
    console.log(
      `uploaded and committed ${site.length} files in ${Math.round(performance.now() - started)} ms`,
    );
  }, 600_000);
  afterAll(() => net.close());

  async function fetchVerified(path: string, acceptEncoding: string, version: 1 | 2 = 2) {
    const actor = Actor.createActor<HttpActor>(httpIdl, { agent, canisterId });
    const url = encodeURI(path);
    const headers: [string, string][] = [['accept-encoding', acceptEncoding]];
    const certificateVersion: [] | [number] = version === 2 ? [2] : [];
    const response = await actor.http_request({
      method: 'GET',
      url,
      headers,
      body: new Uint8Array(0),
      certificate_version: certificateVersion,
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
      {
        url,
        method: 'GET',
        headers,
        body: new Uint8Array(0),
        certificate_version: certificateVersion,
      },
      { status_code: response.status_code, headers: response.headers, body },
      canisterId.toUint8Array(),
      BigInt(Date.now()) * 1_000_000n,
      300_000_000_000n,
      net.replica.rootKeyDer,
      version,
    );
    return { status: response.status_code, headers: response.headers, body, verified };
  }

  /** Runs `check` for every item, a few at a time. */
  async function forEachLimited<T>(items: readonly T[], check: (item: T) => Promise<void>) {
    const queue = [...items];
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        for (let item = queue.shift(); item !== undefined; item = queue.shift()) {
          await check(item);
        }
      }),
    );
  }

  async function everyPathVerifies(): Promise<number> {
    let checked = 0;
    await forEachLimited(site, async (file) => {
      for (const path of [file.key, ...aliasPaths(file.key)]) {
        const plain = await fetchVerified(path, 'identity');
        expect(plain.status, path).toBe(200);
        expect(sha256(plain.body), path).toEqual(sha256(file.identity));
        expect(plain.verified.response?.statusCode).toBe(200);
        checked++;
        if (file.gzip !== undefined) {
          const zipped = await fetchVerified(path, 'gzip, deflate, br');
          expect(zipped.body, path).toEqual(file.gzip);
          const certified = new Map(zipped.verified.response?.headers);
          expect(certified.get('content-encoding'), path).toBe('gzip');
          checked++;
        }
      }
    });
    return checked;
  }

  it('serves every path and encoding of the site, each response verified', async () => {
    const checked = await everyPathVerifies();
    expect(checked).toBeGreaterThan(SMALL_FILES * 1.5);
  }, 600_000);

  it('answers unknown paths with the certified 404 page, and v1 clients with v1 certification', async () => {
    const missing = await fetchVerified('/no/such/page', 'identity');
    expect(missing.status).toBe(404);
    expect(missing.verified.response?.statusCode).toBe(404);
    expect(new TextDecoder().decode(missing.body)).toContain('not found');
    const v1 = await fetchVerified('/ünïcödé/日本語.html', 'identity', 1);
    expect(new TextDecoder().decode(v1.body)).toContain('unicode');
  });

  it('still serves every path verified after an upgrade', async () => {
    const management = await net.management(owner);
    const started = performance.now();
    await management.install_code({
      mode: { upgrade: [] },
      canister_id: canisterId,
      wasm_module: new Uint8Array(readFileSync(WASM)),
      arg: new Uint8Array(IDL.encode([], [])),
      sender_canister_version: [],
    });
    console.log(`upgraded in ${Math.round(performance.now() - started)} ms`);
    expect(await everyPathVerifies()).toBeGreaterThan(SMALL_FILES * 1.5);
  }, 600_000);
});
