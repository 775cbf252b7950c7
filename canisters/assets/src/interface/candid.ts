import { IDL } from '@dfinity/candid';

/**
 * Candid types of DFINITY's asset canister interface (`assets.did`), which clients such as
 * `@dfinity/assets` and dfx rely on; field names and shapes must not drift from it.
 */

export const Key = IDL.Text;
export const HeaderField = IDL.Tuple(IDL.Text, IDL.Text);
export const Blob = IDL.Vec(IDL.Nat8);

export const CreateAssetArguments = IDL.Record({
  key: Key,
  content_type: IDL.Text,
  max_age: IDL.Opt(IDL.Nat64),
  headers: IDL.Opt(IDL.Vec(HeaderField)),
  enable_aliasing: IDL.Opt(IDL.Bool),
  allow_raw_access: IDL.Opt(IDL.Bool),
});

export const SetAssetContentArguments = IDL.Record({
  key: Key,
  content_encoding: IDL.Text,
  chunk_ids: IDL.Vec(IDL.Nat),
  last_chunk: IDL.Opt(Blob),
  sha256: IDL.Opt(Blob),
  /** Citadel extension: the hash of each 1,900,000-byte piece, for verifiable ranges. */
  chunk_sha256s: IDL.Opt(IDL.Vec(Blob)),
});

export const UnsetAssetContentArguments = IDL.Record({ key: Key, content_encoding: IDL.Text });
export const DeleteAssetArguments = IDL.Record({ key: Key });
export const ClearArguments = IDL.Record({});

export const SetAssetPropertiesArguments = IDL.Record({
  key: Key,
  max_age: IDL.Opt(IDL.Opt(IDL.Nat64)),
  headers: IDL.Opt(IDL.Opt(IDL.Vec(HeaderField))),
  allow_raw_access: IDL.Opt(IDL.Opt(IDL.Bool)),
  is_aliased: IDL.Opt(IDL.Opt(IDL.Bool)),
});

export const BatchOperationKind = IDL.Variant({
  CreateAsset: CreateAssetArguments,
  SetAssetContent: SetAssetContentArguments,
  SetAssetProperties: SetAssetPropertiesArguments,
  UnsetAssetContent: UnsetAssetContentArguments,
  DeleteAsset: DeleteAssetArguments,
  Clear: ClearArguments,
});

export const CommitBatchArguments = IDL.Record({
  batch_id: IDL.Nat,
  operations: IDL.Vec(BatchOperationKind),
});

export const StoreArguments = IDL.Record({
  key: Key,
  content_type: IDL.Text,
  content_encoding: IDL.Text,
  content: Blob,
  sha256: IDL.Opt(Blob),
});

export const GetArguments = IDL.Record({ key: Key, accept_encodings: IDL.Vec(IDL.Text) });
export const GetResult = IDL.Record({
  content: Blob,
  content_type: IDL.Text,
  content_encoding: IDL.Text,
  sha256: IDL.Opt(Blob),
  total_length: IDL.Nat,
});

export const GetChunkArguments = IDL.Record({
  key: Key,
  content_encoding: IDL.Text,
  index: IDL.Nat,
  sha256: IDL.Opt(Blob),
});

export const AssetEncodingDetails = IDL.Record({
  content_encoding: IDL.Text,
  sha256: IDL.Opt(Blob),
  length: IDL.Nat,
  modified: IDL.Int,
});

export const AssetDetails = IDL.Record({
  key: Key,
  content_type: IDL.Text,
  encodings: IDL.Vec(AssetEncodingDetails),
  max_age: IDL.Opt(IDL.Nat64),
  headers: IDL.Opt(IDL.Vec(HeaderField)),
  allow_raw_access: IDL.Opt(IDL.Bool),
  is_aliased: IDL.Opt(IDL.Bool),
});

export const AssetProperties = IDL.Record({
  max_age: IDL.Opt(IDL.Nat64),
  headers: IDL.Opt(IDL.Vec(HeaderField)),
  allow_raw_access: IDL.Opt(IDL.Bool),
  is_aliased: IDL.Opt(IDL.Bool),
});

export const HttpRequest = IDL.Record({
  method: IDL.Text,
  url: IDL.Text,
  headers: IDL.Vec(HeaderField),
  body: Blob,
  certificate_version: IDL.Opt(IDL.Nat16),
});

export const StreamingCallbackToken = IDL.Record({
  key: Key,
  content_encoding: IDL.Text,
  index: IDL.Nat,
  sha256: IDL.Opt(Blob),
});

export const StreamingCallbackHttpResponse = IDL.Record({
  body: Blob,
  token: IDL.Opt(StreamingCallbackToken),
});

export const StreamingStrategy = IDL.Variant({
  Callback: IDL.Record({
    callback: IDL.Func(
      [StreamingCallbackToken],
      [IDL.Opt(StreamingCallbackHttpResponse)],
      ['query'],
    ),
    token: StreamingCallbackToken,
  }),
});

export const HttpResponse = IDL.Record({
  status_code: IDL.Nat16,
  headers: IDL.Vec(HeaderField),
  body: Blob,
  streaming_strategy: IDL.Opt(StreamingStrategy),
  upgrade: IDL.Opt(IDL.Bool),
});

export const Permission = IDL.Variant({
  Commit: IDL.Null,
  ManagePermissions: IDL.Null,
  Prepare: IDL.Null,
});

export const CommitProposedBatchArguments = IDL.Record({ batch_id: IDL.Nat, evidence: Blob });

export const ValidationResult = IDL.Variant({ Ok: IDL.Text, Err: IDL.Text });

export const SiteOptionsArguments = IDL.Record({
  spa_fallback: IDL.Opt(IDL.Bool),
  security_headers: IDL.Opt(IDL.Bool),
  /** How many releases are kept (1 to 100; 10 by default). */
  releases_kept: IDL.Opt(IDL.Nat16),
});

export const SiteOptions = IDL.Record({
  spa_fallback: IDL.Bool,
  security_headers: IDL.Bool,
  /** Always given by this canister; opt so that clients can read canisters without releases. */
  releases_kept: IDL.Opt(IDL.Nat16),
});

/** A release (Citadel extension): the site as a commit or a rollback left it. */
export const Release = IDL.Record({
  id: IDL.Nat64,
  time_ns: IDL.Nat64,
  committer: IDL.Principal,
  /** Assets after the release closed, and the sum of their identity encodings' lengths. */
  files: IDL.Nat64,
  bytes: IDL.Nat64,
  /** The latest release, with no change made since (outside a commit). */
  current: IDL.Bool,
  /** For a rollback: the release whose content it restored. */
  rollback_of: IDL.Opt(IDL.Nat64),
});

export const RollbackArguments = IDL.Record({ release_id: IDL.Nat64 });

export const CreateBatchResponse = IDL.Record({ batch_id: IDL.Nat });
export const CreateChunkArguments = IDL.Record({ batch_id: IDL.Nat, content: Blob });
export const CreateChunksArguments = IDL.Record({ batch_id: IDL.Nat, content: IDL.Vec(Blob) });
export const ComputeEvidenceArguments = IDL.Record({
  batch_id: IDL.Nat,
  max_iterations: IDL.Opt(IDL.Nat16),
});
export const ListArguments = IDL.Record({ start: IDL.Opt(IDL.Nat), length: IDL.Opt(IDL.Nat) });
export const GrantPermissionArguments = IDL.Record({
  to_principal: IDL.Principal,
  permission: Permission,
});
export const RevokePermissionArguments = IDL.Record({
  of_principal: IDL.Principal,
  permission: Permission,
});

/**
 * The whole service as clients see it: the official interface plus Citadel's extensions
 * (`chunk_sha256s`, site options, releases). The canister's method decorators use the same
 * types.
 */
export const AssetsService = IDL.Service({
  api_version: IDL.Func([], [IDL.Nat16], ['query']),
  create_batch: IDL.Func([IDL.Record({})], [CreateBatchResponse], []),
  create_chunk: IDL.Func([CreateChunkArguments], [IDL.Record({ chunk_id: IDL.Nat })], []),
  create_chunks: IDL.Func(
    [CreateChunksArguments],
    [IDL.Record({ chunk_ids: IDL.Vec(IDL.Nat) })],
    [],
  ),
  commit_batch: IDL.Func([CommitBatchArguments], [], []),
  stage_batch_operations: IDL.Func([CommitBatchArguments], [], []),
  propose_commit_batch: IDL.Func([CommitBatchArguments], [], []),
  compute_evidence: IDL.Func([ComputeEvidenceArguments], [IDL.Opt(Blob)], []),
  commit_proposed_batch: IDL.Func([CommitProposedBatchArguments], [], []),
  validate_commit_proposed_batch: IDL.Func([CommitProposedBatchArguments], [ValidationResult], []),
  delete_batch: IDL.Func([IDL.Record({ batch_id: IDL.Nat })], [], []),
  store: IDL.Func([StoreArguments], [], []),
  create_asset: IDL.Func([CreateAssetArguments], [], []),
  set_asset_content: IDL.Func([SetAssetContentArguments], [], []),
  unset_asset_content: IDL.Func([UnsetAssetContentArguments], [], []),
  delete_asset: IDL.Func([DeleteAssetArguments], [], []),
  clear: IDL.Func([ClearArguments], [], []),
  set_asset_properties: IDL.Func([SetAssetPropertiesArguments], [], []),
  set_site_options: IDL.Func([SiteOptionsArguments], [], []),
  get_site_options: IDL.Func([], [SiteOptions], ['query']),
  list_releases: IDL.Func([], [IDL.Vec(Release)], ['query']),
  current_release: IDL.Func([], [IDL.Opt(Release)], ['query']),
  served_release: IDL.Func([], [IDL.Opt(IDL.Nat64)], ['query']),
  rollback: IDL.Func([RollbackArguments], [Release], []),
  get: IDL.Func([GetArguments], [GetResult], ['query']),
  get_chunk: IDL.Func([GetChunkArguments], [IDL.Record({ content: Blob })], ['query']),
  list: IDL.Func([ListArguments], [IDL.Vec(AssetDetails)], ['query']),
  retrieve: IDL.Func([Key], [Blob], ['query']),
  get_asset_properties: IDL.Func([Key], [AssetProperties], ['query']),
  http_request: IDL.Func([HttpRequest], [HttpResponse], ['query']),
  http_request_streaming_callback: IDL.Func(
    [StreamingCallbackToken],
    [StreamingCallbackHttpResponse],
    ['query'],
  ),
  authorize: IDL.Func([IDL.Principal], [], []),
  deauthorize: IDL.Func([IDL.Principal], [], []),
  list_authorized: IDL.Func([], [IDL.Vec(IDL.Principal)], []),
  grant_permission: IDL.Func([GrantPermissionArguments], [], []),
  revoke_permission: IDL.Func([RevokePermissionArguments], [], []),
  list_permitted: IDL.Func([IDL.Record({ permission: Permission })], [IDL.Vec(IDL.Principal)], []),
  take_ownership: IDL.Func([], [], []),
});
