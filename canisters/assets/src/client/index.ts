/**
 * A typed client of the asset canister for Node and browsers: its Candid service and an actor
 * factory. Used by `citadel deploy` and the tests; the canister itself declares its methods
 * with the same Candid types (`../interface/candid.ts`).
 */
import { Actor, type ActorSubclass, type Agent } from '@dfinity/agent';
import { IDL } from '@dfinity/candid';
import type { Principal } from '@dfinity/principal';
import {
  AssetsService,
  CommitBatchArguments as CommitBatchArgumentsType,
} from '../interface/candid.js';

/** Candid `opt T`, as the agent represents it. */
export type Opt<T> = [] | [T];

export type HeaderField = [name: string, value: string];

export interface CreateAssetArguments {
  key: string;
  content_type: string;
  max_age: Opt<bigint>;
  headers: Opt<HeaderField[]>;
  enable_aliasing: Opt<boolean>;
  allow_raw_access: Opt<boolean>;
}

export interface SetAssetContentArguments {
  key: string;
  content_encoding: string;
  chunk_ids: bigint[];
  last_chunk: Opt<Uint8Array>;
  sha256: Opt<Uint8Array>;
  /** Citadel extension: the SHA-256 of each `CHUNK_BYTES` piece, for verifiable ranges. */
  chunk_sha256s: Opt<Uint8Array[]>;
}

export interface SetAssetPropertiesArguments {
  key: string;
  max_age: Opt<Opt<bigint>>;
  headers: Opt<Opt<HeaderField[]>>;
  allow_raw_access: Opt<Opt<boolean>>;
  is_aliased: Opt<Opt<boolean>>;
}

/** One operation of a batch, applied in order by `commit_batch`. */
export type BatchOperation =
  | { CreateAsset: CreateAssetArguments }
  | { SetAssetContent: SetAssetContentArguments }
  | { SetAssetProperties: SetAssetPropertiesArguments }
  | { UnsetAssetContent: { key: string; content_encoding: string } }
  | { DeleteAsset: { key: string } }
  | { Clear: Record<string, never> };

export interface CommitBatchArguments {
  batch_id: bigint;
  operations: BatchOperation[];
}

export interface AssetEncodingDetails {
  content_encoding: string;
  sha256: Opt<Uint8Array>;
  length: bigint;
  modified: bigint;
}

export interface AssetDetails {
  key: string;
  content_type: string;
  encodings: AssetEncodingDetails[];
  max_age: Opt<bigint>;
  headers: Opt<HeaderField[]>;
  allow_raw_access: Opt<boolean>;
  is_aliased: Opt<boolean>;
}

export type Permission = { Commit: null } | { Prepare: null } | { ManagePermissions: null };

export interface SiteOptions {
  spa_fallback: boolean;
  security_headers: boolean;
  /** How many releases the canister keeps; empty from canisters without releases. */
  releases_kept: Opt<number>;
}

/** A release: the site as a commit (a deploy) or a rollback left it. */
export interface Release {
  id: bigint;
  time_ns: bigint;
  committer: Principal;
  /** Assets after the release. */
  files: bigint;
  /** Sum of the lengths of their identity encodings. */
  bytes: bigint;
  /** The latest release, and no change was made since outside a commit. */
  current: boolean;
  /** For a rollback: the release whose content it restored. */
  rollback_of: Opt<bigint>;
}

/** The asset canister's methods as an actor exposes them. */
export interface AssetsCanister {
  api_version(): Promise<number>;
  create_batch(args: Record<string, never>): Promise<{ batch_id: bigint }>;
  create_chunk(args: { batch_id: bigint; content: Uint8Array }): Promise<{ chunk_id: bigint }>;
  create_chunks(args: { batch_id: bigint; content: Uint8Array[] }): Promise<{
    chunk_ids: bigint[];
  }>;
  commit_batch(args: CommitBatchArguments): Promise<void>;
  /**
   * Citadel extension: appends operations to the batch's coming commit, for commits whose
   * operations do not fit one message (needs Prepare permission).
   */
  stage_batch_operations(args: CommitBatchArguments): Promise<void>;
  propose_commit_batch(args: CommitBatchArguments): Promise<void>;
  compute_evidence(args: {
    batch_id: bigint;
    max_iterations: Opt<number>;
  }): Promise<Opt<Uint8Array>>;
  commit_proposed_batch(args: { batch_id: bigint; evidence: Uint8Array }): Promise<void>;
  validate_commit_proposed_batch(args: {
    batch_id: bigint;
    evidence: Uint8Array;
  }): Promise<{ Ok: string } | { Err: string }>;
  delete_batch(args: { batch_id: bigint }): Promise<void>;
  store(args: {
    key: string;
    content_type: string;
    content_encoding: string;
    content: Uint8Array;
    sha256: Opt<Uint8Array>;
  }): Promise<void>;
  create_asset(args: CreateAssetArguments): Promise<void>;
  set_asset_content(args: SetAssetContentArguments): Promise<void>;
  unset_asset_content(args: { key: string; content_encoding: string }): Promise<void>;
  delete_asset(args: { key: string }): Promise<void>;
  clear(args: Record<string, never>): Promise<void>;
  set_asset_properties(args: SetAssetPropertiesArguments): Promise<void>;
  set_site_options(args: {
    spa_fallback: Opt<boolean>;
    security_headers: Opt<boolean>;
    releases_kept: Opt<number>;
  }): Promise<void>;
  get_site_options(): Promise<SiteOptions>;
  /** Kept releases, newest first. */
  list_releases(): Promise<Release[]>;
  /**
   * Citadel extension: the newest release the site serves. A commit of more than 5,000
   * operations answers once applied; its release is served when this reaches it.
   */
  served_release(): Promise<Opt<bigint>>;
  /** The release the site is, unless it changed outside a commit since the latest one. */
  current_release(): Promise<Opt<Release>>;
  /**
   * Makes a kept release's content current, as a new release; returns once it is served.
   * Needs Commit permission.
   */
  rollback(args: { release_id: bigint }): Promise<Release>;
  get(args: { key: string; accept_encodings: string[] }): Promise<{
    content: Uint8Array;
    content_type: string;
    content_encoding: string;
    sha256: Opt<Uint8Array>;
    total_length: bigint;
  }>;
  get_chunk(args: {
    key: string;
    content_encoding: string;
    index: bigint;
    sha256: Opt<Uint8Array>;
  }): Promise<{ content: Uint8Array }>;
  list(args: { start: Opt<bigint>; length: Opt<bigint> }): Promise<AssetDetails[]>;
  retrieve(key: string): Promise<Uint8Array>;
  authorize(principal: Principal): Promise<void>;
  deauthorize(principal: Principal): Promise<void>;
  list_authorized(): Promise<Principal[]>;
  grant_permission(args: { to_principal: Principal; permission: Permission }): Promise<void>;
  revoke_permission(args: { of_principal: Principal; permission: Permission }): Promise<void>;
  list_permitted(args: { permission: Permission }): Promise<Principal[]>;
  take_ownership(): Promise<void>;
}

/** The stored chunk length that range certification is aligned to. */
export const CHUNK_BYTES = 1_900_000;

/** The Candid interface factory, in the form `Actor.createActor` takes. */
export const assetsIdlFactory: IDL.InterfaceFactory = () => AssetsService;

/** An actor for the asset canister `canisterId`, calling through `agent`. */
export function assetsActor(
  agent: Agent,
  canisterId: Principal | string,
): ActorSubclass<AssetsCanister> {
  return Actor.createActor<AssetsCanister>(assetsIdlFactory, { agent, canisterId });
}

/** The size of `commit_batch`'s Candid-encoded argument, to keep it within one message. */
export function commitArgumentBytes(args: CommitBatchArguments): number {
  return IDL.encode([CommitBatchArgumentsType], [args]).length;
}
