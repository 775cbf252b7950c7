/**
 * The part of the directory canister's Candid interface the console reads (its two queries),
 * copied from `canisters/directory/src/candid/interface.ts`, whose package exports no client.
 * `directory-idl.test.ts` checks it against the built `canisters/directory/dist/directory.did`,
 * so the two cannot drift apart unnoticed.
 */
import type { IDL } from '@dfinity/candid';
import type { Principal } from '@dfinity/principal';

/** Candid `opt T`, as the agent represents it. */
export type Opt<T> = [] | [T];

/** The directory's service, restricted to its queries, for `Actor.createActor`. */
export const directoryIdlFactory: IDL.InterfaceFactory = ({ IDL: I }) => {
  const Backend = I.Record({ name: I.Text, id: I.Principal });
  const Release = I.Record({ id: I.Nat64, time_ns: I.Nat64, files: I.Nat64, bytes: I.Nat64 });
  const Listing = I.Record({
    frontend: I.Principal,
    name: I.Text,
    description: I.Text,
    backends: I.Vec(Backend),
    owner: I.Principal,
    icon: I.Opt(I.Text),
    last_release: I.Opt(Release),
    created_at: I.Nat64,
    updated_at: I.Nat64,
    version: I.Nat64,
  });
  const DirectoryError = I.Variant({
    anonymous: I.Null,
    not_found: I.Record({ frontend: I.Principal }),
    not_owner: I.Record({ frontend: I.Principal }),
    invalid: I.Record({ field: I.Text, message: I.Text }),
    quota_exceeded: I.Record({
      scope: I.Variant({ owner: I.Null, directory: I.Null }),
      limit: I.Nat64,
    }),
  });
  const ListRequest = I.Record({
    search: I.Opt(I.Text),
    owner: I.Opt(I.Principal),
    cursor: I.Opt(I.Text),
    limit: I.Opt(I.Nat32),
  });
  const ListingPage = I.Record({ listings: I.Vec(Listing), next_cursor: I.Opt(I.Text) });
  return I.Service({
    get_listing: I.Func(
      [I.Principal],
      [I.Variant({ ok: Listing, err: DirectoryError })],
      ['query'],
    ),
    list_listings: I.Func(
      [ListRequest],
      [I.Variant({ ok: ListingPage, err: DirectoryError })],
      ['query'],
    ),
  });
};

export interface WireBackend {
  name: string;
  id: Principal;
}

export interface WireListingRelease {
  id: bigint;
  time_ns: bigint;
  files: bigint;
  bytes: bigint;
}

export interface WireListing {
  frontend: Principal;
  name: string;
  description: string;
  backends: WireBackend[];
  owner: Principal;
  icon: Opt<string>;
  last_release: Opt<WireListingRelease>;
  created_at: bigint;
  updated_at: bigint;
  version: bigint;
}

export type WireDirectoryError =
  | { anonymous: null }
  | { not_found: { frontend: Principal } }
  | { not_owner: { frontend: Principal } }
  | { invalid: { field: string; message: string } }
  | { quota_exceeded: { scope: { owner: null } | { directory: null }; limit: bigint } };

export interface WireListRequest {
  search: Opt<string>;
  owner: Opt<Principal>;
  cursor: Opt<string>;
  limit: Opt<number>;
}

export type WireListResult =
  { ok: { listings: WireListing[]; next_cursor: Opt<string> } } | { err: WireDirectoryError };

export type WireListingResult = { ok: WireListing } | { err: WireDirectoryError };

/** The directory's queries, as an agent's actor sees them. */
export interface DirectoryActor {
  get_listing(frontend: Principal): Promise<WireListingResult>;
  list_listings(request: WireListRequest): Promise<WireListResult>;
}
