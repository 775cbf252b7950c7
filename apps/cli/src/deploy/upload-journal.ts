import { mkdir, readFile, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { writeFileAtomic } from '../network/atomic-write.js';
import type { UploadJournal } from './asset-upload.js';

/**
 * The upload journal of one asset canister, kept in a file so that a deploy run again after
 * an interruption continues the same batch. The canister drops a batch five minutes after
 * its last chunk, so an older journal is not trusted.
 */

const FORMAT = 'citadel-upload-journal-v1';
/** A little under the canister's batch expiry (five minutes). */
const MAX_AGE_MS = 4 * 60_000;

interface JournalFile {
  readonly format: string;
  readonly batchId: string;
  readonly updatedAtMs: number;
  readonly chunks: Record<string, string>;
}

export async function openUploadJournal(
  file: string,
  nowMs: () => number = Date.now,
): Promise<UploadJournal> {
  let batchId: bigint | undefined;
  const chunkIds = new Map<string, bigint>();
  try {
    const stored = JSON.parse(await readFile(file, 'utf8')) as Partial<JournalFile>;
    if (
      stored.format === FORMAT &&
      typeof stored.batchId === 'string' &&
      typeof stored.updatedAtMs === 'number' &&
      nowMs() - stored.updatedAtMs < MAX_AGE_MS
    ) {
      batchId = BigInt(stored.batchId);
      for (const [sha, id] of Object.entries(stored.chunks ?? {})) {
        chunkIds.set(sha, BigInt(id));
      }
    }
  } catch (error) {
    // No journal, or a damaged one: start a new batch (the journal only saves uploads).
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT' && !(error instanceof SyntaxError)) {
      throw error;
    }
  }
  const write = async (): Promise<void> => {
    if (batchId === undefined) {
      return;
    }
    const content: JournalFile = {
      format: FORMAT,
      batchId: batchId.toString(),
      updatedAtMs: nowMs(),
      chunks: Object.fromEntries([...chunkIds].map(([sha, id]) => [sha, id.toString()])),
    };
    await mkdir(dirname(file), { recursive: true });
    await writeFileAtomic(file, JSON.stringify(content));
  };
  let unsaved = 0;
  // Background writes run one after another; flush() reports their failure.
  let writing: Promise<void> = Promise.resolve();
  return {
    get batchId() {
      return batchId;
    },
    chunkIds,
    async started(id) {
      batchId = id;
      chunkIds.clear();
      await write();
    },
    uploaded(sha, id) {
      chunkIds.set(sha, id);
      // Written every 16 chunks (about 30 MB): what a crash loses is re-sent.
      if (++unsaved >= 16) {
        unsaved = 0;
        writing = writing.then(write);
      }
    },
    async flush() {
      unsaved = 0;
      writing = writing.then(write);
      await writing;
    },
    async clear() {
      batchId = undefined;
      chunkIds.clear();
      await rm(file, { force: true });
    },
  };
}
