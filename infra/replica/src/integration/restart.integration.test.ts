import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Actor, HttpAgent } from '@dfinity/agent';
import { IDL } from '@dfinity/candid';
import { Ed25519KeyIdentity } from '@dfinity/identity';
import { Principal } from '@dfinity/principal';
import { afterEach, describe, expect, it } from 'vitest';
import { managementIdlFactory } from '../management/candid.js';
import { startReplica } from '../replica.js';
import type { ManagementActor } from './harness.js';
import { testCanisterWasm } from './harness.js';
import type { ProbeActor } from './probe.js';
import { probeIdlFactory } from './probe.js';

const owner = Ed25519KeyIdentity.generate();
const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

async function connect(url: string) {
  const agent = await HttpAgent.create({ host: url, identity: owner, shouldFetchRootKey: true });
  const management = Actor.createActor<ManagementActor>(managementIdlFactory, {
    agent,
    canisterId: Principal.managementCanister(),
    effectiveCanisterId: Principal.fromText('rwlgt-iiaaa-aaaaa-aaaaa-cai'),
  });
  const probe = (id: Principal) =>
    Actor.createActor<ProbeActor>(probeIdlFactory, { agent, canisterId: id });
  return { agent, management, probe };
}

describe('a network restarted on its data directory', () => {
  it('keeps its root key, canisters, controllers, heap and stable memory', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'citadel-restart-'));
    dirs.push(dataDir);
    const first = await startReplica({ dataDir, port: 0 });
    const before = await connect(first.url);
    const { canister_id } = await before.management.provisional_create_canister_with_cycles({
      amount: [],
      settings: [],
      specified_id: [],
      sender_canister_version: [],
    });
    await before.management.install_code({
      mode: { install: null },
      canister_id,
      wasm_module: testCanisterWasm('probe', 'wasm.gz'),
      arg: new Uint8Array(IDL.encode([IDL.Opt(IDL.Text)], [['kept']])),
      sender_canister_version: [],
    });
    await before.probe(canister_id).put('planet', 'mars');
    await before.probe(canister_id).inc();
    const statusBefore = await before.management.canister_status({ canister_id });
    await first.close();

    const second = await startReplica({ dataDir, port: 0 });
    try {
      expect(second.rootKeyDer).toEqual(first.rootKeyDer);
      const after = await connect(second.url);
      const probe = after.probe(canister_id);
      expect(await probe.lookup('planet')).toEqual(['mars']);
      expect(await probe.get()).toBe(1n);
      expect(await probe.greeting()).toBe('kept');
      const statusAfter = await after.management.canister_status({ canister_id });
      expect(statusAfter.module_hash).toEqual(statusBefore.module_hash);
      expect(statusAfter.settings.controllers.map((p) => p.toText())).toEqual([
        owner.getPrincipal().toText(),
      ]);
      const { canister_id: next } = await after.management.provisional_create_canister_with_cycles({
        amount: [],
        settings: [],
        specified_id: [],
        sender_canister_version: [],
      });
      expect(next.toText()).not.toBe(canister_id.toText());
    } finally {
      await second.close();
    }
  });

  it('starts empty with a new root key after --clean', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'citadel-clean-'));
    dirs.push(dataDir);
    const first = await startReplica({ dataDir, port: 0 });
    const { management } = await connect(first.url);
    await management.provisional_create_canister_with_cycles({
      amount: [],
      settings: [],
      specified_id: [],
      sender_canister_version: [],
    });
    await first.close();
    const second = await startReplica({ dataDir, port: 0, clean: true });
    try {
      expect(second.rootKeyDer).not.toEqual(first.rootKeyDer);
      expect(second.replica.network.canisterList()).toEqual([]);
    } finally {
      await second.close();
    }
  });
});
