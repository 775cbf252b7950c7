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
  const restored = parseJournal(await readJournal(file), nowMs());
  let batchId = restored?.batchId;
  const chunkIds = restored?.chunkIds ?? new Map<string, bigint>();
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
        // flush() reports a failure; until then it must not be an unhandled rejection.
        writing.catch(() => {});
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

/** The journal's text; null when there is none. */
async function readJournal(file: string): Promise<string | null> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return null;
    }
    throw error;
  }
}

const DECIMAL = /^\d{1,30}$/;

/**
 * The batch and chunks of a journal young enough to trust; null for anything else — none, too
 * old, or damaged in any way (the journal only saves uploads, so a new batch is always safe).
 */
function parseJournal(
  text: string | null,
  nowMs: number,
): { batchId: bigint; chunkIds: Map<string, bigint> } | null {
  if (text === null) {
    return null;
  }
  let stored: unknown;
  try {
    stored = JSON.parse(text);
  } catch (error) {
    if (error instanceof SyntaxError) {
      return null;
    }
    throw error;
  }
  if (typeof stored !== 'object' || stored === null) {
    return null;
  }
  const { format, batchId, updatedAtMs, chunks } = stored as Partial<JournalFile>;
  if (
    format !== FORMAT ||
    typeof batchId !== 'string' ||
    !DECIMAL.test(batchId) ||
    typeof updatedAtMs !== 'number' ||
    !(nowMs - updatedAtMs < MAX_AGE_MS) ||
    (chunks !== undefined && (typeof chunks !== 'object' || chunks === null))
  ) {
    return null;
  }
  const chunkIds = new Map<string, bigint>();
  for (const [sha, id] of Object.entries(chunks ?? {})) {
    if (typeof id !== 'string' || !DECIMAL.test(id)) {
      return null;
    }
    chunkIds.set(sha, BigInt(id));
  }
  return { batchId: BigInt(batchId), chunkIds };
}
