import { Actor, type ActorSubclass, type HttpAgent } from '@dfinity/agent';
import type { IDL } from '@dfinity/candid';
import type { Principal } from '@dfinity/principal';
import { sha256 } from '@noble/hashes/sha2.js';

/**
 * The asset canister's management methods as tests call them directly (what `@dfinity/assets`
 * does not cover: proposals, properties, site options, chunk hashes), with helpers to build
 * batch operations. Written from the official interface plus Citadel's extensions.
 */

type Opt<T> = [] | [T];

export interface CreateAssetOperation {
  CreateAsset: {
    key: string;
    content_type: string;
    max_age: Opt<bigint>;
    headers: Opt<[string, string][]>;
    enable_aliasing: Opt<boolean>;
    allow_raw_access: Opt<boolean>;
  };
}

export interface SetAssetContentOperation {
  SetAssetContent: {
    key: string;
    content_encoding: string;
    chunk_ids: bigint[];
    last_chunk: Opt<Uint8Array>;
    sha256: Opt<Uint8Array>;
    chunk_sha256s: Opt<Uint8Array[]>;
  };
}

export type Operation = CreateAssetOperation | SetAssetContentOperation;

export interface AssetsActor {
  create_batch(args: Record<string, never>): Promise<{ batch_id: bigint }>;
  create_chunk(args: { batch_id: bigint; content: Uint8Array }): Promise<{ chunk_id: bigint }>;
  commit_batch(args: { batch_id: bigint; operations: Operation[] }): Promise<void>;
  propose_commit_batch(args: { batch_id: bigint; operations: Operation[] }): Promise<void>;
  compute_evidence(args: {
    batch_id: bigint;
    max_iterations: Opt<number>;
  }): Promise<Opt<Uint8Array>>;
  validate_commit_proposed_batch(args: {
    batch_id: bigint;
    evidence: Uint8Array;
  }): Promise<{ Ok: string } | { Err: string }>;
  commit_proposed_batch(args: { batch_id: bigint; evidence: Uint8Array }): Promise<void>;
  set_asset_content(args: SetAssetContentOperation['SetAssetContent']): Promise<void>;
  delete_asset(args: { key: string }): Promise<void>;
  set_asset_properties(args: {
    key: string;
    max_age: Opt<Opt<bigint>>;
    headers: Opt<Opt<[string, string][]>>;
    allow_raw_access: Opt<Opt<boolean>>;
    is_aliased: Opt<Opt<boolean>>;
  }): Promise<void>;
  authorize(principal: Principal): Promise<void>;
  grant_permission(args: {
    to_principal: Principal;
    permission: { Commit: null } | { Prepare: null } | { ManagePermissions: null };
  }): Promise<void>;
  set_site_options(args: {
    spa_fallback: Opt<boolean>;
    security_headers: Opt<boolean>;
  }): Promise<void>;
  get_site_options(): Promise<{ spa_fallback: boolean; security_headers: boolean }>;
}

export const assetsIdl: IDL.InterfaceFactory = ({ IDL: I }) => {
  const Blob = I.Vec(I.Nat8);
  const Headers = I.Vec(I.Tuple(I.Text, I.Text));
  const SetAssetContent = I.Record({
    key: I.Text,
    content_encoding: I.Text,
    chunk_ids: I.Vec(I.Nat),
    last_chunk: I.Opt(Blob),
    sha256: I.Opt(Blob),
    chunk_sha256s: I.Opt(I.Vec(Blob)),
  });
  const CreateAsset = I.Record({
    key: I.Text,
    content_type: I.Text,
    max_age: I.Opt(I.Nat64),
    headers: I.Opt(Headers),
    enable_aliasing: I.Opt(I.Bool),
    allow_raw_access: I.Opt(I.Bool),
  });
  const Commit = I.Record({
    batch_id: I.Nat,
    operations: I.Vec(I.Variant({ CreateAsset, SetAssetContent })),
  });
  const Proposed = I.Record({ batch_id: I.Nat, evidence: Blob });
  const Permission = I.Variant({ Commit: I.Null, Prepare: I.Null, ManagePermissions: I.Null });
  const SiteOptions = I.Record({ spa_fallback: I.Bool, security_headers: I.Bool });
  return I.Service({
    create_batch: I.Func([I.Record({})], [I.Record({ batch_id: I.Nat })], []),
    create_chunk: I.Func(
      [I.Record({ batch_id: I.Nat, content: Blob })],
      [I.Record({ chunk_id: I.Nat })],
      [],
    ),
    commit_batch: I.Func([Commit], [], []),
    propose_commit_batch: I.Func([Commit], [], []),
    compute_evidence: I.Func(
      [I.Record({ batch_id: I.Nat, max_iterations: I.Opt(I.Nat16) })],
      [I.Opt(Blob)],
      [],
    ),
    validate_commit_proposed_batch: I.Func(
      [Proposed],
      [I.Variant({ Ok: I.Text, Err: I.Text })],
      [],
    ),
    commit_proposed_batch: I.Func([Proposed], [], []),
    set_asset_content: I.Func([SetAssetContent], [], []),
    delete_asset: I.Func([I.Record({ key: I.Text })], [], []),
    set_asset_properties: I.Func(
      [
        I.Record({
          key: I.Text,
          max_age: I.Opt(I.Opt(I.Nat64)),
          headers: I.Opt(I.Opt(Headers)),
          allow_raw_access: I.Opt(I.Opt(I.Bool)),
          is_aliased: I.Opt(I.Opt(I.Bool)),
        }),
      ],
      [],
      [],
    ),
    authorize: I.Func([I.Principal], [], []),
    grant_permission: I.Func(
      [I.Record({ to_principal: I.Principal, permission: Permission })],
      [],
      [],
    ),
    set_site_options: I.Func(
      [I.Record({ spa_fallback: I.Opt(I.Bool), security_headers: I.Opt(I.Bool) })],
      [],
      [],
    ),
    get_site_options: I.Func([], [SiteOptions], ['query']),
  });
};

export function assetsActor(agent: HttpAgent, canisterId: Principal): ActorSubclass<AssetsActor> {
  return Actor.createActor<AssetsActor>(assetsIdl, { agent, canisterId });
}

/** `CreateAsset` with the given properties; the others unset. */
export function createAsset(
  asset: { key: string; content_type: string } & Partial<CreateAssetOperation['CreateAsset']>,
): CreateAssetOperation {
  return {
    CreateAsset: {
      max_age: [],
      headers: [],
      enable_aliasing: [],
      allow_raw_access: [],
      ...asset,
    },
  };
}

/** `SetAssetContent` for the given chunks (or inline content), with its sha256. */
export function setAssetContent(
  content: { key: string; content: Uint8Array; chunk_ids?: bigint[] } & Partial<
    SetAssetContentOperation['SetAssetContent']
  >,
): SetAssetContentOperation {
  const { content: bytes, ...rest } = content;
  const chunkIds = rest.chunk_ids ?? [];
  return {
    SetAssetContent: {
      content_encoding: 'identity',
      chunk_ids: chunkIds,
      last_chunk: chunkIds.length === 0 ? [bytes] : [],
      sha256: [sha256(bytes)],
      chunk_sha256s: [],
      ...rest,
    },
  };
}

/** The canister's stored chunk length, which range certification is aligned to. */
export const CHUNK_BYTES = 1_900_000;

/**
 * Uploads `content` under `key` in 1.9 MB chunks with their hashes (Citadel's extension), so
 * the canister serves it as separately verifiable `206` ranges.
 */
export async function uploadInRanges(
  actor: ActorSubclass<AssetsActor>,
  key: string,
  content: Uint8Array,
): Promise<void> {
  const pieces: Uint8Array[] = [];
  for (let start = 0; start < content.length; start += CHUNK_BYTES) {
    pieces.push(content.subarray(start, start + CHUNK_BYTES));
  }
  const { batch_id } = await actor.create_batch({});
  const chunkIds: bigint[] = [];
  for (const piece of pieces) {
    chunkIds.push((await actor.create_chunk({ batch_id, content: piece })).chunk_id);
  }
  await actor.commit_batch({
    batch_id,
    operations: [
      createAsset({ key, content_type: 'application/octet-stream' }),
      setAssetContent({
        key,
        content,
        chunk_ids: chunkIds,
        chunk_sha256s: [pieces.map((piece) => sha256(piece))],
      }),
    ],
  });
}
