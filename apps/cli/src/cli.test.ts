import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CliContext } from './cli-context.js';
import { EXIT_USAGE, runCli } from './cli.js';
import type { SpawnDetached, SpawnDetachedParams } from './network/background-start.js';
import { dataDirFiles } from './network/data-dir.js';
import type { FakeProcesses, FakeReplica } from './testing/fakes.js';
import { makeFakeClock, makeFakeProcesses, makeFakeReplica, makeTempDir } from './testing/fakes.js';

interface Harness {
  readonly context: CliContext;
  readonly out: string[];
  readonly err: string[];
  readonly replica: FakeReplica;
  readonly processes: FakeProcesses;
  readonly spawned: SpawnDetachedParams[];
  /** Delivers a shutdown signal to a foreground `start`. */
  signal(name: NodeJS.Signals): void;
}

function makeHarness(cwd: string, overrides: Partial<CliContext> = {}): Harness {
  const out: string[] = [];
  const err: string[] = [];
  const replica = makeFakeReplica();
  const processes = makeFakeProcesses([process.pid]);
  const spawned: SpawnDetachedParams[] = [];
  let deliver: (signal: NodeJS.Signals) => void = () => {
    throw new Error('start has not waited for a signal yet');
  };
  const spawnDetached: SpawnDetached = async (params) => {
    spawned.push(params);
    return { pid: 5555, exited: new Promise(() => {}) };
  };
  const context: CliContext = {
    cwd,
    // The config directory is then <cwd>/.config/citadel, never the real one.
    env: {},
    homeDir: cwd,
    stdout: (line) => out.push(line),
    stderr: (line) => err.push(line),
    version: '1.2.3',
    selfCommand: { command: '/usr/bin/node', args: ['/opt/citadel/bin/citadel.js'] },
    loadReplica: async () => replica.factory,
    waitForShutdownSignal: () =>
      new Promise((resolve) => {
        deliver = resolve;
      }),
    fetch: (async () => new Response('{}', { status: 200 })) as typeof fetch,
    processes,
    spawnDetached,
    ...makeFakeClock(),
    ...overrides,
  };
  return { context, out, err, replica, processes, spawned, signal: (name) => deliver(name) };
}

async function exists(path: string): Promise<boolean> {
  return readFile(path).then(
    () => true,
    () => false,
  );
}

describe('runCli', () => {
  let dir: { path: string; remove: () => Promise<void> };
  let dataDir: string;
  beforeEach(async () => {
    dir = await makeTempDir();
    dataDir = join(dir.path, 'network');
  });
  afterEach(() => dir.remove());

  it('prints the version for --version', async () => {
    const h = makeHarness(dir.path);
    expect(await runCli(['--version'], h.context)).toBe(0);
    expect(h.out).toEqual(['1.2.3']);
  });

  it('prints the commands for --help and the flags of a command for <command> --help', async () => {
    const h = makeHarness(dir.path);
    expect(await runCli(['--help'], h.context)).toBe(0);
    expect(h.out.join('\n')).toMatch(/start\s+Run the local network/);
    expect(await runCli(['start', '--help'], h.context)).toBe(0);
    expect(h.out.join('\n')).toContain('--data-dir <dir>');
    expect(h.out.join('\n')).toContain('--background');
  });

  it('exits 2 on an unknown command with error[CLI_UNKNOWN_COMMAND] and the usage', async () => {
    const h = makeHarness(dir.path);
    expect(await runCli(['launch'], h.context)).toBe(EXIT_USAGE);
    expect(h.err[0]).toBe(
      "error[CLI_UNKNOWN_COMMAND]: Unknown command 'launch'. Commands: deploy, ls, releases, rollback, start, stop, status, gateway, network, identity.",
    );
    expect(h.err.join('\n')).toContain('Usage: citadel <command> [options]');
  });

  it('exits 2 on an unknown flag, naming it and printing the usage of that command', async () => {
    const h = makeHarness(dir.path);
    expect(await runCli(['status', '--verbose'], h.context)).toBe(EXIT_USAGE);
    expect(h.err[0]).toBe(
      "error[CLI_UNKNOWN_OPTION]: Unknown option '--verbose' for citadel status.",
    );
    expect(h.err.join('\n')).toContain('Usage: citadel status [options]');
  });

  it('start runs the network until a signal, printing URL, root key and how to stop, then cleans up', async () => {
    const h = makeHarness(dir.path);
    const run = runCli(['start', '--data-dir', dataDir, '--port', '0'], h.context);
    await vi.waitFor(() => expect(h.out).toContain('Press Ctrl-C to stop'));
    expect(h.out).toContain('  URL:       http://127.0.0.1:49152');
    expect(h.out).toContain('  Root key:  308182301d060d');
    const published = JSON.parse(await readFile(dataDirFiles(dataDir).network, 'utf8'));
    expect(published).toMatchObject({ url: 'http://127.0.0.1:49152', pid: process.pid });
    h.signal('SIGINT');
    expect(await run).toBe(0);
    expect(h.out.slice(-2)).toEqual(['Received SIGINT, stopping the local network…', 'Stopped.']);
    expect(h.replica.closed()).toBe(1);
    expect(await exists(dataDirFiles(dataDir).network)).toBe(false);
  });

  it('start resolves the default data dir under the project root', async () => {
    await writeFile(join(dir.path, 'package.json'), '{}');
    const h = makeHarness(join(dir.path, 'src'));
    const run = runCli(['start'], h.context);
    await vi.waitFor(() => expect(h.out).toContain('Press Ctrl-C to stop'));
    expect(h.replica.starts[0]?.dataDir).toBe(join(dir.path, '.citadel', 'network'));
    h.signal('SIGTERM');
    expect(await run).toBe(0);
  });

  it('start exits 1 with error[CLI_NETWORK_ALREADY_RUNNING] and the running URL', async () => {
    const files = dataDirFiles(dataDir);
    await mkdir(dataDir, { recursive: true });
    await writeFile(
      files.lock,
      JSON.stringify({ pid: 4242, startedAt: '2025-01-01T00:00:00.000Z' }),
    );
    await writeFile(
      files.network,
      JSON.stringify({
        url: 'http://127.0.0.1:4943',
        pid: 4242,
        port: 4943,
        rootKey: '30',
        startedAt: '2025-01-01T00:00:00.000Z',
      }),
    );
    const h = makeHarness(dir.path);
    h.processes.alive.add(4242);
    expect(await runCli(['start', '--data-dir', dataDir], h.context)).toBe(1);
    expect(h.err).toEqual([
      `error[CLI_NETWORK_ALREADY_RUNNING]: A local network is already running at http://127.0.0.1:4943 (pid 4242, data dir ${dataDir}). Stop it with \`citadel stop\`, or pass another --data-dir.`,
    ]);
    expect(h.replica.starts).toEqual([]);
  });

  it('start --background spawns `start` with the same flags minus --background, then prints URL, root key and pid', async () => {
    const files = dataDirFiles(dataDir);
    const h = makeHarness(dir.path, {
      spawnDetached: async (params) => {
        h.spawned.push(params);
        await writeFile(
          files.network,
          JSON.stringify({
            url: 'http://127.0.0.1:4999',
            pid: 5555,
            port: 4999,
            rootKey: 'abcd',
            startedAt: '2025-01-01T00:00:00.000Z',
          }),
        );
        return { pid: 5555, exited: new Promise(() => {}) };
      },
    });
    const code = await runCli(
      ['start', '--background', '--port', '4999', '--data-dir', dataDir, '--clean'],
      h.context,
    );
    expect(code).toBe(0);
    expect(h.spawned).toEqual([
      {
        command: '/usr/bin/node',
        args: [
          '/opt/citadel/bin/citadel.js',
          'start',
          '--data-dir',
          dataDir,
          '--host',
          '127.0.0.1',
          '--port',
          '4999',
          '--clean',
        ],
        cwd: dir.path,
        logPath: files.log,
      },
    ]);
    expect(h.out).toContain('  URL:       http://127.0.0.1:4999');
    expect(h.out).toContain('  Root key:  abcd');
    expect(h.out).toContain('  PID:       5555');
    expect(h.out.at(-1)).toBe(`Stop it with \`citadel stop --data-dir ${dataDir}\`.`);
  });

  it('status --json prints {"running": false} and exits 1 when no network runs', async () => {
    const h = makeHarness(dir.path);
    expect(await runCli(['status', '--json', '--data-dir', dataDir], h.context)).toBe(1);
    expect(JSON.parse(h.out.join('\n'))).toEqual({ running: false });
  });

  it('status prints the summary and exits 0 while a network runs', async () => {
    const h = makeHarness(dir.path, {
      fetch: (async () =>
        Response.json({
          url: 'http://127.0.0.1:49152',
          pid: process.pid,
          rootKey: '308182',
          canisters: [],
        })) as typeof fetch,
    });
    const run = runCli(['start', '--data-dir', dataDir, '--port', '0'], h.context);
    await vi.waitFor(() => expect(h.out).toContain('Press Ctrl-C to stop'));
    const status = makeHarness(dir.path, { fetch: h.context.fetch });
    expect(await runCli(['status', '--data-dir', dataDir], status.context)).toBe(0);
    expect(status.out).toContain('Local network: running');
    expect(status.out).toContain('Canisters: none');
    h.signal('SIGINT');
    await run;
  });

  it('stop says no network is running and exits 0 when there is none', async () => {
    const h = makeHarness(dir.path);
    expect(await runCli(['stop', '--data-dir', dataDir], h.context)).toBe(0);
    expect(h.out).toEqual([`No local network is running (data dir ${dataDir}).`]);
  });

  it('reports an unexpected exception as error[CLI_INTERNAL] with its stack and exits 1', async () => {
    await mkdir(dataDir, { recursive: true });
    await writeFile(dataDirFiles(dataDir).lock, JSON.stringify({ pid: 1, startedAt: 'then' }));
    const h = makeHarness(dir.path, {
      processes: {
        isAlive: () => {
          throw new Error('process table exploded');
        },
        kill: () => {},
      },
    });
    expect(await runCli(['stop', '--data-dir', dataDir], h.context)).toBe(1);
    expect(h.err[0]).toBe('error[CLI_INTERNAL]: process table exploded');
    expect(h.err[1]).toContain('Error: process table exploded');
  });

  it('lists the snapshot commands in the help, and the subcommands of a group for its --help', async () => {
    const h = makeHarness(dir.path);
    expect(await runCli(['--help'], h.context)).toBe(0);
    expect(h.out.join('\n')).toMatch(/network snapshot save <file>\s+Save the network's state/);
    expect(h.out.join('\n')).toMatch(/network snapshot restore <file>\s+Replace the network's/);
    const group = makeHarness(dir.path);
    expect(await runCli(['network', 'snapshot', '--help'], group.context)).toBe(0);
    expect(group.out.join('\n').split('\n')[0]).toBe(
      'Usage: citadel network snapshot <command> [options]',
    );
    expect(group.out.join('\n')).toMatch(/save <file>\s+Save/);
    const command = makeHarness(dir.path);
    expect(await runCli(['help', 'network', 'snapshot', 'save'], command.context)).toBe(0);
    expect(command.out.join('\n').split('\n')[0]).toBe(
      'Usage: citadel network snapshot save <file> [options]',
    );
    expect(command.out.join('\n')).toContain('Arguments:');
    expect(command.out.join('\n')).toContain('--data-dir <dir>');
  });

  it('exits 2 on an unknown snapshot subcommand, listing the valid ones and the group usage', async () => {
    const h = makeHarness(dir.path);
    expect(await runCli(['network', 'snapshot', 'load', 'x'], h.context)).toBe(EXIT_USAGE);
    expect(h.err[0]).toBe(
      "error[CLI_UNKNOWN_COMMAND]: Unknown command 'citadel network snapshot load'. Commands of citadel network snapshot: save, restore.",
    );
    expect(h.err.join('\n')).toContain('Usage: citadel network snapshot <command> [options]');
  });

  it('exits 2 with the command usage when the snapshot file is missing', async () => {
    const h = makeHarness(dir.path);
    expect(await runCli(['network', 'snapshot', 'restore'], h.context)).toBe(EXIT_USAGE);
    expect(h.err[0]).toBe(
      'error[CLI_MISSING_ARGUMENT]: citadel network snapshot restore needs <file>: citadel network snapshot restore <file>.',
    );
    expect(h.err.join('\n')).toContain('Usage: citadel network snapshot restore <file> [options]');
  });

  it('network snapshot save and restore take paths relative to the working directory and print summaries', async () => {
    await writeFile(join(dir.path, 'package.json'), '{}');
    const defaultDataDir = join(dir.path, '.citadel', 'network');
    await mkdir(join(defaultDataDir, 'wal'), { recursive: true });
    await writeFile(join(defaultDataDir, 'keys.json'), 'keys');
    await writeFile(join(defaultDataDir, 'wal', '1.log'), 'rounds');
    const save = makeHarness(dir.path);
    expect(await runCli(['network', 'snapshot', 'save', 'seed.snapshot'], save.context)).toBe(0);
    expect(save.err).toEqual([]);
    expect(save.out[0]).toBe(`Saved a snapshot of ${defaultDataDir}`);
    expect(save.out).toContain(`  File:      ${join(dir.path, 'seed.snapshot')}`);
    expect(save.out).toContain('  Contents:  2 files, 1 directory, 10 B');
    expect(save.out.at(-1)).toBe(
      `Restore it with \`citadel network snapshot restore ${join(dir.path, 'seed.snapshot')}\`.`,
    );

    await writeFile(join(defaultDataDir, 'keys.json'), 'changed');
    const restore = makeHarness(dir.path);
    expect(
      await runCli(['network', 'snapshot', 'restore', 'seed.snapshot', '--json'], restore.context),
    ).toBe(0);
    expect(JSON.parse(restore.out.join('\n'))).toEqual({
      dataDir: defaultDataDir,
      file: join(dir.path, 'seed.snapshot'),
      files: 2,
      directories: 1,
      bytes: 10,
      leftover: null,
    });
    expect(await readFile(join(defaultDataDir, 'keys.json'), 'utf8')).toBe('keys');
  });

  it('network snapshot restore exits 1 with error[CLI_SNAPSHOT_NETWORK_RUNNING] while the network runs', async () => {
    const h = makeHarness(dir.path);
    const run = runCli(['start', '--data-dir', dataDir, '--port', '0'], h.context);
    await vi.waitFor(() => expect(h.out).toContain('Press Ctrl-C to stop'));
    const save = makeHarness(dir.path);
    const file = join(dir.path, 'live.snapshot');
    expect(
      await runCli(['network', 'snapshot', 'save', file, '--data-dir', dataDir], save.context),
    ).toBe(0);
    expect(save.out[0]).toContain('(taken while the network was running)');
    const restore = makeHarness(dir.path);
    expect(
      await runCli(
        ['network', 'snapshot', 'restore', file, '--data-dir', dataDir],
        restore.context,
      ),
    ).toBe(1);
    expect(restore.err).toEqual([
      `error[CLI_SNAPSHOT_NETWORK_RUNNING]: A local network is running at http://127.0.0.1:49152 (pid ${process.pid}) on ${dataDir}; stop it with \`citadel stop\` before restoring a snapshot.`,
    ]);
    h.signal('SIGINT');
    expect(await run).toBe(0);
  });
});
