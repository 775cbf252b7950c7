import { readFile, writeFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CliErrorCode } from '../errors.js';
import { makeFakeClock, makeFakeProcesses, makeTempDir } from '../testing/fakes.js';
import { dataDirFiles } from './data-dir.js';
import { stopNetwork } from './stop-network.js';

const PID = 4242;

async function writeRunning(dataDir: string, pid: number): Promise<void> {
  const files = dataDirFiles(dataDir);
  await writeFile(files.lock, JSON.stringify({ pid, startedAt: '2025-01-01T00:00:00.000Z' }));
  await writeFile(
    files.network,
    JSON.stringify({
      url: 'http://127.0.0.1:4943',
      pid,
      port: 4943,
      rootKey: '30',
      startedAt: '2025-01-01T00:00:00.000Z',
    }),
  );
}

async function exists(path: string): Promise<boolean> {
  return readFile(path).then(
    () => true,
    () => false,
  );
}

describe('stopNetwork', () => {
  let dir: { path: string; remove: () => Promise<void> };
  beforeEach(async () => {
    dir = await makeTempDir();
  });
  afterEach(() => dir.remove());

  it('reports not-running for an empty data dir and signals nothing', async () => {
    const processes = makeFakeProcesses([]);
    expect(await stopNetwork({ dataDir: dir.path, processes })).toEqual({ kind: 'not-running' });
    expect(processes.signals).toEqual([]);
  });

  it('removes the files of a network whose process is gone', async () => {
    await writeRunning(dir.path, PID);
    const processes = makeFakeProcesses([]);
    expect(await stopNetwork({ dataDir: dir.path, processes })).toEqual({
      kind: 'cleaned-stale',
      pid: PID,
    });
    expect(await exists(dataDirFiles(dir.path).network)).toBe(false);
    expect(await exists(dataDirFiles(dir.path).lock)).toBe(false);
  });

  it('sends SIGTERM and reports a clean stop when the process exits', async () => {
    await writeRunning(dir.path, PID);
    const processes = makeFakeProcesses([PID]);
    const result = await stopNetwork({ dataDir: dir.path, processes, ...makeFakeClock() });
    expect(result).toEqual({
      kind: 'stopped',
      pid: PID,
      url: 'http://127.0.0.1:4943',
      forced: false,
    });
    expect(processes.signals).toEqual([{ pid: PID, signal: 'SIGTERM' }]);
  });

  it('sends SIGKILL after the timeout and removes the files the killed process left', async () => {
    await writeRunning(dir.path, PID);
    const processes = makeFakeProcesses([PID], { fatal: ['SIGKILL'] });
    const result = await stopNetwork({
      dataDir: dir.path,
      processes,
      timeoutMs: 1_000,
      ...makeFakeClock(),
    });
    expect(result).toMatchObject({ kind: 'stopped', forced: true });
    expect(processes.signals.map((s) => s.signal)).toEqual(['SIGTERM', 'SIGKILL']);
    expect(await exists(dataDirFiles(dir.path).network)).toBe(false);
    expect(await exists(dataDirFiles(dir.path).lock)).toBe(false);
  });

  it('fails with CLI_STOP_FAILED when the process survives SIGKILL', async () => {
    await writeRunning(dir.path, PID);
    const processes = makeFakeProcesses([PID], { fatal: [] });
    await expect(
      stopNetwork({ dataDir: dir.path, processes, timeoutMs: 1_000, ...makeFakeClock() }),
    ).rejects.toMatchObject({ code: CliErrorCode.STOP_FAILED, details: { pid: PID } });
  });

  it('fails with CLI_STOP_FAILED when it may not signal the process', async () => {
    await writeRunning(dir.path, PID);
    const processes = makeFakeProcesses([PID], { killError: 'EPERM' });
    await expect(stopNetwork({ dataDir: dir.path, processes })).rejects.toMatchObject({
      code: CliErrorCode.STOP_FAILED,
      details: { pid: PID, signal: 'SIGTERM' },
    });
  });
});
