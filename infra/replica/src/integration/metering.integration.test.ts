import { IDL } from '@dfinity/candid';
import { Ed25519KeyIdentity } from '@dfinity/identity';
import type { Principal } from '@dfinity/principal';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executionCost } from '../scheduler/cycles-fees.js';
import type { TestNetwork } from './harness.js';
import { startTestNetwork, testCanisterWasm } from './harness.js';

const owner = Ed25519KeyIdentity.generate();

/**
 * Instruction metering against the Azle-built probe: QuickJS loops that never end, in every
 * kind of execution, must end with the IC's IC0522 error and leave the canister as it was.
 * Lowered limits keep the test short; one query runs against mainnet's own limit.
 */
const LIMITS = { update: 1_000_000_000n, query: 500_000_000n, install: 3_000_000_000n };

const limitMessage = (limit: bigint) =>
  `Canister exceeded the limit of ${limit} instructions for single message execution.`;

describe('deterministic instruction metering', () => {
  let net: TestNetwork;
  let id: Principal;
  let neighbour: Principal;
  beforeAll(async () => {
    net = await startTestNetwork({ instructionLimits: LIMITS });
    id = await net.deployProbe(owner);
    neighbour = await net.deployProbe(owner);
  });
  afterAll(() => net.close());

  it('ends an endless update with IC0522 at the update limit and undoes its changes', async () => {
    const probe = await net.probe(id, owner);
    const before = await probe.get();
    const failure = probe.spin();
    await expect(failure).rejects.toThrow(limitMessage(LIMITS.update));
    await expect(failure).rejects.toMatchObject({ message: expect.stringContaining('IC0522') });
    expect(await probe.get()).toBe(before);
    // The canister and its neighbour go on serving.
    expect(await probe.inc()).toBe(before + 1n);
    const other = await net.probe(neighbour, owner);
    await other.put('still', 'here');
    expect(await other.lookup('still')).toEqual(['here']);
  });

  it('ends an endless query at the query limit', async () => {
    const probe = await net.probe(id, owner);
    await expect(probe.spin_query()).rejects.toThrow(limitMessage(LIMITS.query));
    expect(await probe.greeting()).toBe('hello from probe');
  });

  it('ends an endless timer callback and keeps the canister running', async () => {
    const probe = await net.probe(id, owner);
    const fired = await probe.timer_fired();
    const balance = await probe.balance();
    await probe.schedule_spin(0n);
    // The timer runs in a later round, to the limit: the instructions are paid for...
    await expect
      .poll(async () => balance - (await probe.balance()), { timeout: 10_000 })
      .toBeGreaterThan(executionCost(LIMITS.update));
    // ...and its change to the heap is undone.
    expect(await probe.timer_fired()).toBe(fired);
    await probe.schedule(0n);
    await expect.poll(() => probe.timer_fired(), { timeout: 10_000 }).toBe(fired + 1n);
  });

  it('fails an install whose init never ends with IC0522 at the install limit', async () => {
    await expect(net.deployProbe(owner, 'spin')).rejects.toThrow(limitMessage(LIMITS.install));
  });

  it('counts instructions deterministically and exposes them through performance_counter', async () => {
    // Two canisters with the same module and the same history count the same, call for call.
    const counts = async (canisterId: Principal) => {
      const probe = await net.probe(canisterId, owner);
      return [await probe.work(1_000), await probe.work(20_000), await probe.work(1_000)];
    };
    const [a, b] = [await net.deployProbe(owner), await net.deployProbe(owner)];
    const [small, large, again] = await counts(a);
    expect(await counts(b)).toEqual([small, large, again]);
    // Each QuickJS loop turn runs hundreds of Wasm instructions.
    expect(large! - small!).toBeGreaterThan(19_000n * 100n);
  });
});

describe('a canister running to its limit', () => {
  let net: TestNetwork;
  beforeAll(async () => {
    // About five seconds of QuickJS looping: long enough to be caught in the act.
    net = await startTestNetwork({ instructionLimits: { update: 20_000_000_000n } });
  });
  afterAll(() => net.close());

  it('is sliced across rounds: other canisters answer queries and updates meanwhile', async () => {
    const [spinnerId, otherId] = [await net.deployProbe(owner), await net.deployProbe(owner)];
    const other = await net.probe(otherId, owner);
    await other.put('key', 'value');
    let spinning = true;
    const spin = (await net.probe(spinnerId, owner))
      .spin()
      .catch((error: unknown) => error)
      .finally(() => {
        spinning = false;
      });
    // The round that executes `spin` has started once its ingress message is processing.
    await expect
      .poll(
        () =>
          [...net.replica.network.ingress.values()].some(
            (record) =>
              record.state.status === 'processing' &&
              Buffer.from(record.receiver).equals(Buffer.from(spinnerId.toUint8Array())),
          ),
        { timeout: 10_000, interval: 5 },
      )
      .toBe(true);
    expect(await other.lookup('key')).toEqual(['value']);
    // An update runs in a round between two slices of the long message.
    await other.put('during', 'spin');
    expect(await other.lookup('during')).toEqual(['spin']);
    expect(spinning).toBe(true);
    // Replacing the busy canister's code waits until its message is over (run at once, it
    // would queue behind the paused execution on its thread and stall every round).
    const upgrade = (await net.management(owner)).install_code({
      mode: { upgrade: [] },
      canister_id: spinnerId,
      wasm_module: testCanisterWasm('probe', 'wasm.gz'),
      arg: new Uint8Array(IDL.encode([IDL.Opt(IDL.Text)], [[]])),
      sender_canister_version: [],
    });
    expect(String(await spin)).toContain(limitMessage(20_000_000_000n));
    await upgrade;
    expect(await (await net.probe(spinnerId, owner)).upgrades()).toBe(1n);
  });
});

describe('mainnet instruction limits', () => {
  let net: TestNetwork;
  beforeAll(async () => {
    net = await startTestNetwork();
  });
  afterAll(() => net.close());

  it('ends an endless query at 5 billion instructions', async () => {
    const probe = await net.probe(await net.deployProbe(owner), owner);
    await expect(probe.spin_query()).rejects.toThrow(limitMessage(5_000_000_000n));
    expect(await probe.greeting()).toBe('hello from probe');
  });
});
