import { writeFileSync } from 'node:fs';
import { appendFile, writeFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CliErrorCode } from '../errors.js';
import { makeFakeClock, makeFakeProcesses, makeTempDir } from '../testing/fakes.js';
import type { ChildExit, SpawnDetached, SpawnDetachedParams } from './background-start.js';
import { startInBackground } from './background-start.js';
import { dataDirFiles } from './data-dir.js';
import type { NetworkInfo } from './network-file.js';

const CHILD = 5555;
const URL_ = 'http://127.0.0.1:4943';

function infoOf(pid: number): NetworkInfo {
  return { url: URL_, pid, port: 4943, rootKey: '308182', startedAt: '2025-01-01T00:00:00.000Z' };
}

const statusOk = (async () =>
  new Response(new Uint8Array([0xd9]), { status: 200 })) as typeof fetch;
const refused = (async () => {
  throw new TypeError('fetch failed');
}) as typeof fetch;

/** A spawn that runs `behave` as "the child" and records how it was asked to start. */
function fakeSpawn(behave: (params: SpawnDetachedParams) => Promise<ChildExit | null>): {
  spawn: SpawnDetached;
  calls: SpawnDetachedParams[];
} {
  const calls: SpawnDetachedParams[] = [];
  return {
    calls,
    spawn: async (params) => {
      calls.push(params);
      const exit = await behave(params);
      return { pid: CHILD, exited: exit === null ? new Promise(() => {}) : Promise.resolve(exit) };
    },
  };
}

describe('startInBackground', () => {
  let dir: { path: string; remove: () => Promise<void> };
  beforeEach(async () => {
    dir = await makeTempDir();
  });
  afterEach(() => dir.remove());

  it('spawns the command with its log file and returns once the child published and answers', async () => {
    const files = dataDirFiles(dir.path);
    const child = fakeSpawn(async () => {
      await writeFile(files.network, JSON.stringify(infoOf(CHILD)));
      return null;
    });
    const result = await startInBackground({
      dataDir: dir.path,
      command: 'node',
      args: ['citadel.js', 'start', '--port', '4943'],
      cwd: dir.path,
      spawn: child.spawn,
      fetch: statusOk,
      processes: makeFakeProcesses([CHILD]),
      ...makeFakeClock(),
    });
    expect(result).toEqual({ info: infoOf(CHILD), logPath: files.log });
    expect(child.calls).toEqual([
      {
        command: 'node',
        args: ['citadel.js', 'start', '--port', '4943'],
        cwd: dir.path,
        logPath: files.log,
      },
    ]);
  });

  it('keeps waiting while the network does not answer yet, reporting progress', async () => {
    const files = dataDirFiles(dir.path);
    let answers = 0;
    const slowFetch = (async () => {
      answers += 1;
      if (answers < 3) {
        throw new TypeError('fetch failed');
      }
      return new Response(null, { status: 200 });
    }) as typeof fetch;
    const progress: number[] = [];
    await startInBackground({
      dataDir: dir.path,
      command: 'node',
      args: [],
      cwd: dir.path,
      spawn: fakeSpawn(async () => {
        await writeFile(files.network, JSON.stringify(infoOf(CHILD)));
        return null;
      }).spawn,
      fetch: slowFetch,
      processes: makeFakeProcesses([CHILD]),
      pollMs: 100,
      onProgress: (elapsedMs) => progress.push(elapsedMs),
      ...makeFakeClock(),
    });
    expect(progress).toEqual([0, 100]);
  });

  it('fails with CLI_BACKGROUND_START_FAILED and the log lines of this run when the child exits first', async () => {
    const files = dataDirFiles(dir.path);
    await writeFile(files.log, 'a line from an earlier run\n');
    const attempt = startInBackground({
      dataDir: dir.path,
      command: 'node',
      args: [],
      cwd: dir.path,
      spawn: fakeSpawn(async ({ logPath }) => {
        await appendFile(logPath, 'starting\nerror[CLI_PORT_IN_USE]: Port 4943 is in use\n');
        return { code: 1, signal: null };
      }).spawn,
      fetch: refused,
      processes: makeFakeProcesses([]),
      ...makeFakeClock(),
    });
    await expect(attempt).rejects.toMatchObject({
      code: CliErrorCode.BACKGROUND_START_FAILED,
      details: {
        pid: CHILD,
        code: 1,
        logTail: ['starting', 'error[CLI_PORT_IN_USE]: Port 4943 is in use'],
      },
    });
    await expect(attempt).rejects.toThrow(/exited with code 1 before it answered/);
  });

  it('waits past a damaged network.json left behind until the child publishes its own', async () => {
    const files = dataDirFiles(dir.path);
    await writeFile(files.network, '{"url":');
    let polls = 0;
    const result = await startInBackground({
      dataDir: dir.path,
      command: 'node',
      args: [],
      cwd: dir.path,
      spawn: fakeSpawn(async () => null).spawn,
      fetch: statusOk,
      processes: makeFakeProcesses([CHILD]),
      onProgress: () => {
        polls += 1;
        writeFileSync(files.network, JSON.stringify(infoOf(CHILD)));
      },
      ...makeFakeClock(),
    });
    expect(polls).toBe(1);
    expect(result.info).toEqual(infoOf(CHILD));
  });

  it('does not mistake a network.json left by another process for its child', async () => {
    const files = dataDirFiles(dir.path);
    await writeFile(files.network, JSON.stringify(infoOf(1234)));
    const processes = makeFakeProcesses([CHILD]);
    const attempt = startInBackground({
      dataDir: dir.path,
      command: 'node',
      args: [],
      cwd: dir.path,
      spawn: fakeSpawn(async () => null).spawn,
      fetch: statusOk,
      processes,
      timeoutMs: 1_000,
      ...makeFakeClock(),
    });
    await expect(attempt).rejects.toMatchObject({ code: CliErrorCode.BACKGROUND_START_TIMEOUT });
  });

  it('sends SIGTERM to a child that does not answer in time and fails with CLI_BACKGROUND_START_TIMEOUT', async () => {
    const processes = makeFakeProcesses([CHILD]);
    await expect(
      startInBackground({
        dataDir: dir.path,
        command: 'node',
        args: [],
        cwd: dir.path,
        spawn: fakeSpawn(async () => null).spawn,
        fetch: refused,
        processes,
        timeoutMs: 1_000,
        ...makeFakeClock(),
      }),
    ).rejects.toMatchObject({
      code: CliErrorCode.BACKGROUND_START_TIMEOUT,
      details: { pid: CHILD, timeoutMs: 1_000 },
    });
    expect(processes.signals).toEqual([{ pid: CHILD, signal: 'SIGTERM' }]);
  });

  it('refuses without spawning when a live network already holds the data dir', async () => {
    const files = dataDirFiles(dir.path);
    await writeFile(files.lock, JSON.stringify({ pid: 4242, startedAt: 'then' }));
    await writeFile(files.network, JSON.stringify(infoOf(4242)));
    const child = fakeSpawn(async () => null);
    await expect(
      startInBackground({
        dataDir: dir.path,
        command: 'node',
        args: [],
        cwd: dir.path,
        spawn: child.spawn,
        fetch: statusOk,
        processes: makeFakeProcesses([4242]),
      }),
    ).rejects.toMatchObject({ code: CliErrorCode.NETWORK_ALREADY_RUNNING, details: { url: URL_ } });
    expect(child.calls).toEqual([]);
  });
});
