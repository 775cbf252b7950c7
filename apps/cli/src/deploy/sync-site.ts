import type { ActorSubclass } from '@dfinity/agent';
import type { AssetDetails, AssetsCanister } from '@citadel/assets-canister/client';
import { planAssetSync } from './asset-plan.js';
import { executeAssetPlan, type UploadJournal, type UploadProgress } from './asset-upload.js';
import type { EncodingCache } from './encoding-cache.js';
import { scanSite } from './local-assets.js';

/**
 * Makes an asset canister hold exactly the static site in a directory, in one atomic commit:
 * scan and hash the files, list what the canister has, upload what differs, commit.
 */

export interface SyncSiteOptions {
  readonly cache: EncodingCache;
  readonly journal?: UploadJournal;
  readonly concurrency?: number;
  readonly onScan?: (done: number, total: number) => void;
  readonly onUpload?: (progress: UploadProgress) => void;
  /** Called while the canister certifies a large commit, with the time waited so far. */
  readonly onCertifying?: (elapsedMs: number) => void;
  /** Monotonic clock in ms. @default performance.now */
  readonly clockMs?: () => number;
}

export interface SyncSiteResult {
  /** Files in the site. */
  readonly files: number;
  readonly created: number;
  readonly updated: number;
  readonly unchanged: number;
  readonly removed: number;
  /** Encodings uploaded, and their bytes. */
  readonly uploadedEncodings: number;
  readonly uploadedBytes: number;
  /** Whether anything was committed (false when the canister already held the site). */
  readonly committed: boolean;
  readonly scanMs: number;
  readonly uploadMs: number;
}

/**
 * Assets per `list` query. Building one asset's details costs the canister about 5 M
 * instructions (Azle's Candid encoding), and a query may spend 5 B.
 */
export const LIST_PAGE = 200n;

/** Every asset the canister lists, a page at a time (a large site does not fit one reply). */
export async function listAllAssets(actor: ActorSubclass<AssetsCanister>): Promise<AssetDetails[]> {
  const page = LIST_PAGE;
  const all: AssetDetails[] = [];
  for (let start = 0n; ; start += page) {
    const batch = await actor.list({ start: [start], length: [page] });
    all.push(...batch);
    if (BigInt(batch.length) < page) {
      return all;
    }
  }
}

export async function syncSite(
  actor: ActorSubclass<AssetsCanister>,
  siteDir: string,
  options: SyncSiteOptions,
): Promise<SyncSiteResult> {
  const clockMs = options.clockMs ?? (() => performance.now());
  const scanStarted = clockMs();
  const [local, remote] = await Promise.all([
    scanSite(siteDir, {
      cache: options.cache,
      ...(options.onScan === undefined ? {} : { onFile: options.onScan }),
    }),
    listAllAssets(actor),
  ]);
  await options.cache.save();
  const plan = planAssetSync(local, remote);
  const uploadStarted = clockMs();
  const batchId = await executeAssetPlan(actor, plan, {
    ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
    ...(options.onUpload === undefined ? {} : { onProgress: options.onUpload }),
    ...(options.journal === undefined ? {} : { journal: options.journal }),
    ...(options.onCertifying === undefined ? {} : { onCertifying: options.onCertifying }),
  });
  return {
    files: local.length,
    created: plan.created.length,
    updated: plan.updated.length,
    unchanged: plan.unchanged.length,
    removed: plan.removed.length,
    uploadedEncodings: plan.uploads.length,
    uploadedBytes: plan.uploadBytes,
    committed: batchId !== undefined,
    scanMs: uploadStarted - scanStarted,
    uploadMs: clockMs() - uploadStarted,
  };
}
