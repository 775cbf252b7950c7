import { Ed25519KeyIdentity } from '@dfinity/identity';
import type { Principal } from '@dfinity/principal';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestNetwork } from './harness.js';
import { NO_SETTINGS, startTestNetwork } from './harness.js';

const owner = Ed25519KeyIdentity.generate();
const MiB = 1024 * 1024;

/** The agent's error text for a rejected call: the IC's error code and reject text. */
async function rejection(call: Promise<unknown>): Promise<string> {
  try {
    await call;
  } catch (error) {
    return String(error);
  }
  throw new Error('expected the call to be rejected');
}

/** Mainnet's per-message limits, each refused with the IC's own error code and text. */
describe('limits as on mainnet', () => {
  let net: TestNetwork;
  let id: Principal;
  beforeAll(async () => {
    net = await startTestNetwork({ maxCanisters: 3 });
    id = await net.deployProbe(owner);
  });
  afterAll(() => net.close());

  it('caps a replicated reply at 2 MiB and a query reply at 3 MiB (IC0504)', async () => {
    const probe = await net.probe(id, owner);
    expect((await probe.bytes(2 * MiB - 64)).length).toBe(2 * MiB - 64);
    const tooLarge = await rejection(probe.bytes(2 * MiB + 1));
    expect(tooLarge).toContain('Error code: IC0504');
    expect(tooLarge).toMatch(/application payload size \(\d+\) cannot be larger than 2097152\./);
    expect((await probe.bytes_query(3 * MiB - 64)).length).toBe(3 * MiB - 64);
    await expect(probe.bytes_query(3 * MiB + 1)).rejects.toThrow(/cannot be larger than 3145728/);
  });

  it('traps a message that grows the heap past wasm_memory_limit (IC0539) and undoes it', async () => {
    const other = await net.deployProbe(owner);
    const probe = await net.probe(other, owner);
    expect(await probe.hold(1)).toBe(1);
    const limit = 128n * BigInt(MiB);
    await (
      await net.management(owner)
    ).update_settings({
      canister_id: other,
      settings: { ...NO_SETTINGS, wasm_memory_limit: [limit] },
      sender_canister_version: [],
    });
    const tooMuch = await rejection(probe.hold(200));
    expect(tooMuch).toContain('Error code: IC0539');
    expect(tooMuch).toContain('Canister exceeded its current Wasm memory limit of 134217728 bytes');
    // Nothing of the failed message is kept, and smaller messages still run.
    expect(await probe.hold(1)).toBe(2);
  });

  it('refuses to create canisters beyond the network cap with IC0102', async () => {
    await net.deployProbe(owner);
    const refused = await rejection(net.deployProbe(owner));
    expect(refused).toContain('Error code: IC0102');
    expect(refused).toContain('The network already hosts its maximum of 3 canisters.');
  });
});
