import type { IDL } from '@dfinity/candid';

/**
 * The Candid interface clients are built against, written out by hand from the README's
 * `.did` (not derived from `candid/interface.ts`): tests that talk to the canister through it
 * fail if the canister drifts from the contract.
 */
export const contractIdlFactory: IDL.InterfaceFactory = ({ IDL: I }) => {
  const Backend = I.Record({ name: I.Text, id: I.Principal });
  const Release = I.Record({ id: I.Nat64, time_ns: I.Nat64, files: I.Nat64, bytes: I.Nat64 });
  const ListingInput = I.Record({
    frontend: I.Principal,
    name: I.Text,
    description: I.Text,
    backends: I.Vec(Backend),
    icon: I.Opt(I.Text),
    last_release: I.Opt(Release),
  });
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
  const ListingResult = I.Variant({ ok: Listing, err: DirectoryError });
  const RemoveResult = I.Variant({ ok: I.Null, err: DirectoryError });
  const ListRequest = I.Record({
    search: I.Opt(I.Text),
    owner: I.Opt(I.Principal),
    cursor: I.Opt(I.Text),
    limit: I.Opt(I.Nat32),
  });
  const ListingPage = I.Record({ listings: I.Vec(Listing), next_cursor: I.Opt(I.Text) });
  const ListResult = I.Variant({ ok: ListingPage, err: DirectoryError });
  const Stats = I.Record({ listings: I.Nat32, owners: I.Nat32 });
  const Limits = I.Record({
    name_chars: I.Nat32,
    description_chars: I.Nat32,
    backends: I.Nat32,
    backend_name_chars: I.Nat32,
    icon_bytes: I.Nat32,
    listings_per_owner: I.Nat32,
    listings_total: I.Nat32,
    page_max: I.Nat32,
    page_default: I.Nat32,
    search_chars: I.Nat32,
    search_words: I.Nat32,
  });
  return I.Service({
    upsert_listing: I.Func([ListingInput], [ListingResult], []),
    remove_listing: I.Func([I.Principal], [RemoveResult], []),
    get_listing: I.Func([I.Principal], [ListingResult], ['query']),
    list_listings: I.Func([ListRequest], [ListResult], ['query']),
    stats: I.Func([], [Stats], ['query']),
    limits: I.Func([], [Limits], ['query']),
  });
};
