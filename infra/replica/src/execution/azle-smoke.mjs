// Runs a real Azle 0.33 canister through the execution engine and prints timings.
// Not a test: run it by hand (it imports the TypeScript sources through tsx):
//
//   node --conditions=source --import tsx infra/replica/src/execution/azle-smoke.mjs [hello.wasm]
//
// The Wasm path defaults to $CITADEL_AZLE_HELLO_WASM, then /tmp/azt/.azle/hello/hello.wasm
// (an Azle `hello` canister with `get: () -> (nat) query` and `inc: () -> (nat)`).
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { IDL } from '@dfinity/candid';
import { createCanisterInstance, prepareModule } from './index.js';

const path =
  process.argv[2] ?? process.env.CITADEL_AZLE_HELLO_WASM ?? '/tmp/azt/.azle/hello/hello.wasm';
const ROUNDS = 20;

const caller = Uint8Array.of(0x04);
const env = {
  canisterId: Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 1, 1, 1),
  timeNs: BigInt(Date.now()) * 1_000_000n,
  controllers: [caller],
  rootKeyDer: new Uint8Array(133),
  cyclesBalance: 100_000_000_000_000n,
  canisterVersion: 1n,
  status: 'running',
  subnetId: Uint8Array.of(1, 2),
  globalTimerNs: 0n,
  instructionLimit: 300_000_000_000n,
  debugPrint: (line) => console.log(`  [canister] ${line}`),
};
const empty = new Uint8Array(IDL.encode([], []));

function time(label, fn) {
  const start = performance.now();
  const value = fn();
  console.log(`${label}: ${(performance.now() - start).toFixed(1)} ms`);
  return value;
}

async function timeAsync(label, fn) {
  const start = performance.now();
  const value = await fn();
  console.log(`${label}: ${(performance.now() - start).toFixed(1)} ms`);
  return value;
}

function median(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function decodeNat(result) {
  if (result.outcome.kind !== 'replied') {
    throw new Error(`expected a reply, got ${JSON.stringify(result.outcome)}`);
  }
  return IDL.decode([IDL.Nat], result.outcome.data)[0];
}

const wasm = readFileSync(path);
console.log(`module: ${path} (${(wasm.length / 1024 / 1024).toFixed(2)} MiB)`);
const prepared = await timeAsync('prepareModule (validate + rewrite + compile)', () =>
  prepareModule(wasm),
);
const instance = await timeAsync('createCanisterInstance (instantiate)', () =>
  createCanisterInstance(prepared),
);
const init = time('canister_init (incl. snapshot)', () =>
  instance.execute({ kind: 'init', arg: empty, caller }, env),
);
console.log(`  outcome: ${init.outcome.kind}, calls: ${init.effects.calls.length}`);
console.log(`heap after init: ${(instance.heapSizeBytes / 1024 / 1024).toFixed(2)} MiB`);
console.log(`stable after init: ${(instance.stableSizeBytes / 1024 / 1024).toFixed(2)} MiB`);

const incTimes = [];
const getTimes = [];
let count = 0n;
for (let i = 0; i < ROUNDS; i++) {
  let start = performance.now();
  count = decodeNat(instance.execute({ kind: 'update', method: 'inc', arg: empty, caller }, env));
  incTimes.push(performance.now() - start);
  start = performance.now();
  const seen = decodeNat(
    instance.execute(
      { kind: 'query', method: 'get', arg: empty, caller, mode: 'non_replicated' },
      env,
    ),
  );
  getTimes.push(performance.now() - start);
  if (seen !== count) {
    throw new Error(`get returned ${seen}, expected ${count}`);
  }
}
console.log(
  `inc (update, ${ROUNDS} runs): first ${incTimes[0].toFixed(1)} ms, median ${median(incTimes).toFixed(1)} ms`,
);
console.log(
  `get (query, ${ROUNDS} runs): first ${getTimes[0].toFixed(1)} ms, median ${median(getTimes).toFixed(1)} ms`,
);
console.log(`counter after ${ROUNDS} incs: ${count}`);

const snapshot = time('snapshot()', () => instance.snapshot());
const restored = await timeAsync('createCanisterInstance({ snapshot })', () =>
  createCanisterInstance(prepared, { snapshot }),
);
const afterRestore = decodeNat(
  restored.execute(
    { kind: 'query', method: 'get', arg: empty, caller, mode: 'non_replicated' },
    env,
  ),
);
console.log(`get after restore: ${afterRestore}`);
