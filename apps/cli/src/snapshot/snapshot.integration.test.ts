/**
 * `citadel network snapshot` against the real replica, run as a user would through the built
 * `bin/citadel.js` (`npm run build` and `npm run build:canisters` must have run first). State
 * is made with the probe test canister (infra/replica/test-canisters/probe).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ActorSubclass } from '@dfinity/agent';
import { Actor, HttpAgent } from '@dfinity/agent';
import { IDL } from '@dfinity/candid';
import { Ed25519KeyIdentity } from '@dfinity/identity';
import { Principal } from '@dfinity/principal';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataDirFiles } from '../network/data-dir.js';
import type { NetworkInfo } from '../network/network-file.js';
import { nodeProcessControl } from '../network/process-control.js';

const BIN = fileURLToPath(new URL('../../bin/citadel.js', import.meta.url));
const BUILT_MAIN = fileURLToPath(new URL('../../dist/main.js', import.meta.url));
const PROBE_WASM = fileURLToPath(
  new URL('../../../../infra/replica/test-canisters/dist/probe.wasm.gz', import.meta.url),
);
/** Upper bound for one CLI run; it only bounds a hang. */
const RUN_LIMIT_MS = 60_000;

/** The two management methods the test needs (IC interface spec, `ic.did`). */
const managementIdl: IDL.InterfaceFactory = ({ IDL: I }) =>
  I.Service({
    provisional_create_canister_with_cycles: I.Func(
      [
        I.Record({
          amount: I.Opt(I.Nat),
          settings: I.Opt(I.Record({ controllers: I.Opt(I.Vec(I.Principal)) })),
          specified_id: I.Opt(I.Principal),
          sender_canister_version: I.Opt(I.Nat64),
        }),
      ],
      [I.Record({ canister_id: I.Principal })],
      [],
    ),
    install_code: I.Func(
      [
        I.Record({
          mode: I.Variant({ install: I.Null }),
          canister_id: I.Principal,
          wasm_module: I.Vec(I.Nat8),
          arg: I.Vec(I.Nat8),
          sender_canister_version: I.Opt(I.Nat64),
        }),
      ],
      [],
      [],
    ),
  });

interface Management {
  provisional_create_canister_with_cycles(arg: {
    amount: [];
    settings: [];
    specified_id: [];
    sender_canister_version: [];
  }): Promise<{ canister_id: Principal }>;
  install_code(arg: {
    mode: { install: null };
    canister_id: Principal;
    wasm_module: Uint8Array;
    arg: Uint8Array;
    sender_canister_version: [];
  }): Promise<void>;
}

/** The probe's key-value store: `put` is an update, `lookup` a query. */
const probeIdl: IDL.InterfaceFactory = ({ IDL: I }) =>
  I.Service({
    put: I.Func([I.Text, I.Text], [], []),
    lookup: I.Func([I.Text], [I.Opt(I.Text)], ['query']),
  });

interface Probe {
  put(key: string, value: string): Promise<void>;
  lookup(key: string): Promise<[] | [string]>;
}

interface RunResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function citadel(args: readonly string[]): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const limit = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`citadel ${args.join(' ')} did not finish:\n${stdout}\n${stderr}`));
    }, RUN_LIMIT_MS);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(limit);
      resolve({ code, stdout, stderr });
    });
  });
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('citadel network snapshot against the real replica', () => {
  const owner = Ed25519KeyIdentity.generate();
  let dir: string;
  let dataDir: string;
  const started = new Set<number>();

  beforeAll(async () => {
    for (const built of [BUILT_MAIN, PROBE_WASM]) {
      if (!existsSync(built)) {
        throw new Error(`${built} is missing: run \`npm run build && npm run build:canisters\`.`);
      }
    }
    dir = await mkdtemp(join(tmpdir(), 'citadel-snapshot-it-'));
    dataDir = join(dir, 'network');
  });

  afterAll(async () => {
    for (const pid of started) {
      if (nodeProcessControl.isAlive(pid)) {
        process.kill(pid, 'SIGKILL');
      }
    }
    await rm(dir, { recursive: true, force: true });
  });

  /** `citadel start --background` on a free port; returns the network and an agent for it. */
  async function start(): Promise<{ info: NetworkInfo; agent: HttpAgent }> {
    const result = await citadel([
      'start',
      '--background',
      '--port',
      String(await freePort()),
      '--data-dir',
      dataDir,
    ]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const info = JSON.parse(await readFile(dataDirFiles(dataDir).network, 'utf8')) as NetworkInfo;
    started.add(info.pid);
    const agent = await HttpAgent.create({
      host: info.url,
      identity: owner,
      shouldFetchRootKey: true,
    });
    return { info, agent };
  }

  async function stop(): Promise<void> {
    const result = await citadel(['stop', '--data-dir', dataDir]);
    expect(result.code).toBe(0);
  }

  const snapshot = (verb: 'save' | 'restore', file: string) =>
    citadel(['network', 'snapshot', verb, file, '--data-dir', dataDir]);

  const probeOf = (agent: HttpAgent, canisterId: Principal): ActorSubclass<Probe> =>
    Actor.createActor<Probe>(probeIdl, { agent, canisterId });

  it('restores the state a snapshot was taken in, while running or stopped, over later changes', async () => {
    const stoppedSnapshot = join(dir, 'stopped.citadel-snapshot');
    const liveSnapshot = join(dir, 'live.citadel-snapshot');

    // A canister with some state.
    const first = await start();
    const management = Actor.createActor<Management>(managementIdl, {
      agent: first.agent,
      canisterId: Principal.managementCanister(),
      effectiveCanisterId: Principal.fromText('rwlgt-iiaaa-aaaaa-aaaaa-cai'),
    });
    const { canister_id: canisterId } = await management.provisional_create_canister_with_cycles({
      amount: [],
      settings: [],
      specified_id: [],
      sender_canister_version: [],
    });
    await management.install_code({
      mode: { install: null },
      canister_id: canisterId,
      wasm_module: new Uint8Array(await readFile(PROBE_WASM)),
      // The probe's init argument: an optional greeting.
      arg: new Uint8Array(IDL.encode([IDL.Opt(IDL.Text)], [[]])),
      sender_canister_version: [],
    });
    await probeOf(first.agent, canisterId).put('planet', 'mars');

    // Saved while the network runs, right after the update was answered; then once stopped.
    const live = await snapshot('save', liveSnapshot);
    expect(live.stderr).toBe('');
    expect(live.code).toBe(0);
    expect(live.stdout).toContain('(taken while the network was running)');
    await stop();
    const saved = await snapshot('save', stoppedSnapshot);
    expect(saved.stderr).toBe('');
    expect(saved.code).toBe(0);
    expect(saved.stdout).toContain(`File:      ${stoppedSnapshot}`);

    // The live snapshot restores to the state it was taken in (the round log replayed on
    // the checkpoint copied before it); then the state changes, and a restore is refused.
    expect((await snapshot('restore', liveSnapshot)).code).toBe(0);
    const second = await start();
    // Same keys: clients that pinned the root key keep working.
    expect(second.info.rootKey).toBe(first.info.rootKey);
    const changed = probeOf(second.agent, canisterId);
    expect(await changed.lookup('planet')).toEqual(['mars']);
    await changed.put('planet', 'jupiter');
    await changed.put('moon', 'europa');
    const refused = await snapshot('restore', stoppedSnapshot);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('error[CLI_SNAPSHOT_NETWORK_RUNNING]');
    expect(await changed.lookup('planet')).toEqual(['jupiter']);
    await stop();

    // The stopped snapshot brings back the state before the changes.
    const restored = await snapshot('restore', stoppedSnapshot);
    expect(restored.stderr).toBe('');
    expect(restored.code).toBe(0);
    expect(restored.stdout).toContain(`Restored ${dataDir} from ${stoppedSnapshot}`);
    const third = await start();
    expect(third.info.rootKey).toBe(first.info.rootKey);
    const probe = probeOf(third.agent, canisterId);
    expect(await probe.lookup('planet')).toEqual(['mars']);
    expect(await probe.lookup('moon')).toEqual([]);
    await stop();
  });
});
