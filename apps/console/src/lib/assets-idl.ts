/**
 * The asset canister queries the console reads: its release history (a Citadel extension)
 * and its asset list. Copied from `canisters/assets/src/interface/candid.ts`, restricted to
 * what the console needs so its bundle stays small; Candid decoding ignores the fields and
 * methods left out.
 */
import type { IDL } from '@dfinity/candid';
import type { Principal } from '@dfinity/principal';
import type { Opt } from './directory-idl';

/** The asset canister's read-only queries, for `Actor.createActor`. */
export const assetsIdlFactory: IDL.InterfaceFactory = ({ IDL: I }) => {
  const Release = I.Record({
    id: I.Nat64,
    time_ns: I.Nat64,
    committer: I.Principal,
    files: I.Nat64,
    bytes: I.Nat64,
    current: I.Bool,
    rollback_of: I.Opt(I.Nat64),
  });
  const AssetEncodingDetails = I.Record({
    content_encoding: I.Text,
    sha256: I.Opt(I.Vec(I.Nat8)),
    length: I.Nat,
    modified: I.Int,
  });
  const AssetDetails = I.Record({
    key: I.Text,
    content_type: I.Text,
    encodings: I.Vec(AssetEncodingDetails),
  });
  return I.Service({
    list_releases: I.Func([], [I.Vec(Release)], ['query']),
    current_release: I.Func([], [I.Opt(Release)], ['query']),
    list: I.Func(
      [I.Record({ start: I.Opt(I.Nat), length: I.Opt(I.Nat) })],
      [I.Vec(AssetDetails)],
      ['query'],
    ),
  });
};

export interface WireRelease {
  id: bigint;
  time_ns: bigint;
  committer: Principal;
  files: bigint;
  bytes: bigint;
  current: boolean;
  rollback_of: Opt<bigint>;
}

export interface WireAssetDetails {
  key: string;
  content_type: string;
  encodings: { content_encoding: string; length: bigint }[];
}

/** The asset canister's queries, as an agent's actor sees them. */
export interface AssetsActor {
  list_releases(): Promise<WireRelease[]>;
  current_release(): Promise<Opt<WireRelease>>;
  list(args: { start: Opt<bigint>; length: Opt<bigint> }): Promise<WireAssetDetails[]>;
}
