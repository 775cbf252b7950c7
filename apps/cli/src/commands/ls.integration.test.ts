import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ServedNetwork,
  type TestNetwork,
  startTestNetwork,
} from '../../../../infra/replica/src/integration/harness.js';
import { runCli } from '../cli.js';
import { createNodeContext } from '../node-context.js';
import { prepareNetwork } from '../network/prepare-network.js';
import { DIRECTORY } from '../network/system-apps.js';

/**
 * The dApp directory from the command line, against the real replica with the directory
 * canister built from source at its well-known id: `citadel deploy` lists each frontend it
 * deploys (name and description from its package.json, backends, icon, the release just
 * made), `citadel ls` prints the list and searches it; a network without a directory still
 * takes the deploy, with a note.
 */

interface Run {
  readonly status: number;
  readonly out: string;
  readonly err: string;
}

describe('citadel deploy lists dApps; citadel ls shows them', () => {
  let net: TestNetwork;
  let served: ServedNetwork;
  let bare: TestNetwork;
  let bareServed: ServedNetwork;
  let workDir: string;

  async function citadel(cwd: string, url: string, ...args: string[]): Promise<Run> {
    const out: string[] = [];
    const err: string[] = [];
    const status = await runCli([...args, '--network', url], {
      ...createNodeContext(),
      progress: undefined,
      cwd,
      env: { CITADEL_CONFIG_DIR: join(workDir, 'config') },
      homeDir: workDir,
      stdout: (line) => out.push(line),
      stderr: (line) => err.push(line),
    });
    return { status, out: out.join('\n'), err: err.join('\n') };
  }

  /** A project of static files with a package.json naming it. */
  async function site(name: string, manifest: Record<string, string>): Promise<string> {
    const dir = join(workDir, name);
    await mkdir(join(dir, 'public'), { recursive: true });
    await writeFile(join(dir, 'package.json'), JSON.stringify({ name, ...manifest }));
    await writeFile(join(dir, 'public', 'index.html'), `<!doctype html><title>${name}</title>`);
    await writeFile(join(dir, 'public', 'icon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    return dir;
  }

  beforeAll(async () => {
    workDir = await mkdtemp(join(tmpdir(), 'citadel-ls-'));
    net = await startTestNetwork();
    served = await net.serve();
    const logs: string[] = [];
    await prepareNetwork(
      { url: served.url, dataDir: workDir },
      { apps: [DIRECTORY], log: (line) => logs.push(line) },
    );
    expect(logs.join('\n')).toContain('Installed directory at qjdve-lqaaa-aaaaa-aaaeq-cai');
    bare = await startTestNetwork();
    bareServed = await bare.serve();
  }, 120_000);
  afterAll(async () => {
    await net.close();
    await bare.close();
    await rm(workDir, { recursive: true, force: true });
  });

  it('lists each deployed frontend with its package.json’s product name, description, icon and release', async () => {
    const garden = await site('@acme/garden', {
      productName: 'Garden Planner',
      description: 'Plan beds and sowing dates.',
    });
    const deployed = await citadel(garden, served.url, 'deploy', 'public');
    expect(deployed.status, deployed.err).toBe(0);
    expect(deployed.err).toContain(
      "✔ Listed frontend in the network's dApp directory as “Garden Planner”",
    );

    const ls = await citadel(garden, served.url, 'ls', '--json');
    expect(ls.status, ls.err).toBe(0);
    const [listing] = JSON.parse(ls.out) as Record<string, unknown>[];
    expect(listing).toMatchObject({
      name: 'Garden Planner',
      description: 'Plan beds and sowing dates.',
      icon: '/icon.svg',
      backends: [],
      lastRelease: { id: 1, files: 2 },
    });
    expect(listing?.url).toBe(
      `${served.url.replace('127.0.0.1', `${String(listing?.frontend)}.localhost`)}/`,
    );
  });

  it('prints a table, and finds dApps by the words of their name or description', async () => {
    const recipes = await site('recipes', { description: 'Family recipes, shared.' });
    expect((await citadel(recipes, served.url, 'deploy', 'public')).status).toBe(0);

    const table = await citadel(recipes, served.url, 'ls');
    expect(table.out.split('\n')[0]).toMatch(/^NAME\s+URL\s+RELEASE\s+BACKENDS$/);
    expect(table.out).toContain('Garden Planner');
    expect(table.out).toContain('recipes');

    const found = JSON.parse(
      (await citadel(recipes, served.url, 'ls', 'FAMILY', '--json')).out,
    ) as {
      name: string;
    }[];
    expect(found.map(({ name }) => name)).toEqual(['recipes']);
    const none = await citadel(recipes, served.url, 'ls', 'nothing-like-this');
    expect(none.out).toBe('No listed dApp matches “nothing-like-this”.');
  });

  it('still deploys to a network without a directory, and says the dApp is not listed', async () => {
    const lone = await site('lone', {});
    const deployed = await citadel(lone, bareServed.url, 'deploy', 'public');
    expect(deployed.status, deployed.err).toBe(0);
    expect(deployed.err).toContain(
      "• frontend is not listed in the network's dApp directory: The network's dApp directory could not be reached",
    );
    const ls = await citadel(lone, bareServed.url, 'ls');
    expect(ls.status).toBe(1);
    expect(ls.err).toContain('error[CLI_DIRECTORY_UNAVAILABLE]');
  });
});
