import { Ed25519KeyIdentity } from '@dfinity/identity';
import type { Principal } from '@dfinity/principal';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CyclesFees } from '../scheduler/cycles-fees.js';
import type { TestNetwork } from './harness.js';
import { NO_SETTINGS, startTestNetwork } from './harness.js';

const owner = Ed25519KeyIdentity.generate();
/** Far more than any balance, so the freezing reserve cannot be met. */
const FREEZE_FOREVER = 10n ** 15n;

describe('cycles accounting as on an application subnet', () => {
  let net: TestNetwork;
  beforeAll(async () => {
    net = await startTestNetwork();
  });
  afterAll(() => net.close());

  const cyclesOf = async (id: Principal) =>
    (await (await net.management(owner)).canister_status({ canister_id: id })) as unknown as {
      cycles: bigint;
    };

  const setFreezingThreshold = async (id: Principal, seconds: bigint) =>
    (await net.management(owner)).update_settings({
      canister_id: id,
      settings: { ...NO_SETTINGS, freezing_threshold: [seconds] },
      sender_canister_version: [],
    });

  it('charges each update for its reception and execution, and a query nothing', async () => {
    const id = await net.deployProbe(owner);
    const probe = await net.probe(id, owner);
    // Azle's init schedules work of its own; wait until the balance is quiet.
    let before = -1n;
    await expect
      .poll(
        async () => {
          await net.replica.network.settle();
          const previous = before;
          before = (await cyclesOf(id)).cycles;
          return before === previous;
        },
        { timeout: 10_000, interval: 100 },
      )
      .toBe(true);
    await probe.get();
    expect((await cyclesOf(id)).cycles).toBe(before);

    await probe.inc();
    const spent = before - (await cyclesOf(id)).cycles;
    const least =
      CyclesFees.ingressMessageReception +
      CyclesFees.ingressByteReception * BigInt('inc'.length) +
      CyclesFees.updateMessageExecution;
    expect(spent).toBeGreaterThanOrEqual(least);
    // Well under what 40 B instructions would cost: the charge follows the work done.
    expect(spent).toBeLessThan(least + 1_000_000_000n);
  });

  it('refuses calls to a canister below its freezing reserve with IC0207, and takes them again once it is above', async () => {
    const id = await net.deployProbe(owner);
    const probe = await net.probe(id, owner);
    expect(await probe.inc()).toBe(1n);

    await setFreezingThreshold(id, FREEZE_FOREVER);
    await expect(probe.inc()).rejects.toThrow(/IC0207[\s\S]*out of cycles: please top up/);
    // Queries are not charged and still answer; the refused update changed nothing.
    expect(await probe.get()).toBe(1n);

    await setFreezingThreshold(id, 2_592_000n);
    expect(await probe.inc()).toBe(2n);
  });

  it('rejects a call from another canister to a frozen canister with IC0207', async () => {
    const caller = await net.probe(await net.deployProbe(owner), owner);
    const frozen = await net.deployProbe(owner);
    await setFreezingThreshold(frozen, FREEZE_FOREVER);
    await expect(caller.call_get(frozen)).rejects.toThrow(/IC0207|out of cycles/);
    await setFreezingThreshold(frozen, 2_592_000n);
    expect(await caller.call_get(frozen)).toBe(0n);
  });

  it('holds a frozen canister’s timer until it is topped up above its reserve', async () => {
    const id = await net.deployProbe(owner);
    const probe = await net.probe(id, owner);
    await probe.schedule(1n);
    await setFreezingThreshold(id, FREEZE_FOREVER);
    // Well past the timer's due time.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    await net.replica.network.settle();
    expect(await probe.timer_fired()).toBe(0n);

    await setFreezingThreshold(id, 2_592_000n);
    await expect.poll(() => probe.timer_fired(), { timeout: 10_000, interval: 50 }).toBe(1n);
  });
});
