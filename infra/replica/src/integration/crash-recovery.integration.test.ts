/**
 * Durability under `kill -9`: a real replica process (the built `@citadel/replica`) serves a
 * stream of updates from unmodified agents and is killed with SIGKILL at random moments —
 * mid-round, mid-checkpoint, mid-upgrade — then restarted on the same data directory. Every
 * update an agent saw answered must still be there, with the same root key, canister id,
 * controllers and module.
 */
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ActorSubclass } from '@dfinity/agent';
import { Actor, HttpAgent } from '@dfinity/agent';
import { IDL } from '@dfinity/candid';
import { Ed25519KeyIdentity } from '@dfinity/identity';
import { Principal } from '@dfinity/principal';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { managementIdlFactory } from '../management/candid.js';
import type { ManagementActor } from './harness.js';
import { testCanisterWasm } from './harness.js';
import type { ProbeActor } from './probe.js';
import { probeIdlFactory } from './probe.js';

const BUILT_REPLICA = fileURLToPath(new URL('../../dist/index.js', import.meta.url));
/** How many times the network is killed. */
const KILLS = 8;
/** Concurrent agents writing while the network runs. */
const WRITERS = 3;
/** Seed of the kill schedule; printed so a failing run can be repeated. */
const SEED = Number(process.env.CITADEL_CRASH_SEED ?? Date.now() % 1_000_000);

/** Mulberry32: a small deterministic PRNG for the kill schedule. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CHILD_SCRIPT = `
const { startReplica } = await import(process.env.CITADEL_REPLICA_URL);
const running = await startReplica({
  dataDir: process.env.CITADEL_DATA_DIR,
  port: 0,
  // A spinning message takes 3 B instructions in slices of 0.5 B: about six rounds to kill in.
  instructionLimits: { update: 3_000_000_000n, slice: 500_000_000n },
  log: (line) => process.stderr.write(line + '\\n'),
});
process.stdout.write(JSON.stringify({ url: running.url, rootKey: Buffer.from(running.rootKeyDer).toString('hex') }) + '\\n');
`;

interface RunningChild {
  readonly child: ChildProcessWithoutNullStreams;
  readonly url: string;
  readonly rootKey: string;
  readonly stderr: () => string;
}

/** Starts the replica in a child process and waits for its URL. */
function startChild(dataDir: string): Promise<RunningChild> {
  const child = spawn(process.execPath, ['--input-type=module', '-e', CHILD_SCRIPT], {
    env: {
      ...process.env,
      CITADEL_REPLICA_URL: pathToFileURL(BUILT_REPLICA).href,
      CITADEL_DATA_DIR: dataDir,
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    child.once('exit', (code, signal) =>
      reject(new Error(`replica exited before serving (${code ?? signal}):\n${stderr}`)),
    );
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      const line = stdout.split('\n')[0];
      if (stdout.includes('\n') && line !== undefined) {
        const { url, rootKey } = JSON.parse(line) as { url: string; rootKey: string };
        resolve({ child, url, rootKey, stderr: () => stderr });
      }
    });
  });
}

async function kill(running: RunningChild): Promise<void> {
  if (running.child.exitCode !== null || running.child.signalCode !== null) {
    return;
  }
  const exited = new Promise((resolve) => running.child.once('exit', resolve));
  running.child.kill('SIGKILL');
  await exited;
}

const owner = Ed25519KeyIdentity.generate();

async function connect(url: string) {
  // No retries: a call cut off by the kill fails at once instead of backing off against a
  // port nobody listens on any more.
  const agent = await HttpAgent.create({
    host: url,
    identity: owner,
    shouldFetchRootKey: true,
    retryTimes: 0,
  });
  return {
    rootKey: Buffer.from(agent.rootKey as Uint8Array).toString('hex'),
    management: Actor.createActor<ManagementActor>(managementIdlFactory, {
      agent,
      canisterId: Principal.managementCanister(),
      effectiveCanisterId: Principal.fromText('rwlgt-iiaaa-aaaaa-aaaaa-cai'),
    }),
    probe: (id: Principal) =>
      Actor.createActor<ProbeActor>(probeIdlFactory, { agent, canisterId: id }),
  };
}

/** What the agents saw acknowledged, and what they attempted. */
interface Ledger {
  readonly puts: Map<string, string>;
  /** Hex SHA-256 of chunks whose upload_chunk was answered. */
  readonly chunks: Set<string>;
  acknowledgedIncs: number;
  attemptedIncs: number;
  acknowledgedUpgrades: number;
  attemptedUpgrades: number;
  /** Sliced messages that ran to their limit and were answered with IC0522. */
  spins: number;
}

/**
 * One writer: puts unique keys, and every few operations increments the heap counter or
 * (writer 0) upgrades the canister, until `stop` says so. Failures are the kill's doing: an
 * update that did not come back is simply not acknowledged.
 */
async function writer(
  index: number,
  round: number,
  probe: ActorSubclass<ProbeActor>,
  management: ActorSubclass<ManagementActor>,
  canisterId: Principal,
  ledger: Ledger,
  stopped: () => boolean,
): Promise<void> {
  for (let n = 0; !stopped(); n++) {
    try {
      if (index === 1 && n % 5 === 4 && ledger.chunks.size < 90) {
        // Mid-upload kills: a chunk store entry per acknowledged upload_chunk.
        const chunk = new TextEncoder().encode(`chunk ${round}-${n} `.repeat(2_000));
        const { hash } = await management.upload_chunk({ canister_id: canisterId, chunk });
        ledger.chunks.add(Buffer.from(hash).toString('hex'));
      } else if (index === 0 && n % 7 === 6) {
        ledger.attemptedUpgrades += 1;
        await management.install_code({
          mode: { upgrade: [] },
          canister_id: canisterId,
          wasm_module: testCanisterWasm('probe', 'wasm.gz'),
          arg: new Uint8Array(IDL.encode([IDL.Opt(IDL.Text)], [[]])),
          sender_canister_version: [],
        });
        ledger.acknowledgedUpgrades += 1;
      } else if (n % 3 === 2) {
        ledger.attemptedIncs += 1;
        await probe.inc();
        ledger.acknowledgedIncs += 1;
      } else {
        const key = `k${round}-${index}-${n}`;
        const value = `v${round}-${index}-${n}-${'x'.repeat(n % 50)}`;
        await probe.put(key, value);
        ledger.puts.set(key, value);
      }
    } catch {
      if (!stopped()) {
        // A refusal while the network is up would be a bug; surface it through the checks.
        ledger.puts.set(`unexpected-failure-${round}-${index}-${n}`, 'x');
      }
      return;
    }
  }
}

/** Sends messages that run to the instruction limit over several rounds, until `stopped`. */
async function spinner(
  probe: ActorSubclass<ProbeActor>,
  ledger: Ledger,
  stopped: () => boolean,
): Promise<void> {
  while (!stopped()) {
    try {
      await probe.spin();
      ledger.puts.set('unexpected-spin-reply', 'x');
    } catch (error) {
      if (stopped()) {
        return;
      }
      if (!String(error).includes('IC0522')) {
        ledger.puts.set(`unexpected-spin-failure ${String(error).slice(0, 200)}`, 'x');
        return;
      }
      ledger.spins += 1;
    }
  }
}

describe('a network killed with SIGKILL at random moments', () => {
  let dataDir: string;
  let running: RunningChild | undefined;

  beforeAll(async () => {
    if (!existsSync(BUILT_REPLICA)) {
      throw new Error(`${BUILT_REPLICA} is missing: run \`npm run build\` first.`);
    }
    dataDir = await mkdtemp(join(tmpdir(), 'citadel-crash-'));
  });

  afterAll(async () => {
    if (running) {
      await kill(running);
    }
    await rm(dataDir, { recursive: true, force: true });
  });

  it(`loses no acknowledged update across ${KILLS} kills (seed ${SEED})`, async () => {
    const random = prng(SEED);
    running = await startChild(dataDir);
    const rootKey = running.rootKey;
    const first = await connect(running.url);
    const { canister_id: canisterId } =
      await first.management.provisional_create_canister_with_cycles({
        amount: [],
        settings: [],
        specified_id: [],
        sender_canister_version: [],
      });
    await first.management.install_code({
      mode: { install: null },
      canister_id: canisterId,
      wasm_module: testCanisterWasm('probe', 'wasm.gz'),
      arg: new Uint8Array(IDL.encode([IDL.Opt(IDL.Text)], [['durable']])),
      sender_canister_version: [],
    });
    const statusBefore = await first.management.canister_status({ canister_id: canisterId });
    const { canister_id: spinnerId } =
      await first.management.provisional_create_canister_with_cycles({
        amount: [],
        settings: [],
        specified_id: [],
        sender_canister_version: [],
      });
    await first.management.install_code({
      mode: { install: null },
      canister_id: spinnerId,
      wasm_module: testCanisterWasm('probe', 'wasm.gz'),
      arg: new Uint8Array(IDL.encode([IDL.Opt(IDL.Text)], [['spinner']])),
      sender_canister_version: [],
    });
    const ledger: Ledger = {
      puts: new Map(),
      chunks: new Set(),
      acknowledgedIncs: 0,
      attemptedIncs: 0,
      acknowledgedUpgrades: 0,
      attemptedUpgrades: 0,
      spins: 0,
    };

    for (let round = 0; round < KILLS; round++) {
      const client = await connect(running.url);
      let stop = false;
      const writers = [
        ...Array.from({ length: WRITERS }, (_, index) =>
          writer(
            index,
            round,
            client.probe(canisterId),
            client.management,
            canisterId,
            ledger,
            () => stop,
          ),
        ),
        // Kills also land in the middle of a message sliced over several rounds.
        spinner(client.probe(spinnerId), ledger, () => stop),
      ];
      // Between 0.2 and 3 s of load: some kills land mid-round, some mid-checkpoint (every
      // 5 s while dirty), some during an upgrade.
      await new Promise((resolve) => setTimeout(resolve, 200 + random() * 2800));
      stop = true;
      await kill(running);
      // Writers whose call was cut off end with an error; none can succeed any more, so the
      // ledger is final even if a writer is still unwinding.
      await Promise.race([
        Promise.all(writers),
        new Promise((resolve) => setTimeout(resolve, 2_000)),
      ]);

      running = await startChild(dataDir);
      expect(running.rootKey, running.stderr()).toBe(rootKey);
      const after = await connect(running.url);
      expect(after.rootKey).toBe(rootKey);
      const probe = after.probe(canisterId);
      const unexpected = [...ledger.puts.keys()].filter((k) => k.startsWith('unexpected'));
      expect(unexpected, running.stderr()).toEqual([]);
      const lost: string[] = [];
      for (const [key, value] of ledger.puts) {
        const [stored] = await probe.lookup(key);
        if (stored !== value) {
          lost.push(key);
        }
      }
      expect(lost, `seed ${SEED}, kill ${round}:\n${running.stderr()}`).toEqual([]);
      // Upgrades reset the heap counter, so only the stable upgrade count is checked exactly.
      const upgrades = Number(await probe.upgrades());
      expect(upgrades).toBeGreaterThanOrEqual(ledger.acknowledgedUpgrades);
      expect(upgrades).toBeLessThanOrEqual(ledger.attemptedUpgrades);
      const stored = new Set(
        (await after.management.stored_chunks({ canister_id: canisterId })).map(({ hash }) =>
          Buffer.from(hash).toString('hex'),
        ),
      );
      expect([...ledger.chunks].filter((hash) => !stored.has(hash))).toEqual([]);
      const status = await after.management.canister_status({ canister_id: canisterId });
      expect(status.module_hash).toEqual(statusBefore.module_hash);
      expect(status.settings.controllers.map((c) => c.toText())).toEqual(
        statusBefore.settings.controllers.map((c) => c.toText()),
      );
      expect(await probe.greeting()).toBe('durable');
      expect(await after.probe(spinnerId).greeting()).toBe('spinner');
    }
    expect(ledger.puts.size).toBeGreaterThan(KILLS);
    console.log(
      `crash test (seed ${SEED}): ${KILLS} kills; kept ${ledger.puts.size} puts, ${ledger.chunks.size} chunks, ` +
        `${ledger.acknowledgedUpgrades} upgrades, ${ledger.acknowledgedIncs} incs, ` +
        `${ledger.spins} sliced messages answered`,
    );
  }, 300_000);
});
