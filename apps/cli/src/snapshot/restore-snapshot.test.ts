import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CliErrorCode } from '../errors.js';
import { dataDirFiles } from '../network/data-dir.js';
import { makeFakeProcesses, makeTempDir } from '../testing/fakes.js';
import type { FixtureEntry } from '../testing/snapshot-fixtures.js';
import {
  makeReplicaDataDir,
  readTree,
  writeRunningNetworkFiles,
  writeSnapshotFixture,
} from '../testing/snapshot-fixtures.js';
import { DEFAULT_SNAPSHOT_LIMITS } from './snapshot-format.js';
import { restoreSnapshot } from './restore-snapshot.js';
import { saveSnapshot } from './save-snapshot.js';

const SNAPSHOT_ENTRIES: readonly FixtureEntry[] = [
  { path: 'keys.json', data: 'restored keys', mode: 0o100600 },
  { path: 'checkpoints' },
  { path: 'checkpoints/CURRENT', data: 'restored pointer' },
  { path: 'wal' },
];

describe('restoreSnapshot', () => {
  let dir: { path: string; remove: () => Promise<void> };
  let dataDir: string;
  let file: string;
  const processes = makeFakeProcesses([]);

  beforeEach(async () => {
    dir = await makeTempDir();
    dataDir = join(dir.path, 'network');
    file = join(dir.path, 'demo.citadel-snapshot');
    await mkdir(dataDir);
    await writeFile(join(dataDir, 'keys.json'), 'old keys');
    await mkdir(join(dataDir, 'checkpoints'));
    await writeFile(join(dataDir, 'checkpoints', 'CURRENT'), 'old pointer');
    await writeFile(join(dataDir, 'network.log'), 'old log');
  });
  afterEach(() => dir.remove());

  /** Restores `file` expecting `code`; checks the data directory and its parent are untouched. */
  async function expectRefused(
    code: string,
    params: Partial<Parameters<typeof restoreSnapshot>[0]> = {},
  ): Promise<Record<string, unknown>> {
    const before = await readTree(dir.path);
    let details: Record<string, unknown> = {};
    await expect(
      restoreSnapshot({ dataDir, file, processes, ...params }).catch((error: unknown) => {
        details = (error as { details: Record<string, unknown> }).details;
        throw error;
      }),
    ).rejects.toMatchObject({ code });
    expect(await readTree(dir.path)).toEqual(before);
    return details;
  }

  it('replaces the data directory with exactly the snapshot and releases it', async () => {
    await writeSnapshotFixture(file, SNAPSHOT_ENTRIES);
    const restored = await restoreSnapshot({ dataDir, file, processes });
    expect(restored).toEqual({
      dataDir,
      file,
      files: 2,
      directories: 2,
      bytes: 29,
      leftover: null,
    });
    expect(await readTree(dataDir)).toMatchObject({
      'keys.json': { kind: 'file', mode: 0o600 },
      checkpoints: { kind: 'directory', mode: 0o755 },
      'checkpoints/CURRENT': { kind: 'file', mode: 0o644 },
      wal: { kind: 'directory' },
    });
    expect(Object.keys(await readTree(dataDir)).sort()).toEqual([
      'checkpoints',
      'checkpoints/CURRENT',
      'keys.json',
      'wal',
    ]);
    expect(await readFile(join(dataDir, 'keys.json'), 'utf8')).toBe('restored keys');
    // No lock, no staging or replaced directory left next to it.
    expect(existsSync(dataDirFiles(dataDir).lock)).toBe(false);
    expect(await readdir(dir.path)).toEqual(['demo.citadel-snapshot', 'network'].sort());
  });

  it('creates the data directory when there is none yet', async () => {
    await writeSnapshotFixture(file, SNAPSHOT_ENTRIES);
    const fresh = join(dir.path, 'project', '.citadel', 'network');
    await restoreSnapshot({ dataDir: fresh, file, processes });
    expect(await readFile(join(fresh, 'checkpoints', 'CURRENT'), 'utf8')).toBe('restored pointer');
  });

  it('takes over a data directory left by a network that crashed', async () => {
    const files = dataDirFiles(dataDir);
    await writeFile(files.lock, JSON.stringify({ pid: 999_999, startedAt: 'then' }));
    await writeSnapshotFixture(file, SNAPSHOT_ENTRIES);
    await restoreSnapshot({ dataDir, file, processes });
    expect(existsSync(files.lock)).toBe(false);
    expect(await readFile(join(dataDir, 'keys.json'), 'utf8')).toBe('restored keys');
  });

  it('is refused with CLI_SNAPSHOT_NETWORK_RUNNING while a network runs on the data directory', async () => {
    await writeRunningNetworkFiles(dataDir, 4242);
    await writeSnapshotFixture(file, SNAPSHOT_ENTRIES);
    const details = await expectRefused(CliErrorCode.SNAPSHOT_NETWORK_RUNNING, {
      processes: makeFakeProcesses([4242]),
    });
    expect(details).toEqual({ dataDir, pid: 4242, url: 'http://127.0.0.1:4943' });
  });

  it('is refused with CLI_SNAPSHOT_NETWORK_RUNNING while a network starts on the data directory', async () => {
    await writeFile(dataDirFiles(dataDir).lock, JSON.stringify({ pid: 4242, startedAt: 'then' }));
    await writeSnapshotFixture(file, SNAPSHOT_ENTRIES);
    await expectRefused(CliErrorCode.SNAPSHOT_NETWORK_RUNNING, {
      processes: makeFakeProcesses([4242]),
    });
  });

  it('fails with CLI_SNAPSHOT_CHECKSUM_MISMATCH and touches nothing when a file does not match its SHA-256', async () => {
    await writeSnapshotFixture(file, [
      ...SNAPSHOT_ENTRIES,
      { path: 'wal/1.log', data: 'rounds', sha256: new Uint8Array(32) },
    ]);
    const details = await expectRefused(CliErrorCode.SNAPSHOT_CHECKSUM_MISMATCH);
    expect(details).toMatchObject({ file, path: 'wal/1.log' });
  });

  it('fails with CLI_SNAPSHOT_CORRUPT and touches nothing for a truncated snapshot', async () => {
    await makeReplicaDataDir(join(dir.path, 'source'));
    const whole = join(dir.path, 'whole.snapshot');
    await saveSnapshot({ dataDir: join(dir.path, 'source'), file: whole, processes });
    const bytes = await readFile(whole);
    for (const keep of [bytes.length - 1, bytes.length - 9, Math.floor(bytes.length / 2), 12]) {
      await writeFile(file, bytes.subarray(0, keep));
      const details = await expectRefused(CliErrorCode.SNAPSHOT_CORRUPT);
      expect(details.reason).toMatch(/truncated|ends/);
    }
  });

  it('fails with CLI_SNAPSHOT_CORRUPT for a gzip stream whose CRC does not match', async () => {
    const bytes = gzipSync(Buffer.from('CITADEL-SNAPSHOT'));
    bytes[bytes.length - 6] = (bytes[bytes.length - 6] ?? 0) ^ 0xff;
    await writeFile(file, bytes);
    const details = await expectRefused(CliErrorCode.SNAPSHOT_CORRUPT);
    expect(details.reason).toContain('gzip stream is damaged');
  });

  it('fails with CLI_SNAPSHOT_NOT_A_SNAPSHOT for a file that is not gzip, or gzip of something else', async () => {
    await writeFile(file, 'just text');
    await expectRefused(CliErrorCode.SNAPSHOT_NOT_A_SNAPSHOT);
    await writeFile(file, '');
    await expectRefused(CliErrorCode.SNAPSHOT_NOT_A_SNAPSHOT);
    await writeFile(file, gzipSync(Buffer.from('a tarball, perhaps')));
    await expectRefused(CliErrorCode.SNAPSHOT_NOT_A_SNAPSHOT);
    await expectRefused(CliErrorCode.SNAPSHOT_NOT_A_SNAPSHOT, { file: dir.path });
  });

  it('fails with CLI_SNAPSHOT_NOT_FOUND when there is no such file', async () => {
    await expectRefused(CliErrorCode.SNAPSHOT_NOT_FOUND, { file: join(dir.path, 'missing') });
  });

  it('fails with CLI_SNAPSHOT_UNSAFE_ENTRY for a path escaping the data directory, and writes nothing', async () => {
    await writeSnapshotFixture(file, [
      { path: 'keys.json', data: 'k' },
      { path: '../escaped', data: 'outside' },
    ]);
    const details = await expectRefused(CliErrorCode.SNAPSHOT_UNSAFE_ENTRY);
    expect(details).toMatchObject({ path: '../escaped' });
    expect(existsSync(join(dir.path, 'escaped'))).toBe(false);
  });

  it('fails with CLI_SNAPSHOT_UNSAFE_ENTRY for a symbolic link entry', async () => {
    await writeSnapshotFixture(file, [{ path: 'keys.json', data: '/etc/passwd', mode: 0o120777 }]);
    const details = await expectRefused(CliErrorCode.SNAPSHOT_UNSAFE_ENTRY);
    expect(details.reason).toContain('symbolic link');
  });

  it('fails with CLI_SNAPSHOT_TOO_LARGE for a snapshot beyond the limits', async () => {
    await writeSnapshotFixture(file, SNAPSHOT_ENTRIES);
    await expectRefused(CliErrorCode.SNAPSHOT_TOO_LARGE, {
      limits: { ...DEFAULT_SNAPSHOT_LIMITS, maxTotalBytes: 10 },
    });
  });

  it('leaves the data directory intact and removes the half-extracted copy when extraction fails half-way', async () => {
    await writeSnapshotFixture(file, SNAPSHOT_ENTRIES);
    const before = await readTree(dir.path);
    await expect(
      restoreSnapshot({
        dataDir,
        file,
        processes,
        // The file changes between the check and the extraction: its third entry no longer matches.
        afterCheck: () =>
          writeSnapshotFixture(file, [
            ...SNAPSHOT_ENTRIES.slice(0, 2),
            { path: 'checkpoints/CURRENT', data: 'x', sha256: new Uint8Array(32) },
          ]),
      }),
    ).rejects.toMatchObject({ code: CliErrorCode.SNAPSHOT_CHECKSUM_MISMATCH });
    const after = await readTree(dir.path);
    delete before['demo.citadel-snapshot'];
    delete after['demo.citadel-snapshot'];
    expect(after).toEqual(before);
  });
});
