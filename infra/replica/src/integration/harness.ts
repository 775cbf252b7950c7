import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ActorSubclass, Identity } from '@dfinity/agent';
import { Actor, HttpAgent } from '@dfinity/agent';
import { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';
import type { BoundServer, ServeHandlerOptions } from '../http/node-server.js';
import { serveHandler } from '../http/node-server.js';
import { managementIdlFactory } from '../management/candid.js';
import type { Replica, ReplicaOptions } from '../replica.js';
import { createReplica } from '../replica.js';
import { generateKeyMaterial } from '../certification/subnet-keys.js';
import type { ProbeActor } from './probe.js';
import { probeIdlFactory } from './probe.js';

const here = dirname(fileURLToPath(import.meta.url));
const CANISTER_DIST = join(here, '..', '..', 'test-canisters', 'dist');

/** Bytes of a built test canister; fails with the command to run when it is missing. */
export function testCanisterWasm(name: string, variant: 'wasm' | 'wasm.gz'): Uint8Array {
  const path = join(CANISTER_DIST, `${name}.${variant}`);
  if (!existsSync(path)) {
    throw new Error(`${path} is missing: run \`npm run build:canisters\` first.`);
  }
  return new Uint8Array(readFileSync(path));
}

/** The host the in-process agents pretend to talk to; requests never leave the process. */
export const TEST_HOST = 'http://127.0.0.1:4943';

/** A replica plus helpers to build agents and actors against it, all in-process. */
export interface TestNetwork {
  readonly replica: Replica;
  agent(identity?: Identity): Promise<HttpAgent>;
  management(identity?: Identity): Promise<ActorSubclass<ManagementActor>>;
  probe(canisterId: Principal, identity?: Identity): Promise<ActorSubclass<ProbeActor>>;
  /** Creates a canister controlled by `identity` and installs the probe (gzip) into it. */
  deployProbe(identity: Identity, greeting?: string): Promise<Principal>;
  /** Creates a canister controlled by `identity` and installs `wasm` with `arg` (default: none). */
  deploy(identity: Identity, wasm: Uint8Array, arg?: Uint8Array): Promise<Principal>;
  /**
   * Serves the replica on a free loopback port, for the tests where a real socket matters
   * (timeouts, connection limits, raw HTTP). Closed with the network.
   */
  serve(options?: Omit<ServeHandlerOptions, 'host' | 'port'>): Promise<ServedNetwork>;
  close(): Promise<void>;
}

/** A test network's replica listening on 127.0.0.1. */
export interface ServedNetwork extends BoundServer {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
}

/** Management methods used by the tests, typed loosely at the Candid boundary. */
export interface ManagementActor {
  provisional_create_canister_with_cycles(arg: {
    amount: [] | [bigint];
    settings: [] | [Record<string, unknown>];
    specified_id: [] | [Principal];
    sender_canister_version: [] | [bigint];
  }): Promise<{ canister_id: Principal }>;
  install_code(arg: {
    mode: { install: null } | { reinstall: null } | { upgrade: [] };
    canister_id: Principal;
    wasm_module: Uint8Array;
    arg: Uint8Array;
    sender_canister_version: [] | [bigint];
  }): Promise<void>;
  upload_chunk(arg: { canister_id: Principal; chunk: Uint8Array }): Promise<{ hash: Uint8Array }>;
  stored_chunks(arg: { canister_id: Principal }): Promise<{ hash: Uint8Array }[]>;
  install_chunked_code(arg: {
    mode: { install: null } | { reinstall: null } | { upgrade: [] };
    target_canister: Principal;
    store_canister: [] | [Principal];
    chunk_hashes_list: { hash: Uint8Array }[];
    wasm_module_hash: Uint8Array;
    arg: Uint8Array;
    sender_canister_version: [] | [bigint];
  }): Promise<void>;
  canister_status(arg: { canister_id: Principal }): Promise<{
    status: { running: null } | { stopping: null } | { stopped: null };
    module_hash: [] | [Uint8Array];
    settings: { controllers: Principal[] };
  }>;
  update_settings(arg: {
    canister_id: Principal;
    settings: Record<string, unknown>;
    sender_canister_version: [] | [bigint];
  }): Promise<void>;
  start_canister(arg: { canister_id: Principal }): Promise<void>;
  stop_canister(arg: { canister_id: Principal }): Promise<void>;
  delete_canister(arg: { canister_id: Principal }): Promise<void>;
  raw_rand(): Promise<Uint8Array>;
}

/** All-`null` canister settings, the Candid encoding of "leave unchanged". */
export const NO_SETTINGS = {
  controllers: [],
  compute_allocation: [],
  memory_allocation: [],
  freezing_threshold: [],
  reserved_cycles_limit: [],
  log_visibility: [],
  wasm_memory_limit: [],
  wasm_memory_threshold: [],
  environment_variables: [],
};

/** Starts an in-process replica; agents reach it through an injected `fetch`, no port involved. */
export async function startTestNetwork(
  options: Partial<ReplicaOptions> = {},
): Promise<TestNetwork> {
  const replica = await createReplica({ keys: generateKeyMaterial(), ...options });
  const fetchFn = (input: Parameters<typeof fetch>[0], init?: RequestInit) =>
    replica.fetch(new Request(input, init));
  const agent = (identity?: Identity) =>
    HttpAgent.create({
      host: TEST_HOST,
      fetch: fetchFn as typeof fetch,
      shouldFetchRootKey: true,
      ...(identity ? { identity } : {}),
    });
  const management = async (identity?: Identity) =>
    Actor.createActor<ManagementActor>(managementIdlFactory, {
      agent: await agent(identity),
      canisterId: Principal.managementCanister(),
      // Management calls may name any effective canister id; the replica routes by method.
      effectiveCanisterId: Principal.fromText('rwlgt-iiaaa-aaaaa-aaaaa-cai'),
    });
  const probe = async (canisterId: Principal, identity?: Identity) =>
    Actor.createActor<ProbeActor>(probeIdlFactory, { agent: await agent(identity), canisterId });
  const served: BoundServer[] = [];
  const deploy = async (
    identity: Identity,
    wasm: Uint8Array,
    arg: Uint8Array = new Uint8Array(IDL.encode([], [])),
  ): Promise<Principal> => {
    const mgmt = await management(identity);
    const { canister_id } = await mgmt.provisional_create_canister_with_cycles({
      amount: [],
      settings: [],
      specified_id: [],
      sender_canister_version: [],
    });
    await mgmt.install_code({
      mode: { install: null },
      canister_id,
      wasm_module: wasm,
      arg,
      sender_canister_version: [],
    });
    return canister_id;
  };
  return {
    replica,
    agent,
    management,
    probe,
    async deployProbe(identity, greeting) {
      return deploy(
        identity,
        testCanisterWasm('probe', 'wasm.gz'),
        new Uint8Array(IDL.encode([IDL.Opt(IDL.Text)], [greeting === undefined ? [] : [greeting]])),
      );
    },
    deploy,
    async serve(serveOptions = {}) {
      const bound = await serveHandler(replica.fetch, {
        ...serveOptions,
        host: '127.0.0.1',
        port: 0,
      });
      served.push(bound);
      return { ...bound, url: `http://127.0.0.1:${bound.port}` };
    },
    async close() {
      await Promise.all(served.map((bound) => bound.close()));
      await replica.close();
    },
  };
}
