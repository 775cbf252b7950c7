import { CitadelError } from '@citadel/protocol/errors';

/** Error codes of canister threads. */
export const RuntimeErrorCode = {
  /** The worker running a canister instance died or could not start. */
  THREAD_FAILED: 'REPLICA_RUNTIME_THREAD_FAILED',
  /** A request reached an instance whose thread was already stopped. */
  THREAD_STOPPED: 'REPLICA_RUNTIME_THREAD_STOPPED',
} as const;

export function createThreadFailedError(canister: string, reason: string, cause?: unknown) {
  return new CitadelError(
    'unknown',
    RuntimeErrorCode.THREAD_FAILED,
    `The thread running canister ${canister} failed: ${reason}`,
    { canister, reason },
    { cause },
  );
}

export function createThreadStoppedError(canister: string, op: string) {
  return new CitadelError(
    'unknown',
    RuntimeErrorCode.THREAD_STOPPED,
    `Canister ${canister}'s instance was already stopped when '${op}' reached it.`,
    { canister, op },
  );
}
