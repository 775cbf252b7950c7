/**
 * The sample app's Candid bindings (apps/web/src/declarations/backend) are committed, so the
 * app type-checks on a fresh clone before anything is deployed; `citadel deploy` rewrites them
 * from the backend canister's interface. This pins the committed copy to what a deploy of the
 * current backend would write: a change to the canister's interface fails here until the
 * bindings are regenerated (`npx citadel deploy`, or the command in the failure message).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { writeBindings } from '../apps/cli/src/candid/index.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** Written by `npm run build:canisters`, which `npm test` runs before the tests. */
const CANDID = join(ROOT, 'canisters', 'backend', 'dist', 'backend.did');
const COMMITTED = join(ROOT, 'apps', 'web', 'src', 'declarations');

describe('the sample app’s committed backend bindings', () => {
  const scratch = mkdtemp(join(tmpdir(), 'citadel-bindings-'));
  afterAll(async () => rm(await scratch, { recursive: true, force: true }));

  it('are what a deploy of the current backend canister writes', async () => {
    const fresh = await writeBindings(await scratch, 'backend', await readFile(CANDID, 'utf8'));
    for (const file of fresh.files) {
      const name = file.slice(fresh.dir.length + 1);
      expect(
        await readFile(join(COMMITTED, 'backend', name), 'utf8'),
        `apps/web/src/declarations/backend/${name} is stale: run \`npx citadel deploy\` (or node tools/build-canisters.mjs backend and write the bindings) and commit it`,
      ).toBe(await readFile(file, 'utf8'));
    }
  });
});
