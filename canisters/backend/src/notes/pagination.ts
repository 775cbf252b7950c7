import type { NoteLimits } from './limits.js';
import type { PageRequest } from './types.js';

/** How many ids in ascending `ids` are below `id` (the index `id` has or would have). */
export function countBelow(ids: readonly bigint[], id: bigint): number {
  let low = 0;
  let high = ids.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((ids[middle] as bigint) < id) {
      low = middle + 1;
    } else {
      high = middle;
    }
  }
  return low;
}

/** Inserts `id` into ascending `ids`, unless it is there. */
export function insertSorted(ids: bigint[], id: bigint): void {
  const at = countBelow(ids, id);
  if (ids[at] !== id) {
    ids.splice(at, 0, id);
  }
}

/** Removes `id` from ascending `ids`, if it is there. */
export function removeSorted(ids: bigint[], id: bigint): void {
  const at = countBelow(ids, id);
  if (ids[at] === id) {
    ids.splice(at, 1);
  }
}

/**
 * How many notes a page holds at most: the request's limit clamped to 1..`pageMax` (a limit
 * of 0 gives one note), or `pageDefault` when it names none.
 */
export function resolvePageLimit(
  limit: number | undefined,
  limits: Pick<NoteLimits, 'pageMax' | 'pageDefault'>,
): number {
  if (limit === undefined) {
    return limits.pageDefault;
  }
  return Math.min(Math.max(Math.trunc(limit), 1), limits.pageMax);
}

/** What {@link takePage} needs beyond the request. */
export interface TakePageParams<T> {
  /** The listed ids, ascending. */
  readonly ids: readonly bigint[];
  readonly request: PageRequest;
  readonly limits: Pick<NoteLimits, 'pageMax' | 'pageDefault'>;
  /** Most bytes of items in the page; the first item is taken whatever its size. */
  readonly maxBytes: number;
  /** Reads the item of an id. */
  readonly read: (id: bigint) => T;
  /** The bytes an item adds to the page. */
  readonly sizeOf: (item: T) => number;
}

/**
 * A page of a listing, newest (highest id) first: the items of the ids below the cursor, up
 * to the limit and the byte budget. `nextCursor` is the last item's id when ids below it
 * remain.
 */
export function takePage<T>(params: TakePageParams<T>): { items: T[]; nextCursor?: bigint } {
  const { ids, request } = params;
  const limit = resolvePageLimit(request.limit, params.limits);
  let index = request.cursor === undefined ? ids.length : countBelow(ids, request.cursor);
  const items: T[] = [];
  let bytes = 0;
  while (index > 0 && items.length < limit) {
    const item = params.read(ids[index - 1] as bigint);
    const size = params.sizeOf(item);
    if (items.length > 0 && bytes + size > params.maxBytes) {
      break;
    }
    items.push(item);
    bytes += size;
    index--;
  }
  return index > 0 && items.length > 0 ? { items, nextCursor: ids[index] as bigint } : { items };
}
