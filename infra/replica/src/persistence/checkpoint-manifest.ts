import { Buffer } from 'node:buffer';
import { PRINCIPAL_MAX_BYTES, bytesToHex, principalToText } from '@citadel/protocol';
import type { CanisterSettings, CanisterStatus } from '../state/canister.js';
import type { CanisterImage, GlobalImage } from './checkpoint-image.js';
import { createCorruptCheckpointError, createUnsupportedCheckpointError } from './errors.js';
import type { PageRun } from './sparse-pages.js';

/** Value of the manifest's `format` field, so a stray JSON file is not taken for a checkpoint. */
export const CHECKPOINT_FORMAT = 'citadel-checkpoint';
/** Version of the manifest and blob layout this build writes and reads. */
export const CHECKPOINT_FORMAT_VERSION = 1;
/** Name of the manifest inside a checkpoint directory. */
export const MANIFEST_FILE = 'manifest.json';

/** A file of a checkpoint as the manifest lists it; `file` is relative to the checkpoint directory. */
export interface BlobRef {
  readonly file: string;
  readonly sizeBytes: number;
  /** Hex SHA-256 of the file's bytes, checked on load. */
  readonly sha256: string;
}

/** A sparse memory image file (see `SparsePages`): the non-zero pages, concatenated. */
export interface SparseBlobRef extends BlobRef {
  readonly memoryBytes: number;
  readonly pageRuns: readonly PageRun[];
}

/** Installed code as the manifest describes it. */
export interface CodeEntry {
  readonly module: BlobRef;
  readonly globals: readonly GlobalImage[];
  readonly heap: SparseBlobRef;
  readonly stable: SparseBlobRef;
}

/** One canister of the manifest: the metadata itself, the bulk data as references to blobs. */
export interface CanisterEntry extends Omit<CanisterImage, 'code' | 'chunks'> {
  readonly code: CodeEntry | null;
  readonly chunks: readonly { readonly hash: string; readonly blob: BlobRef }[];
}

/** A checkpoint's `manifest.json`, decoded into domain values. */
export interface CheckpointManifest {
  readonly timeNs: bigint;
  /** Last executed round the state contains; the round log continues after it. */
  readonly height: bigint;
  /** The ingress history (see `ingress-image.ts`); absent in checkpoints of older builds. */
  readonly ingress: BlobRef | null;
  readonly nextIndex: bigint;
  readonly retired: readonly string[];
  readonly canisters: readonly CanisterEntry[];
}

/** The blob kinds of a canister. */
export type BlobKind = 'module' | 'heap' | 'stable';

/** Where a blob of canister `idHex` lives inside the checkpoint directory. */
export function blobFile(idHex: string, kind: BlobKind): string {
  return `${idHex}/${kind}.bin`;
}

/** Where the ingress history lives inside the checkpoint directory. */
export const INGRESS_FILE = 'ingress.cbor';

/** Where an `upload_chunk` chunk of canister `idHex` lives inside the checkpoint directory. */
export function chunkFile(idHex: string, hash: string): string {
  return `${idHex}/chunks/${hash}.bin`;
}

/** Lowercase hex of `bytes`. */
export const toHex = bytesToHex;

/** The manifest as JSON text: bigints as decimal strings, bytes as hex. */
export function encodeManifest(manifest: CheckpointManifest): string {
  const json = {
    format: CHECKPOINT_FORMAT,
    version: CHECKPOINT_FORMAT_VERSION,
    timeNs: manifest.timeNs.toString(),
    height: manifest.height.toString(),
    ingress: manifest.ingress,
    nextCanisterIndex: manifest.nextIndex.toString(),
    retiredCanisterIds: manifest.retired,
    canisters: manifest.canisters.map(encodeCanister),
  };
  return `${JSON.stringify(json, null, 2)}\n`;
}

function encodeCanister(entry: CanisterEntry): Record<string, unknown> {
  return {
    id: toHex(entry.id),
    // Only for people reading the file; the loader checks it against `id`.
    idText: principalToText(entry.id),
    controllers: entry.controllers.map(toHex),
    status: entry.status,
    cyclesBalance: entry.cyclesBalance.toString(),
    version: entry.version.toString(),
    certifiedData: toHex(entry.certifiedData),
    globalTimerNs: entry.globalTimerNs.toString(),
    createdAtNs: entry.createdAtNs.toString(),
    lastInstallNs: entry.lastInstallNs?.toString() ?? null,
    settings: encodeSettings(entry.settings),
    code:
      entry.code === null
        ? null
        : {
            module: entry.code.module,
            globals: entry.code.globals.map(encodeGlobal),
            heap: entry.code.heap,
            stable: entry.code.stable,
          },
    chunks: entry.chunks.map(({ hash, blob }) => ({ hash, ...blob })),
  };
}

// A mapped type, so a new settings field fails to compile here until the checkpoint stores it.
function encodeSettings(settings: CanisterSettings): { [K in keyof CanisterSettings]: unknown } {
  return {
    computeAllocation: settings.computeAllocation.toString(),
    memoryAllocation: settings.memoryAllocation.toString(),
    freezingThreshold: settings.freezingThreshold.toString(),
    reservedCyclesLimit: settings.reservedCyclesLimit.toString(),
    wasmMemoryLimit: settings.wasmMemoryLimit.toString(),
    wasmMemoryThreshold: settings.wasmMemoryThreshold.toString(),
    logVisibility: settings.logVisibility,
    environmentVariables: settings.environmentVariables,
  };
}

function encodeGlobal(global: GlobalImage): { type: string; value: string } {
  if (typeof global.value === 'bigint' || global.type === 'i32') {
    return { type: global.type, value: global.value.toString() };
  }
  // Floats as their IEEE 754 bits: JSON has no NaN, infinities or -0.
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, global.value);
  return { type: global.type, value: view.getBigUint64(0).toString(16).padStart(16, '0') };
}

/**
 * Parses and validates `manifest.json`. Every field is checked, so the loader can trust the
 * result; a problem is a `REPLICA_DATA_DIR_CORRUPT_CHECKPOINT` naming `path`.
 */
export function decodeManifest(text: string, path: string): CheckpointManifest {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw createCorruptCheckpointError(path, 'it is not valid JSON', error);
  }
  const root = new JsonReader(json, path, '$');
  if (root.field('format').string() !== CHECKPOINT_FORMAT) {
    throw createCorruptCheckpointError(path, `it is not a ${CHECKPOINT_FORMAT} manifest`);
  }
  const version = root.field('version').integer();
  if (version !== CHECKPOINT_FORMAT_VERSION) {
    throw createUnsupportedCheckpointError(path, version);
  }
  // Fields added after version 1 shipped are optional, so older checkpoints still load.
  const ingress = root.has('ingress') ? root.field('ingress') : null;
  return {
    timeNs: root.field('timeNs').natural(),
    height: root.has('height') ? root.field('height').natural() : 0n,
    ingress: ingress === null || ingress.isNull() ? null : decodeBlob(ingress, INGRESS_FILE),
    nextIndex: root.field('nextCanisterIndex').natural(),
    retired: root
      .field('retiredCanisterIds')
      .array()
      .map((id) => toHex(id.principal())),
    canisters: root.field('canisters').array().map(decodeCanister),
  };
}

function decodeCanister(reader: JsonReader): CanisterEntry {
  const id = reader.field('id').principal();
  const idHex = toHex(id);
  const idText = reader.field('idText').string();
  if (idText !== principalToText(id)) {
    reader.field('idText').fail(`${idText} is not the textual form of id ${idHex}`);
  }
  const lastInstall = reader.field('lastInstallNs');
  const code = reader.field('code');
  return {
    id,
    controllers: reader
      .field('controllers')
      .array()
      .map((controller) => controller.principal()),
    status: reader.field('status').oneOf<CanisterStatus>(['running', 'stopping', 'stopped']),
    cyclesBalance: reader.field('cyclesBalance').natural(),
    version: reader.field('version').natural(),
    certifiedData: reader.field('certifiedData').hex(),
    globalTimerNs: reader.field('globalTimerNs').natural(),
    createdAtNs: reader.field('createdAtNs').natural(),
    lastInstallNs: lastInstall.isNull() ? null : lastInstall.natural(),
    settings: decodeSettings(reader.field('settings')),
    code: code.isNull() ? null : decodeCode(code, idHex),
    chunks: reader
      .field('chunks')
      .array()
      .map((chunk) => {
        const hash = chunk.field('hash');
        const blob = decodeBlob(chunk, chunkFile(idHex, hash.hexString(32)));
        // The chunk store is keyed by the chunk's SHA-256 (`upload_chunk`).
        return blob.sha256 === hash.string()
          ? { hash: blob.sha256, blob }
          : hash.fail('is not the SHA-256 of the chunk');
      }),
  };
}

function decodeSettings(reader: JsonReader): CanisterSettings {
  return {
    computeAllocation: reader.field('computeAllocation').natural(),
    memoryAllocation: reader.field('memoryAllocation').natural(),
    freezingThreshold: reader.field('freezingThreshold').natural(),
    reservedCyclesLimit: reader.field('reservedCyclesLimit').natural(),
    wasmMemoryLimit: reader.field('wasmMemoryLimit').natural(),
    wasmMemoryThreshold: reader.field('wasmMemoryThreshold').natural(),
    logVisibility: reader.field('logVisibility').oneOf(['controllers', 'public'] as const),
    environmentVariables: reader
      .field('environmentVariables')
      .array()
      .map((variable) => ({
        name: variable.field('name').string(),
        value: variable.field('value').string(),
      })),
  };
}

function decodeCode(reader: JsonReader, idHex: string): CodeEntry {
  return {
    module: decodeBlob(reader.field('module'), blobFile(idHex, 'module')),
    globals: reader.field('globals').array().map(decodeGlobal),
    heap: decodeSparseBlob(reader.field('heap'), blobFile(idHex, 'heap')),
    stable: decodeSparseBlob(reader.field('stable'), blobFile(idHex, 'stable')),
  };
}

function decodeGlobal(reader: JsonReader): GlobalImage {
  const type = reader.field('type').oneOf(['i32', 'i64', 'f32', 'f64'] as const);
  const value = reader.field('value');
  switch (type) {
    case 'i32': {
      const n = value.integerString();
      if (n < -(2n ** 31n) || n >= 2n ** 31n) {
        value.fail(`${n} is not an i32`);
      }
      return { type, value: Number(n) };
    }
    case 'i64': {
      const n = value.integerString();
      if (n < -(2n ** 63n) || n >= 2n ** 63n) {
        value.fail(`${n} is not an i64`);
      }
      return { type, value: n };
    }
    default: {
      const view = new DataView(new ArrayBuffer(8));
      view.setBigUint64(0, BigInt(`0x${value.hexString(8)}`));
      return { type, value: view.getFloat64(0) };
    }
  }
}

function decodeBlob(reader: JsonReader, expectedFile: string): BlobRef {
  const file = reader.field('file');
  // The path comes from the id, never from the file, so a manifest cannot point outside.
  if (file.string() !== expectedFile) {
    file.fail(`expected ${expectedFile}`);
  }
  return {
    file: expectedFile,
    sizeBytes: reader.field('sizeBytes').integer(),
    sha256: reader.field('sha256').hexString(32),
  };
}

function decodeSparseBlob(reader: JsonReader, expectedFile: string): SparseBlobRef {
  return {
    ...decodeBlob(reader, expectedFile),
    memoryBytes: reader.field('memoryBytes').integer(),
    pageRuns: reader
      .field('pageRuns')
      .array()
      .map((run) => {
        const pair = run.array();
        const [first, count] = pair;
        if (pair.length !== 2 || first === undefined || count === undefined) {
          return run.fail('expected [first page, page count]');
        }
        return [first.integer(), count.integer()] as const;
      }),
  };
}

/** Walks untrusted JSON; each accessor throws a corrupt-checkpoint error naming the JSON path. */
class JsonReader {
  constructor(
    private readonly value: unknown,
    private readonly file: string,
    private readonly at: string,
  ) {}

  fail(reason: string): never {
    throw createCorruptCheckpointError(this.file, `${this.at}: ${reason}`);
  }

  field(name: string): JsonReader {
    const value = this.value;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      return this.fail('expected an object');
    }
    if (!Object.hasOwn(value, name)) {
      return this.fail(`missing field ${name}`);
    }
    return new JsonReader(
      (value as Record<string, unknown>)[name],
      this.file,
      `${this.at}.${name}`,
    );
  }

  has(name: string): boolean {
    const value = this.value;
    return typeof value === 'object' && value !== null && Object.hasOwn(value, name);
  }

  array(): JsonReader[] {
    if (!Array.isArray(this.value)) {
      return this.fail('expected an array');
    }
    return this.value.map(
      (item: unknown, i) => new JsonReader(item, this.file, `${this.at}[${i}]`),
    );
  }

  isNull(): boolean {
    return this.value === null;
  }

  string(): string {
    return typeof this.value === 'string' ? this.value : this.fail('expected a string');
  }

  oneOf<T extends string>(values: readonly T[]): T {
    const text = this.string();
    return (values as readonly string[]).includes(text)
      ? (text as T)
      : this.fail(`expected one of ${values.join(', ')}`);
  }

  /** A non-negative safe integer (JSON number). */
  integer(): number {
    const value = this.value;
    return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0
      ? value
      : this.fail('expected a non-negative integer');
  }

  /** A non-negative integer as a decimal string. */
  natural(): bigint {
    const text = this.string();
    return /^(0|[1-9][0-9]*)$/.test(text) ? BigInt(text) : this.fail('expected a decimal natural');
  }

  /** A possibly negative integer as a decimal string. */
  integerString(): bigint {
    const text = this.string();
    return /^(0|-?[1-9][0-9]*)$/.test(text)
      ? BigInt(text)
      : this.fail('expected a decimal integer');
  }

  /** Lowercase hex, optionally of exactly `bytes` bytes. */
  hexString(bytes?: number): string {
    const text = this.string();
    const valid =
      /^([0-9a-f]{2})*$/.test(text) && (bytes === undefined || text.length === bytes * 2);
    return valid
      ? text
      : this.fail(`expected ${bytes === undefined ? '' : `${bytes} bytes of `}hex`);
  }

  hex(): Uint8Array {
    return new Uint8Array(Buffer.from(this.hexString(), 'hex'));
  }

  /** Principal bytes as hex. */
  principal(): Uint8Array {
    const bytes = this.hex();
    return bytes.length <= PRINCIPAL_MAX_BYTES
      ? bytes
      : this.fail(`a principal has at most ${PRINCIPAL_MAX_BYTES} bytes`);
  }
}
