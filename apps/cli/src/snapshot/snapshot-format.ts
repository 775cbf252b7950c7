/**
 * The snapshot container, inside one gzip stream (RFC 1952). Integers are big-endian.
 *
 * ```
 * header   "CITADEL-SNAPSHOT" (16 bytes ASCII) · u32 format version
 * entry    u8 1 · u16 path length · path (UTF-8, POSIX, relative) · u32 mode
 *          · u64 size · 32-byte SHA-256 of the bytes · the bytes (size of them)
 * end      u8 0 · u32 entry count · u64 total bytes of all entries
 * ```
 *
 * `mode` is the POSIX `st_mode`: the type bits say regular file (0o100000) or directory
 * (0o040000, size 0), the low bits are the permissions. Nothing may follow the end record.
 */
import { createHash } from 'node:crypto';
import { CliErrorCode, createCliError } from '../errors.js';
import { ByteReader } from './byte-reader.js';

/** First bytes of every snapshot, after decompression. */
export const SNAPSHOT_MAGIC: Uint8Array = new TextEncoder().encode('CITADEL-SNAPSHOT');
/** The format this CLI writes; it reads this one and older ones. */
export const SNAPSHOT_FORMAT_VERSION = 1;

const ENTRY_TAG = 1;
const END_TAG = 0;
const SHA256_BYTES = 32;
/** tag · path length · mode · size · SHA-256, without the path. */
const ENTRY_FIXED_BYTES = 1 + 2 + 4 + 8 + SHA256_BYTES;
/** entry count · total bytes, after the tag. */
const END_BYTES = 4 + 8;

/** The type bits of `st_mode` (POSIX `S_IFMT`; the numbers are the same on every platform). */
export const MODE_TYPE_MASK = 0o170000;
/** `S_IFREG`: a regular file. */
export const MODE_REGULAR_FILE = 0o100000;
/** `S_IFDIR`: a directory. */
export const MODE_DIRECTORY = 0o040000;
/** `S_IFLNK`: only named in errors, a snapshot never holds one. */
const MODE_SYMLINK = 0o120000;
/** Permission bits a snapshot may carry: no set-uid, set-gid or sticky bit. */
export const MODE_PERMISSIONS = 0o777;

/** Bounds a snapshot must stay within to be restored; a header cannot make us fill a disk. */
export interface SnapshotLimits {
  /** Largest single file. @default 16 GiB */
  readonly maxFileBytes: number;
  /** All files together. @default 64 GiB */
  readonly maxTotalBytes: number;
  /** Files and directories. @default 1_000_000 */
  readonly maxEntries: number;
  /** Longest path, in UTF-8 bytes. @default 4_096 */
  readonly maxPathBytes: number;
}

const GIB = 1024 ** 3;

/** The limits `snapshot restore` applies. */
export const DEFAULT_SNAPSHOT_LIMITS: SnapshotLimits = Object.freeze({
  maxFileBytes: 16 * GIB,
  maxTotalBytes: 64 * GIB,
  maxEntries: 1_000_000,
  maxPathBytes: 4_096,
});

/**
 * Files the CLI keeps at the top of a data directory for a running network. They describe a
 * process, not the network's state, so snapshots never carry them.
 */
export const RUNTIME_FILES: ReadonlySet<string> = new Set([
  'network.json',
  'network.lock',
  'network.log',
]);

/** One file or directory of a snapshot. */
export interface SnapshotEntry {
  /** Relative POSIX path, e.g. `checkpoints/CURRENT`. */
  readonly path: string;
  readonly kind: 'file' | 'directory';
  /** Permission bits (`mode & 0o777`). */
  readonly permissions: number;
  readonly sizeBytes: number;
  /** Hex SHA-256 of the bytes. */
  readonly sha256: string;
}

/** What a snapshot holds, once every byte of it has been checked. */
export interface SnapshotSummary {
  readonly formatVersion: number;
  /** In archive order. */
  readonly entries: readonly SnapshotEntry[];
  readonly files: number;
  readonly directories: number;
  /** Bytes of all files together. */
  readonly bytes: number;
}

/** The snapshot header: magic and format version. */
export function encodeSnapshotHeader(version = SNAPSHOT_FORMAT_VERSION): Uint8Array {
  const out = new Uint8Array(SNAPSHOT_MAGIC.length + 4);
  out.set(SNAPSHOT_MAGIC);
  new DataView(out.buffer).setUint32(SNAPSHOT_MAGIC.length, version);
  return out;
}

/** Fields of an entry header, as written. */
export interface EntryHeaderFields {
  readonly path: string;
  /** Full `st_mode`, type bits included. */
  readonly mode: number;
  readonly sizeBytes: number;
  readonly sha256: Uint8Array;
}

/** The header of one entry; its `sizeBytes` bytes follow it. */
export function encodeEntryHeader(fields: EntryHeaderFields): Uint8Array {
  const path = new TextEncoder().encode(fields.path);
  const out = new Uint8Array(ENTRY_FIXED_BYTES + path.length);
  const view = new DataView(out.buffer);
  let at = 0;
  view.setUint8(at, ENTRY_TAG);
  view.setUint16((at += 1), path.length);
  out.set(path, (at += 2));
  view.setUint32((at += path.length), fields.mode);
  view.setBigUint64((at += 4), BigInt(fields.sizeBytes));
  out.set(fields.sha256, at + 8);
  return out;
}

/** The end record. */
export function encodeSnapshotEnd(entryCount: number, totalBytes: number): Uint8Array {
  const out = new Uint8Array(1 + END_BYTES);
  const view = new DataView(out.buffer);
  view.setUint8(0, END_TAG);
  view.setUint32(1, entryCount);
  view.setBigUint64(5, BigInt(totalBytes));
  return out;
}

/**
 * Why `path` may not name an entry, or undefined when it may: it must be relative, POSIX,
 * without `.` or `..` segments, and not one of the CLI's runtime files.
 */
export function entryPathProblem(path: string): string | undefined {
  if (path === '') {
    return 'the path is empty';
  }
  if (path.includes('\0')) {
    return 'the path holds a NUL byte';
  }
  if (path.includes('\\')) {
    return 'the path holds a backslash (snapshot paths are POSIX)';
  }
  if (path.startsWith('/') || /^[A-Za-z]:/.test(path)) {
    return 'the path is absolute';
  }
  const segments = path.split('/');
  if (segments.includes('..')) {
    return 'the path has a `..` segment';
  }
  if (segments.includes('.') || segments.includes('')) {
    return 'the path has an empty or `.` segment';
  }
  if (segments.length === 1 && RUNTIME_FILES.has(path)) {
    return 'the CLI keeps this file for a running network';
  }
  return undefined;
}

/** What to do with the bytes of one file entry while it is read. */
export interface EntryWriter {
  write(piece: Uint8Array): Promise<void>;
  /** Called once the bytes are complete and match the entry's SHA-256. */
  finish(): Promise<void>;
  /** Called instead of `finish` when reading the entry failed. */
  abort(): Promise<void>;
}

/** Options of {@link parseSnapshot}. */
export interface ParseSnapshotOptions {
  /** @default DEFAULT_SNAPSHOT_LIMITS */
  readonly limits?: SnapshotLimits;
  /** Receives each entry once its header is checked; may return a writer for its bytes. */
  readonly onEntry?: (entry: SnapshotEntry) => Promise<EntryWriter | undefined>;
}

/** `CLI_SNAPSHOT_CORRUPT` for the snapshot `file`. */
export function snapshotCorruptError(file: string, reason: string, cause?: unknown): Error {
  return createCliError(
    CliErrorCode.SNAPSHOT_CORRUPT,
    `${file} is damaged: ${reason}. Save the snapshot again.`,
    { file, reason },
    cause === undefined ? undefined : { cause },
  );
}

const corrupt = (file: string, reason: string): Error => snapshotCorruptError(file, reason);

function unsafe(file: string, path: string, reason: string): Error {
  return createCliError(
    CliErrorCode.SNAPSHOT_UNSAFE_ENTRY,
    `${file} holds an entry that cannot be restored safely ('${path}': ${reason}).`,
    { file, path, reason },
  );
}

function tooLarge(file: string, reason: string, limit: number): Error {
  return createCliError(
    CliErrorCode.SNAPSHOT_TOO_LARGE,
    `${file} exceeds what a snapshot may hold: ${reason} (limit ${limit}).`,
    { file, reason, limit },
  );
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/**
 * Tracks the paths seen so far, so that no path comes twice and no entry lies below a file.
 */
class PathTree {
  readonly #kinds = new Map<string, SnapshotEntry['kind']>();
  /** Paths that are a parent of some entry. */
  readonly #parents = new Set<string>();

  /** Why `path` conflicts with the entries before it, or undefined. */
  add(path: string, kind: SnapshotEntry['kind']): string | undefined {
    if (this.#kinds.has(path)) {
      return 'the path comes twice';
    }
    if (kind === 'file' && this.#parents.has(path)) {
      return 'the path is a file but other entries lie below it';
    }
    const segments = path.split('/');
    for (let i = 1; i < segments.length; i++) {
      const parent = segments.slice(0, i).join('/');
      if (this.#kinds.get(parent) === 'file') {
        return `'${parent}' is a file, so nothing can lie below it`;
      }
      this.#parents.add(parent);
    }
    this.#kinds.set(path, kind);
    return undefined;
  }
}

/**
 * Parses and checks a decompressed snapshot from `reader`: the header, every entry's path,
 * type, size and SHA-256, and the end record. `file` names the snapshot in errors.
 *
 * @throws CitadelError `CLI_SNAPSHOT_NOT_A_SNAPSHOT`, `CLI_SNAPSHOT_UNSUPPORTED_VERSION`,
 *   `CLI_SNAPSHOT_CORRUPT`, `CLI_SNAPSHOT_CHECKSUM_MISMATCH`, `CLI_SNAPSHOT_UNSAFE_ENTRY`,
 *   `CLI_SNAPSHOT_TOO_LARGE`.
 */
export async function parseSnapshot(
  source: AsyncIterable<Uint8Array>,
  file: string,
  options: ParseSnapshotOptions = {},
): Promise<SnapshotSummary> {
  const limits = options.limits ?? DEFAULT_SNAPSHOT_LIMITS;
  const reader = new ByteReader(source);
  const magic = await reader.read(SNAPSHOT_MAGIC.length);
  if (magic === null || !sameBytes(magic, SNAPSHOT_MAGIC)) {
    throw createCliError(
      CliErrorCode.SNAPSHOT_NOT_A_SNAPSHOT,
      `${file} is not a citadel snapshot (it does not start with the snapshot header).`,
      { file },
    );
  }
  const versionBytes = await reader.read(4);
  if (versionBytes === null) {
    throw corrupt(file, 'it ends inside the header');
  }
  const formatVersion = new DataView(versionBytes.buffer).getUint32(0);
  if (formatVersion === 0 || formatVersion > SNAPSHOT_FORMAT_VERSION) {
    throw createCliError(
      CliErrorCode.SNAPSHOT_UNSUPPORTED_VERSION,
      `${file} has snapshot format ${formatVersion}; this citadel reads format ${SNAPSHOT_FORMAT_VERSION}. Use the citadel that saved it.`,
      { file, formatVersion, supported: SNAPSHOT_FORMAT_VERSION },
    );
  }

  const entries: SnapshotEntry[] = [];
  const tree = new PathTree();
  let bytes = 0;
  for (;;) {
    const tag = await reader.read(1);
    if (tag === null) {
      throw corrupt(file, `it ends after ${entries.length} entries without an end record`);
    }
    if (tag[0] === END_TAG) {
      break;
    }
    if (tag[0] !== ENTRY_TAG) {
      throw corrupt(file, `unknown record type ${tag[0]} at byte ${reader.position - 1}`);
    }
    if (entries.length >= limits.maxEntries) {
      throw tooLarge(file, `more than ${limits.maxEntries} entries`, limits.maxEntries);
    }
    const { entry, sha256Bytes } = await readEntryHeader(reader, file, limits, bytes);
    const conflict = tree.add(entry.path, entry.kind);
    if (conflict !== undefined) {
      throw unsafe(file, entry.path, conflict);
    }
    bytes += entry.sizeBytes;
    entries.push(entry);
    const writer = await options.onEntry?.(entry);
    await readEntryBytes(reader, file, entry, sha256Bytes, writer);
  }

  const end = await reader.read(END_BYTES);
  if (end === null) {
    throw corrupt(file, 'it ends inside the end record');
  }
  const view = new DataView(end.buffer);
  const count = view.getUint32(0);
  const total = view.getBigUint64(4);
  if (count !== entries.length || total !== BigInt(bytes)) {
    throw corrupt(
      file,
      `the end record counts ${count} entries and ${total} bytes, but ${entries.length} entries and ${bytes} bytes were read`,
    );
  }
  if (!(await reader.atEnd())) {
    throw corrupt(file, 'data follows the end record');
  }
  const files = entries.filter((e) => e.kind === 'file').length;
  return { formatVersion, entries, files, directories: entries.length - files, bytes };
}

async function readEntryHeader(
  reader: ByteReader,
  file: string,
  limits: SnapshotLimits,
  bytesSoFar: number,
): Promise<{ entry: SnapshotEntry; sha256Bytes: Uint8Array }> {
  const lengthBytes = await reader.read(2);
  if (lengthBytes === null) {
    throw corrupt(file, 'it ends inside an entry header');
  }
  const pathLength = new DataView(lengthBytes.buffer).getUint16(0);
  if (pathLength > limits.maxPathBytes) {
    throw tooLarge(file, `a path of ${pathLength} bytes`, limits.maxPathBytes);
  }
  const rest = await reader.read(pathLength + 4 + 8 + SHA256_BYTES);
  if (rest === null) {
    throw corrupt(file, 'it ends inside an entry header');
  }
  let path: string;
  try {
    path = new TextDecoder('utf-8', { fatal: true }).decode(rest.subarray(0, pathLength));
  } catch {
    throw unsafe(file, '(not UTF-8)', 'the path is not valid UTF-8');
  }
  const problem = entryPathProblem(path);
  if (problem !== undefined) {
    throw unsafe(file, path, problem);
  }
  const view = new DataView(rest.buffer, pathLength);
  const mode = view.getUint32(0);
  const size = view.getBigUint64(4);
  const sha256Bytes = rest.slice(pathLength + 12);
  const type = mode & MODE_TYPE_MASK;
  if (type !== MODE_REGULAR_FILE && type !== MODE_DIRECTORY) {
    const what = type === MODE_SYMLINK ? 'a symbolic link' : 'a special file';
    throw unsafe(file, path, `it is ${what}; snapshots hold only files and directories`);
  }
  if ((mode & ~(MODE_TYPE_MASK | MODE_PERMISSIONS)) !== 0) {
    throw unsafe(file, path, `mode ${mode.toString(8)} has set-id or sticky bits`);
  }
  if (type === MODE_DIRECTORY && size !== 0n) {
    throw corrupt(file, `the directory '${path}' claims ${size} bytes`);
  }
  if (size > BigInt(limits.maxFileBytes)) {
    throw tooLarge(file, `'${path}' has ${size} bytes`, limits.maxFileBytes);
  }
  const sizeBytes = Number(size);
  if (bytesSoFar + sizeBytes > limits.maxTotalBytes) {
    throw tooLarge(
      file,
      `the files add up to more than ${limits.maxTotalBytes} bytes`,
      limits.maxTotalBytes,
    );
  }
  const entry: SnapshotEntry = {
    path,
    kind: type === MODE_DIRECTORY ? 'directory' : 'file',
    permissions: mode & MODE_PERMISSIONS,
    sizeBytes,
    sha256: toHex(sha256Bytes),
  };
  return { entry, sha256Bytes };
}

async function readEntryBytes(
  reader: ByteReader,
  file: string,
  entry: SnapshotEntry,
  sha256Bytes: Uint8Array,
  writer: EntryWriter | undefined,
): Promise<void> {
  const hash = createHash('sha256');
  let finished = false;
  try {
    const complete = await reader.stream(entry.sizeBytes, async (piece) => {
      hash.update(piece);
      await writer?.write(piece);
    });
    if (!complete) {
      throw corrupt(file, `it ends inside the bytes of '${entry.path}'`);
    }
    if (!sameBytes(new Uint8Array(hash.digest()), sha256Bytes)) {
      throw createCliError(
        CliErrorCode.SNAPSHOT_CHECKSUM_MISMATCH,
        `${file} is damaged: the bytes of '${entry.path}' do not match their SHA-256. Save the snapshot again.`,
        { file, path: entry.path, expected: entry.sha256 },
      );
    }
    finished = true;
    await writer?.finish();
  } finally {
    if (!finished) {
      await writer?.abort();
    }
  }
}
