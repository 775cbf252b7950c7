import { ContentStore } from './content-store.js';
import { AssetsErrorCode, assetsError } from './errors.js';
import { type AssetRecord, type EncodingRecord, fromRecord, toRecord } from './records.js';
import type { Table } from './table.js';
import type { Asset, AssetEncoding } from './types.js';

/**
 * The site's assets in stable memory, and its releases (a Citadel extension): every commit
 * closes a release, and any kept release can be made current again without re-uploading.
 *
 * Only the current assets are stored whole (as records, `records.ts`; their bytes in the
 * {@link ContentStore}). The past is kept as **undo diffs**: every write records, for each key
 * it touches the first time since the last release closed, the key's previous record (or its
 * absence) in the *open* diff; closing release N seals that diff as "undo of N", which takes
 * state(N) back to state(N−1). So state(k) is the current state with the open diff and the
 * undo diffs of N, N−1, …, k+1 applied, newest first — for each key, the record in the oldest
 * of those diffs that has it. Content is shared: a record in a diff holds a reference on its
 * encodings' content, so an old release costs only its records and the bytes that changed.
 *
 * The last {@link ReleaseLog.kept} releases are kept; pruning drops the undo diffs no kept
 * release needs and the references they held. Pure: the tables are Azle's `StableBTreeMap`s
 * in the canister and `Map`s in tests.
 */

export const DEFAULT_RELEASES_KEPT = 10;
export const MAX_RELEASES_KEPT = 100;

export interface ReleaseTables {
  /** The current assets: key → record (JSON). */
  readonly assets: Table<string>;
  /** Content records with reference counts (see {@link ContentStore}). */
  readonly contents: Table<string>;
  readonly chunks: Table<Uint8Array>;
  /** The open diff: key → its record when the last release closed (JSON, or `null`). */
  readonly open: Table<string>;
  /** Release headers by zero-padded id. */
  readonly releases: Table<string>;
  /** Sealed undo diffs by zero-padded id: `[key, record JSON | null][]` as JSON. */
  readonly undo: Table<string>;
  /** Chunks of the layout before content addressing (`key\0encoding\0index`), moved on load. */
  readonly legacyChunks?: Table<Uint8Array> | undefined;
}

/** A release as clients see it. */
export interface Release {
  readonly id: number;
  readonly timeNs: bigint;
  /** The principal (text) whose commit or rollback closed it. */
  readonly committer: string;
  /** Assets after the release closed. */
  readonly files: number;
  /** Sum of the lengths of their identity encodings. */
  readonly bytes: number;
  /** For a rollback: the release whose content it restored. */
  readonly rollbackOf: number | undefined;
  /** Whether the site's assets are this release's: the latest, with no change since. */
  readonly current: boolean;
}

/** What the closer of a release tells about it. */
export interface ReleaseInfo {
  readonly timeNs: bigint;
  readonly committer: string;
  readonly files: number;
  readonly bytes: number;
  readonly rollbackOf?: number | undefined;
}

interface ReleaseHeader {
  readonly id: number;
  readonly timeNs: string;
  readonly committer: string;
  readonly files: number;
  readonly bytes: number;
  readonly rollbackOf?: number;
}

/** Stands for "no record" in the open table (a record's JSON always starts with `{`). */
const ABSENT = 'null';

const padded = (id: number) => id.toString().padStart(20, '0');
const legacyChunkKey = (key: string, encoding: string, index: number) =>
  `${key}\u0000${encoding}\u0000${index}`;

export class ReleaseLog {
  readonly #tables: ReleaseTables;
  readonly #contents: ContentStore;
  #kept: number;
  /** Kept releases, oldest first (a mirror of `tables.releases`). */
  #headers: ReleaseHeader[] = [];
  /** The open diff (a mirror of `tables.open`): key → record JSON or null. */
  #open = new Map<string, string | null>();

  constructor(tables: ReleaseTables, kept = DEFAULT_RELEASES_KEPT) {
    this.#tables = tables;
    this.#contents = new ContentStore(tables.contents, tables.chunks);
    this.#kept = checkedKept(kept);
  }

  /**
   * Reads the log and the current assets back from the tables (after an upgrade), moving
   * content stored in the previous layout into the content store; `migrated` counts the assets
   * moved.
   */
  load(): { assets: Asset[]; migrated: number } {
    const releases = this.#tables.releases;
    this.#headers = releases.keys().map((id) => JSON.parse(releases.get(id) as string));
    const open = this.#tables.open;
    this.#open = new Map(
      open.keys().map((key) => {
        const text = open.get(key) as string;
        return [key, text === ABSENT ? null : text];
      }),
    );
    let migrated = 0;
    const assets = this.#tables.assets.keys().map((key) => {
      const record = JSON.parse(this.#tables.assets.get(key) as string) as AssetRecord;
      if (record.encodings.every((encoding) => encoding.content !== undefined)) {
        return this.#asset(key, record);
      }
      migrated++;
      return this.#migrate(key, record);
    });
    return { assets, migrated };
  }

  /** How many releases are kept. */
  get kept(): number {
    return this.#kept;
  }

  /** Keeps the last `kept` releases (1 to {@link MAX_RELEASES_KEPT}), pruning older ones now. */
  setKept(kept: number): void {
    this.#kept = checkedKept(kept);
    const oldest = this.#headers[0];
    if (oldest !== undefined) {
      this.#prune(oldest.id);
    }
  }

  /**
   * Writes the asset now under `key` (`undefined`: there is none): the current record, the
   * key's previous record in the open diff if this is its first change since the last release,
   * and the content's references.
   */
  write(key: string, asset: Asset | undefined): void {
    const previous = this.#tables.assets.get(key) ?? null;
    const next =
      asset === undefined
        ? null
        : JSON.stringify(toRecord(asset, (encoding) => this.#contents.idOf(encoding)));
    if (next === previous) {
      return;
    }
    // References are taken before any is dropped, so shared content is never freed in between.
    for (const encoding of asset?.encodings.values() ?? []) {
      this.#contents.acquire(encoding);
    }
    if (!this.#open.has(key)) {
      // The previous record's references move to the open diff.
      this.#open.set(key, previous);
      this.#tables.open.insert(key, previous ?? ABSENT);
    } else {
      if (previous !== null) {
        this.#releaseRecord(previous);
      }
      const recorded = this.#open.get(key) ?? null;
      if (recorded === next) {
        // Back to what the last release had: no longer a change.
        if (recorded !== null) {
          this.#releaseRecord(recorded);
        }
        this.#open.delete(key);
        this.#tables.open.remove(key);
      }
    }
    if (next === null) {
      this.#tables.assets.remove(key);
    } else {
      this.#tables.assets.insert(key, next);
    }
  }

  /**
   * Closes a release of the current assets: seals the open diff as its undo diff and prunes
   * the releases past {@link kept}. Returns undefined, closing nothing, when nothing changed
   * since the last release, unless `always`: a rollback is always a release (rolling back to
   * the latest release undoes the changes made since, leaving its content), and so is the site
   * as it was before an upgrade from a canister without releases.
   */
  close(info: ReleaseInfo, always = false): Release | undefined {
    if (this.#open.size === 0 && !always) {
      return undefined;
    }
    const id = (this.#headers.at(-1)?.id ?? 0) + 1;
    const oldest = this.#headers[0]?.id ?? id - 1;
    this.#tables.undo.insert(padded(id), JSON.stringify([...this.#open]));
    for (const key of this.#open.keys()) {
      this.#tables.open.remove(key);
    }
    this.#open.clear();
    const header: ReleaseHeader = {
      id,
      timeNs: info.timeNs.toString(),
      committer: info.committer,
      files: info.files,
      bytes: info.bytes,
      ...(info.rollbackOf === undefined ? {} : { rollbackOf: info.rollbackOf }),
    };
    this.#tables.releases.insert(padded(id), JSON.stringify(header));
    this.#headers.push(header);
    this.#prune(oldest);
    return this.#release(header);
  }

  /** Kept releases, newest first. */
  list(): Release[] {
    return this.#headers.map((header) => this.#release(header)).reverse();
  }

  /** The release whose assets the site has, if no change was made since the latest one. */
  current(): Release | undefined {
    const latest = this.#headers.at(-1);
    return latest === undefined || this.#open.size > 0 ? undefined : this.#release(latest);
  }

  /** A kept release. */
  find(id: number): Release | undefined {
    const header = this.#headers.find((candidate) => candidate.id === id);
    return header === undefined ? undefined : this.#release(header);
  }

  /**
   * What must change to make release `id` current: for each key whose asset differs, the asset
   * it had then (`undefined`: none), with its bytes read back from the content store. Refuses
   * unknown, pruned and current releases, and releases with the current content.
   */
  restore(requested: number | bigint): Map<string, Asset | undefined> {
    const id = Number(requested);
    const latest = this.#headers.at(-1)?.id ?? 0;
    const oldest = this.#headers[0]?.id ?? 1;
    if (!Number.isSafeInteger(id) || id < 1 || id > latest) {
      throw assetsError(
        AssetsErrorCode.RELEASE_NOT_FOUND,
        latest === 0
          ? `release ${requested} does not exist: there are no releases yet`
          : `release ${requested} does not exist: the latest release is ${latest}`,
        { releaseId: requested, latest },
      );
    }
    if (id < oldest) {
      throw assetsError(
        AssetsErrorCode.RELEASE_PRUNED,
        `release ${id} is no longer kept: the last ${this.#kept} releases are kept (${oldest} to ${latest})`,
        { releaseId: id, oldest, latest, kept: this.#kept },
      );
    }
    if (id === latest && this.#open.size === 0) {
      throw assetsError(
        AssetsErrorCode.RELEASE_IS_CURRENT,
        `release ${id} is the current release`,
        { releaseId: id },
      );
    }
    // Newest diff first, so each key ends with its record in the oldest diff that has it.
    const records = new Map(this.#open);
    for (let undone = latest; undone > id; undone--) {
      for (const [key, record] of this.#undoDiff(undone)) {
        records.set(key, record);
      }
    }
    const changes = new Map<string, Asset | undefined>();
    for (const [key, record] of records) {
      if (record !== (this.#tables.assets.get(key) ?? null)) {
        changes.set(
          key,
          record === null ? undefined : this.#asset(key, JSON.parse(record) as AssetRecord),
        );
      }
    }
    if (changes.size === 0) {
      throw assetsError(
        AssetsErrorCode.RELEASE_IS_CURRENT,
        `the site already has the content of release ${id}`,
        { releaseId: id },
      );
    }
    return changes;
  }

  #release(header: ReleaseHeader): Release {
    return {
      id: header.id,
      timeNs: BigInt(header.timeNs),
      committer: header.committer,
      files: header.files,
      bytes: header.bytes,
      rollbackOf: header.rollbackOf,
      current: header.id === this.#headers.at(-1)?.id && this.#open.size === 0,
    };
  }

  /**
   * Drops the headers past {@link kept}, then the undo diffs no kept release needs: with
   * releases lo..N kept, only the diffs of lo+1..N are (undo of lo leads to a pruned state).
   * `before` is the oldest kept release before this call (its diff, and older ones, are gone).
   */
  #prune(before: number): void {
    while (this.#headers.length > this.#kept) {
      const header = this.#headers.shift() as ReleaseHeader;
      this.#tables.releases.remove(padded(header.id));
    }
    const oldest = this.#headers[0]?.id ?? before;
    for (let id = before + 1; id <= oldest; id++) {
      for (const [, record] of this.#undoDiff(id)) {
        if (record !== null) {
          this.#releaseRecord(record);
        }
      }
      this.#tables.undo.remove(padded(id));
    }
  }

  #undoDiff(id: number): [string, string | null][] {
    const text = this.#tables.undo.get(padded(id));
    return text === undefined ? [] : (JSON.parse(text) as [string, string | null][]);
  }

  /** Drops the references a record holds on its encodings' content. */
  #releaseRecord(text: string): void {
    for (const encoding of (JSON.parse(text) as AssetRecord).encodings) {
      this.#contents.release(contentOf(encoding));
    }
  }

  #asset(key: string, record: AssetRecord): Asset {
    return fromRecord(key, record, (encoding) => this.#contents.load(contentOf(encoding)));
  }

  /** Moves an asset of the previous layout into the content store; returns it. */
  #migrate(key: string, record: AssetRecord): Asset {
    const legacy = this.#tables.legacyChunks;
    const asset = fromRecord(key, record, (encoding) => {
      if (encoding.content !== undefined) {
        return this.#contents.load(encoding.content);
      }
      const chunks: Uint8Array[] = [];
      for (let index = 0; index < encoding.chunkCount; index++) {
        const chunkKey = legacyChunkKey(key, encoding.contentEncoding, index);
        chunks.push(legacy?.get(chunkKey) ?? new Uint8Array(0));
      }
      return chunks;
    });
    const ids = new Map<string, string>();
    for (const encoding of record.encodings) {
      if (encoding.content !== undefined) {
        ids.set(encoding.contentEncoding, encoding.content);
        continue;
      }
      const content = asset.encodings.get(encoding.contentEncoding) as AssetEncoding;
      ids.set(encoding.contentEncoding, this.#contents.acquire(content));
      for (let index = 0; index < encoding.chunkCount; index++) {
        legacy?.remove(legacyChunkKey(key, encoding.contentEncoding, index));
      }
    }
    const migrated = toRecord(asset, (encoding) => ids.get(encoding.contentEncoding) as string);
    this.#tables.assets.insert(key, JSON.stringify(migrated));
    return asset;
  }
}

function contentOf(encoding: EncodingRecord): string {
  if (encoding.content === undefined) {
    throw new Error(`encoding ${encoding.contentEncoding} has no content id`);
  }
  return encoding.content;
}

function checkedKept(kept: number): number {
  if (!Number.isSafeInteger(kept) || kept < 1 || kept > MAX_RELEASES_KEPT) {
    throw assetsError(
      AssetsErrorCode.RELEASES_KEPT_INVALID,
      `releases_kept must be from 1 to ${MAX_RELEASES_KEPT}, got ${kept}`,
      { kept },
    );
  }
  return kept;
}
