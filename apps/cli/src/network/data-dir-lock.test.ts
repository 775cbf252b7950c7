import { readFile, writeFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CliErrorCode } from '../errors.js';
import { makeFakeProcesses, makeTempDir } from '../testing/fakes.js';
import { acquireDataDir, inspectDataDir, removeNetworkFiles } from './data-dir-lock.js';
import { dataDirFiles } from './data-dir.js';
import type { NetworkInfo } from './network-file.js';

const OTHER = 4242;
const ME = 1717;

function infoOf(pid: number): NetworkInfo {
  return {
    url: 'http://127.0.0.1:4943',
    pid,
    port: 4943,
    rootKey: '308182',
    startedAt: '2025-01-01T00:00:00.000Z',
  };
}

async function writeNetworkFiles(dataDir: string, pid: number, published = true): Promise<void> {
  const files = dataDirFiles(dataDir);
  await writeFile(files.lock, JSON.stringify({ pid, startedAt: '2025-01-01T00:00:00.000Z' }));
  if (published) {
    await writeFile(files.network, JSON.stringify(infoOf(pid)));
  }
}

async function exists(path: string): Promise<boolean> {
  return readFile(path).then(
    () => true,
    () => false,
  );
}

describe('inspectDataDir', () => {
  let dir: { path: string; remove: () => Promise<void> };
  beforeEach(async () => {
    dir = await makeTempDir();
  });
  afterEach(() => dir.remove());

  it('is free when there are no network files', async () => {
    expect(await inspectDataDir(dir.path, makeFakeProcesses([]))).toEqual({ kind: 'free' });
  });

  it('is running when a live process holds the lock and published network.json', async () => {
    await writeNetworkFiles(dir.path, OTHER);
    expect(await inspectDataDir(dir.path, makeFakeProcesses([OTHER]))).toEqual({
      kind: 'running',
      info: infoOf(OTHER),
    });
  });

  it('is starting when a live process holds the lock but has not published network.json', async () => {
    await writeNetworkFiles(dir.path, OTHER, false);
    expect(await inspectDataDir(dir.path, makeFakeProcesses([OTHER]))).toEqual({
      kind: 'starting',
      pid: OTHER,
    });
  });

  it('is stale when the process that wrote the files is gone', async () => {
    await writeNetworkFiles(dir.path, OTHER);
    expect(await inspectDataDir(dir.path, makeFakeProcesses([]))).toEqual({
      kind: 'stale',
      pid: OTHER,
    });
  });

  it('is stale with no pid when the files are not citadel files', async () => {
    const files = dataDirFiles(dir.path);
    await writeFile(files.lock, 'garbage');
    await writeFile(files.network, '{"url": 3}');
    expect(await inspectDataDir(dir.path, makeFakeProcesses([]))).toEqual({
      kind: 'stale',
      pid: null,
    });
  });
});

describe('acquireDataDir', () => {
  let dir: { path: string; remove: () => Promise<void> };
  beforeEach(async () => {
    dir = await makeTempDir();
  });
  afterEach(() => dir.remove());

  it('creates the directory and a lock naming this process', async () => {
    const dataDir = `${dir.path}/nested/network`;
    const lock = await acquireDataDir({ dataDir, pid: ME, processes: makeFakeProcesses([ME]) });
    const record = JSON.parse(await readFile(dataDirFiles(dataDir).lock, 'utf8'));
    expect(record.pid).toBe(ME);
    expect(lock.tookOverFrom).toBeNull();
  });

  it('refuses with CLI_NETWORK_ALREADY_RUNNING and the URL when a live network holds the directory', async () => {
    await writeNetworkFiles(dir.path, OTHER);
    const attempt = acquireDataDir({
      dataDir: dir.path,
      pid: ME,
      processes: makeFakeProcesses([ME, OTHER]),
    });
    await expect(attempt).rejects.toMatchObject({
      code: CliErrorCode.NETWORK_ALREADY_RUNNING,
      details: { url: 'http://127.0.0.1:4943', pid: OTHER },
    });
    await expect(attempt).rejects.toThrow(/already running at http:\/\/127\.0\.0\.1:4943/);
  });

  it('refuses while another process is still starting in the directory', async () => {
    const processes = makeFakeProcesses([ME, OTHER]);
    await acquireDataDir({ dataDir: dir.path, pid: OTHER, processes });
    await expect(acquireDataDir({ dataDir: dir.path, pid: ME, processes })).rejects.toMatchObject({
      code: CliErrorCode.NETWORK_ALREADY_RUNNING,
      details: { url: null, pid: OTHER },
    });
  });

  it('takes over files left by a process that died, reporting its pid', async () => {
    await writeNetworkFiles(dir.path, OTHER);
    const lock = await acquireDataDir({
      dataDir: dir.path,
      pid: ME,
      processes: makeFakeProcesses([ME]),
    });
    expect(lock.tookOverFrom).toEqual({ pid: OTHER });
    expect(await exists(dataDirFiles(dir.path).network)).toBe(false);
    expect(JSON.parse(await readFile(dataDirFiles(dir.path).lock, 'utf8')).pid).toBe(ME);
  });

  it('publishes network.json and removes both files on release', async () => {
    const files = dataDirFiles(dir.path);
    const lock = await acquireDataDir({
      dataDir: dir.path,
      pid: ME,
      processes: makeFakeProcesses([ME]),
    });
    await lock.publish(infoOf(ME));
    expect(JSON.parse(await readFile(files.network, 'utf8'))).toEqual(infoOf(ME));
    await lock.release();
    await lock.release();
    expect(await exists(files.network)).toBe(false);
    expect(await exists(files.lock)).toBe(false);
  });

  it('restores its lock on publish when the replica emptied the directory', async () => {
    const files = dataDirFiles(dir.path);
    const lock = await acquireDataDir({
      dataDir: dir.path,
      pid: ME,
      processes: makeFakeProcesses([ME]),
    });
    await removeNetworkFiles(dir.path, ME);
    await lock.publish(infoOf(ME));
    expect(JSON.parse(await readFile(files.lock, 'utf8')).pid).toBe(ME);
  });

  it('leaves the files alone on release when another process has taken the directory over', async () => {
    const files = dataDirFiles(dir.path);
    const lock = await acquireDataDir({
      dataDir: dir.path,
      pid: ME,
      processes: makeFakeProcesses([ME]),
    });
    await writeNetworkFiles(dir.path, OTHER);
    await lock.release();
    expect(JSON.parse(await readFile(files.lock, 'utf8')).pid).toBe(OTHER);
    expect(await exists(files.network)).toBe(true);
  });
});
