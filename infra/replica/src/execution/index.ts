/**
 * Canister execution engine: runs ONE canister's Wasm for ONE execution, transactionally
 * (ic-protocol.md §7). The replica core owns scheduling, routing, the management canister,
 * certification and persistence; it talks to this module only through the names below.
 *
 * Instructions are metered deterministically (`instrument-module.ts`); `ExecutionEnv`'s
 * `instructionLimit` bounds each execution and exceeding it traps with IC0522.
 *
 * Approximations, by design for now:
 * - `cost_*` return 13-node application-subnet fees.
 * - Composite queries are not supported yet (`REPLICA_EXEC_UNSUPPORTED`).
 */
export { createCanisterInstance } from './canister-instance.js';
export { ExecutionErrorCode } from './errors.js';
export { MAINNET_INSTRUCTION_LIMITS } from './instruction-limits.js';
export type { InstructionLimits } from './instruction-limits.js';
export { prepareModule } from './prepare-module.js';
export { StableMemory } from './stable-memory.js';
export type { TrapErrorCode } from './trap.js';
export type {
  CallContextState,
  CallbackRef,
  CanisterInstance,
  CreateCanisterInstanceOptions,
  ExecuteOptions,
  ExecutionEffects,
  ExecutionEntry,
  ExecutionEnv,
  ExecutionOutcome,
  ExecutionResult,
  InstanceSnapshot,
  MethodKind,
  ModuleLayout,
  OutgoingCall,
  PreparedModule,
} from './types.js';
export type { ModuleEntryPoints, ModuleMethods } from './validate-module.js';
export type { PersistedGlobal } from './rewrite-exports.js';
export type { WasmModule } from './wasm-js-api.js';
