/** Instructions one execution may use, by what it is. */
export interface InstructionLimits {
  /** Update calls, callbacks, heartbeats and timers. */
  readonly update: bigint;
  /** Queries (non-replicated). */
  readonly query: bigint;
  /** `canister_init`, `canister_pre_upgrade` + `canister_post_upgrade` (each). */
  readonly install: bigint;
  /** What a long update-like execution runs per round before it pauses (time slicing). */
  readonly slice: bigint;
}

/** Per-message instruction limits of an ICP application subnet (resource limits). */
export const MAINNET_INSTRUCTION_LIMITS: InstructionLimits = {
  update: 40_000_000_000n,
  query: 5_000_000_000n,
  install: 300_000_000_000n,
  slice: 2_000_000_000n,
};
