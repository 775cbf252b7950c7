import { createHash } from 'node:crypto';
import type { ActorSubclass } from '@dfinity/agent';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  type AssetsCanister,
  type BatchOperation,
  CHUNK_BYTES,
  type CommitBatchArguments,
  type Release,
  type SetAssetContentArguments,
  commitArgumentBytes,
} from '@citadel/assets-canister/client';
import { CliErrorCode } from '../errors.js';
import { type AssetPlan, planAssetSync } from './asset-plan.js';
import {
  MAX_COMMIT_ARGUMENT_BYTES,
  splitOperations,
  type UploadJournal,
  type UploadProgress,
  executeAssetPlan,
  splitIntoPieces,
} from './asset-upload.js';
import type { LocalAsset } from './local-assets.js';

const sha256 = (bytes: Uint8Array): Uint8Array =>
  new Uint8Array(createHash('sha256').update(bytes).digest());
const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

/** `length` bytes that differ from piece to piece (no two `CHUNK_BYTES` pieces are equal). */
function patterned(length: number, seed = 0): Uint8Array {
  return new Uint8Array(length).map((_, i) => (i * 31 + seed + (i >> 11)) & 0xff);
}

const MB = 1_000_000;

/** A local asset with one identity encoding that reads `bytes`; counts its reads. */
function assetOf(
  key: string,
  bytes: Uint8Array,
  reads: { count: number } = { count: 0 },
): LocalAsset {
  return {
    key,
    file: `/site${key}`,
    contentType: 'application/octet-stream',
    maxAge: undefined,
    headers: undefined,
    enableAliasing: undefined,
    allowRawAccess: true,
    encodings: [
      {
        name: 'identity',
        sha256: sha256(bytes),
        length: bytes.length,
        read: async () => {
          reads.count += 1;
          return bytes;
        },
      },
    ],
  };
}

/** A plan that creates every file of `files` (key → bytes) on an empty canister. */
function planOf(files: Record<string, Uint8Array>): AssetPlan {
  return planAssetSync(
    Object.entries(files).map(([key, bytes]) => assetOf(key, bytes)),
    [],
  );
}

function manyFiles(count: number, length: number): Record<string, Uint8Array> {
  return Object.fromEntries(
    Array.from({ length: count }, (_, i) => [`/file-${i}.bin`, patterned(length, i)]),
  );
}

interface FakeCanisterOptions {
  /** Runs at the start of each `create_chunks` (0-based call index); throw to fail it. */
  readonly onChunks?: (call: number) => void | Promise<void>;
  /** Runs at the start of each `commit_batch`; throw to fail it. */
  readonly onCommit?: (call: number) => void | Promise<void>;
  /** Time each `create_chunks` takes. @default 0 (no timer at all) */
  readonly chunkDelayMs?: number;
  /** Answer one chunk id fewer than asked for. */
  readonly dropChunkId?: boolean;
}

/**
 * An asset canister's batch API in memory: batches of chunks, consumed by `commit_batch`
 * (which, like a trap, changes nothing when it fails); what each call was asked.
 */
function makeFakeCanister(options: FakeCanisterOptions = {}) {
  let nextBatch = 1n;
  let nextChunk = 1n;
  const batches = new Map<bigint, Set<bigint>>();
  const chunks = new Map<bigint, { batchId: bigint; content: Uint8Array }>();
  /** Committed content by `key encoding`. */
  const stored = new Map<string, Uint8Array>();
  const calls = {
    createBatch: [] as bigint[],
    createChunks: [] as { batchId: bigint; sizes: number[]; shas: string[] }[],
    commits: [] as CommitBatchArguments[],
    staged: [] as CommitBatchArguments[],
  };
  const staged = new Map<bigint, CommitBatchArguments['operations']>();
  let inFlight = 0;
  let peakInFlight = 0;

  const notFound = (what: string, id: bigint) =>
    new Error(`Call was rejected:
  Request ID: 1234
  Reject code: 5
  Reject text: ${what} not found: ${id}
`);

  const service = {
    async create_batch(): Promise<{ batch_id: bigint }> {
      const id = nextBatch++;
      batches.set(id, new Set());
      calls.createBatch.push(id);
      return { batch_id: id };
    },
    async create_chunks(args: {
      batch_id: bigint;
      content: Uint8Array[];
    }): Promise<{ chunk_ids: bigint[] }> {
      const index = calls.createChunks.length;
      calls.createChunks.push({
        batchId: args.batch_id,
        sizes: args.content.map((piece) => piece.length),
        shas: args.content.map((piece) => hex(sha256(piece))),
      });
      inFlight += 1;
      peakInFlight = Math.max(peakInFlight, inFlight);
      try {
        await options.onChunks?.(index);
        if (options.chunkDelayMs !== undefined) {
          await new Promise((resolve) => setTimeout(resolve, options.chunkDelayMs));
        }
        const batch = batches.get(args.batch_id);
        if (batch === undefined) {
          throw notFound('batch', args.batch_id);
        }
        const ids = args.content.map((piece) => {
          const id = nextChunk++;
          chunks.set(id, { batchId: args.batch_id, content: piece.slice() });
          batch.add(id);
          return id;
        });
        return { chunk_ids: options.dropChunkId === true ? ids.slice(1) : ids };
      } finally {
        inFlight -= 1;
      }
    },
    // No releases in this fake: the deploy does not wait for certification.
    async current_release(): Promise<[]> {
      return [];
    },
    async stage_batch_operations(args: CommitBatchArguments): Promise<void> {
      calls.staged.push(args);
      if (!batches.has(args.batch_id)) {
        throw notFound('batch', args.batch_id);
      }
      staged.set(args.batch_id, [...(staged.get(args.batch_id) ?? []), ...args.operations]);
    },
    async commit_batch(call: CommitBatchArguments): Promise<void> {
      const index = calls.commits.length;
      calls.commits.push(call);
      await options.onCommit?.(index);
      if (!batches.has(call.batch_id)) {
        throw notFound('batch', call.batch_id);
      }
      const args = {
        batch_id: call.batch_id,
        operations: [...(staged.get(call.batch_id) ?? []), ...call.operations],
      };
      staged.delete(call.batch_id);
      // Check everything first: a failing commit leaves the canister as it was.
      const taken = new Set<bigint>();
      for (const operation of args.operations) {
        if ('SetAssetContent' in operation) {
          const content = operation.SetAssetContent;
          for (const id of content.chunk_ids) {
            if (!chunks.has(id) || taken.has(id)) {
              throw notFound('chunk', id);
            }
            taken.add(id);
          }
          const bytes = Buffer.concat(
            content.chunk_ids.map((id) => chunks.get(id)?.content ?? new Uint8Array()),
          );
          const [expected] = content.sha256;
          if (expected !== undefined && hex(expected) !== hex(sha256(bytes))) {
            throw new Error(`sha256 mismatch for ${content.key}`);
          }
        }
      }
      for (const operation of args.operations) {
        if ('SetAssetContent' in operation) {
          const content = operation.SetAssetContent;
          const bytes = Buffer.concat(
            content.chunk_ids.map((id) => chunks.get(id)?.content ?? new Uint8Array()),
          );
          content.chunk_ids.forEach((id) => chunks.delete(id));
          stored.set(`${content.key} ${content.content_encoding}`, new Uint8Array(bytes));
        }
      }
      batches.delete(args.batch_id);
    },
  };
  return {
    actor: service as unknown as ActorSubclass<AssetsCanister>,
    calls,
    stored,
    batches,
    peakInFlight: () => peakInFlight,
    /** Every piece sent, by SHA-256, over all calls. */
    sentShas: () => calls.createChunks.flatMap((call) => call.shas),
  };
}

/** A journal in memory, and what happened to it. */
function makeFakeJournal(batchId?: bigint, chunkIds = new Map<string, bigint>()) {
  const events: string[] = [];
  const journal: UploadJournal & { batchId: bigint | undefined } = {
    batchId,
    chunkIds,
    async started(id) {
      journal.batchId = id;
      chunkIds.clear();
      events.push(`started ${id}`);
    },
    uploaded(sha, id) {
      chunkIds.set(sha, id);
    },
    async flush() {
      events.push('flush');
    },
    async clear() {
      journal.batchId = undefined;
      chunkIds.clear();
      events.push('clear');
    },
  };
  return { journal, events };
}

function setContents(commit: CommitBatchArguments | undefined): SetAssetContentArguments[] {
  return (commit?.operations ?? []).flatMap((operation: BatchOperation) =>
    'SetAssetContent' in operation ? [operation.SetAssetContent] : [],
  );
}

function expectStored(
  canister: ReturnType<typeof makeFakeCanister>,
  files: Record<string, Uint8Array>,
): void {
  for (const [key, bytes] of Object.entries(files)) {
    const stored = canister.stored.get(`${key} identity`);
    expect(stored, key).toBeDefined();
    expect(Buffer.from(stored as Uint8Array).equals(Buffer.from(bytes)), key).toBe(true);
  }
}

const rejection = (text: string) =>
  new Error(`Call was rejected:\n  Request ID: 99\n  Reject code: 5\n  Reject text: ${text}\n`);

describe('splitIntoPieces', () => {
  it('makes an empty file one empty piece', () => {
    const pieces = splitIntoPieces(new Uint8Array(0));
    expect(pieces).toHaveLength(1);
    expect(pieces[0]?.length).toBe(0);
  });

  it('keeps a file of at most CHUNK_BYTES whole', () => {
    expect(splitIntoPieces(new Uint8Array(10)).map((piece) => piece.length)).toEqual([10]);
    expect(splitIntoPieces(new Uint8Array(CHUNK_BYTES)).map((piece) => piece.length)).toEqual([
      CHUNK_BYTES,
    ]);
  });

  it('cuts an exact multiple of CHUNK_BYTES into full pieces only', () => {
    expect(splitIntoPieces(new Uint8Array(3 * CHUNK_BYTES)).map((piece) => piece.length)).toEqual([
      CHUNK_BYTES,
      CHUNK_BYTES,
      CHUNK_BYTES,
    ]);
  });

  it('puts the remainder in a last, shorter piece, the pieces joining back to the file', () => {
    const bytes = patterned(2 * CHUNK_BYTES + 5);
    const pieces = splitIntoPieces(bytes);
    expect(pieces.map((piece) => piece.length)).toEqual([CHUNK_BYTES, CHUNK_BYTES, 5]);
    expect(Buffer.concat(pieces).equals(Buffer.from(bytes))).toBe(true);
  });
});

describe('executeAssetPlan', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('calls nothing and returns undefined when the plan has no operations', async () => {
    const canister = makeFakeCanister();
    const { journal, events } = makeFakeJournal();
    const result = await executeAssetPlan(canister.actor, planAssetSync([], []), { journal });
    expect(result).toBeUndefined();
    expect(canister.calls).toEqual({ createBatch: [], createChunks: [], commits: [], staged: [] });
    expect(events).toEqual([]);
  });

  it('uploads into a new batch, commits it once and returns its id', async () => {
    const files = { '/a.txt': patterned(100), '/b.txt': patterned(200, 1) };
    const canister = makeFakeCanister();
    const batchId = await executeAssetPlan(canister.actor, planOf(files));
    expect(batchId).toBe(1n);
    expect(canister.calls.createBatch).toEqual([1n]);
    expect(canister.calls.commits.map((commit) => commit.batch_id)).toEqual([1n]);
    expect(canister.calls.commits[0]?.operations.map((op) => Object.keys(op)[0])).toEqual([
      'CreateAsset',
      'CreateAsset',
      'SetAssetContent',
      'SetAssetContent',
    ]);
    expectStored(canister, files);
  });

  it('commits a plan with no uploads (a delete) without any create_chunks call', async () => {
    const canister = makeFakeCanister();
    const plan = planAssetSync(
      [],
      [
        {
          key: '/old.html',
          content_type: 'text/html',
          encodings: [],
          max_age: [],
          headers: [],
          allow_raw_access: [],
          is_aliased: [],
        },
      ],
    );
    expect(await executeAssetPlan(canister.actor, plan)).toBe(1n);
    expect(canister.calls.createChunks).toEqual([]);
    expect(canister.calls.commits[0]?.operations).toEqual([{ DeleteAsset: { key: '/old.html' } }]);
  });

  it('packs small files into few create_chunks calls of at most CHUNK_BYTES each', async () => {
    const files = manyFiles(40, 50_000);
    const canister = makeFakeCanister();
    await executeAssetPlan(canister.actor, planOf(files));
    const calls = canister.calls.createChunks;
    expect(calls.length).toBeLessThanOrEqual(3);
    for (const call of calls) {
      expect(call.sizes.reduce((sum, size) => sum + size, 0)).toBeLessThanOrEqual(CHUNK_BYTES);
    }
    expect(calls.flatMap((call) => call.sizes)).toHaveLength(40);
    expectStored(canister, files);
  });

  it('sends a thousand tiny files in a handful of calls', async () => {
    const files = manyFiles(1_000, 10);
    const canister = makeFakeCanister();
    await executeAssetPlan(canister.actor, planOf(files));
    expect(canister.calls.createChunks.length).toBeLessThanOrEqual(3);
    expect(canister.sentShas()).toHaveLength(1_000);
    expectStored(canister, files);
  });

  it('cuts a 5 MB encoding into CHUNK_BYTES pieces sent with their hashes, and sends a one-piece encoding without', async () => {
    const big = patterned(5 * MB);
    const small = patterned(1_000, 7);
    const canister = makeFakeCanister();
    await executeAssetPlan(canister.actor, planOf({ '/big.bin': big, '/small.bin': small }));
    const sizes = canister.calls.createChunks.flatMap((call) => call.sizes);
    expect(sizes.filter((size) => size > 1_000)).toEqual([
      CHUNK_BYTES,
      CHUNK_BYTES,
      5 * MB - 2 * CHUNK_BYTES,
    ]);
    for (const call of canister.calls.createChunks) {
      expect(call.sizes.reduce((sum, size) => sum + size, 0)).toBeLessThanOrEqual(CHUNK_BYTES);
    }
    const [bigContent, smallContent] = setContents(canister.calls.commits[0]);
    expect(bigContent?.key).toBe('/big.bin');
    expect(bigContent?.chunk_ids).toHaveLength(3);
    expect(bigContent?.chunk_sha256s).toEqual([splitIntoPieces(big).map(sha256)]);
    expect(bigContent?.sha256).toEqual([sha256(big)]);
    expect(bigContent?.last_chunk).toEqual([]);
    expect(smallContent?.key).toBe('/small.bin');
    expect(smallContent?.chunk_ids).toHaveLength(1);
    expect(smallContent?.chunk_sha256s).toEqual([]);
    expectStored(canister, { '/big.bin': big, '/small.bin': small });
  });

  it('uploads an empty file as one empty chunk', async () => {
    const canister = makeFakeCanister();
    await executeAssetPlan(canister.actor, planOf({ '/empty.txt': new Uint8Array(0) }));
    expect(canister.calls.createChunks.map((call) => call.sizes)).toEqual([[0]]);
    const [content] = setContents(canister.calls.commits[0]);
    expect(content?.sha256).toEqual([sha256(new Uint8Array(0))]);
  });

  it('sets content with the SHA-256 of the bytes actually read, not the scanned one', async () => {
    const scanned = assetOf('/changed.txt', patterned(100));
    const nowOnDisk = patterned(120, 3);
    const asset: LocalAsset = {
      ...scanned,
      encodings: [
        {
          ...(scanned.encodings[0] as LocalAsset['encodings'][number]),
          read: async () => nowOnDisk,
        },
      ],
    };
    const canister = makeFakeCanister();
    await executeAssetPlan(canister.actor, planAssetSync([asset], []));
    const [content] = setContents(canister.calls.commits[0]);
    expect(content?.sha256).toEqual([sha256(nowOnDisk)]);
    expectStored(canister, { '/changed.txt': nowOnDisk });
  });

  it('reads each encoding once', async () => {
    const reads = { count: 0 };
    const assets = [
      assetOf('/a.bin', patterned(3 * MB), reads),
      assetOf('/b.bin', patterned(10), reads),
    ];
    const canister = makeFakeCanister();
    await executeAssetPlan(canister.actor, planAssetSync(assets, []));
    expect(reads.count).toBe(2);
  });

  it('keeps at most `concurrency` create_chunks calls in flight, and uses them all', async () => {
    const canister = makeFakeCanister({ chunkDelayMs: 5 });
    await executeAssetPlan(canister.actor, planOf(manyFiles(12, MB)), { concurrency: 3 });
    expect(canister.calls.createChunks).toHaveLength(12);
    expect(canister.peakInFlight()).toBe(3);

    const serial = makeFakeCanister({ chunkDelayMs: 1 });
    await executeAssetPlan(serial.actor, planOf(manyFiles(4, MB)), { concurrency: 1 });
    expect(serial.peakInFlight()).toBe(1);
  });

  it('reports progress that only grows, from zero to the plan totals', async () => {
    const files = { ...manyFiles(5, 300_000), '/big.bin': patterned(4 * MB) };
    const plan = planOf(files);
    const reports: UploadProgress[] = [];
    const canister = makeFakeCanister();
    await executeAssetPlan(canister.actor, plan, {
      concurrency: 2,
      onProgress: (progress) => reports.push(progress),
    });
    const totals = { bytesTotal: plan.uploadBytes, filesTotal: 6 };
    expect(reports[0]).toEqual({ bytesDone: 0, filesDone: 0, ...totals });
    expect(reports.at(-1)).toEqual({ bytesDone: plan.uploadBytes, filesDone: 6, ...totals });
    for (let i = 1; i < reports.length; i++) {
      const [before, after] = [reports[i - 1] as UploadProgress, reports[i] as UploadProgress];
      expect(after.bytesDone).toBeGreaterThanOrEqual(before.bytesDone);
      expect(after.filesDone).toBeGreaterThanOrEqual(before.filesDone);
      expect(after).toMatchObject(totals);
    }
    // The big file counts as done only with its last piece.
    expect(reports.filter((r) => r.filesDone === 6)).toHaveLength(1);
  });

  describe('with a journal', () => {
    it('records the new batch and every piece, then clears it after the commit', async () => {
      const files = manyFiles(3, MB);
      const canister = makeFakeCanister();
      const { journal, events } = makeFakeJournal();
      const recorded: string[] = [];
      const uploaded = journal.uploaded.bind(journal);
      journal.uploaded = (sha, id) => {
        recorded.push(sha);
        uploaded(sha, id);
      };
      await executeAssetPlan(canister.actor, planOf(files), { journal });
      expect(events).toEqual(['started 1', 'flush', 'clear']);
      expect(recorded.sort()).toEqual(canister.sentShas().sort());
      expect(journal.batchId).toBeUndefined();
    });

    it('continues an interrupted upload in the same batch without sending its chunks again', async () => {
      const files = manyFiles(6, MB);
      const plan = planOf(files);
      const canister = makeFakeCanister({
        onChunks: (call) => {
          if (call === 3) {
            throw rejection('the canister is out of cycles');
          }
        },
      });
      const { journal, events } = makeFakeJournal();
      await expect(
        executeAssetPlan(canister.actor, plan, { journal, concurrency: 1 }),
      ).rejects.toThrow(/out of cycles/);
      // What reached the canister is kept for the next run.
      expect(events).toEqual(['started 1', 'flush']);
      expect(journal.batchId).toBe(1n);
      expect(journal.chunkIds.size).toBe(3);
      const sentBefore = canister.sentShas().slice(0, 3);

      const progress: UploadProgress[] = [];
      const result = await executeAssetPlan(canister.actor, plan, {
        journal,
        concurrency: 1,
        onProgress: (p) => progress.push(p),
      });
      expect(result).toBe(1n);
      expect(canister.calls.createBatch).toEqual([1n]);
      // Calls 0-2 of the first run, the failed call 3, then only the three missing pieces.
      const sentAfter = canister.sentShas().slice(4);
      expect(sentAfter).toHaveLength(3);
      expect(sentAfter.filter((sha) => sentBefore.includes(sha))).toEqual([]);
      expect(canister.calls.commits.map((commit) => commit.batch_id)).toEqual([1n]);
      expect(events).toEqual(['started 1', 'flush', 'flush', 'clear']);
      expect(progress.at(-1)).toMatchObject({ bytesDone: plan.uploadBytes, filesDone: 6 });
      expectStored(canister, files);
    });

    it('starts a new batch and clears the journal when the canister no longer has the batch', async () => {
      const files = manyFiles(2, 1_000);
      const plan = planOf(files);
      const canister = makeFakeCanister();
      const knownSha = hex(sha256(files['/file-0.bin'] as Uint8Array));
      const { journal, events } = makeFakeJournal(42n, new Map([[knownSha, 7n]]));
      const result = await executeAssetPlan(canister.actor, plan, { journal });
      expect(result).toBe(1n);
      // The first attempt sends the unknown piece to batch 42 and is told it is gone.
      expect(canister.calls.createChunks[0]?.batchId).toBe(42n);
      expect(events).toEqual(['flush', 'clear', 'started 1', 'flush', 'clear']);
      // Then everything goes again, into the new batch.
      const retried = canister.calls.createChunks.slice(1);
      expect(retried.every((call) => call.batchId === 1n)).toBe(true);
      expect(retried.flatMap((call) => call.shas)).toContain(knownSha);
      expect(canister.calls.commits.map((commit) => commit.batch_id)).toEqual([1n]);
      expectStored(canister, files);
    });

    it('starts a new batch when every piece is in the journal but the commit finds no batch', async () => {
      const files = { '/a.bin': patterned(1_000) };
      const plan = planOf(files);
      const canister = makeFakeCanister();
      const sha = hex(sha256(files['/a.bin']));
      const { journal, events } = makeFakeJournal(42n, new Map([[sha, 7n]]));
      expect(await executeAssetPlan(canister.actor, plan, { journal })).toBe(1n);
      expect(canister.calls.commits.map((commit) => commit.batch_id)).toEqual([42n, 1n]);
      expect(events).toEqual(['flush', 'clear', 'started 1', 'flush', 'clear']);
      expectStored(canister, files);
    });

    it('still deploys when two encodings with the same bytes resume from one journal entry', async () => {
      const same = patterned(1_000);
      const files = { '/a.bin': same, '/b.bin': same };
      const plan = planOf(files);
      const canister = makeFakeCanister({
        onCommit: (call) => {
          if (call === 0) {
            throw rejection('commit interrupted');
          }
        },
      });
      const { journal } = makeFakeJournal();
      await expect(executeAssetPlan(canister.actor, plan, { journal })).rejects.toThrow(
        /commit interrupted/,
      );
      expect(journal.chunkIds.size).toBe(1);
      expect(await executeAssetPlan(canister.actor, plan, { journal })).toBeDefined();
      expectStored(canister, files);
    });

    it('does not clear the journal for an error other than a missing batch or chunk', async () => {
      const canister = makeFakeCanister({
        onChunks: () => {
          throw rejection('not authorized');
        },
      });
      const { journal, events } = makeFakeJournal(42n);
      await expect(
        executeAssetPlan(canister.actor, planOf({ '/a.bin': patterned(10) }), { journal }),
      ).rejects.toThrow(/not authorized/);
      expect(events).toEqual(['flush']);
      expect(journal.batchId).toBe(42n);
      expect(canister.calls.createBatch).toEqual([]);
    });
  });

  describe('on errors', () => {
    async function runWithFakeTimers<T>(run: () => Promise<T>): Promise<T> {
      vi.useFakeTimers();
      const outcome = run().then(
        (value) => ({ ok: true as const, value }),
        (error: unknown) => ({ ok: false as const, error }),
      );
      await vi.runAllTimersAsync();
      const settled = await outcome;
      if (!settled.ok) {
        throw settled.error;
      }
      return settled.value;
    }

    it.each([
      ['fetch failed', new TypeError('fetch failed')],
      ['a reset connection', new Error('read ECONNRESET')],
      ['a refused connection', new Error('connect ECONNREFUSED 127.0.0.1:4943')],
      ['a hang-up', new Error('socket hang up')],
      ['HTTP 429', new Error('Server returned an error:\n  Code: 429 (Too Many Requests)')],
      ['HTTP 503', new Error('Server returned an error:\n  Code: 503 (Service Unavailable)')],
      ['a timeout', new Error('Request timed out after 300000 msec')],
    ])('retries a create_chunks call that failed with %s', async (_name, error) => {
      const canister = makeFakeCanister({
        onChunks: (call) => {
          if (call === 0) {
            throw error;
          }
        },
      });
      const files = { '/a.bin': patterned(100) };
      await runWithFakeTimers(() => executeAssetPlan(canister.actor, planOf(files)));
      expect(canister.calls.createChunks).toHaveLength(2);
      expect(canister.calls.createChunks[1]?.sizes).toEqual([100]);
      expectStored(canister, files);
    });

    it('gives up after three attempts at a transient failure, surfacing it', async () => {
      const canister = makeFakeCanister({
        onChunks: () => {
          throw new TypeError('fetch failed');
        },
      });
      await expect(
        runWithFakeTimers(() => executeAssetPlan(canister.actor, planOf({ '/a': patterned(1) }))),
      ).rejects.toThrow('fetch failed');
      expect(canister.calls.createChunks).toHaveLength(3);
      expect(canister.calls.commits).toEqual([]);
    });

    it('does not retry a call the canister rejected, and surfaces the rejection', async () => {
      const reject = rejection('Canister trapped: not authorized');
      const canister = makeFakeCanister({
        onChunks: () => {
          throw reject;
        },
      });
      await expect(
        executeAssetPlan(canister.actor, planOf({ '/a.bin': patterned(100) })),
      ).rejects.toBe(reject);
      expect(canister.calls.createChunks).toHaveLength(1);
      expect(canister.calls.commits).toEqual([]);
    });

    it('stops the other workers from taking calls once one fails', async () => {
      const canister = makeFakeCanister({
        chunkDelayMs: 5,
        onChunks: (call) => {
          if (call === 0) {
            throw rejection('not authorized');
          }
        },
      });
      await expect(
        executeAssetPlan(canister.actor, planOf(manyFiles(10, MB)), { concurrency: 2 }),
      ).rejects.toThrow(/not authorized/);
      // Let the call still in flight finish: no worker takes another one after it.
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(canister.calls.createChunks.length).toBeLessThanOrEqual(2);
      expect(canister.calls.commits).toEqual([]);
    });

    it('fails with CLI_DEPLOY_UPLOAD_FAILED when the canister answers too few chunk ids', async () => {
      const canister = makeFakeCanister({ dropChunkId: true });
      await expect(
        executeAssetPlan(canister.actor, planOf(manyFiles(3, 100))),
      ).rejects.toMatchObject({ code: CliErrorCode.DEPLOY_UPLOAD_FAILED });
      expect(canister.calls.commits).toEqual([]);
    });

    it('stages the operations of a commit over MAX_COMMIT_ARGUMENT_BYTES in parts, then commits once', async () => {
      const files = Object.fromEntries(
        Array.from({ length: 1_200 }, (_, i) => [
          `/${String(i).padStart(4, '0')}/${'long-directory-name/'.repeat(40)}file.txt`,
          patterned(1, i),
        ]),
      );
      const plan = planOf(files);
      const canister = makeFakeCanister();
      await executeAssetPlan(canister.actor, plan);
      expect(canister.calls.staged.length).toBeGreaterThan(0);
      expect(canister.calls.commits).toHaveLength(1);
      const parts = [...canister.calls.staged, ...canister.calls.commits];
      for (const part of parts) {
        expect(commitArgumentBytes(part)).toBeLessThanOrEqual(MAX_COMMIT_ARGUMENT_BYTES);
      }
      // In order, nothing lost: the canister got the plan's operations as one commit.
      expect(parts.flatMap((part) => part.operations)).toHaveLength(2_400);
      expect(canister.stored.size).toBe(1_200);
    });

    it('waits until the canister serves the release a large commit made', async () => {
      const canister = makeFakeCanister();
      const served: ([] | [bigint])[] = [[], [2n], [3n]];
      const release = { id: 3n } as unknown as Release;
      const actor = Object.assign(Object.create(canister.actor) as object, {
        current_release: async () => [release],
        served_release: async () => served.shift() ?? [3n],
      }) as ActorSubclass<AssetsCanister>;
      const waits: number[] = [];
      await executeAssetPlan(actor, planOf({ '/a.txt': patterned(10) }), {
        onCertifying: (elapsedMs) => waits.push(elapsedMs),
        sleep: async () => {},
      });
      expect(waits).toHaveLength(2);
      expect(served).toEqual([]);
    });

    it('cuts operations into parts of at most MAX_OPERATIONS_PER_CALL, in order', () => {
      const operations = Array.from({ length: 4_500 }, (_, i) => ({
        DeleteAsset: { key: `/${i}` },
      }));
      const parts = splitOperations(1n, operations);
      expect(parts.map((part) => part.length)).toEqual([2_000, 2_000, 500]);
      expect(parts.flat()).toEqual(operations);
      expect(splitOperations(1n, [])).toEqual([[]]);
    });

    it('refuses with CLI_DEPLOY_COMMIT_TOO_LARGE one operation that alone exceeds a message', () => {
      const huge = { DeleteAsset: { key: `/${'x'.repeat(MAX_COMMIT_ARGUMENT_BYTES)}` } };
      expect(() => splitOperations(1n, [huge])).toThrow(
        expect.objectContaining({ code: CliErrorCode.DEPLOY_COMMIT_TOO_LARGE }),
      );
    });

    it('commits a large plan that stays within MAX_COMMIT_ARGUMENT_BYTES', async () => {
      const files = Object.fromEntries(
        Array.from({ length: 1_200 }, (_, i) => [`/${i}.txt`, patterned(1, i)]),
      );
      const canister = makeFakeCanister();
      await executeAssetPlan(canister.actor, planOf(files));
      expect(canister.calls.commits).toHaveLength(1);
    });
  });
});
