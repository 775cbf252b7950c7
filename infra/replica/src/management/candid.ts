import { IDL } from '@dfinity/candid';

/**
 * Candid types of the management canister methods the local network implements.
 * Field names and shapes follow the IC interface specification's `ic.did`; results carry
 * the newest record shapes because older decoders ignore extra fields but newer ones
 * reject missing ones (ic-protocol.md pitfall 24).
 */
const LogVisibility = IDL.Variant({
  controllers: IDL.Null,
  public: IDL.Null,
  allowed_viewers: IDL.Vec(IDL.Principal),
});

const EnvironmentVariable = IDL.Record({ name: IDL.Text, value: IDL.Text });

export const CanisterSettings = IDL.Record({
  controllers: IDL.Opt(IDL.Vec(IDL.Principal)),
  compute_allocation: IDL.Opt(IDL.Nat),
  memory_allocation: IDL.Opt(IDL.Nat),
  freezing_threshold: IDL.Opt(IDL.Nat),
  reserved_cycles_limit: IDL.Opt(IDL.Nat),
  log_visibility: IDL.Opt(LogVisibility),
  wasm_memory_limit: IDL.Opt(IDL.Nat),
  wasm_memory_threshold: IDL.Opt(IDL.Nat),
  environment_variables: IDL.Opt(IDL.Vec(EnvironmentVariable)),
});

const DefiniteCanisterSettings = IDL.Record({
  controllers: IDL.Vec(IDL.Principal),
  compute_allocation: IDL.Nat,
  memory_allocation: IDL.Nat,
  freezing_threshold: IDL.Nat,
  reserved_cycles_limit: IDL.Nat,
  log_visibility: LogVisibility,
  wasm_memory_limit: IDL.Nat,
  wasm_memory_threshold: IDL.Nat,
  environment_variables: IDL.Vec(EnvironmentVariable),
});

export const CanisterIdRecord = IDL.Record({ canister_id: IDL.Principal });

export const ProvisionalCreateArgs = IDL.Record({
  amount: IDL.Opt(IDL.Nat),
  settings: IDL.Opt(CanisterSettings),
  specified_id: IDL.Opt(IDL.Principal),
  sender_canister_version: IDL.Opt(IDL.Nat64),
});

export const CreateCanisterArgs = IDL.Record({
  settings: IDL.Opt(CanisterSettings),
  sender_canister_version: IDL.Opt(IDL.Nat64),
});

export const UpdateSettingsArgs = IDL.Record({
  canister_id: IDL.Principal,
  settings: CanisterSettings,
  sender_canister_version: IDL.Opt(IDL.Nat64),
});

export const InstallMode = IDL.Variant({
  install: IDL.Null,
  reinstall: IDL.Null,
  upgrade: IDL.Opt(
    IDL.Record({
      skip_pre_upgrade: IDL.Opt(IDL.Bool),
      wasm_memory_persistence: IDL.Opt(IDL.Variant({ keep: IDL.Null, replace: IDL.Null })),
    }),
  ),
});

export const InstallCodeArgs = IDL.Record({
  mode: InstallMode,
  canister_id: IDL.Principal,
  wasm_module: IDL.Vec(IDL.Nat8),
  arg: IDL.Vec(IDL.Nat8),
  sender_canister_version: IDL.Opt(IDL.Nat64),
});

export const ChunkHash = IDL.Record({ hash: IDL.Vec(IDL.Nat8) });

export const UploadChunkArgs = IDL.Record({
  canister_id: IDL.Principal,
  chunk: IDL.Vec(IDL.Nat8),
});

export const InstallChunkedCodeArgs = IDL.Record({
  mode: InstallMode,
  target_canister: IDL.Principal,
  store_canister: IDL.Opt(IDL.Principal),
  chunk_hashes_list: IDL.Vec(ChunkHash),
  wasm_module_hash: IDL.Vec(IDL.Nat8),
  arg: IDL.Vec(IDL.Nat8),
  sender_canister_version: IDL.Opt(IDL.Nat64),
});

export const UninstallCodeArgs = IDL.Record({
  canister_id: IDL.Principal,
  sender_canister_version: IDL.Opt(IDL.Nat64),
});

export const ProvisionalTopUpArgs = IDL.Record({ canister_id: IDL.Principal, amount: IDL.Nat });

export const CanisterStatusResult = IDL.Record({
  status: IDL.Variant({ running: IDL.Null, stopping: IDL.Null, stopped: IDL.Null }),
  ready_for_migration: IDL.Bool,
  version: IDL.Nat64,
  settings: DefiniteCanisterSettings,
  module_hash: IDL.Opt(IDL.Vec(IDL.Nat8)),
  memory_size: IDL.Nat,
  memory_metrics: IDL.Record({
    wasm_memory_size: IDL.Nat,
    stable_memory_size: IDL.Nat,
    global_memory_size: IDL.Nat,
    wasm_binary_size: IDL.Nat,
    custom_sections_size: IDL.Nat,
    canister_history_size: IDL.Nat,
    wasm_chunk_store_size: IDL.Nat,
    snapshots_size: IDL.Nat,
  }),
  cycles: IDL.Nat,
  reserved_cycles: IDL.Nat,
  idle_cycles_burned_per_day: IDL.Nat,
  query_stats: IDL.Record({
    num_calls_total: IDL.Nat,
    num_instructions_total: IDL.Nat,
    request_payload_bytes_total: IDL.Nat,
    response_payload_bytes_total: IDL.Nat,
  }),
});

export const CanisterIdResult = IDL.Record({ canister_id: IDL.Principal });
export const StoredChunksResult = IDL.Vec(ChunkHash);

/**
 * Service description of the methods above, for clients (`Actor.createActor`) and tests.
 * Only the methods this network implements are listed.
 */
export const managementIdlFactory: IDL.InterfaceFactory = ({ IDL: I }) =>
  I.Service({
    provisional_create_canister_with_cycles: I.Func(
      [ProvisionalCreateArgs],
      [CanisterIdResult],
      [],
    ),
    provisional_top_up_canister: I.Func([ProvisionalTopUpArgs], [], []),
    install_code: I.Func([InstallCodeArgs], [], []),
    upload_chunk: I.Func([UploadChunkArgs], [ChunkHash], []),
    clear_chunk_store: I.Func([CanisterIdRecord], [], []),
    stored_chunks: I.Func([CanisterIdRecord], [StoredChunksResult], []),
    install_chunked_code: I.Func([InstallChunkedCodeArgs], [], []),
    uninstall_code: I.Func([UninstallCodeArgs], [], []),
    update_settings: I.Func([UpdateSettingsArgs], [], []),
    canister_status: I.Func([CanisterIdRecord], [CanisterStatusResult], []),
    start_canister: I.Func([CanisterIdRecord], [], []),
    stop_canister: I.Func([CanisterIdRecord], [], []),
    delete_canister: I.Func([CanisterIdRecord], [], []),
    raw_rand: I.Func([], [IDL.Vec(IDL.Nat8)], []),
  });
