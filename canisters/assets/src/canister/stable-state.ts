import { StableBTreeMap, candidEncode } from 'azle';
import { createUtf8Codec } from '@citadel/azle-text';
import type { SiteOptions } from '../http/site-certification.js';
import { DEFAULT_RELEASES_KEPT, ReleaseLog } from '../state/release-log.js';
import type { PermissionLists } from './permissions.js';

/**
 * The canister's state in stable memory, written through on every change so an upgrade (or
 * a crash of the replica) never loses a committed asset. Heap state is rebuilt from it in
 * `post_upgrade`. The assets, their content and the releases are kept by the pure
 * {@link ReleaseLog} (`state/release-log.ts`) over the tables below; settings as JSON.
 *
 * Memory ids: 0 current asset records (as before releases, plus content ids), 1 chunks of the
 * layout before releases (`key\0encoding\0index`, moved out by `post_upgrade`), 2 settings,
 * 3 content records with reference counts, 4 content chunks, 5 the open undo diff, 6 release
 * headers, 7 sealed undo diffs.
 */

/** Bytes stored as they are. */
const RAW = {
  toBytes: (data: Uint8Array) => data,
  fromBytes: (bytes: Uint8Array) => bytes,
};
/** Text as UTF-8, natively: Azle's `TextEncoder` costs ~37,000 instructions a character. */
const TEXT = createUtf8Codec(candidEncode);

const settings = new StableBTreeMap<string, string>(2, TEXT, TEXT);

/** The site's assets, content and releases. */
export const releaseLog = new ReleaseLog({
  assets: new StableBTreeMap<string, string>(0, TEXT, TEXT),
  legacyChunks: new StableBTreeMap<string, Uint8Array>(1, TEXT, RAW),
  contents: new StableBTreeMap<string, string>(3, TEXT, TEXT),
  chunks: new StableBTreeMap<string, Uint8Array>(4, TEXT, RAW),
  open: new StableBTreeMap<string, string>(5, TEXT, TEXT),
  releases: new StableBTreeMap<string, string>(6, TEXT, TEXT),
  undo: new StableBTreeMap<string, string>(7, TEXT, TEXT),
});

/** Saves the site's options (see `SiteOptions`). */
export function saveSiteOptions(options: SiteOptions): void {
  settings.insert('site', JSON.stringify(options));
}

/** The saved site options, with defaults for any the saved record lacks. */
export function loadSiteOptions(defaults: SiteOptions): SiteOptions {
  const text = settings.get('site');
  return text === undefined
    ? defaults
    : { ...defaults, ...(JSON.parse(text) as Partial<SiteOptions>) };
}

/** Saves how many releases are kept. */
export function saveReleasesKept(kept: number): void {
  settings.insert('releases', JSON.stringify({ kept }));
}

export function loadReleasesKept(): number {
  const text = settings.get('releases');
  return text === undefined ? DEFAULT_RELEASES_KEPT : (JSON.parse(text) as { kept: number }).kept;
}

export function savePermissions(lists: PermissionLists): void {
  settings.insert('permissions', JSON.stringify(lists));
}

export function loadPermissions(): PermissionLists | undefined {
  const text = settings.get('permissions');
  return text === undefined ? undefined : (JSON.parse(text) as PermissionLists);
}
