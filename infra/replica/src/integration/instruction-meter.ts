import type { Principal } from '@dfinity/principal';
import type { ExecutionEntry, ExecutionResult } from '../execution/types.js';
import type { TestNetwork } from './harness.js';
import type { SliceStep } from '../runtime/index.js';

/**
 * Reads the instructions each execution of a canister takes, as the replica counts them
 * (the same count its limits apply to), by wrapping the canister's instance in the test
 * network. Queries are not paid for, so nothing else reports theirs.
 */
export interface InstructionMeter {
  /** The instructions of every execution of `method` (or `init`, `post_upgrade`) so far. */
  of(method: string): bigint[];
  /** The instructions of the last execution of `method`. */
  last(method: string): bigint;
  /** Wraps the canister's instance again: needed after its code is replaced (an upgrade). */
  attach(): void;
}

function nameOf(entry: ExecutionEntry): string {
  return 'method' in entry ? entry.method : entry.kind;
}

export function meterInstructions(net: TestNetwork, canisterId: Principal): InstructionMeter {
  const counts = new Map<string, bigint[]>();
  const record = (entry: ExecutionEntry, result: ExecutionResult) => {
    const name = nameOf(entry);
    counts.set(name, [...(counts.get(name) ?? []), result.instructions]);
  };
  const follow = (entry: ExecutionEntry, step: SliceStep): SliceStep => {
    if (step.kind === 'done') {
      record(entry, step.result);
      return step;
    }
    return { kind: 'paused', resume: async () => follow(entry, await step.resume()) };
  };
  const attach = () => {
    const code = net.replica.network.canisters.get(canisterId.toUint8Array())?.code;
    if (!code) {
      throw new Error(`canister ${canisterId.toText()} has no code to meter`);
    }
    const instance = code.instance;
    const execute = instance.execute.bind(instance);
    const executeSliced = instance.executeSliced.bind(instance);
    // Own properties shadow the instance's methods; everything else runs untouched.
    instance.execute = async (...args) => {
      const result = await execute(...args);
      record(args[0], result);
      return result;
    };
    instance.executeSliced = async (...args) => follow(args[0], await executeSliced(...args));
  };
  attach();
  return {
    of: (method) => counts.get(method) ?? [],
    last(method) {
      const all = counts.get(method) ?? [];
      const last = all[all.length - 1];
      if (last === undefined) {
        throw new Error(`no execution of ${method} was metered`);
      }
      return last;
    },
    attach,
  };
}
