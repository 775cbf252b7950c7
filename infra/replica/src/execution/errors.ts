import { CitadelError } from '@citadel/protocol/errors';

/**
 * Error codes the execution engine throws across its boundary. Canister-level failures
 * (traps, contract violations) are *not* thrown: they come back as a `trapped` outcome.
 */
export const ExecutionErrorCode = {
  /** The submitted module breaks a Wasm or IC module rule (IC0505). */
  INVALID_WASM: 'REPLICA_EXEC_INVALID_WASM',
  /** The module's `(start)` function or its instantiation trapped. */
  START_TRAPPED: 'REPLICA_EXEC_START_TRAPPED',
  /** `execute` was asked to run an update/query method the module does not export. */
  METHOD_NOT_FOUND: 'REPLICA_EXEC_METHOD_NOT_FOUND',
  /** An entry kind the engine does not implement yet (composite queries). */
  UNSUPPORTED: 'REPLICA_EXEC_UNSUPPORTED',
  /** A snapshot does not fit the module it is restored into. */
  INVALID_SNAPSHOT: 'REPLICA_EXEC_INVALID_SNAPSHOT',
  /** The caller broke the instance protocol (e.g. executing while a tentative result is open). */
  INVALID_STATE: 'REPLICA_EXEC_INVALID_STATE',
  /** A host-side failure that is neither a canister trap nor a caller mistake (a bug). */
  INTERNAL: 'REPLICA_EXEC_INTERNAL',
} as const;

/** One of the {@link ExecutionErrorCode} values. */
export type ExecutionErrorCode = (typeof ExecutionErrorCode)[keyof typeof ExecutionErrorCode];

/** IC0505: "Canister's Wasm module is not valid: <reason>" (ic-protocol.md §8.3). */
export function createInvalidWasmError(reason: string, cause?: unknown): CitadelError {
  return new CitadelError(
    'input',
    ExecutionErrorCode.INVALID_WASM,
    `Canister's Wasm module is not valid: ${reason}`,
    { icErrorCode: 'IC0505', reason },
    cause === undefined ? undefined : { cause },
  );
}

/** The `(start)` function (or a data/element segment during instantiation) trapped. */
export function createStartTrappedError(icErrorCode: string, message: string): CitadelError {
  return new CitadelError('input', ExecutionErrorCode.START_TRAPPED, message, {
    icErrorCode,
  });
}

/** `execute` was called for a method the module does not export; callers check first. */
export function createMethodNotFoundError(kind: string, method: string): CitadelError {
  return new CitadelError(
    'input',
    ExecutionErrorCode.METHOD_NOT_FOUND,
    `Canister has no ${kind} method '${method}'.`,
    { icErrorCode: 'IC0536', kind, method },
  );
}

/** An entry kind that the engine does not implement yet. */
export function createUnsupportedError(what: string): CitadelError {
  return new CitadelError('input', ExecutionErrorCode.UNSUPPORTED, `${what} is not supported yet`, {
    what,
  });
}

/** A snapshot that cannot be restored into this module. */
export function createInvalidSnapshotError(reason: string): CitadelError {
  return new CitadelError(
    'input',
    ExecutionErrorCode.INVALID_SNAPSHOT,
    `Cannot restore snapshot: ${reason}`,
    { reason },
  );
}

/** The caller used the instance out of protocol. */
export function createInvalidStateError(reason: string): CitadelError {
  return new CitadelError('input', ExecutionErrorCode.INVALID_STATE, reason, { reason });
}

/** A host failure that the engine cannot attribute to the canister. */
export function createInternalError(reason: string, cause: unknown): CitadelError {
  return new CitadelError(
    'unknown',
    ExecutionErrorCode.INTERNAL,
    `Execution engine failure: ${reason}`,
    { reason },
    { cause },
  );
}
