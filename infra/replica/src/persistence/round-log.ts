import { Buffer } from 'node:buffer';
import type { FileHandle } from 'node:fs/promises';
import { mkdir, open, readFile, readdir, rename, rm, truncate } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import type { CborValue } from '@citadel/protocol';
import { decodeCbor, encodeCbor, isCborMap } from '@citadel/protocol';
import { syncDirectory } from './durable-fs.js';
import { createCorruptRoundLogError, createRoundLogIoError } from './errors.js';

/** Folder of the data directory that holds the round log. */
export const ROUND_LOG_DIR = 'wal';

/** An ingress message exactly as it was inducted into a round. */
export interface LoggedIngress {
  readonly requestId: Uint8Array;
  readonly sender: Uint8Array;
  readonly canisterId: Uint8Array;
  readonly method: string;
  readonly arg: Uint8Array;
  readonly expiryNs: bigint;
}

/**
 * The inputs of one executed round. Execution is deterministic, so the state after the round
 * follows from the state before it and these inputs: replaying the records that follow a
 * checkpoint rebuilds the state the network had when it was killed.
 */
export interface RoundRecord {
  /** Executed rounds are numbered from 1; a checkpoint remembers the last one it contains. */
  readonly height: bigint;
  readonly timeNs: bigint;
  readonly ingress: readonly LoggedIngress[];
}

/** What {@link readRoundLog} found after a checkpoint. */
export interface RoundLogContents {
  /** Records with a height above the checkpoint's, in order. */
  readonly records: readonly RoundRecord[];
  /**
   * False when the log does not reach back to the checkpoint (segments deleted by hand, or the
   * checkpoint is older than the log's fallback): rounds in the gap cannot be replayed.
   */
  readonly continuous: boolean;
}

/** Frame header: payload length and CRC-32 of the payload, both big-endian u32. */
const FRAME_HEADER_BYTES = 8;
/** A record holds at most a round's ingress; far below this unless the file is damaged. */
const MAX_RECORD_BYTES = 1024 * 1024 * 1024;
const SEGMENT_DIGITS = 20;
const SEGMENT_NAME = /^(\d{20})\.log$/;

const segmentName = (firstHeight: bigint): string =>
  `${firstHeight.toString().padStart(SEGMENT_DIGITS, '0')}.log`;

/**
 * The write-ahead log of round inputs (the IC keeps the blocks since its last checkpoint for
 * the same purpose). One file per checkpoint interval, named by the first height it may hold;
 * each record is framed with its length and CRC-32 and made durable (`fdatasync`) before the
 * round executes, so an answer the network gives is always covered by the log.
 */
export class RoundLog {
  readonly #dir: string;
  #handle: FileHandle | null = null;
  /** First height of the segment that the next append opens, when a new one is due. */
  #nextSegment: bigint | null;
  /** Appends, rotations and deletions run one after the other. */
  #queue: Promise<void> = Promise.resolve();

  private constructor(dir: string, firstHeight: bigint) {
    this.#dir = dir;
    this.#nextSegment = firstHeight;
  }

  /** A log whose next record, of height `firstHeight` or above, starts a new segment. */
  static async open(dataDir: string, firstHeight: bigint): Promise<RoundLog> {
    const dir = join(dataDir, ROUND_LOG_DIR);
    try {
      await mkdir(dir, { recursive: true });
    } catch (error) {
      throw createRoundLogIoError('create', dir, error);
    }
    return new RoundLog(dir, firstHeight);
  }

  /**
   * Appends `record` and waits until it is on disk.
   * @throws CitadelError `REPLICA_DATA_DIR_ROUND_LOG_IO_FAILED`; the round must then not run.
   */
  append(record: RoundRecord): Promise<void> {
    return this.#enqueue(async () => {
      if (this.#nextSegment !== null) {
        await this.#openSegment(this.#nextSegment);
      }
      const handle = this.#handle;
      if (handle === null) {
        throw createRoundLogIoError('append to', this.#dir, new Error('no open segment'));
      }
      try {
        await handle.write(frameRecord(record));
        await handle.datasync();
      } catch (error) {
        throw createRoundLogIoError('append to', this.#dir, error);
      }
    });
  }

  /** Records from `firstHeight` on go to a new segment (called when a checkpoint is captured). */
  rotate(firstHeight: bigint): void {
    this.#nextSegment = firstHeight;
  }

  /**
   * Deletes the segments that hold only rounds up to `height`, once a checkpoint that
   * contains them (and the fallback before it) is on disk.
   */
  prune(height: bigint): Promise<void> {
    return this.#enqueue(async () => {
      const segments = await listSegments(this.#dir);
      for (const [i, segment] of segments.entries()) {
        const next = segments[i + 1];
        if (next !== undefined && next.firstHeight <= height + 1n) {
          await rm(join(this.#dir, segment.name), { force: true });
        }
      }
    });
  }

  /** Waits for pending writes and closes the open segment. */
  close(): Promise<void> {
    return this.#enqueue(async () => {
      await this.#handle?.close();
      this.#handle = null;
    });
  }

  async #openSegment(firstHeight: bigint): Promise<void> {
    await this.#handle?.close();
    this.#handle = null;
    const path = join(this.#dir, segmentName(firstHeight));
    try {
      this.#handle = await open(path, 'a');
      await syncDirectory(this.#dir);
    } catch (error) {
      throw createRoundLogIoError('open', path, error);
    }
    this.#nextSegment = null;
  }

  #enqueue(task: () => Promise<void>): Promise<void> {
    const run = this.#queue.then(task);
    // A failed task is reported to its caller; the queue goes on with the next one.
    this.#queue = run.catch(() => undefined);
    return run;
  }
}

/**
 * Reads the records that follow the checkpoint of height `afterHeight`. A record cut short by
 * a crash (bad length or CRC at the end of a segment) was never acknowledged: the file is
 * truncated to its last whole record, with a line to `log`.
 *
 * @throws CitadelError `REPLICA_DATA_DIR_CORRUPT_ROUND_LOG` for a damaged record followed by
 *   intact data, or records out of order; `REPLICA_DATA_DIR_ROUND_LOG_IO_FAILED` on I/O errors.
 */
export async function readRoundLog(
  dataDir: string,
  afterHeight: bigint,
  log: (line: string) => void = () => {},
): Promise<RoundLogContents> {
  const dir = join(dataDir, ROUND_LOG_DIR);
  const segments = await listSegments(dir);
  // The last segment starting at or before the first round after the checkpoint holds it.
  let start = -1;
  for (const [i, segment] of segments.entries()) {
    if (segment.firstHeight <= afterHeight + 1n) {
      start = i;
    }
  }
  const continuous = segments.length === 0 || start >= 0;
  const records: RoundRecord[] = [];
  let last = afterHeight;
  for (const segment of segments.slice(Math.max(start, 0))) {
    const path = join(dir, segment.name);
    let bytes: Uint8Array;
    try {
      bytes = await readFile(path);
    } catch (error) {
      throw createRoundLogIoError('read', path, error);
    }
    const { records: inFile, validBytes } = parseSegment(bytes, path);
    if (validBytes < bytes.length) {
      log(
        `Round log ${path}: dropping ${bytes.length - validBytes} bytes of a record cut short by a crash.`,
      );
      try {
        await truncate(path, validBytes);
      } catch (error) {
        throw createRoundLogIoError('truncate', path, error);
      }
    }
    for (const record of inFile) {
      if (record.height <= afterHeight) {
        continue;
      }
      if (record.height <= last) {
        throw createCorruptRoundLogError(path, `round ${record.height} follows round ${last}`);
      }
      last = record.height;
      records.push(record);
    }
  }
  return { records, continuous };
}

/** Deletes the round log (`citadel start --clean`). */
export async function removeRoundLog(dataDir: string): Promise<void> {
  const dir = join(dataDir, ROUND_LOG_DIR);
  try {
    await rm(dir, { recursive: true, force: true });
  } catch (error) {
    throw createRoundLogIoError('remove', dir, error);
  }
}

/**
 * Moves a round log that cannot be replayed out of the way (keeping it for inspection), so
 * the network can log afresh; returns the new path.
 */
export async function quarantineRoundLog(dataDir: string): Promise<string> {
  const from = join(dataDir, ROUND_LOG_DIR);
  const to = join(dataDir, `${ROUND_LOG_DIR}.unreplayable-${Date.now()}`);
  try {
    await rename(from, to);
  } catch (error) {
    throw createRoundLogIoError('move', from, error);
  }
  return to;
}

interface Segment {
  readonly name: string;
  readonly firstHeight: bigint;
}

async function listSegments(dir: string): Promise<Segment[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return [];
    }
    throw createRoundLogIoError('list', dir, error);
  }
  return names
    .flatMap((name) => {
      const digits = SEGMENT_NAME.exec(name)?.[1];
      return digits === undefined ? [] : [{ name, firstHeight: BigInt(digits) }];
    })
    .sort((a, b) => (a.firstHeight < b.firstHeight ? -1 : a.firstHeight > b.firstHeight ? 1 : 0));
}

/** Length, CRC-32 and CBOR payload of one record. */
export function frameRecord(record: RoundRecord): Uint8Array {
  const payload = encodeCbor({
    height: record.height,
    timeNs: record.timeNs,
    ingress: record.ingress.map((m) => [
      m.requestId,
      m.sender,
      m.canisterId,
      m.method,
      m.arg,
      m.expiryNs,
    ]),
  });
  const frame = Buffer.allocUnsafe(FRAME_HEADER_BYTES + payload.length);
  frame.writeUInt32BE(payload.length, 0);
  frame.writeUInt32BE(crc32(payload), 4);
  frame.set(payload, FRAME_HEADER_BYTES);
  return frame;
}

/**
 * Splits a segment into records. A bad frame is a torn tail only if nothing but zeros or
 * another cut record could follow it, i.e. it is the end of the file; a bad frame with a
 * whole record after it means the file was damaged.
 */
export function parseSegment(
  bytes: Uint8Array,
  path: string,
): { records: RoundRecord[]; validBytes: number } {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  const records: RoundRecord[] = [];
  let offset = 0;
  while (offset < buffer.length) {
    const frame = readFrame(buffer, offset);
    if (frame === null) {
      if (containsWholeFrame(buffer, offset + 1)) {
        throw createCorruptRoundLogError(path, `the record at byte ${offset} fails its checksum`);
      }
      break;
    }
    records.push(decodeRecord(frame.payload, path, offset));
    offset = frame.end;
  }
  return { records, validBytes: offset };
}

function readFrame(buffer: Buffer, offset: number): { payload: Uint8Array; end: number } | null {
  if (buffer.length - offset < FRAME_HEADER_BYTES) {
    return null;
  }
  const length = buffer.readUInt32BE(offset);
  const end = offset + FRAME_HEADER_BYTES + length;
  if (length === 0 || length > MAX_RECORD_BYTES || end > buffer.length) {
    return null;
  }
  const payload = buffer.subarray(offset + FRAME_HEADER_BYTES, end);
  return crc32(payload) === buffer.readUInt32BE(offset + 4) ? { payload, end } : null;
}

/** Whether a valid frame starts anywhere at or after `from` (evidence of mid-file damage). */
function containsWholeFrame(buffer: Buffer, from: number): boolean {
  for (let offset = from; offset + FRAME_HEADER_BYTES < buffer.length; offset++) {
    if (readFrame(buffer, offset) !== null) {
      return true;
    }
  }
  return false;
}

function decodeRecord(payload: Uint8Array, path: string, offset: number): RoundRecord {
  const bad = (reason: string) =>
    createCorruptRoundLogError(path, `the record at byte ${offset} ${reason}`);
  let value: CborValue;
  try {
    value = decodeCbor(payload);
  } catch (error) {
    throw createCorruptRoundLogError(path, `the record at byte ${offset} is not CBOR`, error);
  }
  if (!isCborMap(value) || !Array.isArray(value.ingress)) {
    throw bad('is not a round record');
  }
  const height = toBigInt(value.height);
  const timeNs = toBigInt(value.timeNs);
  if (height === null || timeNs === null) {
    throw bad('has no height or time');
  }
  const ingress = (value.ingress as readonly CborValue[]).map((entry): LoggedIngress => {
    if (!Array.isArray(entry) || entry.length !== 6) {
      throw bad('has a malformed ingress message');
    }
    const [requestId, sender, canisterId, method, arg, expiry] = entry as readonly CborValue[];
    const expiryNs = toBigInt(expiry);
    if (
      !(requestId instanceof Uint8Array) ||
      !(sender instanceof Uint8Array) ||
      !(canisterId instanceof Uint8Array) ||
      typeof method !== 'string' ||
      !(arg instanceof Uint8Array) ||
      expiryNs === null
    ) {
      throw bad('has a malformed ingress message');
    }
    // The decoder returns views into the file's Buffer, whose `slice` would be another view
    // (and Candid reads `.buffer`): the copy constructor gives each field its own memory.
    return {
      requestId: new Uint8Array(requestId),
      sender: new Uint8Array(sender),
      canisterId: new Uint8Array(canisterId),
      method,
      arg: new Uint8Array(arg),
      expiryNs,
    };
  });
  return { height, timeNs, ingress };
}

function toBigInt(value: CborValue): bigint | null {
  if (typeof value === 'bigint') {
    return value;
  }
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0
    ? BigInt(value)
    : null;
}
