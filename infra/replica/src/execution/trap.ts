import { wasmApi } from './wasm-js-api.js';

/**
 * Canister-level failures. Host functions throw a {@link TrapSignal}; it unwinds the Wasm
 * stack and the instance turns it into a `trapped` outcome. Texts follow the IC's
 * `HypervisorError` descriptions (ic-protocol.md §8.3); the replica core prefixes
 * `Error from Canister <id>: ` when it builds the reject.
 */

/** IC error codes a failed execution can carry. */
export type TrapErrorCode =
  'IC0502' | 'IC0503' | 'IC0504' | 'IC0507' | 'IC0513' | 'IC0522' | 'IC0539';

/** Thrown inside host functions to abort the current execution. Never escapes the engine. */
export class TrapSignal extends Error {
  constructor(
    readonly icErrorCode: TrapErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'TrapSignal';
  }
}

/** IC0502 "Canister trapped: <reason>" — a Wasm trap or a trap code raised by a system call. */
export function trapped(reason: string): TrapSignal {
  return new TrapSignal('IC0502', `Canister trapped: ${reason}`);
}

/** IC0503: the canister called `ic0.trap`. */
export function calledTrap(message: string): TrapSignal {
  return new TrapSignal('IC0503', `Canister called \`ic0.trap\` with message: '${message}'`);
}

/** IC0504 "Canister violated contract: <what>". */
export function contractViolation(what: string): TrapSignal {
  return new TrapSignal('IC0504', `Canister violated contract: ${what}`);
}

/** IC0504 for a System API call made from a context that does not allow it (spec import table). */
export function wrongContext(importName: string, modeName: string): TrapSignal {
  // The IC names the function with an underscore (`ic0_msg_reply`) in this message.
  return contractViolation(`"ic0_${importName}" cannot be executed in ${modeName} mode`);
}

/** IC0522: the (approximate, see performance counter) instruction limit was exceeded. */
export function instructionLimitExceeded(limit: bigint): TrapSignal {
  return new TrapSignal(
    'IC0522',
    `Canister exceeded the limit of ${limit} instructions for single message execution.`,
  );
}

/** IC0513: a callback names a table slot that holds no function. */
export function functionNotFound(tableIndex: number): TrapSignal {
  return new TrapSignal(
    'IC0513',
    `Canister requested to invoke a non-existent Wasm function ${tableIndex} from table 0`,
  );
}

/** IC0539: the Wasm heap outgrew the canister's `wasm_memory_limit` setting. */
export function wasmMemoryLimitExceeded(limitBytes: bigint, usedBytes: number): TrapSignal {
  return new TrapSignal(
    'IC0539',
    `Canister exceeded its current Wasm memory limit of ${limitBytes} bytes. The peak Wasm memory usage was ${usedBytes} bytes.`,
  );
}

/** V8 `RuntimeError` texts → the IC's trap-code wording (IC-EXEC `TrapCode` Display). */
const RUNTIME_ERROR_REASONS: readonly (readonly [RegExp, string])[] = [
  [/^unreachable/, 'unreachable'],
  [/memory access out of bounds/, 'heap out of bounds'],
  [/divide by zero|remainder by zero/, 'integer division by 0'],
  [
    /table index is out of bounds|element segment out of bounds|table (access )?out of bounds/,
    'table out of bounds',
  ],
  [/null function|function signature mismatch/, 'indirect call signature mismatch'],
  [/integer overflow|float unrepresentable/, 'integer overflow'],
  [/data segment .*out of bounds/, 'heap out of bounds'],
];

/**
 * Maps an exception that escaped a Wasm call to a trap, or returns `undefined` when the
 * exception is not a canister failure (a host bug the caller must surface).
 */
export function toTrapSignal(error: unknown): TrapSignal | undefined {
  if (error instanceof TrapSignal) {
    return error;
  }
  if (error instanceof wasmApi.RuntimeError) {
    const reason =
      RUNTIME_ERROR_REASONS.find(([pattern]) => pattern.test(error.message))?.[1] ?? error.message;
    return trapped(reason);
  }
  // V8 reports Wasm stack exhaustion as a RangeError, not a RuntimeError.
  if (error instanceof RangeError && /Maximum call stack size exceeded/.test(error.message)) {
    return trapped('stack overflow');
  }
  return undefined;
}
