import { readFile, readdir, realpath } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import { join, relative, sep } from 'node:path';

/**
 * What a canister's bundle takes from packages, for its build stamp. Azle bundles every package
 * a canister imports, so a package that changes must rebuild the canister even when the
 * canister's own files did not. An installed package is named by its version; a linked one (a
 * workspace package: `node_modules/<name>` is a symlink to a folder outside `node_modules`)
 * changes without a version bump, so its files are read, and the packages it imports in turn.
 */
export interface PackageInput {
  readonly name: string;
  /** `name@version` of an installed package, or a linked package's files (path and bytes). */
  readonly fingerprint: string | readonly { readonly path: string; readonly bytes: Uint8Array }[];
}

/** Packages that never need hashing here: Node's own, and Azle (its version is stamped). */
const NOT_HASHED = new Set(['azle', ...builtinModules]);
/** Import and export specifiers that name a package (not a relative path). */
const IMPORT_SPECIFIER =
  /(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)['"]((?:@[\w.-]+\/)?\w[^'"]*)['"]/g;
/** Source files a linked package's import specifiers are read from. */
const SCANNED = /\.(?:[cm]?[jt]sx?)$/;

/** The package an import specifier names: `@scope/name` or `name`, without a subpath. */
export function packageNameOf(specifier: string): string | undefined {
  if (specifier.startsWith('node:') || specifier.startsWith('.')) {
    return undefined;
  }
  const parts = specifier.split('/');
  const name = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
  return name === undefined || name === '' || NOT_HASHED.has(name) ? undefined : name;
}

/** The packages `source` imports (import, export … from, dynamic import, require). */
export function importedPackages(source: string): Set<string> {
  const names = new Set<string>();
  for (const match of source.matchAll(IMPORT_SPECIFIER)) {
    const name = packageNameOf(match[1] ?? '');
    if (name !== undefined) {
      names.add(name);
    }
  }
  return names;
}

/** Every file below `dir`, without `node_modules` and dot-entries, sorted. */
async function filesBelow(dir: string): Promise<string[]> {
  const files: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) {
      continue;
    }
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      files.push(...(await filesBelow(path)));
    } else if (entry.isFile()) {
      files.push(path);
    }
  }
  return files.sort();
}

async function readVersion(dir: string): Promise<string> {
  try {
    const manifest = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as {
      version?: unknown;
    };
    return typeof manifest.version === 'string' ? manifest.version : 'unversioned';
  } catch {
    // A folder without a readable manifest still bundles: name it by that fact.
    return 'no package.json';
  }
}

/**
 * The {@link PackageInput}s of the packages the files in `sources` import, resolved from
 * `<projectRoot>/node_modules`, sorted by name. A package that is not installed is left out:
 * the type-check and the bundler report it.
 */
export async function packageInputs(
  projectRoot: string,
  sources: readonly string[],
): Promise<PackageInput[]> {
  const inputs = new Map<string, PackageInput>();
  const pending: string[] = [];
  const scan = async (files: readonly string[]) => {
    for (const file of files) {
      if (SCANNED.test(file)) {
        pending.push(...importedPackages(await readFile(file, 'utf8')));
      }
    }
  };
  await scan(sources);
  for (let name = pending.pop(); name !== undefined; name = pending.pop()) {
    if (inputs.has(name)) {
      continue;
    }
    let dir: string;
    try {
      dir = await realpath(join(projectRoot, 'node_modules', ...name.split('/')));
    } catch {
      // Not installed: nothing to stamp; the type-check and the bundler report it.
      continue;
    }
    if (dir.split(sep).includes('node_modules')) {
      inputs.set(name, { name, fingerprint: `${name}@${await readVersion(dir)}` });
      continue;
    }
    const files = await filesBelow(dir);
    const fingerprint = await Promise.all(
      files.map(async (file) => ({
        path: relative(dir, file).split(sep).join('/'),
        bytes: await readFile(file),
      })),
    );
    inputs.set(name, { name, fingerprint });
    await scan(files);
  }
  return [...inputs.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
}
