import { createHash } from 'node:crypto';
import { Ed25519KeyIdentity } from '@dfinity/identity';
import { Actor } from '@dfinity/agent';
import { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestNetwork } from './harness.js';
import { NO_SETTINGS, startTestNetwork, testCanisterWasm } from './harness.js';

const owner = Ed25519KeyIdentity.generate();
const stranger = Ed25519KeyIdentity.generate();
const noArg = new Uint8Array(IDL.encode([IDL.Opt(IDL.Text)], [[]]));
const sha256 = (bytes: Uint8Array) => new Uint8Array(createHash('sha256').update(bytes).digest());

describe('canister lifecycle through the management canister', () => {
  let net: TestNetwork;
  beforeAll(async () => {
    net = await startTestNetwork();
  });
  afterAll(() => net.close());

  it('installs a gzip-compressed Azle module and runs its init with the install argument', async () => {
    const id = await net.deployProbe(owner, 'hello from init');
    const probe = await net.probe(id, owner);
    expect(await probe.greeting()).toBe('hello from init');
    expect(await probe.inc()).toBe(1n);
    expect(await probe.get()).toBe(1n);
  });

  it('installs a module larger than the ingress limit with upload_chunk and install_chunked_code', async () => {
    const wasm = testCanisterWasm('probe', 'wasm');
    expect(wasm.length).toBeGreaterThan(2 * 1024 * 1024);
    const mgmt = await net.management(owner);
    const { canister_id } = await mgmt.provisional_create_canister_with_cycles({
      amount: [],
      settings: [],
      specified_id: [],
      sender_canister_version: [],
    });
    const hashes: { hash: Uint8Array }[] = [];
    for (let offset = 0; offset < wasm.length; offset += 1024 * 1024) {
      hashes.push(
        await mgmt.upload_chunk({
          canister_id,
          chunk: wasm.subarray(offset, offset + 1024 * 1024),
        }),
      );
    }
    await mgmt.install_chunked_code({
      mode: { install: null },
      target_canister: canister_id,
      store_canister: [],
      chunk_hashes_list: hashes,
      wasm_module_hash: sha256(wasm),
      arg: noArg,
      sender_canister_version: [],
    });
    const status = await mgmt.canister_status({ canister_id });
    expect(status.module_hash[0]).toEqual(sha256(wasm));
    expect('running' in status.status).toBe(true);
    expect(await (await net.probe(canister_id)).inc()).toBe(1n);
  });

  it('keeps stable memory and drops the heap across an upgrade', async () => {
    const id = await net.deployProbe(owner);
    const probe = await net.probe(id, owner);
    await probe.put('colour', 'teal');
    await probe.inc();
    const mgmt = await net.management(owner);
    await mgmt.install_code({
      mode: { upgrade: [] },
      canister_id: id,
      wasm_module: testCanisterWasm('probe', 'wasm.gz'),
      arg: noArg,
      sender_canister_version: [],
    });
    expect(await probe.lookup('colour')).toEqual(['teal']);
    expect(await probe.upgrades()).toBe(1n);
    expect(await probe.get()).toBe(0n);
  });

  it('rejects install mode on a canister that already has code', async () => {
    const id = await net.deployProbe(owner);
    const mgmt = await net.management(owner);
    await expect(
      mgmt.install_code({
        mode: { install: null },
        canister_id: id,
        wasm_module: testCanisterWasm('probe', 'wasm.gz'),
        arg: noArg,
        sender_canister_version: [],
      }),
    ).rejects.toThrow(/IC0538/);
  });

  it('rejects garbage Wasm with IC0505 and leaves the canister empty', async () => {
    const mgmt = await net.management(owner);
    const { canister_id } = await mgmt.provisional_create_canister_with_cycles({
      amount: [],
      settings: [],
      specified_id: [],
      sender_canister_version: [],
    });
    await expect(
      mgmt.install_code({
        mode: { install: null },
        canister_id,
        wasm_module: new TextEncoder().encode('definitely not wasm'),
        arg: noArg,
        sender_canister_version: [],
      }),
    ).rejects.toThrow(/IC0505/);
    expect((await mgmt.canister_status({ canister_id })).module_hash).toEqual([]);
  });

  it('lets only controllers manage a canister', async () => {
    const id = await net.deployProbe(owner);
    const intruder = await net.management(stranger);
    await expect(intruder.stop_canister({ canister_id: id })).rejects.toThrow(/IC0512/);
    await expect(intruder.canister_status({ canister_id: id })).rejects.toThrow(/IC0512/);
    await expect(
      intruder.install_code({
        mode: { reinstall: null },
        canister_id: id,
        wasm_module: testCanisterWasm('probe', 'wasm.gz'),
        arg: noArg,
        sender_canister_version: [],
      }),
    ).rejects.toThrow(/IC0512/);
    const mgmt = await net.management(owner);
    await mgmt.update_settings({
      canister_id: id,
      settings: { ...NO_SETTINGS, controllers: [[owner.getPrincipal(), stranger.getPrincipal()]] },
      sender_canister_version: [],
    });
    const status = await intruder.canister_status({ canister_id: id });
    expect(status.settings.controllers.map((p) => p.toText()).sort()).toEqual(
      [owner.getPrincipal().toText(), stranger.getPrincipal().toText()].sort(),
    );
  });

  it('stops, refuses calls while stopped, starts again and deletes a stopped canister', async () => {
    const id = await net.deployProbe(owner);
    const mgmt = await net.management(owner);
    const probe = await net.probe(id, owner);
    await mgmt.stop_canister({ canister_id: id });
    expect('stopped' in (await mgmt.canister_status({ canister_id: id })).status).toBe(true);
    await expect(probe.inc()).rejects.toThrow(/IC0508/);
    await mgmt.start_canister({ canister_id: id });
    expect(await probe.inc()).toBe(1n);
    await expect(mgmt.delete_canister({ canister_id: id })).rejects.toThrow(/IC0510/);
    await mgmt.stop_canister({ canister_id: id });
    await mgmt.delete_canister({ canister_id: id });
    await expect(probe.get()).rejects.toThrow(/IC0301/);
  });

  it('lets a canister create a canister it controls, paid with the cycles it attaches', async () => {
    const parentId = await net.deployProbe(owner);
    const parent = await net.probe(parentId, owner);
    const before = await parent.balance();
    const child = await parent.create_child(2_000_000_000_000n);
    // The 2 T go to the child; the parent also pays for executing create_child and its callback.
    const spent = before - (await parent.balance());
    expect(spent).toBeGreaterThan(2_000_000_000_000n);
    expect(spent).toBeLessThan(2_000_000_000_000n + 1_000_000_000n);
    const record = net.replica.network.canisters.get(child.toUint8Array());
    expect(record?.controllers.map((c) => Principal.fromUint8Array(c).toText())).toEqual([
      parentId.toText(),
    ]);
    expect(record?.cyclesBalance).toBe(2_000_000_000_000n);
    await expect(
      (await net.management(owner)).canister_status({ canister_id: child }),
    ).rejects.toThrow(/IC0512/);
  });

  it('refuses create_canister from outside a canister', async () => {
    const actor = Actor.createActor<{ create_canister(arg: { settings: [] }): Promise<unknown> }>(
      ({ IDL: I }) =>
        I.Service({
          create_canister: I.Func(
            [I.Record({ settings: I.Opt(I.Record({ controllers: I.Opt(I.Vec(I.Principal)) })) })],
            [I.Record({ canister_id: I.Principal })],
            [],
          ),
        }),
      {
        agent: await net.agent(owner),
        canisterId: Principal.managementCanister(),
        effectiveCanisterId: Principal.fromText('rwlgt-iiaaa-aaaaa-aaaaa-cai'),
      },
    );
    await expect(actor.create_canister({ settings: [] })).rejects.toThrow(
      /provisional_create_canister_with_cycles/,
    );
  });

  it('refuses raw_rand from outside a canister', async () => {
    const mgmt = await net.management(owner);
    await expect(mgmt.raw_rand()).rejects.toThrow(/raw_rand can only be called by canisters/);
  });
});
