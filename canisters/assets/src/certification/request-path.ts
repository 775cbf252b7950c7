/**
 * How HTTP certification names a request: its path, percent-decoded, without the query
 * string (HTTP gateway protocol spec "Certificate expression path"; response-verification
 * decodes the same way).
 */

/** The decoded path of `url` (`/a%20b?x=1` → `/a b`), or `undefined` if it is malformed. */
export function decodedPath(url: string): string | undefined {
  let path = url;
  const schemeEnd = path.indexOf('://');
  if (schemeEnd >= 0) {
    const slash = path.indexOf('/', schemeEnd + 3);
    path = slash < 0 ? '/' : path.slice(slash);
  }
  const queryAt = path.search(/[?#]/);
  if (queryAt >= 0) {
    path = path.slice(0, queryAt);
  }
  if (!path.startsWith('/')) {
    path = `/${path}`;
  }
  try {
    return decodeURIComponent(path);
  } catch {
    // A malformed escape such as `%ZZ` is the client's mistake; callers answer 400.
    return undefined;
  }
}

/**
 * The segments a v2 expression path uses for `path` (already decoded): the leading `/` is
 * dropped and a trailing `/` leaves an empty last segment, so `/` is `['']` and `/a/` is
 * `['a', '']`.
 */
export function pathSegments(path: string): string[] {
  return path.slice(1).split('/');
}
