import { readFile } from 'node:fs/promises';
import { CitadelError } from '@citadel/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CliErrorCode } from '../errors.js';
import { makeFakeProcesses, makeFakeReplica, makeTempDir } from '../testing/fakes.js';
import { dataDirFiles } from './data-dir.js';
import { startNetwork } from './start-network.js';

const ME = 1717;
const OTHER = 4242;
const fixedNow = () => new Date('2025-06-01T12:00:00.000Z');

async function exists(path: string): Promise<boolean> {
  return readFile(path).then(
    () => true,
    () => false,
  );
}

describe('startNetwork', () => {
  let dir: { path: string; remove: () => Promise<void> };
  beforeEach(async () => {
    dir = await makeTempDir();
  });
  afterEach(() => dir.remove());

  it('starts the replica with the flags and publishes its URL, this pid and the hex root key', async () => {
    const replica = makeFakeReplica();
    const network = await startNetwork({
      dataDir: dir.path,
      host: '127.0.0.1',
      port: 0,
      clean: true,
      startReplica: replica.factory,
      pid: ME,
      now: fixedNow,
      processes: makeFakeProcesses([ME]),
    });
    expect(replica.starts).toEqual([
      { dataDir: dir.path, host: '127.0.0.1', port: 0, clean: true },
    ]);
    const expected = {
      url: 'http://127.0.0.1:49152',
      pid: ME,
      port: 49_152,
      rootKey: '308182301d060d',
      startedAt: '2025-06-01T12:00:00.000Z',
    };
    expect(network.info).toEqual(expected);
    expect(JSON.parse(await readFile(dataDirFiles(dir.path).network, 'utf8'))).toEqual(expected);
    await network.stop();
  });

  it('stop closes the replica once and removes network.json and the lock', async () => {
    const replica = makeFakeReplica();
    const network = await startNetwork({
      dataDir: dir.path,
      startReplica: replica.factory,
      pid: ME,
      processes: makeFakeProcesses([ME]),
    });
    await Promise.all([network.stop(), network.stop()]);
    expect(replica.closed()).toBe(1);
    expect(await exists(dataDirFiles(dir.path).network)).toBe(false);
    expect(await exists(dataDirFiles(dir.path).lock)).toBe(false);
  });

  it('refuses a second network on the same data dir while the first runs, and allows it after', async () => {
    const processes = makeFakeProcesses([ME, OTHER]);
    const first = await startNetwork({
      dataDir: dir.path,
      startReplica: makeFakeReplica().factory,
      pid: OTHER,
      processes,
    });
    const second = makeFakeReplica();
    await expect(
      startNetwork({ dataDir: dir.path, startReplica: second.factory, pid: ME, processes }),
    ).rejects.toMatchObject({
      code: CliErrorCode.NETWORK_ALREADY_RUNNING,
      details: { url: first.info.url },
    });
    expect(second.starts).toEqual([]);
    await first.stop();
    const again = await startNetwork({
      dataDir: dir.path,
      startReplica: second.factory,
      pid: ME,
      processes,
    });
    expect(again.tookOverFrom).toBeNull();
    await again.stop();
  });

  it('takes over the data dir of a network whose process died', async () => {
    const processes = makeFakeProcesses([ME, OTHER]);
    await startNetwork({
      dataDir: dir.path,
      startReplica: makeFakeReplica().factory,
      pid: OTHER,
      processes,
    });
    processes.alive.delete(OTHER);
    const network = await startNetwork({
      dataDir: dir.path,
      startReplica: makeFakeReplica().factory,
      pid: ME,
      processes,
    });
    expect(network.tookOverFrom).toEqual({ pid: OTHER });
    expect(network.info.pid).toBe(ME);
    await network.stop();
  });

  it('releases the data dir when the replica fails to start', async () => {
    const failing = makeFakeReplica(new Error('boom'));
    await expect(
      startNetwork({
        dataDir: dir.path,
        startReplica: failing.factory,
        pid: ME,
        processes: makeFakeProcesses([ME]),
      }),
    ).rejects.toMatchObject({ code: CliErrorCode.START_FAILED });
    expect(await exists(dataDirFiles(dir.path).lock)).toBe(false);
  });

  it('reports a taken port as CLI_PORT_IN_USE naming host and port', async () => {
    const inUse = Object.assign(new Error('listen EADDRINUSE'), { code: 'EADDRINUSE' });
    const attempt = startNetwork({
      dataDir: dir.path,
      host: '127.0.0.1',
      port: 4943,
      startReplica: makeFakeReplica(inUse).factory,
      pid: ME,
      processes: makeFakeProcesses([ME]),
    });
    await expect(attempt).rejects.toMatchObject({
      code: CliErrorCode.PORT_IN_USE,
      details: { host: '127.0.0.1', port: 4943 },
    });
  });

  it('passes a replica error with its own code through unchanged', async () => {
    const damaged = new CitadelError('input', 'REPLICA_DATA_DIR_UNREADABLE_KEYS', 'bad keys');
    await expect(
      startNetwork({
        dataDir: dir.path,
        startReplica: makeFakeReplica(damaged).factory,
        pid: ME,
        processes: makeFakeProcesses([ME]),
      }),
    ).rejects.toBe(damaged);
  });
});
