import type { PersistedGlobal } from '../execution/index.js';
import type {
  CanisterRecord,
  CanisterSettings,
  CanisterStatus,
  InstalledCode,
} from '../state/canister.js';
import type { CanisterTable } from '../state/canister-table.js';
import type { IngressRecord } from '../state/ingress-history.js';
import type { SparsePages } from './sparse-pages.js';

/** One mutable global of an instance, in `PreparedModule.layout.globals` order. */
export interface GlobalImage {
  /** `i32`, `i64`, `f32` or `f64`: install_code refuses modules with mutable globals of other types. */
  readonly type: PersistedGlobal['type'];
  readonly value: number | bigint;
}

/** Installed code of a canister, copied out of the live instance. */
export interface CodeImage {
  /** The module exactly as submitted (possibly gzip), so the module hash survives a restart. */
  readonly moduleBytes: Uint8Array;
  readonly globals: readonly GlobalImage[];
  readonly heap: SparsePages;
  readonly stable: SparsePages;
}

/** One canister of a checkpoint; fields as in `CanisterRecord`, detached from the live record. */
export interface CanisterImage {
  readonly id: Uint8Array;
  readonly controllers: readonly Uint8Array[];
  readonly status: CanisterStatus;
  readonly cyclesBalance: bigint;
  readonly version: bigint;
  readonly certifiedData: Uint8Array;
  readonly globalTimerNs: bigint;
  readonly code: CodeImage | null;
  /** The `upload_chunk` store as [hex of SHA-256, chunk] pairs. */
  readonly chunks: readonly (readonly [hash: string, bytes: Uint8Array])[];
  readonly settings: CanisterSettings;
  readonly createdAtNs: bigint;
  readonly lastInstallNs: bigint | null;
}

/** Everything a checkpoint holds, in memory, independent of the live state it was taken from. */
export interface CheckpointImage {
  /** Time of the round the state belongs to. */
  readonly timeNs: bigint;
  /** Last executed round the state contains (0 before the first). */
  readonly height: bigint;
  /** The ingress history, detached from the live one. */
  readonly ingress: readonly IngressRecord[];
  /** `CanisterTable.nextIndex`: the next index-allocated canister id. */
  readonly nextIndex: bigint;
  /** Hex ids of deleted canisters, which must never be handed out again. */
  readonly retired: readonly string[];
  readonly canisters: readonly CanisterImage[];
}

/** Parameters of {@link captureCheckpoint}. */
export interface CaptureCheckpointParams {
  readonly canisters: CanisterTable;
  readonly timeNs: bigint;
  readonly height?: bigint;
  readonly ingress?: Iterable<IngressRecord>;
}

/**
 * Copies the state of every canister into a {@link CheckpointImage} as it is at the moment of
 * the call, so the network can go on executing while the images arrive and `writeCheckpoint`
 * puts them on disk: records are copied synchronously, and every instance is asked for its
 * image before this returns; an instance answers requests in order, so later executions do
 * not show. Call it between rounds: an instance with an open tentative execution (an upgrade
 * in flight) would be captured half-way.
 */
export async function captureCheckpoint(params: CaptureCheckpointParams): Promise<CheckpointImage> {
  const image = {
    timeNs: params.timeNs,
    height: params.height ?? 0n,
    // Records are updated in place by later rounds; their states and payloads are replaced, never mutated.
    ingress: Array.from(params.ingress ?? [], (record) => ({ ...record })),
    nextIndex: params.canisters.nextIndex,
    retired: params.canisters.retired(),
  };
  const canisters = Array.from(params.canisters.values(), captureCanister);
  return { ...image, canisters: await Promise.all(canisters) };
}

function captureCanister(record: CanisterRecord): Promise<CanisterImage> {
  const code = record.code === null ? null : captureCode(record.code);
  const fields = {
    id: record.id.slice(),
    controllers: record.controllers.map((controller) => controller.slice()),
    status: record.status,
    cyclesBalance: record.cyclesBalance,
    version: record.version,
    certifiedData: record.certifiedData.slice(),
    globalTimerNs: record.globalTimerNs,
    // Chunks are replaced, never written in place, so sharing the arrays is safe.
    chunks: [...record.chunkStore],
    settings: {
      ...record.settings,
      environmentVariables: record.settings.environmentVariables.map((v) => ({ ...v })),
    },
    createdAtNs: record.createdAtNs,
    lastInstallNs: record.lastInstallNs,
  };
  return code === null
    ? Promise.resolve({ ...fields, code: null })
    : code.then((captured) => ({ ...fields, code: captured }));
}

function captureCode(code: InstalledCode): Promise<CodeImage> {
  const { layout } = code.prepared;
  return code.instance.image().then((image) => ({
    // Installed module bytes are never modified after install_code, so no copy is needed.
    moduleBytes: code.moduleBytes,
    globals: layout.globals.map((global, index) => ({
      type: global.type,
      value: image.globals[index] as number | bigint,
    })),
    heap: image.heap,
    stable: image.stable,
  }));
}
