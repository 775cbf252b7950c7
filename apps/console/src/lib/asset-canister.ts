/** Reading a frontend asset canister: its release history and the size of what it serves. */
import type { AssetsActor, WireAssetDetails } from './assets-idl';
import { fromWireRelease, type Release } from './listing';

/** How many assets the console asks `list` for at a time. */
export const LIST_PAGE_ASSETS = 200;

/** Stop paging after this many pages (100,000 assets): a bound on a misbehaving canister. */
const MAX_LIST_PAGES = 500;

/** How many files a frontend serves and their size. */
export interface AssetStats {
  readonly files: bigint;
  /** The sum of each asset's identity (uncompressed) encoding's length. */
  readonly bytes: bigint;
  /**
   * `release`: from `current_release`, which the canister keeps as it commits; `list`: summed
   * from `list`, for a canister without releases or with changes since its last one.
   */
  readonly source: 'release' | 'list';
}

/** The canister's releases, newest first. */
export async function listReleases(actor: AssetsActor): Promise<Release[]> {
  const releases = await actor.list_releases();
  return releases.map(fromWireRelease).sort((a, b) => (a.id === b.id ? 0 : a.id > b.id ? -1 : 1));
}

/**
 * The files and bytes the canister serves: its current release's counts when it has one (a
 * single query), else the sum over its `list`, in pages of {@link LIST_PAGE_ASSETS}.
 */
export async function readAssetStats(actor: AssetsActor): Promise<AssetStats> {
  try {
    const [current] = await actor.current_release();
    if (current !== undefined) {
      return { files: current.files, bytes: current.bytes, source: 'release' };
    }
  } catch {
    // DFINITY's asset canister has no releases: count with `list`, which every one has.
  }
  let files = 0n;
  let bytes = 0n;
  let previousFirstKey: string | undefined;
  for (let page = 0; page < MAX_LIST_PAGES; page += 1) {
    const assets = await actor.list({
      start: [BigInt(page * LIST_PAGE_ASSETS)],
      length: [BigInt(LIST_PAGE_ASSETS)],
    });
    // A canister that ignores start/length returns the same first asset again: counted already.
    if (assets.length === 0 || assets[0]?.key === previousFirstKey) {
      break;
    }
    previousFirstKey = assets[0]?.key;
    files += BigInt(assets.length);
    bytes += assets.reduce((sum, asset) => sum + sizeOf(asset), 0n);
    // A short page is the last; a longer one means the canister sent everything at once.
    if (assets.length !== LIST_PAGE_ASSETS) {
      break;
    }
  }
  return { files, bytes, source: 'list' };
}

/**
 * An asset's size as a release counts it: its identity encoding's length, or the largest
 * encoding's when it was uploaded only compressed.
 */
function sizeOf(asset: WireAssetDetails): bigint {
  const identity = asset.encodings.find((encoding) => encoding.content_encoding === 'identity');
  if (identity !== undefined) {
    return identity.length;
  }
  return asset.encodings.reduce((max, { length }) => (length > max ? length : max), 0n);
}
