import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assetsActor } from '@citadel/assets-canister/client';
import { Ed25519KeyIdentity } from '@dfinity/identity';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type TestNetwork,
  startTestNetwork,
} from '../../../../infra/replica/src/integration/harness.js';
import { canisterStatus, createCanisterWithCycles } from '../canisters/management.js';
import { createMemoryEncodingCache } from '../deploy/encoding-cache.js';
import { listAllAssets } from '../deploy/sync-site.js';
import { CliErrorCode } from '../errors.js';
import {
  INTERNET_IDENTITY_FRONTEND_ID,
  INTERNET_IDENTITY_ID,
  type SystemCanister,
  ensureSystemCanisters,
} from './system-canisters.js';

/**
 * `ensureSystemCanisters` against the real replica, with the asset canister standing in for
 * both system canisters (the mechanism does not depend on what the modules are): created at
 * their well-known ids, installed, the site served; a second run changes nothing; an id
 * someone else took first is refused with a code that says so.
 */

const ASSETS_WASM = new Uint8Array(
  readFileSync(new URL('../../../../canisters/assets/dist/assets.wasm.gz', import.meta.url)),
);

describe('ensureSystemCanisters on the real replica', () => {
  let net: TestNetwork;
  let site: string;
  const system = Ed25519KeyIdentity.generate();
  const cache = createMemoryEncodingCache();
  let canisters: SystemCanister[];

  beforeAll(async () => {
    net = await startTestNetwork();
    site = await mkdtemp(join(tmpdir(), 'citadel-system-site-'));
    await writeFile(join(site, 'index.html'), '<!doctype html><title>identity</title>');
    canisters = [
      { name: 'backend-like', canisterId: INTERNET_IDENTITY_ID, module: ASSETS_WASM },
      {
        name: 'frontend-like',
        canisterId: INTERNET_IDENTITY_FRONTEND_ID,
        module: ASSETS_WASM,
        siteDir: site,
      },
    ];
  });
  afterAll(async () => {
    await rm(site, { recursive: true, force: true });
  });

  it('creates each canister at its well-known id, installs it and uploads its site', async () => {
    const agent = await net.agent(system);
    const results = await ensureSystemCanisters({
      agent,
      controller: system.getPrincipal(),
      canisters,
      cache,
    });
    expect(results).toEqual([
      {
        name: 'backend-like',
        canisterId: INTERNET_IDENTITY_ID.toText(),
        created: true,
        code: 'install',
        filesChanged: 0,
      },
      {
        name: 'frontend-like',
        canisterId: INTERNET_IDENTITY_FRONTEND_ID.toText(),
        created: true,
        code: 'install',
        filesChanged: 1,
      },
    ]);
    const status = await canisterStatus(agent, INTERNET_IDENTITY_FRONTEND_ID);
    expect(status.settings.controllers.map((p) => p.toText())).toEqual([
      system.getPrincipal().toText(),
    ]);
    const assets = await listAllAssets(assetsActor(agent, INTERNET_IDENTITY_FRONTEND_ID));
    expect(assets.map((asset) => asset.key)).toEqual(['/index.html']);
  });

  it('changes nothing when run again', async () => {
    const results = await ensureSystemCanisters({
      agent: await net.agent(system),
      controller: system.getPrincipal(),
      canisters,
      cache,
    });
    expect(
      results.map(({ created, code, filesChanged }) => ({ created, code, filesChanged })),
    ).toEqual([
      { created: false, code: 'unchanged', filesChanged: 0 },
      { created: false, code: 'unchanged', filesChanged: 0 },
    ]);
  });

  it('leaves ordinary canisters to the other ids', async () => {
    const agent = await net.agent(system);
    const ordinary = await createCanisterWithCycles(agent, [system.getPrincipal()]);
    expect([INTERNET_IDENTITY_ID.toText(), INTERNET_IDENTITY_FRONTEND_ID.toText()]).not.toContain(
      ordinary.toText(),
    );
  });

  it('refuses with CLI_SYSTEM_CANISTER_ID_TAKEN when another principal holds the id', async () => {
    const other = await startTestNetwork();
    const squatter = Ed25519KeyIdentity.generate();
    await createCanisterWithCycles(
      await other.agent(squatter),
      [squatter.getPrincipal()],
      INTERNET_IDENTITY_ID,
    );
    await expect(
      ensureSystemCanisters({
        agent: await other.agent(system),
        controller: system.getPrincipal(),
        canisters,
        cache,
      }),
    ).rejects.toMatchObject({ code: CliErrorCode.SYSTEM_CANISTER_ID_TAKEN });
  });
});
