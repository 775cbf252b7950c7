import { createHash } from 'node:crypto';
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Actor, HttpAgent } from '@dfinity/agent';
import { IDL } from '@dfinity/candid';
import { Ed25519KeyIdentity } from '@dfinity/identity';
import { Principal } from '@dfinity/principal';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { managementIdlFactory } from '../management/candid.js';
import { sparseToBytes } from '../persistence/sparse-pages.js';
import type { RunningReplica } from '../replica.js';
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

/**
 * Copies the data directory of a running network as one moment's state. A checkpoint may be
 * written meanwhile (its `.tmp` directory is renamed under `cp`'s feet), so checkpoints are
 * copied before the round log, and the copy is redone whenever `CURRENT` moved during it.
 */
async function copyLiveDataDir(from: string, to: string): Promise<void> {
  const current = () => readFile(join(from, 'checkpoints', 'CURRENT'), 'utf8').catch(() => '');
  for (let attempt = 1; ; attempt++) {
    const before = await current();
    await rm(to, { recursive: true, force: true });
    try {
      await cp(join(from, 'checkpoints'), join(to, 'checkpoints'), {
        recursive: true,
        filter: (path) => !path.endsWith('.tmp'),
      });
      await cp(from, to, {
        recursive: true,
        filter: (path) => !path.startsWith(join(from, 'checkpoints')),
      });
      if ((await current()) === before) {
        return;
      }
    } catch (error) {
      if ((error as { code?: unknown }).code !== 'ENOENT' || attempt >= 20) {
        throw error;
      }
    }
  }
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

  it('replays the round log after a crash into a byte-identical state: heaps, stable memory, answers, randomness', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'citadel-replay-'));
    const copyDir = await mkdtemp(join(tmpdir(), 'citadel-replay-copy-'));
    dirs.push(dataDir, copyDir);
    // Low limits and small slices, so that a long message spans several logged rounds.
    const instructionLimits = { update: 3_000_000_000n, slice: 500_000_000n };
    const live = await startReplica({ dataDir, port: 0, instructionLimits });
    let replayed: RunningReplica | undefined;
    try {
      const client = await connect(live.url);
      const install = async (greeting: string) => {
        const { canister_id } = await client.management.provisional_create_canister_with_cycles({
          amount: [],
          settings: [],
          specified_id: [],
          sender_canister_version: [],
        });
        await client.management.install_code({
          mode: { install: null },
          canister_id,
          wasm_module: testCanisterWasm('probe', 'wasm.gz'),
          arg: new Uint8Array(IDL.encode([IDL.Opt(IDL.Text)], [[greeting]])),
          sender_canister_version: [],
        });
        return canister_id;
      };
      const a = await install('a');
      const b = await install('b');
      const probeA = client.probe(a);
      await probeA.put('k', 'v');
      await probeA.inc();
      await probeA.rand();
      await probeA.rand();
      expect(await probeA.call_get(b)).toBe(0n);
      await client.probe(b).inc();
      const child = await probeA.create_child(1_000_000_000_000n);
      await probeA.schedule(0n);
      // A message sliced over several rounds, with another canister's update in between.
      const spinning = client
        .probe(b)
        .spin()
        .catch((error: unknown) => String(error));
      await probeA.inc();
      expect(await spinning).toContain('IC0522');
      await client.management.install_code({
        mode: { upgrade: [] },
        canister_id: b,
        wasm_module: testCanisterWasm('probe', 'wasm.gz'),
        arg: new Uint8Array(IDL.encode([IDL.Opt(IDL.Text)], [[]])),
        sender_canister_version: [],
      });
      await vi.waitFor(async () => expect(await probeA.timer_fired()).toBe(1n));
      await live.replica.network.settle();

      // What a kill -9 would leave on disk right now (the live network is never closed).
      await copyLiveDataDir(dataDir, copyDir);
      const lines: string[] = [];
      replayed = await startReplica({
        dataDir: copyDir,
        port: 0,
        instructionLimits,
        log: (l) => lines.push(l),
      });
      expect(lines.join('\n')).toMatch(/Replayed \d+ rounds/);

      const fingerprint = (replica: RunningReplica) =>
        Promise.all(
          replica.replica.network.canisterList().map(async (canister) => {
            const image = await canister.code?.instance.image();
            const snapshot = image && {
              heap: sparseToBytes(image.heap),
              stable: sparseToBytes(image.stable),
              globals: image.globals,
            };
            const digest = (bytes: Uint8Array | undefined) =>
              bytes === undefined ? null : createHash('sha256').update(bytes).digest('hex');
            return {
              id: canister.idText,
              controllers: canister.controllers.map((c) => Buffer.from(c).toString('hex')),
              cycles: canister.cyclesBalance,
              version: canister.version,
              certifiedData: Buffer.from(canister.certifiedData).toString('hex'),
              heap: digest(snapshot?.heap),
              stable: digest(snapshot?.stable),
              globals: snapshot?.globals,
            };
          }),
        );
      const answers = (replica: RunningReplica) =>
        new Map(
          [...replica.replica.network.ingress.values()].map((r) => [
            Buffer.from(r.requestId).toString('hex'),
            r.state,
          ]),
        );
      expect(await fingerprint(replayed)).toEqual(await fingerprint(live));
      expect((await fingerprint(live)).map((c) => c.id)).toContain(child.toText());
      // Every answer, raw_rand's bytes included, is the one the clients got.
      const liveAnswers = answers(live);
      for (const [id, state] of answers(replayed)) {
        expect(state, id).toEqual(liveAnswers.get(id));
      }
      expect(answers(replayed).size).toBe(liveAnswers.size);
    } finally {
      await replayed?.close();
      await live.close();
    }
  });
});
