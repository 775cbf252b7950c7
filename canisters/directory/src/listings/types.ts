/** A backend canister of a dApp, as its listing names it. */
export interface Backend {
  /** Trimmed, 1 to `backendNameChars` characters, unique within the listing. */
  readonly name: string;
  /** A canister id, as principal bytes. */
  readonly id: Uint8Array;
}

/** What `citadel deploy` reports after it commits a release of the frontend's assets. */
export interface Release {
  /** The asset canister's batch (commit) id. */
  readonly id: bigint;
  /** When it was committed, in ns since the epoch. */
  readonly timeNs: bigint;
  /** How many files the release holds. */
  readonly files: bigint;
  /** Their total size, in bytes. */
  readonly bytes: bigint;
}

/** What a caller writes: a new listing, or the new content of its own. */
export interface ListingInput {
  /** The frontend (asset) canister id: the key of the listing. */
  readonly frontend: Uint8Array;
  readonly name: string;
  readonly description: string;
  readonly backends: readonly Backend[];
  /** A path on the dApp's origin (`/icon.svg`), an `https:` URL or an image `data:` URL. */
  readonly icon?: string;
  /** The release just deployed; none keeps the listing's last one. */
  readonly lastRelease?: Release;
}

/** A stored listing. */
export interface Listing {
  readonly frontend: Uint8Array;
  /** Trimmed. */
  readonly name: string;
  /** Trimmed. */
  readonly description: string;
  readonly backends: readonly Backend[];
  /** The principal that first listed it. */
  readonly owner: Uint8Array;
  readonly icon?: string;
  readonly lastRelease?: Release;
  readonly createdAtNs: bigint;
  readonly updatedAtNs: bigint;
  /** 1 when listed, +1 on every upsert. */
  readonly version: bigint;
}

/**
 * A listing as the store hands it out: `bytes` is its Candid value (what a reply carries);
 * `listing` is decoded from them only when read.
 */
export interface StoredListing {
  readonly bytes: Uint8Array;
  readonly listing: Listing;
}

/** Which cap a write would break. */
export type QuotaScope = 'owner' | 'directory';

/** Why a call failed; the codes are the `DirectoryError` tags of the Candid interface. */
export type DirectoryError =
  | { readonly code: 'anonymous' }
  | { readonly code: 'not_found'; readonly frontend: Uint8Array }
  | { readonly code: 'not_owner'; readonly frontend: Uint8Array }
  | { readonly code: 'invalid'; readonly field: string; readonly message: string }
  | { readonly code: 'quota_exceeded'; readonly scope: QuotaScope; readonly limit: bigint };

/** The error codes, as the Candid interface spells them. */
export type DirectoryErrorCode = DirectoryError['code'];

/** The outcome of a store call. */
export type DirectoryResult<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: DirectoryError };

/** Which page of the directory to return. */
export interface ListRequest {
  /** Words that must each appear, in any case, in the name, description or a canister id. */
  readonly search?: string;
  /** Only the listings of this owner (principal bytes). */
  readonly owner?: Uint8Array;
  /** Only listings after this one in the order (the previous page's `nextCursor`). */
  readonly cursor?: string;
  /** How many listings at most; clamped to 1..`pageMax`. @default DirectoryLimits.pageDefault */
  readonly limit?: number;
}

/** One page of the directory, by name (case-insensitive), then frontend id. */
export interface ListingPage {
  readonly listings: readonly StoredListing[];
  /** Where the next page starts, when more matching listings remain. */
  readonly nextCursor?: string;
}

/** How full the directory is. */
export interface DirectoryStats {
  readonly listings: number;
  readonly owners: number;
}
