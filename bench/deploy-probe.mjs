// Shared by the benchmarks: create a canister through an agent and install the replica's
// `probe` test canister into it, as a user would through the management canister.
import { readFileSync } from 'node:fs';
import { Actor } from '@dfinity/agent';
import { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';

const PROBE = new URL('../infra/replica/test-canisters/dist/probe.wasm.gz', import.meta.url);

/** The management methods the benchmarks use to create and install canisters. */
export const managementIdl = ({ IDL: I }) =>
  I.Service({
    provisional_create_canister_with_cycles: I.Func(
      [
        I.Record({
          amount: I.Opt(I.Nat),
          settings: I.Opt(I.Record({ controllers: I.Opt(I.Vec(I.Principal)) })),
          specified_id: I.Opt(I.Principal),
          sender_canister_version: I.Opt(I.Nat64),
        }),
      ],
      [I.Record({ canister_id: I.Principal })],
      [],
    ),
    install_code: I.Func(
      [
        I.Record({
          mode: I.Variant({ install: I.Null }),
          canister_id: I.Principal,
          wasm_module: I.Vec(I.Nat8),
          arg: I.Vec(I.Nat8),
          sender_canister_version: I.Opt(I.Nat64),
        }),
      ],
      [],
      [],
    ),
  });

/**
 * Creates a canister through `agent` (with cycles, as the local network grants) and installs
 * `wasm` into it with `arg`; returns its id.
 */
export async function installCanister(agent, wasm, arg) {
  const management = Actor.createActor(managementIdl, {
    agent,
    canisterId: Principal.managementCanister(),
    effectiveCanisterId: Principal.fromText('rwlgt-iiaaa-aaaaa-aaaaa-cai'),
  });
  const { canister_id: canisterId } = await management.provisional_create_canister_with_cycles({
    amount: [],
    settings: [],
    specified_id: [],
    sender_canister_version: [],
  });
  await management.install_code({
    mode: { install: null },
    canister_id: canisterId,
    wasm_module: wasm,
    arg,
    sender_canister_version: [],
  });
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
