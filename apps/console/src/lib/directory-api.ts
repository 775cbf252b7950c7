/** The directory canister's queries, in the console's types, failing as {@link ConsoleResult}s. */
import { Principal } from '@dfinity/principal';
import { attempt, fromDirectoryError, type ConsoleResult } from './console-error';
import type { DirectoryActor } from './directory-idl';
import { fromWireListing, type DappListing } from './listing';
import type { ListingPage } from './listing-pages';

/** What {@link DirectoryApi.listListings} takes. */
export interface ListListingsParams {
  /** Words to match against names and descriptions; undefined for every listing. */
  readonly search?: string | undefined;
  /** The previous page's `nextCursor`. */
  readonly cursor?: string | undefined;
  /** @default the directory's own page size */
  readonly limit?: number | undefined;
}

/** The directory, as the console reads it. */
export interface DirectoryApi {
  listListings(params: ListListingsParams): Promise<ConsoleResult<ListingPage>>;
  getListing(frontend: string): Promise<ConsoleResult<DappListing>>;
}

/** The {@link DirectoryApi} over an actor of the directory canister. */
export function createDirectoryApi(actor: DirectoryActor): DirectoryApi {
  return {
    async listListings({ search, cursor, limit }) {
      const result = await attempt(() =>
        actor.list_listings({
          search: search === undefined ? [] : [search],
          owner: [],
          cursor: cursor === undefined ? [] : [cursor],
          limit: limit === undefined ? [] : [limit],
        }),
      );
      if (!result.ok) {
        return result;
      }
      if ('err' in result.value) {
        return { ok: false, error: fromDirectoryError(result.value.err) };
      }
      const { listings, next_cursor } = result.value.ok;
      return {
        ok: true,
        value: { listings: listings.map(fromWireListing), nextCursor: next_cursor[0] },
      };
    },
    async getListing(frontend) {
      const result = await attempt(() => actor.get_listing(Principal.fromText(frontend)));
      if (!result.ok) {
        return result;
      }
      return 'err' in result.value
        ? { ok: false, error: fromDirectoryError(result.value.err) }
        : { ok: true, value: fromWireListing(result.value.ok) };
    },
  };
}
