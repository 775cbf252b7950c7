/** Fixture factories: a listing, a release, a canister status, with overrides. */
import type { AssetStats } from '../lib/asset-canister';
import type { CanisterStatus } from '../lib/canister-status';
import type { DappListing, Release } from '../lib/listing';

export const FRONTEND = 'qoctq-giaaa-aaaaa-aaaea-cai';
export const BACKEND = 'qhbym-qaaaa-aaaaa-aaafq-cai';
export const OWNER = 'fo76k-ecero-uccwk-zx7jh-w5c7w-4uo7t-y5j4z-m7fiq-z6sgk-vobym-cae';
export const MODULE_HASH = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
/** 2025-03-04T14:05:00Z, in nanoseconds. */
export const TIME_NS = 1_741_097_100_000_000_000n;

/** A listing of Citadel Notes, with `overrides`. */
export function makeListing(overrides: Partial<DappListing> = {}): DappListing {
  return {
    frontend: FRONTEND,
    name: 'Citadel Notes',
    description: 'Public and private notes.',
    backends: [{ name: 'backend', id: BACKEND }],
    owner: OWNER,
    icon: undefined,
    lastRelease: { id: 2n, timeNs: TIME_NS },
    updatedAtNs: TIME_NS,
    ...overrides,
  };
}

/** A release of the frontend, with `overrides`. */
export function makeRelease(overrides: Partial<Release> = {}): Release {
  return {
    id: 1n,
    timeNs: TIME_NS,
    committer: OWNER,
    files: 12n,
    bytes: 345_678n,
    current: false,
    rollbackOf: undefined,
    ...overrides,
  };
}

/** A certified canister status, with `overrides`. */
export function makeStatus(overrides: Partial<CanisterStatus> = {}): CanisterStatus {
  return {
    moduleHash: MODULE_HASH,
    controllers: [OWNER],
    certifiedAt: new Date(Number(TIME_NS / 1_000_000n)),
    ...overrides,
  };
}

/** Asset statistics, with `overrides`. */
export function makeAssetStats(overrides: Partial<AssetStats> = {}): AssetStats {
  return { files: 12n, bytes: 345_678n, source: 'release', ...overrides };
}
