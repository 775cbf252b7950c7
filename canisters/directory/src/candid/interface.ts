import { IDL } from '@dfinity/candid';
import type { Principal } from '@dfinity/principal';

/**
 * Candid types of the directory canister. They are the contract clients (`citadel deploy`,
 * `citadel ls`, the console) are built against (`canisters/directory/README.md`): method
 * names, argument order, field names and lower-case variant tags. Azle writes
 * `dist/directory.did` from them.
 */

/** What an interface factory is handed: the `IDL` of whichever `@dfinity/candid` calls. */
type Idl = Parameters<IDL.InterfaceFactory>[0]['IDL'];

/** Argument types, as the non-empty tuple `IDL.Func` takes. */
const argTypes = <A extends [IDL.Type, ...IDL.Type[]]>(...types: A): A => types;

/** The interface's types, built with `I`. */
function defineTypes(I: Idl) {
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
  const QuotaScope = I.Variant({ owner: I.Null, directory: I.Null });
  const DirectoryError = I.Variant({
    anonymous: I.Null,
    not_found: I.Record({ frontend: I.Principal }),
    not_owner: I.Record({ frontend: I.Principal }),
    invalid: I.Record({ field: I.Text, message: I.Text }),
    quota_exceeded: I.Record({ scope: QuotaScope, limit: I.Nat64 }),
  });
  const ListRequest = I.Record({
    search: I.Opt(I.Text),
    owner: I.Opt(I.Principal),
    cursor: I.Opt(I.Text),
    limit: I.Opt(I.Nat32),
  });
  const ListingPage = I.Record({ listings: I.Vec(Listing), next_cursor: I.Opt(I.Text) });
  return {
    Backend,
    Release,
    ListingInput,
    Listing,
    QuotaScope,
    DirectoryError,
    ListingResult: I.Variant({ ok: Listing, err: DirectoryError }),
    RemoveResult: I.Variant({ ok: I.Null, err: DirectoryError }),
    ListRequest,
    ListingPage,
    ListResult: I.Variant({ ok: ListingPage, err: DirectoryError }),
    Stats: I.Record({ listings: I.Nat32, owners: I.Nat32 }),
    Limits: I.Record({
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
    }),
    /** Argument types of the methods that take any, in order. */
    args: {
      upsert_listing: argTypes(ListingInput),
      remove_listing: argTypes(I.Principal),
      get_listing: argTypes(I.Principal),
      list_listings: argTypes(ListRequest),
    },
  };
}

/** The interface's types, for the canister's decorators and for tests. */
export const T = defineTypes(IDL);

/** The service, for agents: `Actor.createActor<DirectoryService>(idlFactory, ...)`. */
export const idlFactory: IDL.InterfaceFactory = ({ IDL: I }) => {
  const t = defineTypes(I);
  return I.Service({
    upsert_listing: I.Func(t.args.upsert_listing, [t.ListingResult], []),
    remove_listing: I.Func(t.args.remove_listing, [t.RemoveResult], []),
    get_listing: I.Func(t.args.get_listing, [t.ListingResult], ['query']),
    list_listings: I.Func(t.args.list_listings, [t.ListResult], ['query']),
    stats: I.Func([], [t.Stats], ['query']),
    limits: I.Func([], [t.Limits], ['query']),
  });
};

// ---- JavaScript shapes of the Candid values (as @dfinity/candid decodes them) -------------

export interface CandidBackend {
  name: string;
  id: Principal;
}

export interface CandidRelease {
  id: bigint;
  time_ns: bigint;
  files: bigint;
  bytes: bigint;
}

export interface CandidListingInput {
  frontend: Principal;
  name: string;
  description: string;
  backends: CandidBackend[];
  icon: [] | [string];
  last_release: [] | [CandidRelease];
}

export interface CandidListing {
  frontend: Principal;
  name: string;
  description: string;
  backends: CandidBackend[];
  owner: Principal;
  icon: [] | [string];
  last_release: [] | [CandidRelease];
  created_at: bigint;
  updated_at: bigint;
  version: bigint;
}

export type CandidQuotaScope = { owner: null } | { directory: null };

export type CandidDirectoryError =
  | { anonymous: null }
  | { not_found: { frontend: Principal } }
  | { not_owner: { frontend: Principal } }
  | { invalid: { field: string; message: string } }
  | { quota_exceeded: { scope: CandidQuotaScope; limit: bigint } };

export type CandidListingResult = { ok: CandidListing } | { err: CandidDirectoryError };
export type CandidRemoveResult = { ok: null } | { err: CandidDirectoryError };

export interface CandidListRequest {
  search: [] | [string];
  owner: [] | [Principal];
  cursor: [] | [string];
  limit: [] | [number];
}

export interface CandidListingPage {
  listings: CandidListing[];
  next_cursor: [] | [string];
}

export type CandidListResult = { ok: CandidListingPage } | { err: CandidDirectoryError };

export interface CandidStats {
  listings: number;
  owners: number;
}

export interface CandidLimits {
  name_chars: number;
  description_chars: number;
  backends: number;
  backend_name_chars: number;
  icon_bytes: number;
  listings_per_owner: number;
  listings_total: number;
  page_max: number;
  page_default: number;
  search_chars: number;
  search_words: number;
}

/** The service as an agent's actor sees it. */
export interface DirectoryService {
  upsert_listing(input: CandidListingInput): Promise<CandidListingResult>;
  remove_listing(frontend: Principal): Promise<CandidRemoveResult>;
  get_listing(frontend: Principal): Promise<CandidListingResult>;
  list_listings(request: CandidListRequest): Promise<CandidListResult>;
  stats(): Promise<CandidStats>;
  limits(): Promise<CandidLimits>;
}
