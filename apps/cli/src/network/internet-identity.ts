import { readFile, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadAssetsModule } from '../deploy/deploy-project.js';
import { CliErrorCode, createCliError } from '../errors.js';
import {
  INTERNET_IDENTITY_FRONTEND_ID,
  INTERNET_IDENTITY_ID,
  type SystemCanister,
} from './system-canisters.js';

/**
 * Internet Identity as a local network carries it: the identity canister built from
 * `canisters/internet_identity` and its frontend (`apps/identity`, a static export) in an asset
 * canister at the id dApps use for a local II, `http://rdmx6-jaaaa-aaaaa-aaadq-cai.localhost:<port>/`.
 */
export async function loadInternetIdentity(): Promise<SystemCanister[]> {
  let module: Uint8Array;
  let siteDir: string;
  try {
    // Resolved here, inside the try: a checkout that never built them has no such packages.
    module = new Uint8Array(
      await readFile(
        new URL(
          import.meta.resolve('@citadel/internet-identity-canister/internet_identity.wasm.gz'),
        ),
      ),
    );
    siteDir = join(
      dirname(fileURLToPath(import.meta.resolve('@citadel/identity/package.json'))),
      'out',
    );
    if (!(await stat(join(siteDir, 'index.html'))).isFile()) {
      throw new Error(`${join(siteDir, 'index.html')} is not a file`);
    }
  } catch (error) {
    throw createCliError(
      CliErrorCode.SYSTEM_CANISTER_UNAVAILABLE,
      `Internet Identity is not built (${error instanceof Error ? error.message : String(error)}); build it with \`npm run build:canisters && npm run build:identity\`.`,
      {},
      { cause: error },
    );
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
}
