// Shared by the benchmarks: create a canister through an agent and install the replica's
// `probe` test canister into it, as a user would through the management canister.
import { readFileSync } from 'node:fs';
import { Actor } from '@dfinity/agent';
import { IDL } from '@dfinity/candid';
import { createCanisterWithCycles, installModule } from '../apps/cli/dist/canisters/management.js';

const PROBE = new URL('../infra/replica/test-canisters/dist/probe.wasm.gz', import.meta.url);

/**
 * Creates a canister through `agent` (with cycles, as the local network grants) and installs
 * `wasm` into it with `arg`, as `citadel deploy` does; returns its id.
 */
export async function installCanister(agent, wasm, arg) {
  const canisterId = await createCanisterWithCycles(agent, [await agent.getPrincipal()]);
  await installModule(agent, canisterId, wasm, 'install', arg);
  return canisterId;
}

/**
 * Installs a fresh probe through `agent`; returns its id and an actor for `probeIdl` (the part
 * of the probe's interface the benchmark calls).
 */
export async function deployProbe(agent, probeIdl) {
  const canisterId = await installCanister(
    agent,
    new Uint8Array(readFileSync(PROBE)),
    new Uint8Array(IDL.encode([IDL.Opt(IDL.Text)], [[]])),
  );
  return { canisterId, actor: Actor.createActor(probeIdl, { agent, canisterId }) };
}
