import { readdir, readFile, writeFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Gateway, createGateway } from '@citadel/gateway';
import {
  type ServedNetwork,
  type TestNetwork,
  startTestNetwork,
} from '../../../../infra/replica/src/integration/harness.js';
import { runCli } from '../cli.js';
import { createNodeContext } from '../node-context.js';
import {
  type NextFixtureApp,
  createFixtureDir,
  createNextFixtureApp,
  removeFixtureDir,
} from '../testing/next-fixture.js';

/**
 * `citadel deploy` as a user runs it, in a Next.js app made from scratch with no Citadel
 * configuration, against the real replica: the app is built by the real `next build`, every
 * exported file comes out of the verifying gateway byte for byte, and a redeploy after one
 * change uploads that one file only.
 */

interface DeployJson {
  frontends: {
    canisterId: string;
    url: string;
    kind: string;
    created: number;
    updated: number;
    unchanged: number;
    removed: number;
    uploadedEncodings: number;
    committed: boolean;
  }[];
}

async function listFiles(root: string): Promise<string[]> {
  const entries = await readdir(root, { withFileTypes: true, recursive: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => relative(root, join(entry.parentPath, entry.name)).split('\\').join('/'));
}

describe('citadel deploy of a fresh Next.js app', () => {
  let net: TestNetwork;
  let served: ServedNetwork;
  let app: NextFixtureApp;
  let configDir: string;
  let gateway: Gateway;
  let canisterId: string;

  beforeAll(async () => {
    net = await startTestNetwork();
    served = await net.serve();
    app = await createNextFixtureApp(await createFixtureDir('deploy'));
    configDir = await mkdtemp(join(tmpdir(), 'citadel-config-'));
    gateway = createGateway({
      agent: await net.agent(),
      rootKey: net.replica.rootKeyDer,
      cacheTtlMs: 0,
    });
  }, 120_000);
  afterAll(async () => {
    await net.close();
    await removeFixtureDir(app.dir);
    await rm(configDir, { recursive: true, force: true });
  });

  async function deploy(...flags: string[]): Promise<DeployJson> {
    return (await citadel('deploy', ...flags)) as DeployJson;
  }

  /** Runs `citadel <args> --network <served> --json` in the app; its JSON output. */
  async function citadel(...args: string[]): Promise<unknown> {
    const out: string[] = [];
    const err: string[] = [];
    const status = await runCli([...args, '--network', served.url, '--json'], {
      ...createNodeContext(),
      progress: undefined,
      cwd: app.dir,
      env: { CITADEL_CONFIG_DIR: configDir },
      homeDir: configDir,
      stdout: (line) => out.push(line),
      stderr: (line) => err.push(line),
    });
    expect(status, err.join('\n')).toBe(0);
    return JSON.parse(out.join('\n')) as unknown;
  }

  /** `path` as it goes on the wire (percent-encoded). */
  function get(path: string, canister = canisterId): Promise<Response> {
    return gateway.fetch(
      new Request(`http://${canister}.localhost:4943${path}`, {
        headers: { 'accept-encoding': 'identity' },
      }),
    );
  }

  it('builds, creates the canister and serves every exported file verified, byte for byte', async () => {
    const report = await deploy();
    const [frontend] = report.frontends;
    expect(frontend).toMatchObject({ kind: 'next', committed: true, removed: 0 });
    canisterId = frontend?.canisterId ?? '';
    expect(frontend?.url).toBe(`${served.url.replace('127.0.0.1', `${canisterId}.localhost`)}/`);
    const out = join(app.dir, 'out');
    const files = await listFiles(out);
    expect(files.length).toBeGreaterThan(20);
    for (const file of files) {
      const response = await get(encodeURI(`/${file}`));
      expect(response.status, file).toBe(200);
      const body = Buffer.from(await response.arrayBuffer());
      expect(body.equals(await readFile(join(out, file))), file).toBe(true);
    }
    for (const page of app.pages) {
      const response = await get(page.route);
      expect(response.status, page.route).toBe(200);
      expect(await response.text(), page.route).toContain(page.text);
    }
    const missing = await get('/no/such/page');
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain(app.notFoundText);
  }, 300_000);

  it('uploads only the changed file on a redeploy', async () => {
    const changed = app.publicFiles.find((file) => file.endsWith('.txt')) ?? '';
    await writeFile(join(app.dir, 'public', changed), 'a new version of this file\n');
    const report = await deploy();
    // Next.js builds are reproducible under the preset (a fixed build id), so only this changed.
    expect(report.frontends[0]).toMatchObject({
      created: 0,
      updated: 1,
      removed: 0,
      uploadedEncodings: 1,
      committed: true,
    });
    expect(await (await get(encodeURI(`/${changed}`))).text()).toBe('a new version of this file\n');
  }, 300_000);

  it('deploys a preview to a canister of its own, leaving the current release as it was', async () => {
    const changed = app.publicFiles.find((file) => file.endsWith('.txt')) ?? '';
    await writeFile(join(app.dir, 'public', changed), 'the preview of the next version\n');
    const report = await deploy('--preview');
    const preview = report.frontends[0]?.canisterId ?? '';
    expect(preview).not.toBe(canisterId);
    expect(await (await get(encodeURI(`/${changed}`), preview)).text()).toBe(
      'the preview of the next version\n',
    );
    expect(await (await get(encodeURI(`/${changed}`))).text()).toBe('a new version of this file\n');
    for (const page of app.pages) {
      expect((await get(page.route, preview)).status, page.route).toBe(200);
    }
  }, 300_000);

  it('lists the releases and rolls back to the previous one without uploading', async () => {
    const changed = app.publicFiles.find((file) => file.endsWith('.txt')) ?? '';
    const before = (await citadel('releases')) as { releases: ReleaseJson[] };
    expect(before.releases.length).toBeGreaterThanOrEqual(2);
    const [latest, previous] = before.releases;
    expect(latest?.current).toBe(true);

    const rolled = (await citadel('rollback')) as { restored: ReleaseJson; release: ReleaseJson };
    expect(rolled.restored.id).toBe(previous?.id);
    expect(rolled.release).toMatchObject({ current: true, rollbackOf: previous?.id });
    // The first deploy's file is back, served verified.
    expect(await (await get(encodeURI(`/${changed}`))).text()).toBe(
      app.sourceFiles.get(`public/${changed}`),
    );

    // A rollback is a release too: rolling back again restores the redeployed version.
    const forward = (await citadel('rollback', String(latest?.id))) as { release: ReleaseJson };
    expect(forward.release.rollbackOf).toBe(latest?.id);
    expect(await (await get(encodeURI(`/${changed}`))).text()).toBe('a new version of this file\n');
    const after = (await citadel('releases')) as { releases: ReleaseJson[] };
    expect(after.releases[0]).toMatchObject({ id: forward.release.id, current: true });
  }, 300_000);
});

interface ReleaseJson {
  id: number;
  current: boolean;
  files: number;
  rollbackOf: number | null;
}
