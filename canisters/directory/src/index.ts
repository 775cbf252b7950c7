/**
 * The directory canister of a Citadel network (Azle 0.33): the on-chain list of the dApps it
 * hosts, one listing per frontend canister, over the pure store in `listings/`. Listings live
 * in stable memory (see `canister/stable-state.ts`); methods that return listings reply with
 * bytes assembled from the stored Candid values (`candid/replies.ts`), so they decode their
 * arguments themselves (`manual`) while Azle still writes the interface from the declared
 * types. See README.md for the interface and rules.
 */
// First: every module below must see the native text codec (see @citadel/azle-text).
import '@citadel/azle-text/install';
import {
  IDL,
  type Principal,
  init,
  isController,
  msgArgData,
  msgCaller,
  msgReply,
  postUpgrade,
  query,
  time,
  update,
} from 'azle';
import {
  type CandidLimits,
  type CandidListRequest,
  type CandidListingInput,
  type CandidStats,
  T,
} from './candid/interface.js';
import { createReplyEncoder } from './candid/replies.js';
import { store } from './canister/stable-state.js';
import type { ListRequest, ListingInput } from './listings/types.js';

/** Made at install and upgrade; a query's heap changes would not outlive it. */
const replies = createReplyEncoder();

/** The call's arguments, decoded as `types`. */
function args<A extends unknown[]>(types: IDL.Type[]): A {
  return IDL.decode(types, msgArgData()) as unknown as A;
}

function toInput(input: CandidListingInput): ListingInput {
  const [icon] = input.icon;
  const [release] = input.last_release;
  return {
    frontend: input.frontend.toUint8Array(),
    name: input.name,
    description: input.description,
    backends: input.backends.map((backend) => ({
      name: backend.name,
      id: backend.id.toUint8Array(),
    })),
    ...(icon === undefined ? {} : { icon }),
    ...(release === undefined
      ? {}
      : {
          lastRelease: {
            id: release.id,
            timeNs: release.time_ns,
            files: release.files,
            bytes: release.bytes,
          },
        }),
  };
}

function toListRequest(request: CandidListRequest): ListRequest {
  const [search] = request.search;
  const [owner] = request.owner;
  const [cursor] = request.cursor;
  const [limit] = request.limit;
  return {
    ...(search === undefined ? {} : { search }),
    ...(owner === undefined ? {} : { owner: owner.toUint8Array() }),
    ...(cursor === undefined ? {} : { cursor }),
    ...(limit === undefined ? {} : { limit }),
  };
}

export default class {
  @init([])
  init(): void {
    store.load();
  }

  @postUpgrade([])
  postUpgrade(): void {
    store.load();
  }

  @update(T.args.upsert_listing, T.ListingResult, { manual: true })
  upsert_listing(): void {
    const [input] = args<[CandidListingInput]>(T.args.upsert_listing);
    msgReply(
      replies.listingResult(store.upsert(msgCaller().toUint8Array(), toInput(input), time())),
    );
  }

  @update(T.args.remove_listing, T.RemoveResult, { manual: true })
  remove_listing(): void {
    const [frontend] = args<[Principal]>(T.args.remove_listing);
    const caller = msgCaller();
    msgReply(
      replies.removeResult(
        store.remove(caller.toUint8Array(), frontend.toUint8Array(), {
          isController: isController(caller),
        }),
      ),
    );
  }

  @query(T.args.get_listing, T.ListingResult, { manual: true })
  get_listing(): void {
    const [frontend] = args<[Principal]>(T.args.get_listing);
    msgReply(replies.listingResult(store.get(frontend.toUint8Array())));
  }

  @query(T.args.list_listings, T.ListResult, { manual: true })
  list_listings(): void {
    const [request] = args<[CandidListRequest]>(T.args.list_listings);
    msgReply(replies.listResult(store.list(toListRequest(request))));
  }

  @query([], T.Stats)
  stats(): CandidStats {
    return store.stats();
  }

  @query([], T.Limits)
  limits(): CandidLimits {
    const limits = store.limits;
    return {
      name_chars: limits.nameChars,
      description_chars: limits.descriptionChars,
      backends: limits.backends,
      backend_name_chars: limits.backendNameChars,
      icon_bytes: limits.iconBytes,
      listings_per_owner: limits.listingsPerOwner,
      listings_total: limits.listingsTotal,
      page_max: limits.pageMax,
      page_default: limits.pageDefault,
      search_chars: limits.searchChars,
      search_words: limits.searchWords,
    };
  }
}
