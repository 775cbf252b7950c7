import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { request as httpRequest } from 'node:http';
import { AssetManager } from '@dfinity/assets';
import { Ed25519KeyIdentity } from '@dfinity/identity';
import { Principal } from '@dfinity/principal';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  ServedNetwork,
  TestNetwork,
} from '../../../../infra/replica/src/integration/harness.js';
import { startTestNetwork } from '../../../../infra/replica/src/integration/harness.js';
import type { CliContext } from '../cli-context.js';
import { runCli } from '../cli.js';
import { makeTempDir } from '../testing/fakes.js';
import { loadReplicaFactory } from './start.js';

/**
 * `citadel gateway --replica <url>` in front of a replica reached over HTTP: a browser-style
 * request with a `<canister-id>.localhost` host gets the canister's verified page.
 */

const ASSETS_WASM = new URL('../../../../canisters/assets/dist/assets.wasm.gz', import.meta.url);
const owner = Ed25519KeyIdentity.generate();

function get(port: number, host: string, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, headers: { host } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('citadel gateway', () => {
  let net: TestNetwork;
  let served: ServedNetwork;
  let canisterId: string;

  beforeAll(async () => {
    net = await startTestNetwork();
    served = await net.serve();
    const id = await net.deploy(owner, new Uint8Array(readFileSync(ASSETS_WASM)));
    canisterId = id.toText();
    const assets = new AssetManager({ canisterId: id, agent: await net.agent(owner) });
    await assets.store(new TextEncoder().encode('<h1>through the gateway</h1>'), {
      fileName: 'index.html',
      contentType: 'text/html',
    });
  }, 120_000);
  afterAll(() => net.close());

  it('serves a canister verified from a replica given by URL, until Ctrl-C', async () => {
    const out: string[] = [];
    let deliver: (signal: NodeJS.Signals) => void = () => {};
    const context = {
      cwd: process.cwd(),
      stdout: (line: string) => out.push(line),
      stderr: (line: string) => out.push(line),
      version: 'test',
      selfCommand: { command: process.execPath, args: [] },
      waitForShutdownSignal: () =>
        new Promise<NodeJS.Signals>((resolve) => {
          deliver = resolve;
        }),
    } as unknown as CliContext;
    const exit = runCli(['gateway', '--replica', served.url, '--port', '0'], context);
    let port = 0;
    for (let tries = 0; port === 0 && tries < 200; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      const browse = out.find((line) => line.includes('Browse:'));
      port = Number(/localhost:(\d+)\//.exec(browse ?? '')?.[1] ?? 0);
    }
    expect(port).toBeGreaterThan(0);
    const page = await get(port, `${canisterId}.localhost:${port}`, '/');
    expect(page).toEqual({ status: 200, body: '<h1>through the gateway</h1>' });
    // The same page again comes from the cache of verified responses, by the quick path.
    expect(await get(port, `${canisterId}.localhost:${port}`, '/')).toEqual(page);
    expect(out.some((line) => line.includes(`GET ${canisterId} / 200 cached`))).toBe(true);
    const nowhere = await get(port, `localhost:${port}`, '/');
    expect(nowhere.status).toBe(400);
    expect(nowhere.body).toContain('GATEWAY_NO_CANISTER');
    deliver('SIGINT');
    expect(await exit).toBe(0);
    expect(out.some((line) => line.includes(`GET ${canisterId} / 200`))).toBe(true);
  });

  it("serves the custom domains of the project's citadel.json that the canister lists", async () => {
    const project = await makeTempDir();
    await writeFile(join(project.path, 'package.json'), '{}');
    await writeFile(
      join(project.path, 'citadel.json'),
      JSON.stringify({ domains: { 'shop.example': canisterId } }),
    );
    const assets = new AssetManager({
      canisterId: Principal.fromText(canisterId),
      agent: await net.agent(owner),
    });
    await assets.store(new TextEncoder().encode('shop.example\n'), {
      path: '/.well-known',
      fileName: 'ic-domains',
      contentType: 'text/plain',
    });
    const out: string[] = [];
    let deliver: (signal: NodeJS.Signals) => void = () => {};
    const context = {
      cwd: project.path,
      stdout: (line: string) => out.push(line),
      stderr: (line: string) => out.push(line),
      version: 'test',
      selfCommand: { command: process.execPath, args: [] },
      waitForShutdownSignal: () =>
        new Promise<NodeJS.Signals>((resolve) => {
          deliver = resolve;
        }),
    } as unknown as CliContext;
    const exit = runCli(['gateway', '--replica', served.url, '--port', '0'], context);
    try {
      let port = 0;
      for (let tries = 0; port === 0 && tries < 200; tries++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        const browse = out.find((line) => line.includes('Browse:'));
        port = Number(/localhost:(\d+)\//.exec(browse ?? '')?.[1] ?? 0);
      }
      expect(await get(port, 'shop.example', '/')).toEqual({
        status: 200,
        body: '<h1>through the gateway</h1>',
      });
      expect((await get(port, 'other.example', '/')).status).toBe(400);
    } finally {
      deliver('SIGINT');
      expect(await exit).toBe(0);
      await project.remove();
    }
  });

  it('shares the port of `citadel start`: /api/ and /_citadel/status reach the replica, other paths the gateway', async () => {
    const dir = await makeTempDir();
    const start = await loadReplicaFactory();
    const network = await start({ dataDir: dir.path, host: '127.0.0.1', port: 0 });
    try {
      const port = Number(new URL(network.url).port);
      const status = await fetch(`http://127.0.0.1:${port}/api/v2/status`);
      expect(status.status).toBe(200);
      expect(status.headers.get('content-type')).toBe('application/cbor');
      const cliStatus = await fetch(`http://127.0.0.1:${port}/_citadel/status`);
      expect(cliStatus.status).toBe(200);
      expect(await cliStatus.json()).toHaveProperty('canisters');
      // The gateway's own host is the console's (not installed by a bare replica: the page
      // names the missing canister); a host that names no canister at all is refused.
      const page = await get(port, `localhost:${port}`, '/');
      expect(page.body).toContain('qaa6y-5yaaa-aaaaa-aaafa-cai');
      const other = await get(port, `example.org:${port}`, '/');
      expect(other.status).toBe(400);
      expect(other.body).toContain('GATEWAY_NO_CANISTER');
    } finally {
      await network.close();
      await dir.remove();
    }
  });
});
