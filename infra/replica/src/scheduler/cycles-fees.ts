import type { CanisterRecord } from '../state/canister.js';

/**
 * Cycle fees of a 13-node application subnet, the kind an ordinary dApp runs on (IC
 * "Cycles cost formulas": execution, ingress reception and storage).
 */
export const CyclesFees = {
  /** Charged for every replicated execution (update, callback, timer, heartbeat). */
  updateMessageExecution: 5_000_000n,
  /** Per 10 executed Wasm instructions. */
  tenUpdateInstructions: 4n,
  /** Charged to the receiving canister when an ingress message is inducted. */
  ingressMessageReception: 1_200_000n,
  /** Per byte of an inducted ingress message (method name and argument). */
  ingressByteReception: 2_000n,
  /** Storage, per GiB per second; the basis of the freezing reserve. */
  gibStoragePerSecond: 127_000n,
} as const;

const GIB = 1n << 30n;

/** What a replicated execution of `instructions` instructions costs. */
export function executionCost(instructions: bigint): bigint {
  return (
    CyclesFees.updateMessageExecution + (instructions * CyclesFees.tenUpdateInstructions) / 10n
  );
}

/** What inducting an ingress message costs its receiver. */
export function ingressInductionCost(method: string, argBytes: number): bigint {
  const bytes = BigInt(Buffer.byteLength(method) + argBytes);
  return CyclesFees.ingressMessageReception + bytes * CyclesFees.ingressByteReception;
}

/**
 * Cycles a canister must keep to survive its freezing threshold: what its memory costs per
 * second, times the threshold in seconds (interface spec "freezing threshold"). Below it the
 * canister is frozen: it takes no new messages.
 */
export function freezingReserve(canister: CanisterRecord): bigint {
  const code = canister.code;
  const memoryBytes =
    BigInt(code ? code.instance.heapSizeBytes + code.instance.stableSizeBytes : 0) +
    BigInt(code?.moduleBytes.length ?? 0);
  const perSecond = (memoryBytes * CyclesFees.gibStoragePerSecond) / GIB;
  return perSecond * canister.settings.freezingThreshold;
}

/**
 * How many cycles `canister` lacks to pay `cost` and stay above its freezing reserve, or `null`
 * when it can pay (the IC then refuses with IC0207, naming this shortfall).
 */
export function outOfCyclesShortfall(canister: CanisterRecord, cost: bigint): bigint | null {
  const needed = freezingReserve(canister) + cost;
  return canister.cyclesBalance >= needed ? null : needed - canister.cyclesBalance;
}
