import { Actor, Certificate, lookupResultToBuffer } from '@dfinity/agent';
import { Ed25519KeyIdentity } from '@dfinity/identity';
import { Principal } from '@dfinity/principal';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestNetwork } from './harness.js';
import { startTestNetwork } from './harness.js';

const owner = Ed25519KeyIdentity.generate();

async function eventually<T>(
  read: () => Promise<T>,
  accept: (value: T) => boolean,
  attempts = 100,
): Promise<T> {
  let value = await read();
  for (let i = 0; i < attempts && !accept(value); i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    value = await read();
  }
  return value;
}

describe('executing Azle canisters', () => {
  let net: TestNetwork;
  let a: Principal;
  let b: Principal;
  beforeAll(async () => {
    net = await startTestNetwork();
    a = await net.deployProbe(owner);
    b = await net.deployProbe(owner);
  });
  afterAll(() => net.close());

  it('rolls back heap and stable memory when an update traps', async () => {
    const probe = await net.probe(a, owner);
    const before = await probe.get();
    const sizeBefore = await probe.stable_size();
    await expect(probe.inc_then_trap()).rejects.toThrow(/IC0503/);
    expect(await probe.get()).toBe(before);
    expect(await probe.lookup('trap')).toEqual([]);
    expect(await probe.stable_size()).toBe(sizeBefore);
  });

  it('never persists what a query changes', async () => {
    const probe = await net.probe(a, owner);
    const before = await probe.get();
    expect(await probe.query_inc()).toBe(before + 1n);
    expect(await probe.query_inc()).toBe(before + 1n);
    expect(await probe.get()).toBe(before);
  });

  it('makes inter-canister calls and returns the callee reply', async () => {
    const probeA = await net.probe(a, owner);
    const probeB = await net.probe(b, owner);
    await probeB.inc();
    await probeB.inc();
    expect(await probeA.call_get(b)).toBe(await probeB.get());
  });

  it('delivers a trapping callee as a reject to the caller, which keeps running', async () => {
    const probeA = await net.probe(a, owner);
    const message = await probeA.call_trap(b);
    expect(message).toMatch(/trap/i);
    expect(await probeA.inc()).toBeGreaterThan(0n);
  });

  it('lets a canister call the management canister for randomness', async () => {
    const probe = await net.probe(a, owner);
    const first = await probe.rand();
    const second = await probe.rand();
    expect(first).toHaveLength(32);
    expect(first).not.toEqual(second);
  });

  it('fires a global timer set through Azle setTimer', async () => {
    const probe = await net.probe(b, owner);
    const before = await probe.timer_fired();
    await probe.schedule(0n);
    const after = await eventually(
      () => probe.timer_fired(),
      (n) => n > before,
    );
    expect(after).toBe(before + 1n);
  });

  it('serves certified data in a certificate the agent verifies against the root key', async () => {
    const probe = await net.probe(a, owner);
    const data = new Uint8Array(32).fill(7);
    await probe.set_certified(data);
    const [certificate] = await probe.certificate();
    expect(certificate).toBeDefined();
    const agent = await net.agent();
    const cert = await Certificate.create({
      certificate: certificate as Uint8Array,
      rootKey: agent.rootKey as Uint8Array,
      canisterId: a,
    });
    const value = lookupResultToBuffer(
      cert.lookup_path(['canister', a.toUint8Array(), 'certified_data']),
    );
    expect(value).toEqual(data);
  });

  it('rejects calls to a method the canister does not export', async () => {
    const actor = Actor.createActor<{ no_such_method(): Promise<void> }>(
      ({ IDL }) => IDL.Service({ no_such_method: IDL.Func([], [], []) }),
      { agent: await net.agent(owner), canisterId: a },
    );
    await expect(actor.no_such_method()).rejects.toThrow(/IC0536/);
  });

  it('rejects queries to a canister that does not exist', async () => {
    const ghost = Principal.fromText('ryjl3-tyaaa-aaaaa-aaaba-cai');
    const agent = await net.agent(owner);
    await expect(
      agent.query(ghost, { methodName: 'get', arg: new Uint8Array() }),
    ).resolves.toMatchObject({
      status: 'rejected',
      error_code: 'IC0301',
    });
  });
});
