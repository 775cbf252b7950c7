import { readFile, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadAssetsModule } from '../deploy/deploy-project.js';
import { CliErrorCode, createCliError } from '../errors.js';
import {
  CONSOLE_ID,
  DIRECTORY_ID,
  INTERNET_IDENTITY_FRONTEND_ID,
  INTERNET_IDENTITY_ID,
  type SystemCanister,
} from './system-canisters.js';

/** One of the apps every local network carries, and how to load its canisters' builds. */
export interface SystemApp {
  /** How messages name it: `Internet Identity`. */
  readonly name: string;
  /** Its canisters; fails with CLI_SYSTEM_CANISTER_UNAVAILABLE when a build is missing. */
  load(): Promise<SystemCanister[]>;
}

/** A built module of a workspace package (`@citadel/x-canister/x.wasm.gz`). */
async function packagedModule(specifier: string): Promise<Uint8Array> {
  // Resolved here: a checkout that never built it has no such file (or package).
  return new Uint8Array(await readFile(new URL(import.meta.resolve(specifier))));
}

/** A static export's folder (`<package>/out`), checked to hold an index.html. */
async function staticExport(packageName: string): Promise<string> {
  const dir = join(
    dirname(fileURLToPath(import.meta.resolve(`${packageName}/package.json`))),
    'out',
  );
  if (!(await stat(join(dir, 'index.html'))).isFile()) {
    throw new Error(`${join(dir, 'index.html')} is not a file`);
  }
  return dir;
}

function unavailable(app: string, build: string, error: unknown): Error {
  return createCliError(
    CliErrorCode.SYSTEM_CANISTER_UNAVAILABLE,
    `${app} is not built (${error instanceof Error ? error.message : String(error)}); build it with \`${build}\`.`,
    { app },
    { cause: error },
  );
}

/**
 * Internet Identity: the identity canister built from `canisters/internet_identity` and its
 * frontend (`apps/identity`, a static export) in an asset canister at the id dApps use for a
 * local II, `http://rdmx6-jaaaa-aaaaa-aaadq-cai.localhost:<port>/`.
 */
export const INTERNET_IDENTITY: SystemApp = {
  name: 'Internet Identity',
  async load() {
    let module: Uint8Array;
    let siteDir: string;
    try {
      module = await packagedModule(
        '@citadel/internet-identity-canister/internet_identity.wasm.gz',
      );
      siteDir = await staticExport('@citadel/identity');
    } catch (error) {
      throw unavailable(this.name, 'npm run build:canisters && npm run build:frontends', error);
    }
    return [
      { name: 'internet_identity', canisterId: INTERNET_IDENTITY_ID, module },
      {
        name: 'internet_identity_frontend',
        canisterId: INTERNET_IDENTITY_FRONTEND_ID,
        module: await loadAssetsModule(),
        siteDir,
      },
    ];
  },
};

/** The directory of hosted dApps (`canisters/directory`), which `citadel deploy` lists in. */
export const DIRECTORY: SystemApp = {
  name: 'the dApp directory',
  async load() {
    try {
      const module = await packagedModule('@citadel/directory-canister/directory.wasm.gz');
      return [{ name: 'directory', canisterId: DIRECTORY_ID, module }];
    } catch (error) {
      throw unavailable(this.name, 'npm run build:canisters', error);
    }
  },
};

/**
 * The console (`apps/console`, a static export in an asset canister): the network's dApps from
 * the directory, each with its certified module hash, controllers and releases. The gateway
 * serves it at its own root.
 */
export const CONSOLE: SystemApp = {
  name: 'the console',
  async load() {
    let siteDir: string;
    try {
      siteDir = await staticExport('@citadel/console');
    } catch (error) {
      throw unavailable(this.name, 'npm run build:frontends', error);
    }
    return [{ name: 'console', canisterId: CONSOLE_ID, module: await loadAssetsModule(), siteDir }];
  },
};

/** What `citadel start` installs, in order. */
export const SYSTEM_APPS: readonly SystemApp[] = [INTERNET_IDENTITY, DIRECTORY, CONSOLE];
