// Cost of deterministic instruction metering, each against a baseline measured in the same run:
// - a CPU-bound Wasm loop run through the replica's instrumented module vs the same module
//   compiled as it is (what metering costs per instruction);
// - an Azle canister looping for ever on a live network with mainnet limits: how long the
//   40 B-instruction limit takes to reach, sliced over rounds, vs one slice's worth (2 B).
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { HttpAgent } from '@dfinity/agent';
import { Ed25519KeyIdentity } from '@dfinity/identity';
import { startReplica } from '@citadel/replica';
// Internal: the engine itself, to run one module both instrumented and as it is.
import { createCanisterInstance, prepareModule } from '../infra/replica/dist/execution/index.js';
import { deployProbe } from './deploy-probe.mjs';

const require = createRequire(import.meta.url);
const wabtInit = require('wabt');

const LOOP_WAT = `(module
  (memory 1)
  (func $mix (param $n i32) (result i32) (local $x i32)
    (local.set $x (i32.const 2166136261))
    (loop $again
      (local.set $x (i32.mul (i32.xor (local.get $x) (local.get $n)) (i32.const 16777619)))
      (i32.store (i32.and (local.get $x) (i32.const 4092)) (local.get $x))
      (br_if $again (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (local.get $x))
  (func (export "raw") (param i32) (result i32) (call $mix (local.get 0)))
  (func (export "canister_update run") (drop (call $mix (i32.const 50000000)))))`;

const ENV = {
  canisterId: new Uint8Array([1]),
  timeNs: 1n,
  controllers: [],
  rootKeyDer: new Uint8Array(133),
  cyclesBalance: 10n ** 15n,
  canisterVersion: 0n,
  status: 'running',
  subnetId: new Uint8Array([2]),
  globalTimerNs: 0n,
  instructionLimit: 40_000_000_000n,
};

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function loopOverhead(repeats) {
  const wabt = await wabtInit();
  const wasm = wabt.parseWat('loop.wat', LOOP_WAT).toBinary({}).buffer;
  const { WebAssembly: wasmApi } = globalThis;
  const raw = new wasmApi.Instance(await wasmApi.compile(wasm)).exports.raw;
  const instance = await createCanisterInstance(await prepareModule(wasm));
  const entry = {
    kind: 'update',
    method: 'run',
    arg: new Uint8Array(0),
    caller: new Uint8Array(1),
  };
  const rawMs = [];
  const meteredMs = [];
  let instructions = 0n;
  for (let i = 0; i < repeats; i++) {
    let t = performance.now();
    raw(50_000_000);
    rawMs.push(performance.now() - t);
    t = performance.now();
    instructions = instance.execute(entry, ENV).instructions;
    meteredMs.push(performance.now() - t);
  }
  const r = median(rawMs);
  const m = median(meteredMs);
  console.log(`\nmetering: a 50 M-iteration Wasm loop, median of ${repeats}, ms`);
  console.log('metered   as compiled  ratio  instructions counted  G instr/s');
  console.log(
    `${m.toFixed(0).padStart(7)}  ${r.toFixed(0).padStart(11)}  ${(m / r).toFixed(2)}x  ${String(instructions).padStart(20)}  ${(Number(instructions) / m / 1e6).toFixed(2)}`,
  );
}

const probeIdl = ({ IDL: I }) => I.Service({ spin: I.Func([], [], []) });
async function spinToLimit(limits) {
  const dataDir = await mkdtemp(join(tmpdir(), 'citadel-bench-metering-'));
  const running = await startReplica({ dataDir, port: 0, instructionLimits: limits });
  try {
    const agent = await HttpAgent.create({
      host: running.url,
      identity: Ed25519KeyIdentity.generate(),
      shouldFetchRootKey: true,
    });
    const { actor: probe } = await deployProbe(agent, probeIdl);
    const t = performance.now();
    await probe.spin().catch(() => undefined);
    return performance.now() - t;
  } finally {
    await running.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

export async function runMetering({ repeats = 5 } = {}) {
  await loopOverhead(repeats);
  const full = await spinToLimit({});
  const oneSlice = await spinToLimit({ update: 2_000_000_000n });
  console.log('\nmetering: an Azle update looping for ever until IC0522, through the agent, ms');
  console.log('40 B limit (20 slices)  2 B limit (1 slice)  ratio');
  console.log(
    `${full.toFixed(0).padStart(22)}  ${oneSlice.toFixed(0).padStart(19)}  ${(full / oneSlice).toFixed(2)}x`,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await runMetering();
}
