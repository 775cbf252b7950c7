import type { ExecutionEnv } from '../execution/index.js';
import type { CanisterRecord } from '../state/canister.js';

/** Instructions a single update/timer message may use on mainnet (resource limits). */
export const UPDATE_INSTRUCTION_LIMIT = 40_000_000_000n;
/** Instructions a single query may use on mainnet. */
export const QUERY_INSTRUCTION_LIMIT = 5_000_000_000n;
/** Instructions an install or upgrade may use on mainnet. */
export const INSTALL_INSTRUCTION_LIMIT = 300_000_000_000n;

/** Builds the per-execution environment a canister sees through the System API. */
export interface ExecutionContextFactory {
  create(
    canister: CanisterRecord,
    timeNs: bigint,
    options?: { instructionLimit?: bigint },
  ): ExecutionEnv;
}

/** Parameters fixed for the network's lifetime. */
export interface ExecutionEnvParams {
  readonly rootKeyDer: Uint8Array;
  readonly subnetId: Uint8Array;
  readonly debugPrint?: (canisterId: string, text: string) => void;
}

/** The default factory: reads the canister record at the moment an execution starts. */
export function createExecutionEnvFactory(params: ExecutionEnvParams): ExecutionContextFactory {
  return {
    create(canister, timeNs, options) {
      const print = params.debugPrint;
      return {
        canisterId: canister.id,
        timeNs,
        controllers: canister.controllers,
        rootKeyDer: params.rootKeyDer,
        cyclesBalance: canister.cyclesBalance,
        canisterVersion: canister.version,
        status: canister.status,
        subnetId: params.subnetId,
        globalTimerNs: canister.globalTimerNs,
        instructionLimit: options?.instructionLimit ?? UPDATE_INSTRUCTION_LIMIT,
        ...(print ? { debugPrint: (text: string) => print(canister.idText, text) } : {}),
      };
    },
  };
}
