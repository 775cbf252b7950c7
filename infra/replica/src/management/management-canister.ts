import { createHash } from 'node:crypto';
import { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';
import { bytesToHex, concatBytes, isCitadelError, principalToText } from '@citadel/protocol';
import { prepareModule } from '../execution/index.js';
import type { ExecutionResult, PreparedModule } from '../execution/index.js';
import type { SparsePages } from '../persistence/sparse-pages.js';
import { type InstanceThread, startInstanceThread } from '../runtime/index.js';
import type { CanisterRecord } from '../state/canister.js';
import type { CanisterTable } from '../state/canister-table.js';
import type { Reject } from '../state/reject.js';
import { createReject, rejects } from '../state/reject.js';
import type { ExecutionContextFactory } from '../scheduler/execution-env.js';
import type { CallResponse, ManagementHandler } from '../scheduler/scheduler.js';
import * as T from './candid.js';
import type { RandomTape } from './random-tape.js';

/** Cycles a canister gets from `provisional_create_canister_with_cycles` without an amount. */
export const DEFAULT_PROVISIONAL_CYCLES = 100_000_000_000_000n;
/** Upper bound of controllers per canister (interface spec). */
export const MAX_CONTROLLERS = 10;
/** Upper bound of one `upload_chunk` chunk (interface spec). */
export const MAX_CHUNK_BYTES = 1024 * 1024;
/** Chunks a canister's chunk store can hold (resource limits). */
export const MAX_STORED_CHUNKS = 100;

const EMPTY_REPLY = IDL.encode([], []);
const sha256 = (bytes: Uint8Array): Uint8Array =>
  new Uint8Array(createHash('sha256').update(bytes).digest());

type InstallMode =
  | { install: null }
  | { reinstall: null }
  | { upgrade: [] | [{ skip_pre_upgrade: [] | [boolean] }] };

interface CanisterSettingsArg {
  controllers: [] | [Principal[]];
  compute_allocation: [] | [bigint];
  memory_allocation: [] | [bigint];
  freezing_threshold: [] | [bigint];
  reserved_cycles_limit: [] | [bigint];
  log_visibility:
    [] | [{ controllers: null } | { public: null } | { allowed_viewers: Principal[] }];
  wasm_memory_limit: [] | [bigint];
  wasm_memory_threshold: [] | [bigint];
  environment_variables: [] | [{ name: string; value: string }[]];
}

/** Dependencies of the management canister. */
export interface ManagementCanisterOptions {
  readonly canisters: CanisterTable;
  readonly env: ExecutionContextFactory;
  /** Called when a canister's code or existence goes away, so in-flight callbacks are dropped. */
  readonly onCanisterReset: (canisterId: Uint8Array) => void;
  /** Upper bound of canisters on the network. */
  readonly maxCanisters?: number;
  /** Source of `raw_rand`; deterministic so that replaying the round log reproduces it. */
  readonly randomTape: RandomTape;
  /** True while a canister is in the middle of a sliced execution. @default never */
  readonly isBusy?: (canisterId: Uint8Array) => boolean;
}

/** Thrown when a call must wait for its target's long execution; the scheduler retries it. */
class TargetBusy extends Error {}

class RejectError extends Error {
  readonly reject: Reject;
  constructor(reject: Reject) {
    super(reject.message);
    this.reject = reject;
  }
}

const fail = (reject: Reject): never => {
  throw new RejectError(reject);
};

/**
 * The management canister `aaaaa-aa` (interface spec "The IC management canister"): canister
 * lifecycle, code installation (raw, gzip and chunked), settings, status and randomness.
 */
export class ManagementCanister implements ManagementHandler {
  readonly #opts: ManagementCanisterOptions;
  readonly #stopWaiters = new Map<string, ((response: CallResponse) => void)[]>();

  constructor(options: ManagementCanisterOptions) {
    this.#opts = options;
  }

  async handle(
    params: Parameters<ManagementHandler['handle']>[0],
  ): ReturnType<ManagementHandler['handle']> {
    try {
      return await this.#dispatch(params);
    } catch (error) {
      if (error instanceof RejectError) {
        return { kind: 'reject', reject: error.reject };
      }
      if (error instanceof TargetBusy) {
        return { kind: 'busy' };
      }
      throw error;
    }
  }

  /** True while a `stop_canister` call waits for its canister's call contexts to close. */
  get hasPendingStops(): boolean {
    return this.#stopWaiters.size > 0;
  }

  /** Completes `stop_canister` calls whose canister has no open call contexts left. */
  completeStops(): void {
    for (const [key, waiters] of this.#stopWaiters) {
      const canister = [...this.#opts.canisters.values()].find((c) => bytesToHex(c.id) === key);
      if (!canister || canister.status !== 'stopping' || canister.openCallContexts > 0) {
        if (canister?.status === 'stopping') {
          continue;
        }
      } else {
        canister.status = 'stopped';
        canister.version += 1n;
      }
      this.#stopWaiters.delete(key);
      const response: CallResponse = canister
        ? { kind: 'reply', data: EMPTY_REPLY }
        : { kind: 'reject', reject: rejects.canisterNotFound(key) };
      for (const resolve of waiters) {
        resolve(response);
      }
    }
  }

  async #dispatch(
    params: Parameters<ManagementHandler['handle']>[0],
  ): ReturnType<ManagementHandler['handle']> {
    const { method, arg, caller, fromCanister, timeNs } = params;
    const reply = (data: Uint8Array): CallResponse => ({ kind: 'reply', data });
    switch (method) {
      case 'provisional_create_canister_with_cycles': {
        const [a] = decode<{
          amount: [] | [bigint];
          settings: [] | [CanisterSettingsArg];
          specified_id: [] | [Principal];
        }>(method, T.ProvisionalCreateArgs, arg);
        const canister = this.#create(
          caller,
          a.settings[0],
          a.amount[0] ?? DEFAULT_PROVISIONAL_CYCLES,
          timeNs,
          a.specified_id[0],
        );
        return reply(IDL.encode([T.CanisterIdResult], [{ canister_id: toPrincipal(canister.id) }]));
      }
      case 'create_canister': {
        if (!fromCanister) {
          fail(
            createReject(
              'IC0516',
              'create_canister can only be called by other canisters; use provisional_create_canister_with_cycles from outside.',
            ),
          );
        }
        const [a] = decode<{ settings: [] | [CanisterSettingsArg] }>(
          method,
          T.CreateCanisterArgs,
          arg,
        );
        const canister = this.#create(caller, a.settings[0], params.cycles, timeNs, undefined);
        return {
          ...reply(IDL.encode([T.CanisterIdResult], [{ canister_id: toPrincipal(canister.id) }])),
          consumedCycles: params.cycles,
        };
      }
      case 'install_code': {
        const [a] = decode<{
          mode: InstallMode;
          canister_id: Principal;
          wasm_module: Uint8Array;
          arg: Uint8Array;
        }>(method, T.InstallCodeArgs, arg);
        const canister = this.#idle(this.#controlled(a.canister_id, caller));
        await this.#install(
          canister,
          a.mode,
          toBytes(a.wasm_module),
          toBytes(a.arg),
          caller,
          timeNs,
        );
        return reply(EMPTY_REPLY);
      }
      case 'upload_chunk': {
        const [a] = decode<{ canister_id: Principal; chunk: Uint8Array }>(
          method,
          T.UploadChunkArgs,
          arg,
        );
        const canister = this.#controlled(a.canister_id, caller);
        const chunk = toBytes(a.chunk);
        if (chunk.length > MAX_CHUNK_BYTES) {
          fail(
            createReject(
              'IC0408',
              `Chunk of ${chunk.length} bytes exceeds the maximum of ${MAX_CHUNK_BYTES} bytes.`,
            ),
          );
        }
        const hash = sha256(chunk);
        if (
          !canister.chunkStore.has(bytesToHex(hash)) &&
          canister.chunkStore.size >= MAX_STORED_CHUNKS
        ) {
          fail(
            createReject(
              'IC0402',
              `Chunk store of canister ${canister.idText} is full (${MAX_STORED_CHUNKS} chunks); call clear_chunk_store first.`,
            ),
          );
        }
        canister.chunkStore.set(bytesToHex(hash), chunk);
        return reply(IDL.encode([T.ChunkHash], [{ hash }]));
      }
      case 'clear_chunk_store': {
        const [a] = decode<{ canister_id: Principal }>(method, T.CanisterIdRecord, arg);
        this.#controlled(a.canister_id, caller).chunkStore.clear();
        return reply(EMPTY_REPLY);
      }
      case 'stored_chunks': {
        const [a] = decode<{ canister_id: Principal }>(method, T.CanisterIdRecord, arg);
        const canister = this.#controlled(a.canister_id, caller);
        const hashes = [...canister.chunkStore.keys()].map((h) => ({
          hash: Uint8Array.from(Buffer.from(h, 'hex')),
        }));
        return reply(IDL.encode([T.StoredChunksResult], [hashes]));
      }
      case 'install_chunked_code': {
        const [a] = decode<{
          mode: InstallMode;
          target_canister: Principal;
          store_canister: [] | [Principal];
          chunk_hashes_list: { hash: Uint8Array }[];
          wasm_module_hash: Uint8Array;
          arg: Uint8Array;
        }>(method, T.InstallChunkedCodeArgs, arg);
        const target = this.#idle(this.#controlled(a.target_canister, caller));
        const store = a.store_canister[0] ? this.#controlled(a.store_canister[0], caller) : target;
        const parts = a.chunk_hashes_list.map(({ hash }) => {
          const chunk = store.chunkStore.get(bytesToHex(toBytes(hash)));
          return (
            chunk ??
            fail(
              createReject(
                'IC0408',
                `Chunk ${bytesToHex(toBytes(hash))} is not in the chunk store of canister ${store.idText}.`,
              ),
            )
          );
        });
        const wasm = concatBytes(parts);
        if (bytesToHex(sha256(wasm)) !== bytesToHex(toBytes(a.wasm_module_hash))) {
          fail(
            createReject(
              'IC0408',
              `The SHA-256 of the assembled module (${bytesToHex(sha256(wasm))}) does not match wasm_module_hash (${bytesToHex(toBytes(a.wasm_module_hash))}).`,
            ),
          );
        }
        await this.#install(target, a.mode, wasm, toBytes(a.arg), caller, timeNs);
        return reply(EMPTY_REPLY);
      }
      case 'uninstall_code': {
        const [a] = decode<{ canister_id: Principal }>(method, T.UninstallCodeArgs, arg);
        const canister = this.#idle(this.#controlled(a.canister_id, caller));
        this.#reset(canister);
        canister.version += 1n;
        return reply(EMPTY_REPLY);
      }
      case 'update_settings': {
        const [a] = decode<{ canister_id: Principal; settings: CanisterSettingsArg }>(
          method,
          T.UpdateSettingsArgs,
          arg,
        );
        const canister = this.#controlled(a.canister_id, caller);
        applySettings(canister, a.settings);
        canister.version += 1n;
        return reply(EMPTY_REPLY);
      }
      case 'canister_status': {
        const [a] = decode<{ canister_id: Principal }>(method, T.CanisterIdRecord, arg);
        const canister = this.#controlled(a.canister_id, caller);
        return reply(IDL.encode([T.CanisterStatusResult], [statusRecord(canister)]));
      }
      case 'start_canister': {
        const [a] = decode<{ canister_id: Principal }>(method, T.CanisterIdRecord, arg);
        const canister = this.#controlled(a.canister_id, caller);
        if (canister.status !== 'running') {
          canister.status = 'running';
          canister.version += 1n;
        }
        return reply(EMPTY_REPLY);
      }
      case 'stop_canister': {
        const [a] = decode<{ canister_id: Principal }>(method, T.CanisterIdRecord, arg);
        const canister = this.#controlled(a.canister_id, caller);
        if (canister.status === 'stopped') {
          return reply(EMPTY_REPLY);
        }
        if (canister.openCallContexts === 0) {
          canister.status = 'stopped';
          canister.version += 1n;
          return reply(EMPTY_REPLY);
        }
        canister.status = 'stopping';
        const key = bytesToHex(canister.id);
        const wait = new Promise<CallResponse>((resolve) => {
          this.#stopWaiters.set(key, [...(this.#stopWaiters.get(key) ?? []), resolve]);
        });
        return { kind: 'deferred', wait };
      }
      case 'delete_canister': {
        const [a] = decode<{ canister_id: Principal }>(method, T.CanisterIdRecord, arg);
        const canister = this.#controlled(a.canister_id, caller);
        if (canister.status !== 'stopped') {
          fail(
            createReject(
              'IC0510',
              `Canister ${canister.idText} must be stopped before it is deleted.`,
            ),
          );
        }
        this.#reset(canister);
        this.#opts.canisters.delete(canister.id);
        return reply(EMPTY_REPLY);
      }
      case 'provisional_top_up_canister': {
        const [a] = decode<{ canister_id: Principal; amount: bigint }>(
          method,
          T.ProvisionalTopUpArgs,
          arg,
        );
        const canister = this.#existing(a.canister_id);
        canister.cyclesBalance += a.amount;
        return reply(EMPTY_REPLY);
      }
      case 'deposit_cycles': {
        const [a] = decode<{ canister_id: Principal }>(method, T.CanisterIdRecord, arg);
        this.#existing(a.canister_id).cyclesBalance += params.cycles;
        return { ...reply(EMPTY_REPLY), consumedCycles: params.cycles };
      }
      case 'raw_rand': {
        if (!fromCanister) {
          fail(createReject('IC0516', 'raw_rand can only be called by canisters.'));
        }
        return reply(IDL.encode([IDL.Vec(IDL.Nat8)], [this.#opts.randomTape.next()]));
      }
      default:
        return fail(rejects.unknownManagementMethod(method));
    }
  }

  #existing(id: Principal): CanisterRecord {
    const canister = this.#opts.canisters.get(id.toUint8Array());
    return canister ?? fail(rejects.canisterNotFound(id.toText()));
  }

  /**
   * `canister`, unless its code is in the middle of a sliced execution: replacing or removing
   * the code then waits for a later round, as on the IC.
   */
  #idle(canister: CanisterRecord): CanisterRecord {
    if (this.#opts.isBusy?.(canister.id) === true) {
      throw new TargetBusy(canister.idText);
    }
    return canister;
  }

  #controlled(id: Principal, caller: Uint8Array): CanisterRecord {
    const canister = this.#existing(id);
    if (!canister.controllers.some((c) => bytesToHex(c) === bytesToHex(caller))) {
      fail(rejects.notController(canister.idText, principalToText(caller)));
    }
    return canister;
  }

  #create(
    caller: Uint8Array,
    settings: CanisterSettingsArg | undefined,
    cycles: bigint,
    timeNs: bigint,
    specifiedId: Principal | undefined,
  ): CanisterRecord {
    const max = this.#opts.maxCanisters;
    if (max !== undefined && this.#opts.canisters.size >= max) {
      fail(createReject('IC0102', `The network already hosts its maximum of ${max} canisters.`));
    }
    const specified = specifiedId?.toUint8Array();
    if (specified && this.#opts.canisters.isUsed(specified)) {
      fail(createReject('IC0205', `Canister ${specifiedId?.toText()} is already in use.`));
    }
    const canister = this.#opts.canisters.create({
      controllers: [caller],
      cyclesBalance: cycles,
      nowNs: timeNs,
      ...(specified ? { specifiedId: specified } : {}),
    });
    if (settings) {
      try {
        applySettings(canister, settings);
      } catch (error) {
        this.#opts.canisters.delete(canister.id);
        throw error;
      }
    }
    return canister;
  }

  #reset(canister: CanisterRecord): void {
    void canister.code?.instance.stop();
    canister.code = null;
    canister.certifiedData = new Uint8Array(0);
    canister.globalTimerNs = 0n;
    this.#opts.onCanisterReset(canister.id);
  }

  /** Starts `prepared` on a thread of its own; a trap in `(start)` fails the install. */
  async #startInstance(
    canister: CanisterRecord,
    prepared: PreparedModule,
    options: { stable?: SparsePages },
  ): Promise<InstanceThread> {
    return startInstanceThread(prepared, {
      canister: canister.idText,
      controllers: canister.controllers,
      ...options,
    });
  }

  async #install(
    canister: CanisterRecord,
    mode: InstallMode,
    wasm: Uint8Array,
    arg: Uint8Array,
    caller: Uint8Array,
    timeNs: bigint,
  ): Promise<void> {
    let prepared: PreparedModule;
    try {
      prepared = await prepareModule(wasm);
    } catch (error) {
      if (isCitadelError(error)) {
        fail(createReject('IC0505', `Error from Canister ${canister.idText}: ${error.message}`));
      }
      throw error;
    }
    const env = () => this.#opts.env.create(canister, timeNs, { limit: 'install' });
    const trapped = (result: ExecutionResult): void => {
      if (result.outcome.kind === 'trapped') {
        fail(
          createReject(
            result.outcome.icErrorCode,
            `Error from Canister ${canister.idText}: ${result.outcome.message}`,
          ),
        );
      }
    };

    if ('upgrade' in mode) {
      const old = canister.code;
      if (!old) {
        fail(
          createReject(
            'IC0537',
            `Error from Canister ${canister.idText}: Attempted to upgrade a canister that contains no Wasm module.`,
          ),
        );
        return;
      }
      const skipPreUpgrade = mode.upgrade[0]?.skip_pre_upgrade[0] === true;
      const previousTimerNs = canister.globalTimerNs;
      // Upgrades are atomic over pre_upgrade + post_upgrade: pre_upgrade runs tentatively and
      // is rolled back if anything after it fails (interface spec "Canister upgrades").
      let tentative = false;
      let instance: InstanceThread | undefined;
      try {
        if (old.prepared.exports.preUpgrade && !skipPreUpgrade) {
          const result = await old.instance.execute({ kind: 'pre_upgrade', caller }, env(), {
            tentative: true,
          });
          tentative = result.outcome.kind !== 'trapped';
          trapped(result);
        }
        instance = await this.#startInstance(canister, prepared, {
          stable: await old.instance.stablePages(),
        });
        // Installing code deactivates the timer; post_upgrade may arm a new one.
        canister.globalTimerNs = 0n;
        if (prepared.exports.postUpgrade) {
          const result = await instance.execute({ kind: 'post_upgrade', arg, caller }, env());
          trapped(result);
          applyInstallEffects(canister, result);
        }
        canister.code = { prepared, instance, moduleBytes: wasm };
        await old.instance.stop();
      } catch (error) {
        await instance?.stop();
        if (tentative) {
          await old.instance.rollback();
        }
        canister.globalTimerNs = previousTimerNs;
        throw error;
      }
    } else {
      if ('install' in mode && canister.code) {
        fail(
          createReject(
            'IC0538',
            `Canister ${canister.idText} cannot be installed because the canister is not empty. Try installing with mode='reinstall' instead.`,
          ),
        );
      }
      const instance = await this.#startInstance(canister, prepared, {});
      const previous = {
        certifiedData: canister.certifiedData,
        globalTimerNs: canister.globalTimerNs,
      };
      // install and reinstall start from empty certified data and no timer; init may set both.
      canister.certifiedData = new Uint8Array(0);
      canister.globalTimerNs = 0n;
      if (prepared.exports.init) {
        const result = await instance.execute({ kind: 'init', arg, caller }, env());
        if (result.outcome.kind === 'trapped') {
          canister.certifiedData = previous.certifiedData;
          canister.globalTimerNs = previous.globalTimerNs;
          await instance.stop();
        }
        trapped(result);
        applyInstallEffects(canister, result);
      }
      const replaced = canister.code;
      if (replaced) {
        this.#opts.onCanisterReset(canister.id);
      }
      canister.code = { prepared, instance, moduleBytes: wasm };
      await replaced?.instance.stop();
    }
    canister.lastInstallNs = timeNs;
    canister.version += 1n;
  }
}

/** Keeps what init / post_upgrade set: certified data and a timer armed during installation. */
function applyInstallEffects(canister: CanisterRecord, result: ExecutionResult): void {
  if (result.effects.certifiedData) {
    canister.certifiedData = result.effects.certifiedData;
  }
  if (result.effects.globalTimerNs !== undefined) {
    canister.globalTimerNs = result.effects.globalTimerNs;
  }
}

function decode<A>(method: string, type: IDL.Type, arg: Uint8Array): [A] {
  try {
    return IDL.decode([type], arg) as unknown as [A];
  } catch (error) {
    return fail(
      rejects.invalidManagementPayload(
        method,
        error instanceof Error ? error.message : String(error),
      ),
    );
  }
}

function applySettings(canister: CanisterRecord, settings: CanisterSettingsArg): void {
  const controllers = settings.controllers[0];
  if (controllers) {
    if (controllers.length > MAX_CONTROLLERS) {
      fail(
        createReject(
          'IC0408',
          `A canister can have at most ${MAX_CONTROLLERS} controllers, got ${controllers.length}.`,
        ),
      );
    }
    canister.controllers = controllers.map((p) => p.toUint8Array());
  }
  const s = canister.settings;
  s.computeAllocation = settings.compute_allocation[0] ?? s.computeAllocation;
  s.memoryAllocation = settings.memory_allocation[0] ?? s.memoryAllocation;
  s.freezingThreshold = settings.freezing_threshold[0] ?? s.freezingThreshold;
  s.reservedCyclesLimit = settings.reserved_cycles_limit[0] ?? s.reservedCyclesLimit;
  s.wasmMemoryLimit = settings.wasm_memory_limit[0] ?? s.wasmMemoryLimit;
  s.wasmMemoryThreshold = settings.wasm_memory_threshold[0] ?? s.wasmMemoryThreshold;
  const visibility = settings.log_visibility[0];
  if (visibility) {
    s.logVisibility = 'public' in visibility ? 'public' : 'controllers';
  }
  s.environmentVariables = settings.environment_variables[0] ?? s.environmentVariables;
}

function statusRecord(canister: CanisterRecord): Record<string, unknown> {
  const heap = BigInt(canister.code?.instance.heapSizeBytes ?? 0);
  const stable = BigInt(canister.code?.instance.stableSizeBytes ?? 0);
  const binary = BigInt(canister.code?.prepared.wasmBytes.length ?? 0);
  const s = canister.settings;
  return {
    status: { [canister.status]: null },
    ready_for_migration: false,
    version: canister.version,
    settings: {
      controllers: canister.controllers.map(toPrincipal),
      compute_allocation: s.computeAllocation,
      memory_allocation: s.memoryAllocation,
      freezing_threshold: s.freezingThreshold,
      reserved_cycles_limit: s.reservedCyclesLimit,
      log_visibility: { [s.logVisibility]: null },
      wasm_memory_limit: s.wasmMemoryLimit,
      wasm_memory_threshold: s.wasmMemoryThreshold,
      environment_variables: s.environmentVariables,
    },
    module_hash: canister.code ? [canister.code.prepared.moduleHash] : [],
    memory_size: heap + stable + binary,
    memory_metrics: {
      wasm_memory_size: heap,
      stable_memory_size: stable,
      global_memory_size: 0n,
      wasm_binary_size: binary,
      custom_sections_size: 0n,
      canister_history_size: 0n,
      wasm_chunk_store_size: BigInt(
        [...canister.chunkStore.values()].reduce((n, c) => n + c.length, 0),
      ),
      snapshots_size: 0n,
    },
    cycles: canister.cyclesBalance,
    reserved_cycles: 0n,
    idle_cycles_burned_per_day: 0n,
    query_stats: {
      num_calls_total: 0n,
      num_instructions_total: 0n,
      request_payload_bytes_total: 0n,
      response_payload_bytes_total: 0n,
    },
  };
}

function toPrincipal(bytes: Uint8Array): Principal {
  return Principal.fromUint8Array(bytes);
}

function toBytes(value: Uint8Array | number[]): Uint8Array {
  return value instanceof Uint8Array ? value : Uint8Array.from(value);
}
