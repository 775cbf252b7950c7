/**
 * Builders for snapshot tests (not part of the build): hand-made archives, including
 * malformed ones no `save` would write, and a reader that captures a directory tree.
 */
import { createHash } from 'node:crypto';
import { chmod, lstat, mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import {
  MODE_DIRECTORY,
  MODE_REGULAR_FILE,
  encodeEntryHeader,
  encodeSnapshotEnd,
  encodeSnapshotHeader,
} from '../snapshot/snapshot-format.js';
import { dataDirFiles } from '../network/data-dir.js';

/** One entry of a hand-made archive. */
export interface FixtureEntry {
  readonly path: string;
  /** File contents; omit for a directory. */
  readonly data?: Uint8Array | string;
  /** Full st_mode. @default 0o100644 for files, 0o040755 for directories */
  readonly mode?: number;
  /** Overrides the recorded SHA-256 (to damage the archive). */
  readonly sha256?: Uint8Array;
  /** Overrides the recorded size. */
  readonly sizeBytes?: number;
}

/** Options of {@link makeSnapshotBytes}. */
export interface FixtureOptions {
  /** @default 1 */
  readonly version?: number;
  /** Leave out the end record. */
  readonly withoutEnd?: boolean;
  /** Bytes after the end record. */
  readonly trailing?: Uint8Array;
}

const bytesOf = (data: Uint8Array | string): Uint8Array =>
  typeof data === 'string' ? new TextEncoder().encode(data) : data;

/** The uncompressed container of `entries`. */
export function makeSnapshotBytes(
  entries: readonly FixtureEntry[],
  options: FixtureOptions = {},
): Uint8Array {
  const parts: Uint8Array[] = [encodeSnapshotHeader(options.version ?? 1)];
  let total = 0;
  for (const entry of entries) {
    const data = entry.data === undefined ? new Uint8Array(0) : bytesOf(entry.data);
    const mode =
      entry.mode ?? (entry.data === undefined ? MODE_DIRECTORY | 0o755 : MODE_REGULAR_FILE | 0o644);
    parts.push(
      encodeEntryHeader({
        path: entry.path,
        mode,
        sizeBytes: entry.sizeBytes ?? data.length,
        sha256: entry.sha256 ?? new Uint8Array(createHash('sha256').update(data).digest()),
      }),
      data,
    );
    total += data.length;
  }
  if (options.withoutEnd !== true) {
    parts.push(encodeSnapshotEnd(entries.length, total));
  }
  if (options.trailing) {
    parts.push(options.trailing);
  }
  return Buffer.concat(parts);
}

/** Writes the gzip'd container of `entries` to `path`. */
export async function writeSnapshotFixture(
  path: string,
  entries: readonly FixtureEntry[],
  options: FixtureOptions = {},
): Promise<void> {
  await writeFile(path, gzipSync(makeSnapshotBytes(entries, options)));
}

/** One node of a captured tree. */
export type TreeNode =
  | { readonly kind: 'file'; readonly mode: number; readonly sha256: string }
  | { readonly kind: 'directory'; readonly mode: number }
  | { readonly kind: 'other' };

/** Every file and directory below `root` by relative POSIX path, with permissions and hashes. */
export async function readTree(root: string): Promise<Record<string, TreeNode>> {
  const tree: Record<string, TreeNode> = {};
  const visit = async (dir: string, prefix: string): Promise<void> => {
    for (const name of (await readdir(dir)).sort()) {
      const path = prefix === '' ? name : `${prefix}/${name}`;
      const absolute = join(dir, name);
      const info = await lstat(absolute);
      if (info.isDirectory()) {
        tree[path] = { kind: 'directory', mode: info.mode & 0o777 };
        await visit(absolute, path);
      } else if (info.isFile()) {
        const sha256 = createHash('sha256')
          .update(await readFile(absolute))
          .digest('hex');
        tree[path] = { kind: 'file', mode: info.mode & 0o777, sha256 };
      } else {
        tree[path] = { kind: 'other' };
      }
    }
  };
  await visit(root, '');
  return tree;
}

/** Relative paths and contents written by {@link makeReplicaDataDir}, besides the skipped ones. */
export const REPLICA_FILES: Readonly<Record<string, string>> = {
  'keys.json': '{"secret":"shares"}\n',
  'checkpoints/CURRENT': '{"version":1,"checkpoint":"0000000002","nextCanisterIndex":"1"}\n',
  'checkpoints/0000000001/manifest.json': '{"height":"3"}',
  'checkpoints/0000000002/manifest.json': '{"height":"7"}',
  'checkpoints/0000000002/00000000001000000101/heap.bin': 'heap pages',
  'wal/00000000000000000004.log': 'rounds 4 to 7',
  'wal/00000000000000000008.log': 'rounds from 8',
};

/**
 * A data directory shaped like the replica's (keys, two checkpoints, two round-log segments,
 * an empty folder) plus what a snapshot leaves out: the CLI's runtime files and `*.tmp`
 * leftovers of interrupted writes.
 */
export async function makeReplicaDataDir(root: string): Promise<void> {
  for (const [path, text] of Object.entries(REPLICA_FILES)) {
    const absolute = join(root, ...path.split('/'));
    await mkdir(dirname(absolute), { recursive: true });
    await writeFile(absolute, text);
  }
  await chmod(join(root, 'keys.json'), 0o600);
  await mkdir(join(root, 'checkpoints', '0000000002', 'empty'), { recursive: true });
  await mkdir(join(root, 'checkpoints', '0000000003.tmp'), { recursive: true });
  await writeFile(join(root, 'checkpoints', '0000000003.tmp', 'manifest.json'), 'half');
  await writeFile(join(root, 'checkpoints', 'CURRENT.tmp'), 'half');
  await writeFile(join(root, 'keys.json.tmp-4242'), 'half');
  await writeFile(join(root, 'network.log'), 'log lines\n');
  await writeFile(join(root, 'network.json'), '{}');
  await writeFile(join(root, 'network.lock'), '{}');
}

/** The files a network running as `pid` keeps in `dataDir` (its lock and network.json). */
export async function writeRunningNetworkFiles(dataDir: string, pid: number): Promise<void> {
  const files = dataDirFiles(dataDir);
  await writeFile(files.lock, JSON.stringify({ pid, startedAt: 'then' }));
  await writeFile(
    files.network,
    JSON.stringify({
      url: 'http://127.0.0.1:4943',
      pid,
      port: 4943,
      rootKey: 'ab',
      startedAt: 'then',
    }),
  );
}
