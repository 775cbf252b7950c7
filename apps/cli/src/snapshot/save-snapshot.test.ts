import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CliErrorCode } from '../errors.js';
import { dataDirFiles } from '../network/data-dir.js';
import { makeFakeClock, makeFakeProcesses, makeTempDir } from '../testing/fakes.js';
import {
  REPLICA_FILES,
  makeReplicaDataDir,
  readTree,
  writeRunningNetworkFiles,
} from '../testing/snapshot-fixtures.js';
import { readSnapshotFile } from './read-snapshot.js';
import { restoreSnapshot } from './restore-snapshot.js';
import { saveSnapshot } from './save-snapshot.js';

/** What a snapshot of `makeReplicaDataDir` must hold: everything but the skipped files. */
const SAVED_PATHS = [
  'checkpoints',
  'checkpoints/0000000001',
  'checkpoints/0000000001/manifest.json',
  'checkpoints/0000000002',
  'checkpoints/0000000002/00000000001000000101',
  'checkpoints/0000000002/00000000001000000101/heap.bin',
  'checkpoints/0000000002/empty',
  'checkpoints/0000000002/manifest.json',
  'checkpoints/CURRENT',
  'keys.json',
  'wal',
  'wal/00000000000000000004.log',
  'wal/00000000000000000008.log',
];

describe('saveSnapshot', () => {
  let dir: { path: string; remove: () => Promise<void> };
  let dataDir: string;
  let file: string;
  /** No network runs on the data directory. */
  const processes = makeFakeProcesses([]);

  beforeEach(async () => {
    dir = await makeTempDir();
    dataDir = join(dir.path, 'network');
    file = join(dir.path, 'out', 'demo.citadel-snapshot');
    await makeReplicaDataDir(dataDir);
  });
  afterEach(() => dir.remove());

  it('saves every file and directory but the runtime and *.tmp files, the round log last', async () => {
    const saved = await saveSnapshot({ dataDir, file, processes });
    expect(saved).toMatchObject({
      file,
      dataDir,
      files: Object.keys(REPLICA_FILES).length,
      directories: 6,
      bytes: Object.values(REPLICA_FILES).reduce((sum, text) => sum + text.length, 0),
      live: false,
      attempts: 1,
    });
    expect(saved.archiveBytes).toBeGreaterThan(0);
    expect(existsSync(`${file}.tmp`)).toBe(false);
    const { entries } = await readSnapshotFile(file);
    expect(entries.map((e) => e.path).sort()).toEqual(SAVED_PATHS);
    const firstWal = entries.findIndex((e) => e.path.startsWith('wal'));
    expect(entries.slice(firstWal).every((e) => e.path.startsWith('wal'))).toBe(true);
    expect(entries.find((e) => e.path === 'keys.json')?.permissions).toBe(0o600);
  });

  it('round trip: restore gives back a byte-identical tree with the same permissions', async () => {
    await saveSnapshot({ dataDir, file, processes });
    const target = join(dir.path, 'elsewhere', 'network');
    await restoreSnapshot({ dataDir: target, file, processes });
    const original = await readTree(dataDir);
    for (const skipped of [
      'network.json',
      'network.lock',
      'network.log',
      'keys.json.tmp-4242',
      'checkpoints/CURRENT.tmp',
      'checkpoints/0000000003.tmp',
      'checkpoints/0000000003.tmp/manifest.json',
    ]) {
      delete original[skipped];
    }
    expect(await readTree(target)).toEqual(original);
  });

  it('writes the same bytes for the same directory, so snapshots can be compared and committed', async () => {
    await saveSnapshot({ dataDir, file, processes });
    const first = await readFile(file);
    await saveSnapshot({ dataDir, file, processes });
    expect(await readFile(file)).toEqual(first);
  });

  it('replaces an existing snapshot file', async () => {
    await mkdir(join(dir.path, 'out'));
    await writeFile(file, 'old');
    await saveSnapshot({ dataDir, file, processes });
    expect((await readSnapshotFile(file)).files).toBe(Object.keys(REPLICA_FILES).length);
  });

  it('saves while a network runs and says so', async () => {
    await writeRunningNetworkFiles(dataDir, 4242);
    const saved = await saveSnapshot({ dataDir, file, processes: makeFakeProcesses([4242]) });
    expect(saved.live).toBe(true);
    expect(existsSync(dataDirFiles(dataDir).lock)).toBe(true);
  });

  it('starts the walk over when a file vanishes before it is read, as when the replica prunes the round log', async () => {
    const pruned = 'wal/00000000000000000004.log';
    const saved = await saveSnapshot({
      dataDir,
      file,
      processes,
      ...makeFakeClock(),
      beforeRead: async (path) => {
        if (path === pruned && existsSync(join(dataDir, pruned))) {
          await rm(join(dataDir, pruned));
        }
      },
    });
    expect(saved.attempts).toBe(2);
    const paths = (await readSnapshotFile(file)).entries.map((e) => e.path);
    expect(paths).not.toContain(pruned);
    expect(paths).toContain('wal/00000000000000000008.log');
  });

  it('starts the walk over when a checkpoint is committed during it', async () => {
    const current = join(dataDir, 'checkpoints', 'CURRENT');
    const next = '{"version":1,"checkpoint":"0000000003","nextCanisterIndex":"1"}\n';
    let committed = false;
    const saved = await saveSnapshot({
      dataDir,
      file,
      processes,
      ...makeFakeClock(),
      beforeRead: async (path) => {
        // As the replica does it: a new directory, then CURRENT replaced by rename.
        if (path.startsWith('wal/') && !committed) {
          committed = true;
          await mkdir(join(dataDir, 'checkpoints', '0000000003'));
          await writeFile(`${current}.tmp`, next);
          await rename(`${current}.tmp`, current);
        }
      },
    });
    expect(saved.attempts).toBe(2);
    const entries = (await readSnapshotFile(file)).entries.map((e) => e.path);
    expect(entries).toContain('checkpoints/0000000003');
  });

  it('gives up with CLI_SNAPSHOT_UNSTABLE when every walk sees a change, leaving no file behind', async () => {
    const current = join(dataDir, 'checkpoints', 'CURRENT');
    let commits = 0;
    const clock = makeFakeClock();
    await expect(
      saveSnapshot({
        dataDir,
        file,
        processes,
        attempts: 3,
        ...clock,
        beforeRead: async (path) => {
          if (path === 'keys.json') {
            commits += 1;
            await writeFile(current, `commit ${commits}`);
          }
        },
      }),
    ).rejects.toMatchObject({
      code: CliErrorCode.SNAPSHOT_UNSTABLE,
      details: {
        attempts: 3,
        lastChange: 'the network committed a checkpoint during the copy',
      },
    });
    expect(commits).toBe(3);
    // 100 ms before the second walk, 200 ms before the third.
    expect(clock.clockMs()).toBe(300);
    expect(await readdir(join(dir.path, 'out'))).toEqual([]);
  });

  it('fails with CLI_SNAPSHOT_UNSUPPORTED_FILE for a symbolic link in the data directory', async () => {
    await symlink(join(dataDir, 'keys.json'), join(dataDir, 'checkpoints', 'link'));
    await expect(saveSnapshot({ dataDir, file, processes })).rejects.toMatchObject({
      code: CliErrorCode.SNAPSHOT_UNSUPPORTED_FILE,
      details: { what: 'a symbolic link' },
    });
    expect(existsSync(file)).toBe(false);
    expect(existsSync(`${file}.tmp`)).toBe(false);
  });

  it('fails with CLI_SNAPSHOT_DATA_DIR_MISSING when there is no data directory', async () => {
    await expect(
      saveSnapshot({ dataDir: join(dir.path, 'nothing'), file, processes }),
    ).rejects.toMatchObject({ code: CliErrorCode.SNAPSHOT_DATA_DIR_MISSING });
  });

  it('fails with CLI_SNAPSHOT_FILE_IN_DATA_DIR for a snapshot file inside the data directory', async () => {
    for (const inside of [join(dataDir, 'x.snapshot'), join(dataDir, 'sub', 'x.snapshot')]) {
      await expect(saveSnapshot({ dataDir, file: inside, processes })).rejects.toMatchObject({
        code: CliErrorCode.SNAPSHOT_FILE_IN_DATA_DIR,
      });
    }
    // Also through a symbolic link to the data directory.
    await symlink(dataDir, join(dir.path, 'alias'));
    await expect(
      saveSnapshot({ dataDir, file: join(dir.path, 'alias', 'x.snapshot'), processes }),
    ).rejects.toMatchObject({ code: CliErrorCode.SNAPSHOT_FILE_IN_DATA_DIR });
  });
});
