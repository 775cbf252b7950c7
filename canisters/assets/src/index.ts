/**
 * Citadel's certified asset canister (Azle 0.33, stable mode): DFINITY's asset canister
 * interface over the pure modules in `state/`, `certification/` and `http/`. Every change is
 * written through to stable memory, and the call returns once the change is certified and
 * served (see `canister/publication.ts`). Each commit closes a release, which `rollback` can
 * make current again (`state/release-log.ts`).
 */
// First: every module below must see the native text codec (see @citadel/azle-text).
import '@citadel/azle-text/install';
import {
  IDL,
  Principal,
  canisterSelf,
  chunk,
  dataCertificate,
  init,
  isController,
  msgCaller,
  performanceCounter,
  postUpgrade,
  query,
  time,
  trap,
  update,
} from 'azle';
import { bytesToHex } from '@citadel/protocol';
import * as C from './interface/candid.js';
import { type Permission, Permissions } from './canister/permissions.js';
import {
  loadPermissions,
  loadReleasesKept,
  loadSiteOptions,
  releaseLog,
  savePermissions,
  saveReleasesKept,
  saveSiteOptions,
} from './canister/stable-state.js';
import { Publication } from './canister/publication.js';
import { type HttpResponse, httpRequest, streamingCallback } from './http/http-request.js';
import type { SiteOptions } from './http/site-certification.js';
import { AssetStore, type BatchOperation } from './state/asset-store.js';
import { EVIDENCE_BYTES_PER_CALL } from './state/evidence.js';
import type { Release } from './state/release-log.js';
import type { Asset, HeaderField } from './state/types.js';

type Opt<T> = [] | [T];
const opt = <T>(value: T | undefined | null): Opt<T> =>
  value === undefined || value === null ? [] : [value];
const some = <T>(value: Opt<T>): T | undefined => value[0];

// Hashing megabytes in QuickJS would not fit one message; see AssetStoreOptions.
const store = new AssetStore({ trustClientHashes: true });
let permissions = new Permissions();
const DEFAULT_SITE_OPTIONS: SiteOptions = { spaFallback: false, securityHeaders: true };
const publication = new Publication(store, DEFAULT_SITE_OPTIONS);

/** Writes what changed to stable memory; the keys it touched. */
function persist(): string[] {
  const keys = store.takeChangedKeys();
  for (const key of keys) {
    releaseLog.write(key, store.exact(key));
  }
  return keys;
}

/** Closes a release of the site as it is now (always, for a rollback: see `ReleaseLog.close`). */
function closeRelease(rollbackOf?: number): Release | undefined {
  return releaseLog.close(
    { timeNs: time(), committer: caller(), ...store.totals(), rollbackOf },
    rollbackOf !== undefined,
  );
}

/**
 * Persists what changed, closing a release if `release` (a commit); resolves once the change
 * is certified and served.
 */
async function changed(release = false, persistedKeys: readonly string[] = []): Promise<void> {
  const keys = [...persistedKeys, ...persist()];
  await publishChange(keys, release ? closeRelease() : undefined);
}

/**
 * Starts certifying a change, noting which release (if it closed one) it serves; the promise
 * settles once the change is served.
 */
function publishChange(keys: readonly string[], closed: Release | undefined): Promise<void> {
  const { ticket, done } = publication.begin(keys);
  if (closed !== undefined) {
    recordReleaseTicket(closed.id, ticket);
  }
  return done;
}

/**
 * Instructions a commit spends applying operations (and writing them through) before it
 * continues in a new message: a commit of thousands of files cannot be applied in one.
 */
const APPLY_STEP_INSTRUCTIONS = 4_000_000_000n;
/** Past this, a commit's release closing and certification start in a new message. */
const FRESH_MESSAGE_INSTRUCTIONS = 5_000_000_000n;
/** A commit that has not stepped for this long died (one of its messages trapped). */
const APPLY_STALLED_NS = 60_000_000_000n;

/** The commit applying its operations over several messages, if any. */
let applying: { batchId: bigint; heartbeatNs: bigint } | undefined;

/**
 * Applies a commit's operations in steps, then closes its release and publishes it: the site
 * keeps serving the previous release until the whole commit is certified. Other changes wait
 * (they trap, saying so) while the steps run, so none publishes a half-applied commit.
 */
async function commitInSteps(
  batchId: bigint,
  operations: readonly BatchOperation[],
  release: boolean,
): Promise<void> {
  applying = { batchId, heartbeatNs: time() };
  const persisted: string[] = [];
  let closed: Release | undefined;
  try {
    for (let i = 0; i < operations.length; i++) {
      store.applyOperation(operations[i] as BatchOperation, time());
      if (performanceCounter(0) > APPLY_STEP_INSTRUCTIONS && i + 1 < operations.length) {
        persisted.push(...persist());
        await chunk();
        applying = { batchId, heartbeatNs: time() };
      }
    }
    store.finishBatch(batchId);
    persisted.push(...persist());
    // Closing the release and starting its certification each cost time per key (a 10,000-
    // file commit: ~13 B and more): after any sizeable step, each gets a message of its own.
    if (performanceCounter(0) > FRESH_MESSAGE_INSTRUCTIONS) {
      await chunk();
    }
    closed = release ? closeRelease() : undefined;
  } finally {
    applying = undefined;
  }
  if (performanceCounter(0) > FRESH_MESSAGE_INSTRUCTIONS) {
    await chunk();
  }
  const done = publishChange(persisted, closed);
  if (operations.length <= AWAITED_COMMIT_OPERATIONS) {
    await done;
    return;
  }
  // A large commit answers once applied; certification goes on in its own messages (a 10,000-
  // file site takes minutes, longer than a client waits for one call): `served_release` says
  // when the new release is served, until then the previous one is.
  done.catch((error: unknown) =>
    console.error(`certifying batch ${batchId} failed: ${String(error)}`),
  );
}

/** Commits up to this many operations answer once served; larger ones once applied. */
const AWAITED_COMMIT_OPERATIONS = 5_000;

/** Which publication ticket serves each release, for `served_release`. */
const releaseTickets: { readonly id: number; readonly ticket: number }[] = [];

/** Notes that `ticket` serves release `id`; forgets releases an already served one follows. */
function recordReleaseTicket(id: number, ticket: number): void {
  let lastServed = -1;
  releaseTickets.forEach((entry, index) => {
    if (publication.isServed(entry.ticket)) {
      lastServed = index;
    }
  });
  if (lastServed > 0) {
    releaseTickets.splice(0, lastServed);
  }
  releaseTickets.push({ id, ticket });
}

/** Traps while another commit is being applied (see `commitInSteps`). */
function requireNoCommitInProgress(): void {
  if (applying !== undefined && time() - applying.heartbeatNs < APPLY_STALLED_NS) {
    trap(
      `batch ${applying.batchId} is being committed over several messages; retry once it is done`,
    );
  }
}

/** Answered, uncertified, while the site is being certified after an upgrade. */
const CERTIFYING: HttpResponse = {
  status: 503,
  headers: [
    ['content-type', 'text/plain'],
    ['retry-after', '1'],
  ],
  body: new TextEncoder().encode('the site is being certified after an upgrade; retry shortly'),
};

function caller(): string {
  return msgCaller().toText();
}

function require(check: 'Commit' | 'Prepare' | 'ManagePermissions'): void {
  if (check === 'Commit') {
    requireNoCommitInProgress();
  }
  const principal = msgCaller();
  if (isController(principal)) {
    return;
  }
  const text = principal.toText();
  const allowed = check === 'Prepare' ? permissions.canPrepare(text) : permissions.has(check, text);
  if (!allowed) {
    trap(`Caller does not have ${check} permission`);
  }
}

function permissionOf(variant: Record<string, null>): Permission {
  const [name] = Object.keys(variant);
  return name as Permission;
}

function toOperation(kind: Record<string, unknown>): BatchOperation {
  const [[name, args]] = Object.entries(kind) as [[string, Record<string, unknown>]];
  switch (name) {
    case 'CreateAsset':
      return {
        CreateAsset: {
          key: args.key as string,
          content_type: args.content_type as string,
          max_age: some(args.max_age as Opt<bigint>),
          headers: some(args.headers as Opt<HeaderField[]>),
          enable_aliasing: some(args.enable_aliasing as Opt<boolean>),
          allow_raw_access: some(args.allow_raw_access as Opt<boolean>),
        },
      };
    case 'SetAssetContent':
      return {
        SetAssetContent: {
          key: args.key as string,
          content_encoding: args.content_encoding as string,
          chunk_ids: args.chunk_ids as bigint[],
          last_chunk: some(args.last_chunk as Opt<Uint8Array>),
          sha256: some(args.sha256 as Opt<Uint8Array>),
          chunk_sha256s: some((args.chunk_sha256s ?? []) as Opt<Uint8Array[]>),
        },
      };
    case 'SetAssetProperties':
      return { SetAssetProperties: toProperties(args) };
    case 'UnsetAssetContent':
      return {
        UnsetAssetContent: {
          key: args.key as string,
          content_encoding: args.content_encoding as string,
        },
      };
    case 'DeleteAsset':
      return { DeleteAsset: { key: args.key as string } };
    default:
      return { Clear: {} };
  }
}

function toProperties(args: Record<string, unknown>) {
  const change = <T>(value: Opt<Opt<T>>) =>
    value.length === 0 ? undefined : { value: value[0][0] ?? null };
  return {
    key: args.key as string,
    max_age: change(args.max_age as Opt<Opt<bigint>>),
    headers: change(args.headers as Opt<Opt<HeaderField[]>>),
    allow_raw_access: change(args.allow_raw_access as Opt<Opt<boolean>>),
    is_aliased: change(args.is_aliased as Opt<Opt<boolean>>),
  };
}

function details(asset: Asset) {
  return {
    key: asset.key,
    content_type: asset.contentType,
    encodings: [...asset.encodings.values()].map((encoding) => ({
      content_encoding: encoding.contentEncoding,
      sha256: [encoding.sha256] as Opt<Uint8Array>,
      length: BigInt(encoding.totalLength),
      modified: encoding.modifiedNs,
    })),
    max_age: opt(asset.maxAge),
    headers: opt(asset.headers as HeaderField[] | undefined),
    allow_raw_access: opt(asset.allowRawAccess),
    is_aliased: opt(asset.isAliased),
  };
}

function toCandidRelease(release: Release) {
  return {
    id: BigInt(release.id),
    time_ns: release.timeNs,
    committer: Principal.fromText(release.committer),
    files: BigInt(release.files),
    bytes: BigInt(release.bytes),
    current: release.current,
    rollback_of: opt(release.rollbackOf === undefined ? undefined : BigInt(release.rollbackOf)),
  };
}

function toCandidResponse(response: HttpResponse) {
  const token = response.streamingToken;
  return {
    status_code: response.status,
    headers: response.headers.map(([name, value]) => [name, value] as [string, string]),
    body: response.body,
    streaming_strategy:
      token === undefined
        ? []
        : [
            {
              Callback: {
                callback: [canisterSelf(), 'http_request_streaming_callback'] as [
                  Principal,
                  string,
                ],
                token: { ...token, sha256: [token.sha256] as Opt<Uint8Array> },
              },
            },
          ],
    upgrade: [] as Opt<boolean>,
  };
}

export default class {
  @init([])
  init(): void {
    permissions.grant('Commit', caller());
    savePermissions(permissions.toLists());
    publication.republishAll(DEFAULT_SITE_OPTIONS);
  }

  @postUpgrade([])
  postUpgrade(): void {
    const { assets, migrated } = releaseLog.load();
    for (const asset of assets) {
      store.restore(asset);
    }
    releaseLog.setKept(loadReleasesKept());
    if (migrated > 0 && releaseLog.list().length === 0) {
      // Upgraded from a canister without releases: the site as it was is release 1.
      releaseLog.close({ timeNs: time(), committer: caller(), ...store.totals() }, true);
      console.info(`moved ${migrated} assets to content-addressed storage; release 1 is the site`);
    }
    permissions = Permissions.from(
      loadPermissions() ?? { Commit: [], Prepare: [], ManagePermissions: [] },
    );
    publication.republishAll(loadSiteOptions(DEFAULT_SITE_OPTIONS));
    const latest = releaseLog.list()[0];
    if (latest !== undefined) {
      recordReleaseTicket(latest.id, publication.latestTicket);
    }
  }

  @query([], IDL.Nat16)
  api_version(): number {
    return 1;
  }

  // ---- uploads -----------------------------------------------------------------------------

  @update([IDL.Record({})], IDL.Record({ batch_id: IDL.Nat }))
  create_batch(): { batch_id: bigint } {
    require('Prepare');
    return { batch_id: store.createBatch(time()) };
  }

  @update([IDL.Record({ batch_id: IDL.Nat, content: C.Blob })], IDL.Record({ chunk_id: IDL.Nat }))
  create_chunk(args: { batch_id: bigint; content: Uint8Array }): { chunk_id: bigint } {
    require('Prepare');
    return { chunk_id: store.createChunk(args.batch_id, args.content, time()) };
  }

  @update(
    [IDL.Record({ batch_id: IDL.Nat, content: IDL.Vec(C.Blob) })],
    IDL.Record({ chunk_ids: IDL.Vec(IDL.Nat) }),
  )
  create_chunks(args: { batch_id: bigint; content: Uint8Array[] }): { chunk_ids: bigint[] } {
    require('Prepare');
    const now = time();
    return {
      chunk_ids: args.content.map((content) => store.createChunk(args.batch_id, content, now)),
    };
  }

  /**
   * Closes a release, except with batch id 0: ic-asset (dfx) commits a large deploy in stages
   * under batch 0, then the real batch, and the deploy is one release. Batch ids start at 1.
   */
  @update([C.CommitBatchArguments])
  async commit_batch(args: {
    batch_id: bigint;
    operations: Record<string, unknown>[];
  }): Promise<void> {
    require('Commit');
    const operations = [...store.takeStaged(args.batch_id), ...args.operations.map(toOperation)];
    await commitInSteps(args.batch_id, operations, args.batch_id !== 0n);
  }

  /**
   * Citadel extension: appends operations to a batch's coming `commit_batch`, for commits
   * whose operations do not fit one message. The commit applies the staged operations first,
   * then its own, all as one release.
   */
  @update([C.CommitBatchArguments])
  stage_batch_operations(args: { batch_id: bigint; operations: Record<string, unknown>[] }): void {
    require('Prepare');
    store.stageOperations(args.batch_id, args.operations.map(toOperation), time());
  }

  @update([C.CommitBatchArguments])
  propose_commit_batch(args: { batch_id: bigint; operations: Record<string, unknown>[] }): void {
    require('Prepare');
    store.proposeCommitBatch(args.batch_id, args.operations.map(toOperation));
  }

  /** `max_iterations` is accepted for compatibility; each call hashes a fixed byte budget. */
  @update([IDL.Record({ batch_id: IDL.Nat, max_iterations: IDL.Opt(IDL.Nat16) })], IDL.Opt(C.Blob))
  compute_evidence(args: { batch_id: bigint }): Opt<Uint8Array> {
    require('Prepare');
    return opt(store.computeEvidence(args.batch_id, EVIDENCE_BYTES_PER_CALL));
  }

  @update([C.CommitProposedBatchArguments])
  async commit_proposed_batch(args: { batch_id: bigint; evidence: Uint8Array }): Promise<void> {
    require('Commit');
    store.commitProposedBatch(args.batch_id, args.evidence, time());
    await changed(true);
  }

  @update([C.CommitProposedBatchArguments], C.ValidationResult)
  validate_commit_proposed_batch(args: {
    batch_id: bigint;
    evidence: Uint8Array;
  }): { Ok: string } | { Err: string } {
    try {
      store.checkProposal(args.batch_id, args.evidence);
    } catch (error) {
      return { Err: error instanceof Error ? error.message : String(error) };
    }
    return {
      Ok: `commit proposed batch ${args.batch_id} with evidence ${bytesToHex(args.evidence)}`,
    };
  }

  @update([IDL.Record({ batch_id: IDL.Nat })])
  delete_batch(args: { batch_id: bigint }): void {
    require('Prepare');
    store.deleteBatch(args.batch_id);
  }

  @update([C.StoreArguments])
  async store(args: {
    key: string;
    content_type: string;
    content_encoding: string;
    content: Uint8Array;
    sha256: Opt<Uint8Array>;
  }): Promise<void> {
    require('Commit');
    store.store({ ...args, sha256: some(args.sha256) }, time());
    await changed();
  }

  @update([C.CreateAssetArguments])
  async create_asset(args: Record<string, unknown>): Promise<void> {
    require('Commit');
    store.commitBatch(0n, [toOperation({ CreateAsset: args })], time());
    await changed();
  }

  @update([C.SetAssetContentArguments])
  async set_asset_content(args: Record<string, unknown>): Promise<void> {
    require('Commit');
    store.commitBatch(0n, [toOperation({ SetAssetContent: args })], time());
    await changed();
  }

  @update([C.UnsetAssetContentArguments])
  async unset_asset_content(args: Record<string, unknown>): Promise<void> {
    require('Commit');
    store.commitBatch(0n, [toOperation({ UnsetAssetContent: args })], time());
    await changed();
  }

  @update([C.DeleteAssetArguments])
  async delete_asset(args: { key: string }): Promise<void> {
    require('Commit');
    store.commitBatch(0n, [{ DeleteAsset: { key: args.key } }], time());
    await changed();
  }

  @update([C.ClearArguments])
  async clear(): Promise<void> {
    require('Commit');
    store.clear();
    await changed();
  }

  @update([C.SetAssetPropertiesArguments])
  async set_asset_properties(args: Record<string, unknown>): Promise<void> {
    require('Commit');
    store.setAssetProperties(toProperties(args));
    await changed();
  }

  // ---- site options (a Citadel extension) ---------------------------------------------------

  /**
   * Changes how the site answers, returning once the re-certified site is served; and how many
   * releases are kept (pruned at once), which alone needs no certification.
   */
  @update([C.SiteOptionsArguments])
  async set_site_options(args: {
    spa_fallback: Opt<boolean>;
    security_headers: Opt<boolean>;
    releases_kept?: Opt<number>;
  }): Promise<void> {
    require('Commit');
    const kept = some(args.releases_kept ?? []);
    if (kept !== undefined) {
      releaseLog.setKept(kept);
      saveReleasesKept(kept);
      if (args.spa_fallback.length === 0 && args.security_headers.length === 0) {
        return;
      }
    }
    const current = publication.options;
    const options: SiteOptions = {
      spaFallback: some(args.spa_fallback) ?? current.spaFallback,
      securityHeaders: some(args.security_headers) ?? current.securityHeaders,
    };
    saveSiteOptions(options);
    await publication.reconfigure(options);
  }

  @query([], C.SiteOptions)
  get_site_options(): {
    spa_fallback: boolean;
    security_headers: boolean;
    releases_kept: Opt<number>;
  } {
    const { spaFallback, securityHeaders } = publication.options;
    return {
      spa_fallback: spaFallback,
      security_headers: securityHeaders,
      releases_kept: [releaseLog.kept],
    };
  }

  // ---- releases (a Citadel extension) -------------------------------------------------------

  /** Kept releases, newest first. */
  @query([], IDL.Vec(C.Release))
  list_releases() {
    return releaseLog.list().map(toCandidRelease);
  }

  /**
   * Citadel extension: the newest release the site serves (its certification complete). A large
   * commit answers before its release is served; clients wait for this to reach it.
   */
  @query([], IDL.Opt(IDL.Nat64))
  served_release(): Opt<bigint> {
    const served = releaseTickets.filter(({ ticket }) => publication.isServed(ticket));
    const newest = served.at(-1);
    return newest === undefined ? [] : [BigInt(newest.id)];
  }

  /** The release the site is; none before the first, or after a change outside a commit. */
  @query([], IDL.Opt(C.Release))
  current_release() {
    const current = releaseLog.current();
    return current === undefined ? [] : [toCandidRelease(current)];
  }

  /**
   * Makes the content of a kept release current, as a new release: in this message, from
   * stable memory (nothing is uploaded again), then certified like a commit — the previous
   * version is served until the new one is, and the call returns once it is.
   */
  @update([C.RollbackArguments], C.Release)
  async rollback(args: { release_id: bigint }) {
    require('Commit');
    for (const [key, asset] of releaseLog.restore(args.release_id)) {
      store.put(key, asset);
    }
    const keys = persist();
    const release = closeRelease(Number(args.release_id)) as Release;
    await publishChange(keys, release);
    return toCandidRelease(releaseLog.find(release.id) ?? release);
  }

  // ---- reads -------------------------------------------------------------------------------

  @query([C.GetArguments], C.GetResult)
  get(args: { key: string; accept_encodings: string[] }) {
    const { asset, encoding } = store.get(args.key, args.accept_encodings);
    return {
      content: encoding.chunks[0] ?? new Uint8Array(0),
      content_type: asset.contentType,
      content_encoding: encoding.contentEncoding,
      sha256: [encoding.sha256] as Opt<Uint8Array>,
      total_length: BigInt(encoding.totalLength),
    };
  }

  @query([C.GetChunkArguments], IDL.Record({ content: C.Blob }))
  get_chunk(args: {
    key: string;
    content_encoding: string;
    index: bigint;
    sha256: Opt<Uint8Array>;
  }): { content: Uint8Array } {
    return {
      content: store.getChunk(
        args.key,
        args.content_encoding,
        Number(args.index),
        some(args.sha256),
      ),
    };
  }

  @query(
    [IDL.Record({ start: IDL.Opt(IDL.Nat), length: IDL.Opt(IDL.Nat) })],
    IDL.Vec(C.AssetDetails),
  )
  list(args: { start: Opt<bigint>; length: Opt<bigint> }) {
    const all = store.list();
    const start = Number(some(args.start) ?? 0n);
    const length = some(args.length);
    return all.slice(start, length === undefined ? undefined : start + Number(length)).map(details);
  }

  @query([C.Key], C.Blob)
  retrieve(key: string): Uint8Array {
    const { encoding } = store.get(key, ['identity']);
    if (encoding.chunks.length > 1) {
      trap('Asset too large. Use get() and get_chunk() instead.');
    }
    return encoding.chunks[0] ?? new Uint8Array(0);
  }

  @query([C.Key], C.AssetProperties)
  get_asset_properties(key: string) {
    const asset = store.exact(key);
    if (asset === undefined) {
      trap('asset not found');
    }
    const { max_age, headers, allow_raw_access, is_aliased } = details(asset);
    return { max_age, headers, allow_raw_access, is_aliased };
  }

  @query([C.HttpRequest], C.HttpResponse)
  http_request(request: {
    method: string;
    url: string;
    headers: [string, string][];
    body: Uint8Array;
    certificate_version: Opt<number>;
  }) {
    const certificate = dataCertificate();
    if (certificate === undefined) {
      trap('no data certificate available: call http_request as a query');
    }
    const served = publication.served;
    if (served === undefined) {
      return toCandidResponse(CERTIFYING);
    }
    return toCandidResponse(
      httpRequest(
        { ...request, certificateVersion: some(request.certificate_version) },
        { store: served.site, tree: served.tree, options: served.options, certificate },
      ),
    );
  }

  /** Returns the bare record, as DFINITY's canister does (see the digest's streaming notes). */
  @query([C.StreamingCallbackToken], C.StreamingCallbackHttpResponse)
  http_request_streaming_callback(token: {
    key: string;
    content_encoding: string;
    index: bigint;
    sha256: Opt<Uint8Array>;
  }) {
    const sha = some(token.sha256);
    if (sha === undefined) {
      trap('sha256 required');
    }
    const next = streamingCallback({ ...token, sha256: sha }, publication.served?.site ?? store);
    return {
      body: next.body,
      token:
        next.token === undefined
          ? []
          : [{ ...next.token, sha256: [next.token.sha256] as Opt<Uint8Array> }],
    };
  }

  // ---- permissions -------------------------------------------------------------------------

  @update([IDL.Principal])
  authorize(principal: Principal): void {
    require('ManagePermissions');
    permissions.grant('Commit', principal.toText());
    savePermissions(permissions.toLists());
  }

  @update([IDL.Principal])
  deauthorize(principal: Principal): void {
    if (principal.toText() !== caller()) {
      require('ManagePermissions');
    }
    permissions.revoke('Commit', principal.toText());
    savePermissions(permissions.toLists());
  }

  @update([], IDL.Vec(IDL.Principal))
  list_authorized(): Principal[] {
    return permissions.list('Commit').map((text) => Principal.fromText(text));
  }

  @update([IDL.Record({ to_principal: IDL.Principal, permission: C.Permission })])
  grant_permission(args: { to_principal: Principal; permission: Record<string, null> }): void {
    require('ManagePermissions');
    permissions.grant(permissionOf(args.permission), args.to_principal.toText());
    savePermissions(permissions.toLists());
  }

  @update([IDL.Record({ of_principal: IDL.Principal, permission: C.Permission })])
  revoke_permission(args: { of_principal: Principal; permission: Record<string, null> }): void {
    const permission = permissionOf(args.permission);
    const self = args.of_principal.toText() === caller();
    if (!(self && permissions.has(permission, caller()))) {
      require('ManagePermissions');
    }
    permissions.revoke(permission, args.of_principal.toText());
    savePermissions(permissions.toLists());
  }

  @update([IDL.Record({ permission: C.Permission })], IDL.Vec(IDL.Principal))
  list_permitted(args: { permission: Record<string, null> }): Principal[] {
    return permissions.list(permissionOf(args.permission)).map((text) => Principal.fromText(text));
  }

  @update([])
  take_ownership(): void {
    if (!isController(msgCaller())) {
      trap('Caller is not a controller');
    }
    permissions.clear();
    permissions.grant('Commit', caller());
    savePermissions(permissions.toLists());
  }
}
