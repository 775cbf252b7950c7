/**
 * End-to-end tests of the built `citadel` command against the real replica: they run
 * `node apps/cli/bin/citadel.js` as a user would, so `npm run build` must have run first.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HttpAgent } from '@dfinity/agent';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { dataDirFiles } from './network/data-dir.js';
import type { NetworkInfo } from './network/network-file.js';
import { nodeProcessControl } from './network/process-control.js';

const BIN = fileURLToPath(new URL('../bin/citadel.js', import.meta.url));
const BUILT_MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));
/** Upper bound for one CLI run; generous, it only bounds a hang. */
const RUN_LIMIT_MS = 90_000;

interface RunResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `citadel <args>` to completion. */
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
    child.once('close', (code, signal) => {
      clearTimeout(limit);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** A TCP port that was free a moment ago: bind port 0, read it, release it. */
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

async function readInfo(dataDir: string): Promise<NetworkInfo> {
  return JSON.parse(await readFile(dataDirFiles(dataDir).network, 'utf8')) as NetworkInfo;
}

const toHex = (bytes: ArrayBuffer | Uint8Array): string =>
  Array.from(new Uint8Array(bytes), (b) => b.toString(16).padStart(2, '0')).join('');

describe('the citadel command against the real replica', () => {
  let dataDir: string;
  /** Pids to kill if a test fails half-way, so no network outlives the suite. */
  const started = new Set<number>();

  beforeAll(() => {
    if (!existsSync(BUILT_MAIN)) {
      throw new Error(`${BUILT_MAIN} is missing: run \`npm run build\` first.`);
    }
  });

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'citadel-cli-it-'));
  });

  afterEach(async () => {
    for (const pid of started) {
      if (nodeProcessControl.isAlive(pid)) {
        process.kill(pid, 'SIGKILL');
      }
    }
    started.clear();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('start --background serves the network, status reports it, stop ends the process and removes network.json', async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;

    const start = await citadel([
      'start',
      '--background',
      '--port',
      String(port),
      '--data-dir',
      dataDir,
    ]);
    expect(start.stderr).toBe('');
    expect(start.code).toBe(0);
    const info = await readInfo(dataDir);
    started.add(info.pid);
    expect(info).toMatchObject({ url, port });
    expect(start.stdout).toContain(`URL:       ${url}`);
    expect(start.stdout).toContain(`Root key:  ${info.rootKey}`);
    expect(start.stdout).toContain(`PID:       ${info.pid}`);
    expect(nodeProcessControl.isAlive(info.pid)).toBe(true);

    // An unmodified agent fetches the same root key the CLI printed.
    const agent = await HttpAgent.create({ host: url, shouldFetchRootKey: true });
    expect(toHex(agent.rootKey as Uint8Array)).toBe(info.rootKey);

    const status = await citadel(['status', '--json', '--data-dir', dataDir]);
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({
      running: true,
      ready: true,
      url,
      pid: info.pid,
      rootKey: info.rootKey,
    });
    // A new network carries its system apps — Internet Identity (its canister and its
    // frontend), the dApp directory and the console — and nothing else.
    expect(
      (JSON.parse(status.stdout) as { canisters: { id: string; status: string }[] }).canisters.map(
        ({ id, status: state }) => ({ id, state }),
      ),
    ).toEqual([
      { id: 'qoctq-giaaa-aaaaa-aaaea-cai', state: 'running' },
      { id: 'rdmx6-jaaaa-aaaaa-aaadq-cai', state: 'running' },
      { id: 'qjdve-lqaaa-aaaaa-aaaeq-cai', state: 'running' },
      { id: 'qaa6y-5yaaa-aaaaa-aaafa-cai', state: 'running' },
    ]);

    const second = await citadel(['start', '--port', '0', '--data-dir', dataDir]);
    expect(second.code).toBe(1);
    expect(second.stderr).toContain(
      `error[CLI_NETWORK_ALREADY_RUNNING]: A local network is already running at ${url}`,
    );

    const stop = await citadel(['stop', '--data-dir', dataDir]);
    expect(stop.stderr).toBe('');
    expect(stop.code).toBe(0);
    expect(stop.stdout).toContain(`Stopped the local network at ${url} (pid ${info.pid}).`);
    expect(nodeProcessControl.isAlive(info.pid)).toBe(false);
    expect(existsSync(dataDirFiles(dataDir).network)).toBe(false);
    expect(existsSync(dataDirFiles(dataDir).lock)).toBe(false);

    const after = await citadel(['status', '--json', '--data-dir', dataDir]);
    expect(after.code).toBe(1);
    expect(JSON.parse(after.stdout)).toEqual({ running: false });
  });

  it('start in the foreground serves until SIGINT, then exits 0 and removes network.json', async () => {
    const child = spawn(process.execPath, [BIN, 'start', '--port', '0', '--data-dir', dataDir], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    if (child.pid !== undefined) {
      started.add(child.pid);
    }
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.once('exit', (code, signal) => resolve({ code, signal })),
    );
    const ready = new Promise<void>((resolve, reject) => {
      child.stdout.on('data', () => {
        if (stdout.includes('Press Ctrl-C to stop')) {
          resolve();
        }
      });
      void exited.then(({ code }) =>
        reject(new Error(`citadel start exited early with ${code}:\n${stdout}\n${stderr}`)),
      );
    });
    await ready;

    const info = await readInfo(dataDir);
    expect(info.pid).toBe(child.pid);
    expect(stdout).toContain(`URL:       ${info.url}`);
    expect(stdout).toContain(`Root key:  ${info.rootKey}`);
    const response = await fetch(`${info.url}/api/v2/status`);
    expect(response.status).toBe(200);
    await response.arrayBuffer();

    child.kill('SIGINT');
    expect(await exited).toEqual({ code: 0, signal: null });
    expect(stdout).toContain('Stopped.');
    expect(stderr).not.toMatch(/error|warning/i);
    expect(existsSync(dataDirFiles(dataDir).network)).toBe(false);
    expect(existsSync(dataDirFiles(dataDir).lock)).toBe(false);
  });
});
