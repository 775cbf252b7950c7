import { Buffer } from 'node:buffer';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { canisterIdFromIndex, isCitadelError } from '@citadel/protocol';
import { IDL } from '@dfinity/candid';
import wabtInit from 'wabt';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ExecutionEntry, ExecutionResult } from '../execution/index.js';
import { prepareModule } from '../execution/index.js';
import { startInstanceThread } from '../runtime/index.js';
import { SYSTEM_API } from '../execution/system-api-imports.js';
import { createExecutionEnvFactory } from '../scheduler/execution-env.js';
import type { CanisterRecord } from '../state/canister.js';
import { CanisterTable } from '../state/canister-table.js';
import {
  CHECKPOINTS_DIR,
  CURRENT_FILE,
  captureCheckpoint,
  loadCheckpoint,
  removeCheckpoints,
  writeCheckpoint,
} from './checkpoint.js';
import { DataDirErrorCode } from './errors.js';

const wabt = await wabtInit();

/** Compiles WAT; `(import "ic0" …)` lines are generated from the System API table by name. */
function wat(ic0: readonly string[], body: string): Uint8Array {
  const imports = ic0
    .map((name) => {
      const api = SYSTEM_API.get(name);
      if (api === undefined) {
        throw new Error(`unknown ic0 import ${name}`);
      }
      const params = api.params.length > 0 ? `(param ${api.params.join(' ')})` : '';
      const results = api.results.length > 0 ? `(result ${api.results.join(' ')})` : '';
      return `(import "ic0" "${name}" (func $${name} ${params} ${results}))`;
    })
    .join('\n');
  return wabt.parseWat('fixture.wat', `(module ${imports} ${body})`).toBinary({}).buffer;
}

/**
 * The tally fixture: `inc` bumps a heap counter on heap page 2, an i32, an i64 and an f64
 * global, and copies the counter to stable page 10 of 16; `read` reports all five. Heap pages
 * 0–1 and 15 of the 16 stable pages stay zero, which the sparse format must leave out.
 */
const TALLY = wat(
  [
    'msg_reply_data_append',
    'msg_reply',
    'stable64_size',
    'stable64_grow',
    'stable64_read',
    'stable64_write',
  ],
  `
  (memory 3)
  (global $n (mut i32) (i32.const 0))
  (global $big (mut i64) (i64.const 0))
  (global $f (mut f64) (f64.const -0))
  (func (export "canister_update inc")
    (i32.store (i32.const 131072) (i32.add (i32.load (i32.const 131072)) (i32.const 1)))
    (global.set $n (i32.add (global.get $n) (i32.const 1)))
    (global.set $big (i64.add (global.get $big) (i64.const 1099511627776)))
    (global.set $f (f64.add (global.get $f) (f64.const 0.5)))
    (if (i64.eqz (call $stable64_size)) (then (drop (call $stable64_grow (i64.const 16)))))
    (call $stable64_write (i64.const 655360) (i64.const 131072) (i64.const 4))
    (call $msg_reply_data_append (i32.const 131072) (i32.const 4))
    (call $msg_reply))
  (func (export "canister_query read")
    (i32.store (i32.const 64) (i32.load (i32.const 131072)))
    (i32.store (i32.const 68) (global.get $n))
    (i64.store (i32.const 72) (global.get $big))
    (f64.store (i32.const 80) (global.get $f))
    (i32.store (i32.const 88) (i32.const 0))
    (if (i64.ne (call $stable64_size) (i64.const 0))
      (then (call $stable64_read (i64.const 88) (i64.const 655360) (i64.const 4))))
    (call $msg_reply_data_append (i32.const 64) (i32.const 28))
    (call $msg_reply))
  `,
);

const CALLER = Uint8Array.of(0x04);
const TIME_NS = 1_700_000_000_000_000_000n;
const envFactory = createExecutionEnvFactory({
  rootKeyDer: new Uint8Array(133),
  subnetId: Uint8Array.of(9, 9, 2),
});
const EMPTY_ARG = new Uint8Array(0);

function execute(record: CanisterRecord, entry: ExecutionEntry): Promise<ExecutionResult> {
  if (record.code === null) {
    throw new Error(`canister ${record.idText} has no code`);
  }
  return record.code.instance.execute(entry, envFactory.create(record, TIME_NS));
}

function replyOf(result: ExecutionResult): Uint8Array {
  if (result.outcome.kind !== 'replied') {
    throw new Error(`expected a reply, got ${JSON.stringify(result.outcome)}`);
  }
  return result.outcome.data;
}

const update = (method: string, arg = EMPTY_ARG): ExecutionEntry => ({
  kind: 'update',
  method,
  arg,
  caller: CALLER,
});
const query = (method: string, arg = EMPTY_ARG): ExecutionEntry => ({
  kind: 'query',
  method,
  arg,
  caller: CALLER,
  mode: 'non_replicated',
});

/** Installs `moduleBytes` the way the management canister does and runs `canister_init`. */
async function install(
  record: CanisterRecord,
  moduleBytes: Uint8Array,
  arg = EMPTY_ARG,
): Promise<void> {
  const prepared = await prepareModule(moduleBytes);
  const instance = await startInstanceThread(prepared, {
    canister: record.idText,
    controllers: record.controllers,
  });
  record.code = { prepared, instance, moduleBytes };
  expect((await execute(record, { kind: 'init', arg, caller: CALLER })).outcome.kind).not.toBe(
    'trapped',
  );
  record.version += 1n;
  record.lastInstallNs = TIME_NS;
}

/** [heap counter, i32 global, i64 global, f64 global, stable word] of a tally canister. */
async function readTally(
  record: CanisterRecord,
): Promise<[number, number, bigint, number, number]> {
  const data = replyOf(await execute(record, query('read')));
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  return [
    view.getUint32(0, true),
    view.getUint32(4, true),
    view.getBigUint64(8, true),
    view.getFloat64(16, true),
    view.getUint32(24, true),
  ];
}

async function inc(record: CanisterRecord, times = 1): Promise<void> {
  for (let i = 0; i < times; i++) {
    replyOf(await execute(record, update('inc')));
  }
}

const sha256Hex = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/**
 * A table with every kind of canister: a deleted one (index 0), an empty one with a chunk
 * store (index 1), a stopped tally canister with changed settings (index 2) and one created
 * with a specified id.
 */
async function makeTable(): Promise<{ table: CanisterTable; tally: CanisterRecord }> {
  const table = new CanisterTable();
  const deleted = table.create({ controllers: [CALLER], cyclesBalance: 1n, nowNs: 1n });
  table.delete(deleted.id);
  const empty = table.create({
    controllers: [CALLER, Uint8Array.of(5, 6)],
    cyclesBalance: 5_000n,
    nowNs: 2n,
  });
  const chunk = Uint8Array.from({ length: 1000 }, (_, i) => i % 251);
  empty.chunkStore.set(sha256Hex(chunk), chunk);
  const tally = table.create({ controllers: [CALLER], cyclesBalance: 10n ** 13n, nowNs: 3n });
  await install(tally, TALLY);
  await inc(tally, 3);
  tally.status = 'stopped';
  tally.certifiedData = Uint8Array.of(1, 2, 3);
  tally.globalTimerNs = TIME_NS + 99n;
  tally.settings.freezingThreshold = 7n;
  tally.settings.logVisibility = 'public';
  tally.settings.environmentVariables = [{ name: 'MODE', value: 'dev' }];
  tally.openCallContexts = 2;
  table.create({
    controllers: [],
    cyclesBalance: 0n,
    nowNs: 4n,
    specifiedId: canisterIdFromIndex(1000n),
  });
  return { table, tally };
}

/** Every field of a record except the live instance, with the module reduced to its hash. */
function metadataOf(record: CanisterRecord): Record<string, unknown> {
  const copy: Partial<CanisterRecord> = { ...record };
  delete copy.code;
  delete copy.openCallContexts;
  return {
    ...copy,
    moduleHash:
      record.code === null ? null : Buffer.from(record.code.prepared.moduleHash).toString('hex'),
    moduleBytesHash: record.code === null ? null : sha256Hex(record.code.moduleBytes),
  };
}

function tallyOf(table: CanisterTable): CanisterRecord {
  const record = table.get(canisterIdFromIndex(2n));
  if (record === undefined) {
    throw new Error('the tally canister is missing');
  }
  return record;
}

async function checkpointDirs(dataDir: string): Promise<string[]> {
  return (await readdir(join(dataDir, CHECKPOINTS_DIR))).filter((n) => n !== CURRENT_FILE).sort();
}

async function flipByte(path: string, at: number): Promise<void> {
  const bytes = await readFile(path);
  bytes[at] = (bytes[at] ?? 0) ^ 0xff;
  await writeFile(path, bytes);
}

async function errorOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

async function sizeOnDisk(path: string): Promise<number> {
  const info = await stat(path);
  if (!info.isDirectory()) {
    return info.size;
  }
  let total = 0;
  for (const name of await readdir(path)) {
    total += await sizeOnDisk(join(path, name));
  }
  return total;
}

const dataDirs: string[] = [];

async function makeDataDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'citadel-checkpoint-'));
  dataDirs.push(dir);
  return dir;
}

afterEach(async () => {
  for (const dir of dataDirs.splice(0)) {
    await rm(dir, { recursive: true, force: true });
  }
});

describe('checkpoints', () => {
  it('loadCheckpoint returns null when the data directory has no checkpoint', async () => {
    const dataDir = await makeDataDir();
    expect(await loadCheckpoint(join(dataDir, 'not-there'))).toBeNull();
    expect(await loadCheckpoint(dataDir)).toBeNull();
    await mkdir(join(dataDir, CHECKPOINTS_DIR));
    expect(await loadCheckpoint(dataDir)).toBeNull();
  });

  it('a written checkpoint loads back with every canister field, the id counter and the retired ids', async () => {
    const dataDir = await makeDataDir();
    const { table } = await makeTable();
    await writeCheckpoint(dataDir, await captureCheckpoint({ canisters: table, timeNs: TIME_NS }));
    const restored = await loadCheckpoint(dataDir);
    if (restored === null) {
      throw new Error('expected a checkpoint');
    }
    expect(restored.nextIndex).toBe(table.nextIndex);
    expect(restored.retired()).toEqual(table.retired());
    expect(restored.size).toBe(table.size);
    for (const record of table.values()) {
      const copy = restored.get(record.id);
      expect(copy).toBeDefined();
      expect(metadataOf(copy as CanisterRecord)).toStrictEqual(metadataOf(record));
      expect(copy?.openCallContexts).toBe(0);
    }
    expect(await readTally(tallyOf(restored))).toEqual(await readTally(tallyOf(table)));
    expect(await readTally(tallyOf(restored))).toEqual([3, 3, 3n * 2n ** 40n, 1.5, 3]);
  });

  it('a restored canister keeps executing from where its checkpoint left off', async () => {
    const dataDir = await makeDataDir();
    const { table } = await makeTable();
    await writeCheckpoint(dataDir, await captureCheckpoint({ canisters: table, timeNs: TIME_NS }));
    const tally = tallyOf((await loadCheckpoint(dataDir)) as CanisterTable);
    await inc(tally, 2);
    expect(await readTally(tally)).toEqual([5, 5, 5n * 2n ** 40n, 2.5, 5]);
  });

  it('the image is detached: execution after captureCheckpoint does not change what is written', async () => {
    const dataDir = await makeDataDir();
    const { table, tally } = await makeTable();
    const image = captureCheckpoint({ canisters: table, timeNs: TIME_NS });
    // Not awaited before the updates: the capture sees the state of the moment it was called.
    await inc(tally, 4);
    tally.settings.freezingThreshold = 8n;
    await writeCheckpoint(dataDir, await image);
    const restored = tallyOf((await loadCheckpoint(dataDir)) as CanisterTable);
    expect((await readTally(restored))[0]).toBe(3);
    expect(restored.settings.freezingThreshold).toBe(7n);
  });

  it('a restored table never hands out a used id again, deleted ones included', async () => {
    const dataDir = await makeDataDir();
    const { table } = await makeTable();
    const used = [canisterIdFromIndex(0n), ...[...table.values()].map((r) => r.id)];
    await writeCheckpoint(dataDir, await captureCheckpoint({ canisters: table, timeNs: TIME_NS }));
    const restored = (await loadCheckpoint(dataDir)) as CanisterTable;
    expect(restored.isUsed(canisterIdFromIndex(0n))).toBe(true);
    expect(restored.get(canisterIdFromIndex(0n))).toBeUndefined();
    const fresh = restored.create({ controllers: [], cyclesBalance: 0n, nowNs: TIME_NS });
    expect(fresh.id).toEqual(canisterIdFromIndex(3n));
    for (const id of used) {
      expect(fresh.id).not.toEqual(id);
    }
  });

  it('stable memory and heap are stored sparsely: only their non-zero pages reach the disk', async () => {
    const dataDir = await makeDataDir();
    const { table } = await makeTable();
    await writeCheckpoint(dataDir, await captureCheckpoint({ canisters: table, timeNs: TIME_NS }));
    const [name] = await checkpointDirs(dataDir);
    const dir = join(
      dataDir,
      CHECKPOINTS_DIR,
      name as string,
      Buffer.from(canisterIdFromIndex(2n)).toString('hex'),
    );
    // 16 stable pages and 3 heap pages, one non-zero page each.
    expect((await stat(join(dir, 'stable.bin'))).size).toBe(65_536);
    expect((await stat(join(dir, 'heap.bin'))).size).toBe(65_536);
    expect((await stat(join(dir, 'module.bin'))).size).toBe(TALLY.length);
  });

  it('a write that crashed before CURRENT moved leaves the previous checkpoint the one that loads', async () => {
    const dataDir = await makeDataDir();
    const { table, tally } = await makeTable();
    await writeCheckpoint(dataDir, await captureCheckpoint({ canisters: table, timeNs: TIME_NS }));
    await inc(tally, 1);
    table.create({ controllers: [], cyclesBalance: 0n, nowNs: TIME_NS });
    // The newer state, written elsewhere, then planted as the pieces a crashed write leaves.
    const scratch = await makeDataDir();
    await writeCheckpoint(
      scratch,
      await captureCheckpoint({ canisters: table, timeNs: TIME_NS + 1n }),
    );
    const newer = join(scratch, CHECKPOINTS_DIR, '0000000001');
    const root = join(dataDir, CHECKPOINTS_DIR);
    // Crash while writing blobs: a partial `.tmp` directory.
    await cp(newer, join(root, '0000000002.tmp'), { recursive: true });
    await rm(join(root, '0000000002.tmp', 'manifest.json'));
    // Crash while replacing CURRENT: a half-written temporary pointer.
    await writeFile(join(root, `${CURRENT_FILE}.tmp`), '{"vers');
    expect((await readTally(tallyOf((await loadCheckpoint(dataDir)) as CanisterTable)))[0]).toBe(3);
    // Crash after the rename, before CURRENT moved: a complete but uncommitted directory.
    await cp(newer, join(root, '0000000003'), { recursive: true });
    const loaded = (await loadCheckpoint(dataDir)) as CanisterTable;
    expect((await readTally(tallyOf(loaded)))[0]).toBe(3);
    expect(loaded.size).toBe(3);

    // The next write skips the used sequence numbers and clears the leftovers.
    await writeCheckpoint(
      dataDir,
      await captureCheckpoint({ canisters: table, timeNs: TIME_NS + 2n }),
    );
    expect(await readdir(root)).toEqual(
      expect.arrayContaining(['0000000001', '0000000004', CURRENT_FILE]),
    );
    expect(await checkpointDirs(dataDir)).toEqual(['0000000001', '0000000004']);
    expect((await readTally(tallyOf((await loadCheckpoint(dataDir)) as CanisterTable)))[0]).toBe(4);
  });

  it('writing keeps only the new checkpoint and the previously committed one', async () => {
    const dataDir = await makeDataDir();
    const { table, tally } = await makeTable();
    for (let i = 0; i < 4; i++) {
      await inc(tally);
      await writeCheckpoint(
        dataDir,
        await captureCheckpoint({ canisters: table, timeNs: TIME_NS }),
      );
    }
    expect(await checkpointDirs(dataDir)).toEqual(['0000000003', '0000000004']);
    const current = await readFile(join(dataDir, CHECKPOINTS_DIR, CURRENT_FILE), 'utf8');
    expect(JSON.parse(current)).toEqual({
      version: 1,
      checkpoint: '0000000004',
      nextCanisterIndex: '3',
    });
  });

  it('concurrent writes to one data directory run one after the other', async () => {
    const dataDir = await makeDataDir();
    const { table, tally } = await makeTable();
    const first = await captureCheckpoint({ canisters: table, timeNs: TIME_NS });
    await inc(tally);
    const second = await captureCheckpoint({ canisters: table, timeNs: TIME_NS + 1n });
    await Promise.all([writeCheckpoint(dataDir, first), writeCheckpoint(dataDir, second)]);
    expect(await checkpointDirs(dataDir)).toEqual(['0000000001', '0000000002']);
    expect((await readTally(tallyOf((await loadCheckpoint(dataDir)) as CanisterTable)))[0]).toBe(4);
  });

  it('a damaged blob in the committed checkpoint falls back to the previous one with a log line', async () => {
    const dataDir = await makeDataDir();
    const { table, tally } = await makeTable();
    await writeCheckpoint(dataDir, await captureCheckpoint({ canisters: table, timeNs: TIME_NS }));
    await inc(tally);
    table.create({ controllers: [], cyclesBalance: 0n, nowNs: TIME_NS });
    await writeCheckpoint(dataDir, await captureCheckpoint({ canisters: table, timeNs: TIME_NS }));
    const heap = join(
      dataDir,
      CHECKPOINTS_DIR,
      '0000000002',
      Buffer.from(tally.id).toString('hex'),
      'heap.bin',
    );
    await flipByte(heap, 100);
    const lines: string[] = [];
    const restored = (await loadCheckpoint(dataDir, {
      log: (line) => lines.push(line),
    })) as CanisterTable;
    expect((await readTally(tallyOf(restored)))[0]).toBe(3);
    expect(lines.join('\n')).toContain(heap);
    expect(lines.join('\n')).toContain('falling back to the older checkpoint 0000000001');
    // The canister created after the older checkpoint is lost, but its id stays unused.
    expect(restored.size).toBe(3);
    expect(restored.nextIndex).toBe(table.nextIndex);
    const fresh = restored.create({ controllers: [], cyclesBalance: 0n, nowNs: TIME_NS });
    expect(fresh.id).toEqual(canisterIdFromIndex(4n));
  });

  it('a damaged blob with no older checkpoint is a REPLICA_DATA_DIR_CORRUPT_CHECKPOINT naming the file', async () => {
    const dataDir = await makeDataDir();
    const { table, tally } = await makeTable();
    await writeCheckpoint(dataDir, await captureCheckpoint({ canisters: table, timeNs: TIME_NS }));
    const stable = join(
      dataDir,
      CHECKPOINTS_DIR,
      '0000000001',
      Buffer.from(tally.id).toString('hex'),
      'stable.bin',
    );
    await flipByte(stable, 0);
    const error = await errorOf(loadCheckpoint(dataDir));
    expect(isCitadelError(error, DataDirErrorCode.CORRUPT_CHECKPOINT)).toBe(true);
    expect((error as { details: { path: string } }).details.path).toBe(stable);
    expect((error as Error).message).toContain('SHA-256 does not match');
  });

  it('a missing blob or an edited manifest is detected as damage', async () => {
    const dataDir = await makeDataDir();
    const { table, tally } = await makeTable();
    await writeCheckpoint(dataDir, await captureCheckpoint({ canisters: table, timeNs: TIME_NS }));
    const dir = join(dataDir, CHECKPOINTS_DIR, '0000000001');
    const manifest = join(dir, 'manifest.json');
    const text = await readFile(manifest, 'utf8');
    await writeFile(manifest, text.replace('"cyclesBalance": "5000"', '"cyclesBalance": "5001"'));
    const edited = await errorOf(loadCheckpoint(dataDir));
    expect((edited as { details: { path: string } }).details.path).toBe(manifest);
    await writeFile(manifest, text);
    const module = join(dir, Buffer.from(tally.id).toString('hex'), 'module.bin');
    await rm(module);
    const missing = await errorOf(loadCheckpoint(dataDir));
    expect(isCitadelError(missing, DataDirErrorCode.CORRUPT_CHECKPOINT)).toBe(true);
    expect((missing as Error).message).toContain(`${module} is damaged: it is missing`);
  });

  it('a CURRENT that points at a missing checkpoint is an error, not an empty start', async () => {
    const dataDir = await makeDataDir();
    const { table } = await makeTable();
    await writeCheckpoint(dataDir, await captureCheckpoint({ canisters: table, timeNs: TIME_NS }));
    await rm(join(dataDir, CHECKPOINTS_DIR, '0000000001'), { recursive: true });
    const error = await errorOf(loadCheckpoint(dataDir));
    expect(isCitadelError(error, DataDirErrorCode.CORRUPT_CHECKPOINT)).toBe(true);
  });

  it('a damaged CURRENT falls back to the newest complete checkpoint with a log line', async () => {
    const dataDir = await makeDataDir();
    const { table } = await makeTable();
    await writeCheckpoint(dataDir, await captureCheckpoint({ canisters: table, timeNs: TIME_NS }));
    await writeFile(join(dataDir, CHECKPOINTS_DIR, CURRENT_FILE), 'garbage');
    const lines: string[] = [];
    const restored = await loadCheckpoint(dataDir, { log: (line) => lines.push(line) });
    expect(restored?.size).toBe(3);
    expect(lines.join('\n')).toContain('loading the newest complete checkpoint instead');
  });

  it('a checkpoint from a newer format version is refused with REPLICA_DATA_DIR_UNSUPPORTED_CHECKPOINT', async () => {
    const dataDir = await makeDataDir();
    const { table } = await makeTable();
    await writeCheckpoint(dataDir, await captureCheckpoint({ canisters: table, timeNs: TIME_NS }));
    const dir = join(dataDir, CHECKPOINTS_DIR, '0000000001');
    const text = (await readFile(join(dir, 'manifest.json'), 'utf8')).replace(
      '"version": 1',
      '"version": 2',
    );
    await writeFile(join(dir, 'manifest.json'), text);
    await writeFile(
      join(dir, 'manifest.sha256'),
      `${sha256Hex(Buffer.from(text))}  manifest.json\n`,
    );
    const error = await errorOf(loadCheckpoint(dataDir));
    expect(isCitadelError(error, DataDirErrorCode.UNSUPPORTED_CHECKPOINT)).toBe(true);
  });

  it('removeCheckpoints deletes every checkpoint, and is fine when there is none', async () => {
    const dataDir = await makeDataDir();
    const { table } = await makeTable();
    await writeCheckpoint(dataDir, await captureCheckpoint({ canisters: table, timeNs: TIME_NS }));
    await removeCheckpoints(dataDir);
    expect(await loadCheckpoint(dataDir)).toBeNull();
    await removeCheckpoints(dataDir);
  });
});

describe('checkpoints of the real Azle probe canister', () => {
  // Built by `npm run build:canisters`, which `npm test` runs before Vitest.
  const path = fileURLToPath(new URL('../../test-canisters/dist/probe.wasm.gz', import.meta.url));
  const table = new CanisterTable();
  let probe: CanisterRecord;
  const lookup = async (record: CanisterRecord, key: string): Promise<[] | [string]> =>
    IDL.decode(
      [IDL.Opt(IDL.Text)],
      replyOf(
        await execute(record, query('lookup', new Uint8Array(IDL.encode([IDL.Text], [key])))),
      ),
    )[0] as [] | [string];
  const count = async (record: CanisterRecord): Promise<bigint> =>
    IDL.decode(
      [IDL.Nat],
      replyOf(await execute(record, query('get', new Uint8Array(IDL.encode([], []))))),
    )[0] as bigint;

  beforeAll(async () => {
    if (!existsSync(path)) {
      throw new Error(`${path} is missing: run \`npm run build:canisters\` first.`);
    }
    probe = table.create({ controllers: [CALLER], cyclesBalance: 10n ** 13n, nowNs: TIME_NS });
    await install(
      probe,
      new Uint8Array(readFileSync(path)),
      new Uint8Array(IDL.encode([IDL.Opt(IDL.Text)], [[]])),
    );
    for (let i = 0; i < 20; i++) {
      const arg = new Uint8Array(IDL.encode([IDL.Text, IDL.Text], [`key-${i}`, `value-${i}`]));
      replyOf(await execute(probe, update('put', arg)));
    }
    for (let i = 0; i < 3; i++) {
      replyOf(await execute(probe, update('inc', new Uint8Array(IDL.encode([], [])))));
    }
  });

  it('resumes with its stable map, its heap counter and its module hash', async () => {
    const dataDir = await makeDataDir();
    const captureStart = performance.now();
    const image = await captureCheckpoint({ canisters: table, timeNs: TIME_NS });
    const writeStart = performance.now();
    await writeCheckpoint(dataDir, image);
    const loadStart = performance.now();
    const restored = (await loadCheckpoint(dataDir)) as CanisterTable;
    const loadEnd = performance.now();
    const bytes = await sizeOnDisk(join(dataDir, CHECKPOINTS_DIR));
    const code = probe.code;
    console.log(
      `Azle probe checkpoint: capture ${(writeStart - captureStart).toFixed(0)} ms, ` +
        `write ${(loadStart - writeStart).toFixed(0)} ms, load ${(loadEnd - loadStart).toFixed(0)} ms, ` +
        `${(bytes / 2 ** 20).toFixed(2)} MiB on disk ` +
        `(heap ${code?.instance.heapSizeBytes} B, stable ${code?.instance.stableSizeBytes} B live)`,
    );

    const copy = restored.get(probe.id) as CanisterRecord;
    expect(metadataOf(copy)).toStrictEqual(metadataOf(probe));
    expect(await lookup(copy, 'key-7')).toEqual(['value-7']);
    expect(await lookup(copy, 'absent')).toEqual([]);
    expect(await count(copy)).toBe(3n);
    expect(await count(copy)).toBe(await count(probe));
    // And it goes on from there.
    replyOf(await execute(copy, update('inc', new Uint8Array(IDL.encode([], [])))));
    replyOf(
      await execute(
        copy,
        update('put', new Uint8Array(IDL.encode([IDL.Text, IDL.Text], ['new', 'one']))),
      ),
    );
    expect(await count(copy)).toBe(4n);
    expect(await lookup(copy, 'new')).toEqual(['one']);
    expect(await lookup(copy, 'key-19')).toEqual(['value-19']);
  });
});
