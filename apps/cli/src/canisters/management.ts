import { gunzipSync } from 'node:zlib';
import { Actor, type ActorSubclass, type Agent } from '@dfinity/agent';
import { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';
import { sha256 } from '../sha256.js';

/**
 * The management canister's methods `citadel deploy` needs — create, status, install and
 * chunked install — from the IC interface specification.
 */

type Opt<T> = [] | [T];

export type InstallMode =
  | { install: null }
  | { reinstall: null }
  | {
      upgrade: Opt<{
        skip_pre_upgrade: Opt<boolean>;
        wasm_memory_persistence: Opt<{ keep: null } | { replace: null }>;
      }>;
    };

export interface CanisterStatus {
  status: { running: null } | { stopping: null } | { stopped: null };
  module_hash: Opt<Uint8Array>;
  settings: { controllers: Principal[] };
  cycles: bigint;
}

interface ManagementService {
  provisional_create_canister_with_cycles(args: {
    amount: Opt<bigint>;
    settings: Opt<{ controllers: Opt<Principal[]> }>;
    specified_id: Opt<Principal>;
    sender_canister_version: Opt<bigint>;
  }): Promise<{ canister_id: Principal }>;
  canister_status(args: { canister_id: Principal }): Promise<CanisterStatus>;
  install_code(args: {
    mode: InstallMode;
    canister_id: Principal;
    wasm_module: Uint8Array;
    arg: Uint8Array;
    sender_canister_version: Opt<bigint>;
  }): Promise<void>;
  upload_chunk(args: { canister_id: Principal; chunk: Uint8Array }): Promise<{ hash: Uint8Array }>;
  clear_chunk_store(args: { canister_id: Principal }): Promise<void>;
  install_chunked_code(args: {
    mode: InstallMode;
    target_canister: Principal;
    store_canister: Opt<Principal>;
    chunk_hashes_list: { hash: Uint8Array }[];
    wasm_module_hash: Uint8Array;
    arg: Uint8Array;
    sender_canister_version: Opt<bigint>;
  }): Promise<void>;
}

const managementIdl: IDL.InterfaceFactory = ({ IDL: I }) => {
  const Mode = I.Variant({
    install: I.Null,
    reinstall: I.Null,
    upgrade: I.Opt(
      I.Record({
        skip_pre_upgrade: I.Opt(I.Bool),
        wasm_memory_persistence: I.Opt(I.Variant({ keep: I.Null, replace: I.Null })),
      }),
    ),
  });
  const CanisterId = I.Record({ canister_id: I.Principal });
  return I.Service({
    provisional_create_canister_with_cycles: I.Func(
      [
        I.Record({
          amount: I.Opt(I.Nat),
          settings: I.Opt(I.Record({ controllers: I.Opt(I.Vec(I.Principal)) })),
          specified_id: I.Opt(I.Principal),
          sender_canister_version: I.Opt(I.Nat64),
        }),
      ],
      [CanisterId],
      [],
    ),
    canister_status: I.Func(
      [CanisterId],
      [
        I.Record({
          status: I.Variant({ running: I.Null, stopping: I.Null, stopped: I.Null }),
          module_hash: I.Opt(I.Vec(I.Nat8)),
          settings: I.Record({ controllers: I.Vec(I.Principal) }),
          cycles: I.Nat,
        }),
      ],
      [],
    ),
    install_code: I.Func(
      [
        I.Record({
          mode: Mode,
          canister_id: I.Principal,
          wasm_module: I.Vec(I.Nat8),
          arg: I.Vec(I.Nat8),
          sender_canister_version: I.Opt(I.Nat64),
        }),
      ],
      [],
      [],
    ),
    upload_chunk: I.Func(
      [I.Record({ canister_id: I.Principal, chunk: I.Vec(I.Nat8) })],
      [I.Record({ hash: I.Vec(I.Nat8) })],
      [],
    ),
    clear_chunk_store: I.Func([CanisterId], [], []),
    install_chunked_code: I.Func(
      [
        I.Record({
          mode: Mode,
          target_canister: I.Principal,
          store_canister: I.Opt(I.Principal),
          chunk_hashes_list: I.Vec(I.Record({ hash: I.Vec(I.Nat8) })),
          wasm_module_hash: I.Vec(I.Nat8),
          arg: I.Vec(I.Nat8),
          sender_canister_version: I.Opt(I.Nat64),
        }),
      ],
      [],
      [],
    ),
  });
};

/** Modules up to this size go in one `install_code`; bigger ones through the chunk store. */
export const MAX_DIRECT_INSTALL_BYTES = 1_900_000;
/** The chunk store's chunk size (the IC's limit). */
const WASM_CHUNK_BYTES = 1_000_000;

function managementActor(
  agent: Agent,
  effectiveCanisterId: Principal,
): ActorSubclass<ManagementService> {
  return Actor.createActor<ManagementService>(managementIdl, {
    agent,
    canisterId: Principal.managementCanister(),
    effectiveCanisterId,
  });
}

/**
 * A canister created on a local network (cycles granted by the network), controlled by
 * `controllers`; at `specifiedId` when given (a well-known id), else at the next free one.
 */
export async function createCanisterWithCycles(
  agent: Agent,
  controllers: readonly Principal[],
  specifiedId?: Principal,
): Promise<Principal> {
  // Any canister id routes a provisional create on a single-subnet network.
  const management = managementActor(
    agent,
    specifiedId ?? Principal.fromText('rwlgt-iiaaa-aaaaa-aaaaa-cai'),
  );
  const { canister_id } = await management.provisional_create_canister_with_cycles({
    amount: [],
    settings: [{ controllers: [[...controllers]] }],
    specified_id: specifiedId === undefined ? [] : [specifiedId],
    sender_canister_version: [],
  });
  return canister_id;
}

export async function canisterStatus(agent: Agent, canisterId: Principal): Promise<CanisterStatus> {
  return managementActor(agent, canisterId).canister_status({ canister_id: canisterId });
}

/**
 * Whether `module` (gzipped or not) is what the canister runs: its module hash is the SHA-256
 * of the module as installed or of the uncompressed module, depending on the network.
 */
export function isInstalledModule(status: CanisterStatus, module: Uint8Array): boolean {
  const [installed] = status.module_hash;
  if (installed === undefined) {
    return false;
  }
  const candidates = [sha256(module)];
  if (module[0] === 0x1f && module[1] === 0x8b) {
    candidates.push(sha256(gunzipSync(module)));
  }
  const hex = Buffer.from(installed).toString('hex');
  return candidates.some((hash) => Buffer.from(hash).toString('hex') === hex);
}

/** Installs (or upgrades, keeping stable memory) `module` with `arg`, chunked when it is large. */
export async function installModule(
  agent: Agent,
  canisterId: Principal,
  module: Uint8Array,
  mode: 'install' | 'upgrade' | 'reinstall',
  // No init arguments is the empty Candid message, not zero bytes.
  arg: Uint8Array = new Uint8Array(IDL.encode([], [])),
): Promise<void> {
  const management = managementActor(agent, canisterId);
  const installMode: InstallMode =
    mode === 'install'
      ? { install: null }
      : mode === 'reinstall'
        ? { reinstall: null }
        : { upgrade: [] };
  if (module.length <= MAX_DIRECT_INSTALL_BYTES) {
    await management.install_code({
      mode: installMode,
      canister_id: canisterId,
      wasm_module: module,
      arg,
      sender_canister_version: [],
    });
    return;
  }
  await management.clear_chunk_store({ canister_id: canisterId });
  const hashes: { hash: Uint8Array }[] = [];
  for (let start = 0; start < module.length; start += WASM_CHUNK_BYTES) {
    const chunk = module.subarray(start, start + WASM_CHUNK_BYTES);
    hashes.push(await management.upload_chunk({ canister_id: canisterId, chunk }));
  }
  await management.install_chunked_code({
    mode: installMode,
    target_canister: canisterId,
    store_canister: [],
    chunk_hashes_list: hashes,
    wasm_module_hash: sha256(module),
    arg,
    sender_canister_version: [],
  });
  await management.clear_chunk_store({ canister_id: canisterId });
}
