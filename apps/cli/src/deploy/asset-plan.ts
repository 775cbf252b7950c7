import type {
  AssetDetails,
  Opt,
  SetAssetPropertiesArguments,
} from '@citadel/assets-canister/client';
import type { LocalAsset, LocalEncoding } from './local-assets.js';

/**
 * What a deploy must do to make the canister hold exactly the local site: the batch
 * operations, in the order `commit_batch` applies them, and the encodings whose bytes must
 * be uploaded first. Unchanged encodings (same SHA-256) are neither uploaded nor touched.
 */

/** An encoding to upload; `SetAssetContent` operations name it by index. */
export interface PlannedUpload {
  readonly key: string;
  readonly encoding: LocalEncoding;
}

/** A batch operation whose `SetAssetContent` waits for the chunk ids of an upload. */
export type PlannedOperation =
  | { readonly kind: 'delete'; readonly key: string }
  | { readonly kind: 'create'; readonly asset: LocalAsset }
  | { readonly kind: 'set-content'; readonly upload: number }
  | { readonly kind: 'unset-content'; readonly key: string; readonly encoding: string }
  | { readonly kind: 'set-properties'; readonly properties: SetAssetPropertiesArguments };

export interface AssetPlan {
  readonly operations: readonly PlannedOperation[];
  readonly uploads: readonly PlannedUpload[];
  /** Keys new to the canister. */
  readonly created: readonly string[];
  /** Keys whose content or properties change. */
  readonly updated: readonly string[];
  /** Keys left exactly as they are. */
  readonly unchanged: readonly string[];
  /** Keys only the canister has, deleted by the deploy. */
  readonly removed: readonly string[];
  /** Bytes to upload, over every encoding. */
  readonly uploadBytes: number;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

function opt<T>(value: T | undefined): Opt<T> {
  return value === undefined ? [] : [value];
}

function some<T>(value: Opt<T>): T | undefined {
  return value.length === 0 ? undefined : value[0];
}

function sameHeaders(
  local: LocalAsset['headers'],
  remote: readonly (readonly [string, string])[] | undefined,
): boolean {
  const a = local ?? [];
  const b = [...(remote ?? [])].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0));
  return (
    a.length === b.length &&
    a.every(([name, value], i) => b[i]?.[0] === name && b[i]?.[1] === value)
  );
}

/** The `SetAssetProperties` that makes `remote` match `local`, or undefined if it does. */
function propertyChanges(
  local: LocalAsset,
  remote: AssetDetails,
): SetAssetPropertiesArguments | undefined {
  const changes: SetAssetPropertiesArguments = {
    key: local.key,
    max_age: [],
    headers: [],
    allow_raw_access: [],
    is_aliased: [],
  };
  let changed = false;
  if (local.maxAge !== some(remote.max_age)) {
    changes.max_age = [opt(local.maxAge)];
    changed = true;
  }
  if (!sameHeaders(local.headers, some(remote.headers))) {
    changes.headers = [opt(local.headers?.map(([name, value]): [string, string] => [name, value]))];
    changed = true;
  }
  if (local.allowRawAccess !== (some(remote.allow_raw_access) ?? true)) {
    changes.allow_raw_access = [[local.allowRawAccess]];
    changed = true;
  }
  if ((local.enableAliasing ?? true) !== (some(remote.is_aliased) ?? true)) {
    changes.is_aliased = [opt(local.enableAliasing)];
    changed = true;
  }
  return changed ? changes : undefined;
}

/** Plans the deploy of `local` onto a canister that lists `remote`. */
export function planAssetSync(
  local: readonly LocalAsset[],
  remote: readonly AssetDetails[],
): AssetPlan {
  const remoteByKey = new Map(remote.map((asset) => [asset.key, asset]));
  const localKeys = new Set(local.map((asset) => asset.key));
  const deletes: PlannedOperation[] = [];
  const creates: PlannedOperation[] = [];
  const contents: PlannedOperation[] = [];
  const unsets: PlannedOperation[] = [];
  const properties: PlannedOperation[] = [];
  const uploads: PlannedUpload[] = [];
  const created: string[] = [];
  const updated: string[] = [];
  const unchanged: string[] = [];
  const removed: string[] = [];
  let uploadBytes = 0;

  const upload = (asset: LocalAsset, encoding: LocalEncoding): void => {
    contents.push({ kind: 'set-content', upload: uploads.length });
    uploads.push({ key: asset.key, encoding });
    uploadBytes += encoding.length;
  };

  for (const asset of local) {
    const existing = remoteByKey.get(asset.key);
    if (existing === undefined || existing.content_type !== asset.contentType) {
      // The content type is fixed at creation: a changed one means a new asset.
      if (existing !== undefined) {
        deletes.push({ kind: 'delete', key: asset.key });
      }
      creates.push({ kind: 'create', asset });
      asset.encodings.forEach((encoding) => upload(asset, encoding));
      (existing === undefined ? created : updated).push(asset.key);
      continue;
    }
    let changed = false;
    for (const encoding of asset.encodings) {
      const stored = existing.encodings.find((e) => e.content_encoding === encoding.name);
      const storedSha = stored === undefined ? undefined : some(stored.sha256);
      if (storedSha === undefined || !sameBytes(storedSha, encoding.sha256)) {
        upload(asset, encoding);
        changed = true;
      }
    }
    for (const stored of existing.encodings) {
      if (!asset.encodings.some((encoding) => encoding.name === stored.content_encoding)) {
        unsets.push({ kind: 'unset-content', key: asset.key, encoding: stored.content_encoding });
        changed = true;
      }
    }
    const changes = propertyChanges(asset, existing);
    if (changes !== undefined) {
      properties.push({ kind: 'set-properties', properties: changes });
      changed = true;
    }
    (changed ? updated : unchanged).push(asset.key);
  }
  for (const asset of remote) {
    if (!localKeys.has(asset.key)) {
      deletes.push({ kind: 'delete', key: asset.key });
      removed.push(asset.key);
    }
  }
  return {
    operations: [...deletes, ...creates, ...contents, ...unsets, ...properties],
    uploads,
    created,
    updated,
    unchanged,
    removed,
    uploadBytes,
  };
}
