/** A header as stored and served: name and value. */
export type HeaderField = readonly [name: string, value: string];

/** One encoding of an asset (identity, gzip, br, …): its bytes in chunks, and their hash. */
export interface AssetEncoding {
  readonly contentEncoding: string;
  /** Every chunk but the last has the length of the first (clients compute offsets that way). */
  readonly chunks: readonly Uint8Array[];
  readonly totalLength: number;
  readonly sha256: Uint8Array;
  /**
   * The SHA-256 of each chunk, when the uploader sent them (a Citadel extension): then each
   * chunk can be served and verified on its own as a `206` range response.
   */
  readonly chunkSha256s?: readonly Uint8Array[] | undefined;
  /** When this encoding was last set, in ns since the epoch. */
  readonly modifiedNs: bigint;
}

/** One asset: a key (the URL path it is served at), its properties and its encodings. */
export interface Asset {
  readonly key: string;
  contentType: string;
  /** `cache-control: max-age=<n>` when set. */
  maxAge: bigint | undefined;
  /** Extra response headers, served (and certified) with lowercased names. */
  headers: HeaderField[] | undefined;
  /** Whether `/x` may serve `/x.html` or `/x/index.html` (default true). */
  isAliased: boolean | undefined;
  /** Whether a raw (uncertified) domain may serve it (default true). */
  allowRawAccess: boolean | undefined;
  readonly encodings: Map<string, AssetEncoding>;
}
