// Update and query latency through the unmodified @dfinity/agent over real HTTP, next to the
// same canister method executed directly on the canister instance (the baseline). The ratio
// is the cost of the protocol: CBOR, signatures, request ids, certification, HTTP.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HttpAgent } from '@dfinity/agent';
import { IDL } from '@dfinity/candid';
import { Ed25519KeyIdentity } from '@dfinity/identity';
import { startReplica } from '@citadel/replica';
import { deployProbe } from './deploy-probe.mjs';

const probeIdl = ({ IDL: I }) =>
  I.Service({ inc: I.Func([], [I.Nat], []), get: I.Func([], [I.Nat], ['query']) });

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function measure(iterations, fn) {
  const samples = [];
  for (let i = 0; i < iterations; i++) {
    const start = process.hrtime.bigint();
    await fn();
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  samples.sort((a, b) => a - b);
  return { p50: percentile(samples, 50), p99: percentile(samples, 99) };
}

export async function runAgentOverhead({ iterations }) {
  const dataDir = await mkdtemp(join(tmpdir(), 'citadel-bench-'));
  const running = await startReplica({ dataDir, port: 0 });
  try {
    const identity = Ed25519KeyIdentity.generate();
    const agent = await HttpAgent.create({ host: running.url, identity, shouldFetchRootKey: true });
    const { canisterId: canister_id, actor: probe } = await deployProbe(agent, probeIdl);
    const canister = running.replica.network.canisters.get(canister_id.toUint8Array());
    const env = () => ({
      canisterId: canister.id,
      timeNs: BigInt(Date.now()) * 1_000_000n,
      controllers: canister.controllers,
      rootKeyDer: running.rootKeyDer,
      cyclesBalance: canister.cyclesBalance,
      canisterVersion: canister.version,
      status: 'running',
      subnetId: running.replica.network.keys.subnetId,
      globalTimerNs: 0n,
      instructionLimit: 40_000_000_000n,
    });
    const noArgs = new Uint8Array(IDL.encode([], []));
    const caller = identity.getPrincipal().toUint8Array();

    // Warm up both paths so JIT and caches settle before measuring.
    for (let i = 0; i < 10; i++) {
      await probe.inc();
      await probe.get();
    }
    const rows = [
      [
        'update',
        await measure(iterations, () => probe.inc()),
        await measure(iterations, () =>
          canister.code.instance.execute(
            { kind: 'update', method: 'inc', arg: noArgs, caller, cyclesAvailable: 0n },
            env(),
          ),
        ),
      ],
      [
        'query',
        await measure(iterations, () => probe.get()),
        await measure(iterations, () =>
          canister.code.instance.execute(
            { kind: 'query', method: 'get', arg: noArgs, caller, mode: 'non_replicated' },
            env(),
          ),
        ),
      ],
    ];
    console.log(
      `\nagent-overhead: ${iterations} calls each, latency in ms (agent over HTTP vs direct execution)`,
    );
    console.log('kind     agent p50  agent p99  direct p50  direct p99  ratio p50  ratio p99');
    for (const [kind, viaAgent, direct] of rows) {
      console.log(
        `${kind.padEnd(8)} ${viaAgent.p50.toFixed(2).padStart(9)}  ${viaAgent.p99.toFixed(2).padStart(9)}  ` +
          `${direct.p50.toFixed(2).padStart(10)}  ${direct.p99.toFixed(2).padStart(10)}  ` +
          `${(viaAgent.p50 / direct.p50).toFixed(1).padStart(8)}x  ${(viaAgent.p99 / direct.p99).toFixed(1).padStart(8)}x`,
      );
    }
  } finally {
    await running.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}
