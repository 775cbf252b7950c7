// Durability costs, each against a baseline measured in the same run:
// - the round log: update latency through the agent with the log (fdatasync per round) vs the
//   same replica kept in memory;
// - startup: a data directory with 50 canisters vs one with 1 canister (checkpoint load);
// - recovery: a restart that replays the rounds logged since the checkpoint (as after kill -9)
//   vs a restart after a clean stop.
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HttpAgent } from '@dfinity/agent';
import { Ed25519KeyIdentity } from '@dfinity/identity';
import { createReplica, generateKeyMaterial, startReplica } from '@citadel/replica';
// Internal adapter: the in-memory baseline must be served over HTTP exactly like the real one.
import { serveHandler } from '../infra/replica/dist/http/node-server.js';
import { deployProbe } from './deploy-probe.mjs';

const probeIdl = ({ IDL: I }) =>
  I.Service({
    inc: I.Func([], [I.Nat], []),
    put: I.Func([I.Text, I.Text], [], []),
    lookup: I.Func([I.Text], [I.Opt(I.Text)], ['query']),
  });

const identity = Ed25519KeyIdentity.generate();

async function client(url) {
  const agent = await HttpAgent.create({ host: url, identity, shouldFetchRootKey: true });
  return { deploy: async () => (await deployProbe(agent, probeIdl)).actor };
}

const median = (samples) => [...samples].sort((a, b) => a - b)[Math.floor(samples.length / 2)];

async function timeMs(fn) {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

async function updateLatency(url, iterations) {
  const probe = await (await client(url)).deploy();
  for (let i = 0; i < 10; i++) {
    await probe.inc();
  }
  const samples = [];
  for (let i = 0; i < iterations; i++) {
    samples.push(await timeMs(() => probe.inc()));
  }
  return median(samples);
}

async function roundLogCost(iterations) {
  const dataDir = await mkdtemp(join(tmpdir(), 'citadel-bench-wal-'));
  const durable = await startReplica({ dataDir, port: 0 });
  const memory = await createReplica({ keys: generateKeyMaterial() });
  const served = await serveHandler(memory.fetch, { host: '127.0.0.1', port: 0 });
  try {
    const withLog = await updateLatency(durable.url, iterations);
    const inMemory = await updateLatency(`http://127.0.0.1:${served.port}`, iterations);
    return { withLog, inMemory };
  } finally {
    await served.close();
    await memory.close();
    await durable.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** A stopped network's data directory with `count` probe canisters holding a few entries. */
async function dataDirWith(count) {
  const dataDir = await mkdtemp(join(tmpdir(), `citadel-bench-${count}-`));
  const running = await startReplica({ dataDir, port: 0 });
  const c = await client(running.url);
  for (let i = 0; i < count; i++) {
    const probe = await c.deploy();
    await probe.put(`key-${i}`, `value-${i}`);
  }
  await running.close();
  return dataDir;
}

async function startupMs(dataDir, repeats) {
  const samples = [];
  for (let i = 0; i < repeats; i++) {
    // Start from a copy each time: a start writes checkpoints and would change the next one.
    const copy = await mkdtemp(join(tmpdir(), 'citadel-bench-copy-'));
    await cp(dataDir, copy, { recursive: true });
    let running;
    samples.push(
      await timeMs(async () => {
        running = await startReplica({ dataDir: copy, port: 0 });
      }),
    );
    await running.close();
    await rm(copy, { recursive: true, force: true });
  }
  return median(samples);
}

async function recoveryMs(updates, repeats) {
  const dataDir = await mkdtemp(join(tmpdir(), 'citadel-bench-recovery-'));
  const crashed = await mkdtemp(join(tmpdir(), 'citadel-bench-crashed-'));
  const running = await startReplica({ dataDir, port: 0 });
  try {
    const probe = await (await client(running.url)).deploy();
    for (let i = 0; i < updates; i++) {
      await probe.put(`key-${i}`, `value-${i}`);
    }
    await running.replica.network.settle();
    // What kill -9 leaves behind: the live directory, copied while the network runs.
    await cp(dataDir, crashed, { recursive: true });
  } finally {
    await running.close();
  }
  const afterCrash = await startupMs(crashed, repeats);
  const afterStop = await startupMs(dataDir, repeats);
  await rm(dataDir, { recursive: true, force: true });
  await rm(crashed, { recursive: true, force: true });
  return { afterCrash, afterStop };
}

export async function runDurability({ iterations, canisters }) {
  const log = await roundLogCost(iterations);
  console.log(`\ndurability: update p50 over ${iterations} calls, ms`);
  console.log('with round log  in memory  ratio');
  console.log(
    `${log.withLog.toFixed(2).padStart(15)}  ${log.inMemory.toFixed(2).padStart(9)}  ${(log.withLog / log.inMemory).toFixed(2)}x`,
  );

  const one = await dataDirWith(1);
  const many = await dataDirWith(canisters);
  const startOne = await startupMs(one, 3);
  const startMany = await startupMs(many, 3);
  console.log(`\ndurability: startup on an existing data directory, median of 3, ms`);
  console.log(`${canisters} canisters  1 canister  ratio  per extra canister`);
  console.log(
    `${startMany.toFixed(0).padStart(12)}  ${startOne.toFixed(0).padStart(10)}  ${(startMany / startOne).toFixed(2)}x  ${((startMany - startOne) / (canisters - 1)).toFixed(1)} ms`,
  );
  await rm(one, { recursive: true, force: true });
  await rm(many, { recursive: true, force: true });

  const updates = Math.min(iterations, 300);
  const recovery = await recoveryMs(updates, 3);
  console.log(
    `\ndurability: restart after kill -9 (${updates} logged updates replayed) vs after a clean stop, ms`,
  );
  console.log('after crash  after stop  ratio');
  console.log(
    `${recovery.afterCrash.toFixed(0).padStart(11)}  ${recovery.afterStop.toFixed(0).padStart(10)}  ${(recovery.afterCrash / recovery.afterStop).toFixed(2)}x`,
  );
}
