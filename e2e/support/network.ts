/**
 * The network the e2e suite runs against: a fresh local network of its own (a free port and a
 * temporary data directory, so a developer's network on :4943 is left alone), with the sample
 * app deployed to it by `citadel deploy`, exactly as the README's main command does.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { citadel, REPO_ROOT } from './citadel.js';

/** What the specs need to know about the deployed app; passed from global setup in a file. */
export interface DeployedApp {
  /** The replica's API URL (also the gateway, on the same port). */
  readonly apiUrl: string;
  /** The web app's URL: `http://<frontend-id>.localhost:<port>/`. */
  readonly webUrl: string;
  readonly frontendId: string;
  readonly backendId: string;
  /** The network's data directory, removed by teardown. */
  readonly dataDir: string;
  /** The CLI's config directory (the deploying identity), removed by teardown. */
  readonly configDir: string;
  /** Where the deploy recorded the canister ids of this network, removed by teardown. */
  readonly idsDir: string;
}

/** Where global setup leaves the {@link DeployedApp} for the specs. */
export const DEPLOYED_APP_FILE = join(REPO_ROOT, '.citadel', 'e2e', 'deployed-app.json');

/** A TCP port nothing listens on right now. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolvePromise) => server.listen(0, '127.0.0.1', resolvePromise));
  const address = server.address();
  await new Promise((resolvePromise) => server.close(resolvePromise));
  if (address === null || typeof address === 'string') {
    throw new Error('E2E_NO_PORT: could not find a free TCP port');
  }
  return address.port;
}

interface DeployJson {
  readonly apiUrl: string;
  readonly backends: readonly { readonly name: string; readonly canisterId: string }[];
  readonly frontends: readonly {
    readonly name: string;
    readonly canisterId: string;
    readonly url: string;
  }[];
}

function named<T extends { readonly name: string }>(list: readonly T[], name: string): T {
  const found = list.find((entry) => entry.name === name);
  if (found === undefined) {
    throw new Error(`E2E_DEPLOY_INCOMPLETE: the deploy report has no canister '${name}'`);
  }
  return found;
}

/** Starts a network of its own and deploys the repository's sample app to it. */
export async function startNetworkWithApp(): Promise<DeployedApp> {
  const dataDir = await mkdtemp(join(tmpdir(), 'citadel-e2e-network-'));
  const configDir = await mkdtemp(join(tmpdir(), 'citadel-e2e-config-'));
  const env = { CITADEL_CONFIG_DIR: configDir };
  const port = await freePort();
  const idsDir = join(REPO_ROOT, '.citadel', 'networks', `127.0.0.1_${port}`);
  await citadel(
    ['start', '--background', '--clean', '--port', String(port), '--data-dir', dataDir],
    env,
  );
  try {
    const { stdout } = await citadel(
      ['deploy', '--network', `http://127.0.0.1:${port}`, '--json'],
      env,
    );
    const report = JSON.parse(stdout) as DeployJson;
    const web = named(report.frontends, 'web');
    const app: DeployedApp = {
      apiUrl: report.apiUrl,
      webUrl: web.url,
      frontendId: web.canisterId,
      backendId: named(report.backends, 'backend').canisterId,
      dataDir,
      configDir,
      idsDir,
    };
    await mkdir(dirname(DEPLOYED_APP_FILE), { recursive: true });
    await writeFile(DEPLOYED_APP_FILE, JSON.stringify(app, null, 2));
    return app;
  } catch (error) {
    await stopNetwork({ dataDir, configDir, idsDir });
    throw error;
  }
}

/** Stops the network and removes its data and the deploying identity. */
export async function stopNetwork(
  app: Pick<DeployedApp, 'dataDir' | 'configDir' | 'idsDir'>,
): Promise<void> {
  try {
    await citadel(['stop', '--data-dir', app.dataDir], {});
  } finally {
    for (const dir of [app.dataDir, app.configDir, app.idsDir]) {
      await rm(dir, { recursive: true, force: true });
    }
  }
}

/** The app global setup deployed. */
export async function deployedApp(): Promise<DeployedApp> {
  return JSON.parse(await readFile(DEPLOYED_APP_FILE, 'utf8')) as DeployedApp;
}
