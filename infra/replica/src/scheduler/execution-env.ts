import {
  type ExecutionEnv,
  type InstructionLimits,
  MAINNET_INSTRUCTION_LIMITS,
} from '../execution/index.js';
import type { CanisterRecord } from '../state/canister.js';
import { freezingReserve } from './cycles-fees.js';

/** Builds the per-execution environment a canister sees through the System API. */
export interface ExecutionContextFactory {
  create(
    canister: CanisterRecord,
    timeNs: bigint,
    options?: { limit?: keyof InstructionLimits },
  ): ExecutionEnv;
}

/** Parameters fixed for the network's lifetime. */
export interface ExecutionEnvParams {
  readonly rootKeyDer: Uint8Array;
  readonly subnetId: Uint8Array;
  readonly debugPrint?: (canisterId: string, text: string) => void;
  /** @default MAINNET_INSTRUCTION_LIMITS */
  readonly instructionLimits?: InstructionLimits;
}

/** The default factory: reads the canister record at the moment an execution starts. */
export function createExecutionEnvFactory(params: ExecutionEnvParams): ExecutionContextFactory {
  const limits = params.instructionLimits ?? MAINNET_INSTRUCTION_LIMITS;
  return {
    create(canister, timeNs, options) {
      const print = params.debugPrint;
      return {
        canisterId: canister.id,
        timeNs,
        controllers: canister.controllers,
        rootKeyDer: params.rootKeyDer,
        cyclesBalance: canister.cyclesBalance,
        freezingReserve: freezingReserve(canister),
        canisterVersion: canister.version,
        status: canister.status,
        subnetId: params.subnetId,
        globalTimerNs: canister.globalTimerNs,
        instructionLimit: limits[options?.limit ?? 'update'],
        wasmMemoryLimitBytes: canister.settings.wasmMemoryLimit,
        ...(print ? { debugPrint: (text: string) => print(canister.idText, text) } : {}),
      };
    },
  };
}
