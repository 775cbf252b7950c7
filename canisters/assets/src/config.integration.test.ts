import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Actor } from '@dfinity/agent';
import { Ed25519KeyIdentity } from '@dfinity/identity';
import type { Principal } from '@dfinity/principal';
import { verifyRequestResponsePair } from '@dfinity/response-verification';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestNetwork } from '../../../infra/replica/src/integration/harness.js';
import { startTestNetwork } from '../../../infra/replica/src/integration/harness.js';
import { loadAssetConfig } from './config/index.js';
import {
  type Operation,
  assetsActor,
  createAsset,
  setAssetContent,
} from './testing/assets-actor.js';
import {
  type HttpCanisterActor as HttpActor,
  httpInterface as httpIdl,
} from '../../../infra/gateway/src/canister/http-interface.js';

/**
 * A project's `.ic-assets.json5` applied the way dfx applies it — the uploader resolves each
 * file's headers, max-age and aliasing and sends them with `CreateAsset` — and every configured
 * header then arrives certified through `http_request`, checked by the unmodified
 * `@dfinity/response-verification`.
 */

const WASM = new URL('../dist/assets.wasm.gz', import.meta.url);
const owner = Ed25519KeyIdentity.generate();

const FILES: Record<string, string> = {
  'index.html': '<h1>home</h1>',
  'about.html': '<h1>about</h1>',
  'assets/app-3f2a.js': 'console.log(1)',
  '.ic-assets.json5': `[
    // every file: dfx's standard security policy
    { match: "**/*", security_policy: "standard" },
    { match: "**/*.html", cache: { max_age: 0 } },
  ]`,
  'assets/.ic-assets.json5': `[
    { match: "*.js", cache: { max_age: 31536000 }, headers: { "X-Build": "3f2a" } },
  ]`,
};

describe('.ic-assets.json5 applied to uploads', () => {
  let net: TestNetwork;
  let canisterId: Principal;
  let root: string;

  beforeAll(async () => {
    if (!existsSync(WASM)) {
      throw new Error(`${WASM.pathname} is missing: run \`npm run build:canisters\` first.`);
    }
    root = await mkdtemp(join(tmpdir(), 'citadel-ic-assets-'));
    for (const [path, content] of Object.entries(FILES)) {
      await mkdir(dirname(join(root, path)), { recursive: true });
      await writeFile(join(root, path), content);
    }
    net = await startTestNetwork();
    canisterId = await net.deploy(owner, new Uint8Array(readFileSync(WASM)));

    const config = await loadAssetConfig(root);
    const operations: Operation[] = [];
    for (const path of Object.keys(FILES).filter((p) => config.isIncluded(p))) {
      const content = new Uint8Array(await readFile(join(root, path)));
      const settings = config.resolve(path);
      const key = `/${path}`;
      const contentType = path.endsWith('.html') ? 'text/html' : 'text/javascript';
      operations.push(
        createAsset({
          key,
          content_type: contentType,
          max_age: settings.maxAge === undefined ? [] : [settings.maxAge],
          headers: settings.headers === undefined ? [] : [settings.headers.map(([n, v]) => [n, v])],
          enable_aliasing: settings.enableAliasing === undefined ? [] : [settings.enableAliasing],
          allow_raw_access: [settings.allowRawAccess],
        }),
        setAssetContent({ key, content }),
      );
    }
    const uploader = assetsActor(await net.agent(owner), canisterId);
    await uploader.commit_batch({ batch_id: 0n, operations });
  }, 120_000);
  afterAll(async () => {
    await net.close();
    await rm(root, { recursive: true, force: true });
  });

  async function certifiedHeaders(url: string): Promise<Map<string, string>> {
    const actor = Actor.createActor<HttpActor>(httpIdl, { agent: await net.agent(), canisterId });
    const request = {
      method: 'GET',
      url,
      headers: [] as [string, string][],
      body: new Uint8Array(0),
      certificate_version: [2] as [number],
    };
    const response = await actor.http_request(request);
    const verified = verifyRequestResponsePair(
      { ...request, certificate_version: [2] },
      { status_code: response.status_code, headers: response.headers, body: response.body },
      canisterId.toUint8Array(),
      BigInt(Date.now()) * 1_000_000n,
      300_000_000_000n,
      net.replica.rootKeyDer,
      2,
    );
    expect(verified.response?.statusCode).toBe(200);
    return new Map(verified.response?.headers);
  }

  it('serves each file with the headers and cache lifetime its rules give it, certified', async () => {
    const script = await certifiedHeaders('/assets/app-3f2a.js');
    expect(script.get('cache-control')).toBe('max-age=31536000');
    expect(script.get('x-build')).toBe('3f2a');
    expect(script.get('content-security-policy')).toContain("default-src 'self'");
    expect(script.get('x-frame-options')).toBe('DENY');

    const page = await certifiedHeaders('/about');
    expect(page.get('cache-control')).toBe('max-age=0');
    expect(page.has('x-build')).toBe(false);
    expect(page.get('content-security-policy')).toContain("frame-ancestors 'none'");
  });

  it('does not upload the config files themselves', async () => {
    const actor = Actor.createActor<HttpActor>(httpIdl, { agent: await net.agent(), canisterId });
    const response = await actor.http_request({
      method: 'GET',
      url: '/.ic-assets.json5',
      headers: [],
      body: new Uint8Array(0),
      certificate_version: [2],
    });
    expect(response.status_code).toBe(404);
  });
});
