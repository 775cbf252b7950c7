import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Actor, type ActorSubclass, type HttpAgent } from '@dfinity/agent';
import type { IDL } from '@dfinity/candid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Gateway, createGateway } from '@citadel/gateway';
import {
  type ServedNetwork,
  type TestNetwork,
  startTestNetwork,
} from '../../../../infra/replica/src/integration/harness.js';
import { runCli } from '../cli.js';
import { loadIdentity } from '../identity/index.js';
import { createNodeContext } from '../node-context.js';
import { createFixtureDir, removeFixtureDir } from '../testing/next-fixture.js';

/**
 * `citadel deploy` of a project whose citadel.json names a TypeScript backend canister and a
 * frontend: the backend is built with the real Azle and installed, its bindings call it, the
 * frontend's build sees the backend's id, and a redeploy upgrades the backend with its stable
 * memory kept.
 */

const BACKEND = (extra: string) => `import { IDL, StableBTreeMap, query, update } from 'azle';

const notes = new StableBTreeMap<string, string>(0);

export default class {
  @update([IDL.Text, IDL.Text])
  put(key: string, value: string): void {
    notes.insert(key, value);
  }

  @query([IDL.Text], IDL.Opt(IDL.Text))
  get(key: string): [] | [string] {
    const value = notes.get(key);
    return value === undefined ? [] : [value];
  }
${extra}}
`;

const COUNT_METHOD = `
  @query([], IDL.Nat64)
  count(): bigint {
    return BigInt(notes.len());
  }
`;

/** A stand-in for Vite: writes dist/index.html naming the backend's id from the environment. */
const FAKE_VITE = `#!/usr/bin/env node
const fs = require('node:fs');
fs.mkdirSync('dist', { recursive: true });
fs.writeFileSync('dist/index.html', '<p>backend: ' + process.env.VITE_CANISTER_ID_BACKEND + '</p>');
`;

const FILES: Record<string, string> = {
  'package.json': JSON.stringify({ name: 'notes', private: true }),
  'citadel.json': JSON.stringify({
    frontends: { web: { root: 'web' } },
    canisters: { backend: { main: 'canisters/backend/src/index.ts', bindings: 'web/src/api' } },
  }),
  'canisters/backend/src/index.ts': BACKEND(''),
  'web/package.json': JSON.stringify({
    name: 'web',
    private: true,
    devDependencies: { vite: '*' },
  }),
  'web/node_modules/vite/package.json': JSON.stringify({
    name: 'vite',
    version: '7.0.0',
    bin: { vite: 'bin/vite.js' },
  }),
  'web/node_modules/vite/bin/vite.js': FAKE_VITE,
};

interface Notes {
  put(key: string, value: string): Promise<void>;
  get(key: string): Promise<[] | [string]>;
  count?(): Promise<bigint>;
}

interface DeployJson {
  backends: { name: string; canisterId: string; code: string; bindings: string }[];
  frontends: { name: string; canisterId: string; committed: boolean }[];
}

describe('citadel deploy of a full-stack project', () => {
  let net: TestNetwork;
  let served: ServedNetwork;
  let project: string;
  let gateway: Gateway;
  const env = () => ({ CITADEL_CONFIG_DIR: join(project, '.config') });

  beforeAll(async () => {
    net = await startTestNetwork();
    served = await net.serve();
    project = await createFixtureDir('full-stack');
    for (const [file, text] of Object.entries(FILES)) {
      await mkdir(dirname(join(project, file)), { recursive: true });
      await writeFile(join(project, file), text);
    }
    gateway = createGateway({
      agent: await net.agent(),
      rootKey: net.replica.rootKeyDer,
      cacheTtlMs: 0,
    });
  }, 60_000);
  afterAll(async () => {
    await net.close();
    await removeFixtureDir(project);
  });

  async function deploy(): Promise<DeployJson> {
    const out: string[] = [];
    const err: string[] = [];
    const status = await runCli(['deploy', '--network', served.url, '--json'], {
      ...createNodeContext(),
      progress: undefined,
      cwd: project,
      env: env(),
      homeDir: project,
      stdout: (line) => out.push(line),
      stderr: (line) => err.push(line),
    });
    expect(status, err.join('\n')).toBe(0);
    return JSON.parse(out.join('\n')) as DeployJson;
  }

  async function backendActor(report: DeployJson): Promise<ActorSubclass<Notes>> {
    const [backend] = report.backends;
    // The generated interface, imported afresh each time (it changes with the canister).
    const { idlFactory } = (await import(
      `${pathToFileURL(join(backend?.bindings ?? '', 'backend.did.js')).href}?${Date.now()}`
    )) as { idlFactory: IDL.InterfaceFactory };
    const { identity } = await loadIdentity({ env: env(), configDir: join(project, '.config') });
    return Actor.createActor<Notes>(idlFactory, {
      agent: await net.agent(identity),
      canisterId: backend?.canisterId ?? '',
    });
  }

  it('builds and installs the backend, writes its bindings, and gives the frontend its id', async () => {
    const report = await deploy();
    // The generated actor module works as a frontend would use it.
    const { createActor } = (await import(
      pathToFileURL(join(report.backends[0]?.bindings ?? '', 'index.js')).href
    )) as { createActor: (id: string, options: { agent: HttpAgent }) => ActorSubclass<Notes> };
    const anonymous = createActor(report.backends[0]?.canisterId ?? '', {
      agent: await net.agent(),
    });
    expect(await anonymous.get('nothing')).toEqual([]);
    expect(report.backends).toMatchObject([{ name: 'backend', code: 'installed' }]);
    expect(report.backends[0]?.bindings).toBe(join(project, 'web', 'src', 'api', 'backend'));
    const notes = await backendActor(report);
    await notes.put('greeting', 'hello');
    expect(await notes.get('greeting')).toEqual(['hello']);

    const web = report.frontends[0];
    const page = await gateway.fetch(
      new Request(`http://${web?.canisterId}.localhost:4943/`, {
        headers: { 'accept-encoding': 'identity' },
      }),
    );
    expect(await page.text()).toBe(`<p>backend: ${report.backends[0]?.canisterId}</p>`);
    const ids = JSON.parse(
      await readFile(
        join(
          project,
          '.citadel',
          'networks',
          new URL(served.url).host.replace(':', '_'),
          'canister_ids.json',
        ),
        'utf8',
      ),
    ) as Record<string, { local: string }>;
    expect(ids.backend?.local).toBe(report.backends[0]?.canisterId);
    expect(ids.web?.local).toBe(web?.canisterId);
  }, 300_000);

  it('upgrades a changed backend keeping its stable memory, and leaves unchanged code alone', async () => {
    await writeFile(join(project, 'canisters/backend/src/index.ts'), BACKEND(COUNT_METHOD));
    const report = await deploy();
    expect(report.backends).toMatchObject([{ code: 'upgraded' }]);
    expect(report.frontends).toMatchObject([{ committed: false }]);
    const notes = await backendActor(report);
    expect(await notes.get('greeting')).toEqual(['hello']);
    expect(await notes.count?.()).toBe(1n);

    const again = await deploy();
    expect(again.backends).toMatchObject([{ code: 'unchanged' }]);
  }, 300_000);
});
