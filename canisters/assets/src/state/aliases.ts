/**
 * The asset keys `path` may alias, in lookup order (official canister): `/d/` → `/d/index.html`;
 * a path not ending in `.html` → `path.html`, then `path/index.html`.
 */
export function aliasTargets(path: string): string[] {
  if (path.endsWith('/')) {
    return [`${path}index.html`];
  }
  if (path.endsWith('.html')) {
    return [];
  }
  return [`${path}.html`, `${path}/index.html`];
}

/**
 * The paths that serve asset `key` besides its own, when aliasing is on: `/x.html` → `/x`;
 * `/d/index.html` → `/d/index`, `/d/`, `/d`; `/index.html` → `/index`, `/`.
 */
export function aliasesOf(key: string): string[] {
  if (!key.endsWith('.html')) {
    return [];
  }
  const withoutHtml = key.slice(0, -'.html'.length);
  if (!key.endsWith('/index.html')) {
    return [withoutHtml];
  }
  const directory = key.slice(0, -'index.html'.length);
  return directory === '/' ? [withoutHtml, '/'] : [withoutHtml, directory, directory.slice(0, -1)];
}
