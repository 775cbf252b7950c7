import { isCitadelError } from '@citadel/protocol';
import { describe, expect, it } from 'vitest';
import { CliErrorCode } from '../errors.js';
import type { FixtureEntry, FixtureOptions } from '../testing/snapshot-fixtures.js';
import { makeSnapshotBytes } from '../testing/snapshot-fixtures.js';
import type { EntryWriter, SnapshotLimits } from './snapshot-format.js';
import {
  DEFAULT_SNAPSHOT_LIMITS,
  encodeEntryHeader,
  encodeSnapshotEnd,
  encodeSnapshotHeader,
  entryPathProblem,
  parseSnapshot,
} from './snapshot-format.js';

async function* chunksOf(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += size) {
    yield bytes.subarray(at, at + size);
  }
}

function parse(
  bytes: Uint8Array,
  options: { chunkBytes?: number; limits?: Partial<SnapshotLimits> } = {},
) {
  return parseSnapshot(chunksOf(bytes, options.chunkBytes ?? 7), 'test.snapshot', {
    limits: { ...DEFAULT_SNAPSHOT_LIMITS, ...options.limits },
  });
}

async function parseFailure(
  entries: readonly FixtureEntry[],
  fixture: FixtureOptions = {},
  limits: Partial<SnapshotLimits> = {},
): Promise<{ code: string; details: Record<string, unknown> }> {
  try {
    await parse(makeSnapshotBytes(entries, fixture), { limits });
  } catch (error) {
    if (isCitadelError(error)) {
      return { code: error.code, details: error.details };
    }
    throw error;
  }
  throw new Error('the snapshot was accepted');
}

const GOOD: readonly FixtureEntry[] = [
  { path: 'checkpoints' },
  { path: 'checkpoints/CURRENT', data: 'pointer' },
  { path: 'keys.json', data: 'secret', mode: 0o100600 },
  { path: 'wal/00000000000000000001.log', data: new Uint8Array(100_000).fill(7) },
];

describe('parseSnapshot', () => {
  it('reads a well-formed snapshot: entries, kinds, permissions, sizes and totals', async () => {
    const summary = await parse(makeSnapshotBytes(GOOD));
    expect(summary).toMatchObject({ formatVersion: 1, files: 3, directories: 1, bytes: 100_013 });
    expect(summary.entries.map((e) => [e.path, e.kind, e.permissions, e.sizeBytes])).toEqual([
      ['checkpoints', 'directory', 0o755, 0],
      ['checkpoints/CURRENT', 'file', 0o644, 7],
      ['keys.json', 'file', 0o600, 6],
      ['wal/00000000000000000001.log', 'file', 0o644, 100_000],
    ]);
  });

  it('reads the same however the decompressed stream is chunked', async () => {
    const bytes = makeSnapshotBytes(GOOD);
    const whole = await parse(bytes, { chunkBytes: bytes.length });
    expect(await parse(bytes, { chunkBytes: 1 })).toEqual(whole);
    expect(await parse(bytes, { chunkBytes: 4096 })).toEqual(whole);
  });

  it('hands each file to its writer and finishes it only after its SHA-256 matched', async () => {
    const calls: string[] = [];
    const received = new Map<string, number>();
    const onEntry = async (entry: { path: string; kind: string }): Promise<EntryWriter> => ({
      write: async (piece) => {
        received.set(entry.path, (received.get(entry.path) ?? 0) + piece.length);
      },
      finish: async () => {
        calls.push(`finish ${entry.path}`);
      },
      abort: async () => {
        calls.push(`abort ${entry.path}`);
      },
    });
    const bytes = makeSnapshotBytes([
      { path: 'a', data: 'first' },
      { path: 'b', data: 'second', sha256: new Uint8Array(32) },
    ]);
    await expect(
      parseSnapshot(chunksOf(bytes, 3), 'test.snapshot', { onEntry }),
    ).rejects.toMatchObject({ code: CliErrorCode.SNAPSHOT_CHECKSUM_MISMATCH });
    expect(calls).toEqual(['finish a', 'abort b']);
    expect(received.get('a')).toBe(5);
  });

  it('fails with CLI_SNAPSHOT_CHECKSUM_MISMATCH naming the file whose bytes differ', async () => {
    const failure = await parseFailure([
      { path: 'keys.json', data: 'secret' },
      { path: 'wal/1.log', data: 'rounds', sha256: new Uint8Array(32).fill(1) },
    ]);
    expect(failure).toMatchObject({
      code: CliErrorCode.SNAPSHOT_CHECKSUM_MISMATCH,
      details: { path: 'wal/1.log' },
    });
  });

  it('fails with CLI_SNAPSHOT_NOT_A_SNAPSHOT when the magic is wrong or missing', async () => {
    const wrong = makeSnapshotBytes(GOOD);
    wrong[0] = 0x58;
    await expect(parse(wrong)).rejects.toMatchObject({
      code: CliErrorCode.SNAPSHOT_NOT_A_SNAPSHOT,
    });
    await expect(parse(new Uint8Array(3))).rejects.toMatchObject({
      code: CliErrorCode.SNAPSHOT_NOT_A_SNAPSHOT,
    });
  });

  it.each([0, 2, 0xffffffff])(
    'fails with CLI_SNAPSHOT_UNSUPPORTED_VERSION for format %i',
    async (version) => {
      const failure = await parseFailure(GOOD, { version });
      expect(failure).toMatchObject({
        code: CliErrorCode.SNAPSHOT_UNSUPPORTED_VERSION,
        details: { formatVersion: version, supported: 1 },
      });
    },
  );

  it('fails with CLI_SNAPSHOT_CORRUPT when the stream ends at any byte before its end', async () => {
    const bytes = makeSnapshotBytes([{ path: 'a', data: 'abc' }, { path: 'b' }]);
    // Cuts inside the header, an entry header, the bytes, the next entry and the end record.
    for (const cut of [18, 22, 30, bytes.length - 25, bytes.length - 5, bytes.length - 1]) {
      await expect(parse(bytes.subarray(0, cut)), `cut at ${cut}`).rejects.toMatchObject({
        code: CliErrorCode.SNAPSHOT_CORRUPT,
      });
    }
  });

  it('fails with CLI_SNAPSHOT_CORRUPT without an end record, with a wrong one, or with data after it', async () => {
    expect((await parseFailure(GOOD, { withoutEnd: true })).code).toBe(
      CliErrorCode.SNAPSHOT_CORRUPT,
    );
    expect((await parseFailure(GOOD, { trailing: new Uint8Array([0]) })).code).toBe(
      CliErrorCode.SNAPSHOT_CORRUPT,
    );
    const wrongEnd = Buffer.concat([
      makeSnapshotBytes([{ path: 'a', data: 'abc' }], { withoutEnd: true }),
      encodeSnapshotEnd(2, 3),
    ]);
    await expect(parse(wrongEnd)).rejects.toMatchObject({ code: CliErrorCode.SNAPSHOT_CORRUPT });
    const unknownRecord = Buffer.concat([encodeSnapshotHeader(), new Uint8Array([9])]);
    await expect(parse(unknownRecord)).rejects.toMatchObject({
      code: CliErrorCode.SNAPSHOT_CORRUPT,
    });
  });

  it.each([
    ['../escape', 'the path has a `..` segment'],
    ['checkpoints/../../escape', 'the path has a `..` segment'],
    ['/etc/passwd', 'the path is absolute'],
    ['C:/Windows', 'the path is absolute'],
    ['a\\..\\b', 'the path holds a backslash (snapshot paths are POSIX)'],
    ['a//b', 'the path has an empty or `.` segment'],
    ['./a', 'the path has an empty or `.` segment'],
    ['network.lock', 'the CLI keeps this file for a running network'],
  ])('fails with CLI_SNAPSHOT_UNSAFE_ENTRY for the path %j', async (path, reason) => {
    const failure = await parseFailure([{ path, data: 'x' }]);
    expect(failure).toMatchObject({
      code: CliErrorCode.SNAPSHOT_UNSAFE_ENTRY,
      details: { path, reason },
    });
  });

  it.each([
    [0o120777, 'symbolic link'],
    [0o010644, 'special file'],
    [0o020644, 'special file'],
    [0o140755, 'special file'],
  ])('fails with CLI_SNAPSHOT_UNSAFE_ENTRY for an entry of mode %o', async (mode, what) => {
    const failure = await parseFailure([{ path: 'link', data: '/etc/passwd', mode }]);
    expect(failure.code).toBe(CliErrorCode.SNAPSHOT_UNSAFE_ENTRY);
    expect(failure.details.reason).toContain(what);
  });

  it('fails with CLI_SNAPSHOT_UNSAFE_ENTRY for set-uid bits, duplicates and entries below a file', async () => {
    const cases: FixtureEntry[][] = [
      [{ path: 'tool', data: 'x', mode: 0o104755 }],
      [
        { path: 'a', data: 'x' },
        { path: 'a', data: 'y' },
      ],
      [
        { path: 'a', data: 'x' },
        { path: 'a/b', data: 'y' },
      ],
      [
        { path: 'a/b', data: 'y' },
        { path: 'a', data: 'x' },
      ],
      [{ path: 'd' }, { path: 'd' }],
    ];
    for (const entries of cases) {
      expect((await parseFailure(entries)).code, JSON.stringify(entries)).toBe(
        CliErrorCode.SNAPSHOT_UNSAFE_ENTRY,
      );
    }
  });

  it('fails with CLI_SNAPSHOT_CORRUPT for a directory that claims bytes', async () => {
    const bytes = Buffer.concat([
      encodeSnapshotHeader(),
      encodeEntryHeader({ path: 'd', mode: 0o040755, sizeBytes: 3, sha256: new Uint8Array(32) }),
      new Uint8Array(3),
      encodeSnapshotEnd(1, 3),
    ]);
    await expect(parse(bytes)).rejects.toMatchObject({ code: CliErrorCode.SNAPSHOT_CORRUPT });
  });

  it('fails with CLI_SNAPSHOT_TOO_LARGE before reading past a limit', async () => {
    const entries = [
      { path: 'a', data: 'abcd' },
      { path: 'b', data: 'efgh' },
    ];
    const cases: [Partial<SnapshotLimits>, string][] = [
      [{ maxFileBytes: 3 }, "'a' has 4 bytes"],
      [{ maxTotalBytes: 7 }, 'the files add up to more than 7 bytes'],
      [{ maxEntries: 1 }, 'more than 1 entries'],
      [{ maxPathBytes: 0 }, 'a path of 1 bytes'],
    ];
    for (const [limits, reason] of cases) {
      expect(await parseFailure(entries, {}, limits)).toMatchObject({
        code: CliErrorCode.SNAPSHOT_TOO_LARGE,
        details: { reason },
      });
    }
  });

  it('refuses a declared size beyond the file limit without waiting for the bytes', async () => {
    const bytes = Buffer.concat([
      encodeSnapshotHeader(),
      encodeEntryHeader({
        path: 'huge',
        mode: 0o100644,
        sizeBytes: 2 ** 52,
        sha256: new Uint8Array(32),
      }),
    ]);
    await expect(parse(bytes)).rejects.toMatchObject({ code: CliErrorCode.SNAPSHOT_TOO_LARGE });
  });
});

describe('entryPathProblem', () => {
  it.each(['keys.json', 'checkpoints/0000000001/manifest.json', 'wal/1.log', 'sub/network.lock'])(
    'accepts %j',
    (path) => {
      expect(entryPathProblem(path)).toBeUndefined();
    },
  );

  it.each(['', 'a/', 'a\0b', '..', 'network.json', 'network.log'])('rejects %j', (path) => {
    expect(entryPathProblem(path)).toBeTypeOf('string');
  });
});
