import type { PreparedModule } from '../execution/index.js';
import type { InstanceThread } from '../runtime/index.js';

/** Lifecycle status as `canister_status` reports it. */
export type CanisterStatus = 'running' | 'stopping' | 'stopped';

/** Installed code: the prepared module and the live instance that holds heap, globals and stable memory. */
export interface InstalledCode {
  readonly prepared: PreparedModule;
  /** The module exactly as submitted (possibly gzip); its SHA-256 is the module hash. */
  readonly moduleBytes: Uint8Array;
  /** Runs on a thread of its own; stop it when the code is replaced or removed. */
  instance: InstanceThread;
}

/** Settings a controller may change with `update_settings`; values as the IC defaults them. */
export interface CanisterSettings {
  computeAllocation: bigint;
  memoryAllocation: bigint;
  freezingThreshold: bigint;
  reservedCyclesLimit: bigint;
  wasmMemoryLimit: bigint;
  wasmMemoryThreshold: bigint;
  logVisibility: 'controllers' | 'public';
  environmentVariables: { name: string; value: string }[];
}

/** One canister of the local subnet. Mutated only by the scheduler and the management canister. */
export interface CanisterRecord {
  readonly id: Uint8Array;
  readonly idText: string;
  controllers: Uint8Array[];
  status: CanisterStatus;
  cyclesBalance: bigint;
  /** Incremented on every committed execution, install, settings change and status transition. */
  version: bigint;
  certifiedData: Uint8Array;
  /** 0n when no timer is set. */
  globalTimerNs: bigint;
  code: InstalledCode | null;
  /** `upload_chunk` store: hex of SHA-256 → chunk. */
  chunkStore: Map<string, Uint8Array>;
  settings: CanisterSettings;
  readonly createdAtNs: bigint;
  lastInstallNs: bigint | null;
  /** Call contexts that have not yet been closed; `stop_canister` waits for this to reach 0. */
  openCallContexts: number;
}

/** Settings of a newly created canister (interface spec defaults). */
export function defaultSettings(): CanisterSettings {
  return {
    computeAllocation: 0n,
    memoryAllocation: 0n,
    freezingThreshold: 2_592_000n,
    reservedCyclesLimit: 5_000_000_000_000n,
    wasmMemoryLimit: 3n * 1024n * 1024n * 1024n,
    wasmMemoryThreshold: 0n,
    logVisibility: 'controllers',
    environmentVariables: [],
  };
}
