import type { Dirent } from 'node:fs';
import { readFile, readdir, realpath, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { type AssetConfigResolver, createAssetConfigResolver } from './asset-config.js';
import { AssetsConfigErrorCode, assetsConfigError } from './errors.js';
import { parseAssetConfigRules } from './rules.js';
import type { AssetConfigFile } from './types.js';

/** The config file names ic-asset reads (asset/config.rs); one directory may hold only one. */
export const ASSET_CONFIG_FILE_NAMES = ['.ic-assets.json', '.ic-assets.json5'] as const;

const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Reads every `.ic-assets.json5` / `.ic-assets.json` under `root` and returns a resolver for
 * the files in it. Like ic-asset, it resolves `root` to its real path, visits every
 * directory (dot-directories too, but not through symbolic links), and reads both names with
 * the same JSON5 parser.
 *
 * @example
 * const config = await loadAssetConfig('dist');
 * if (config.isIncluded('app.js')) upload('app.js', config.resolve('app.js'));
 * @throws CitadelError `ASSETS_CONFIG_MULTIPLE_FILES`, `ASSETS_CONFIG_READ_FAILED`, or any error
 *   of `parseAssetConfigRules`
 */
export async function loadAssetConfig(root: string): Promise<AssetConfigResolver> {
  const realRoot = await io('resolve', resolve(root), () => realpath(resolve(root)));
  const files: AssetConfigFile[] = [];
  await visit(realRoot, '', files);
  return createAssetConfigResolver(files, { root: realRoot });
}

async function visit(absolute: string, dir: string, files: AssetConfigFile[]): Promise<void> {
  const entries = await io('list', absolute, () => readdir(absolute, { withFileTypes: true }));
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const present: string[] = [];
  for (const name of ASSET_CONFIG_FILE_NAMES) {
    const entry = entries.find((candidate) => candidate.name === name);
    if (entry !== undefined && (await exists(join(absolute, name), entry))) {
      present.push(name);
    }
  }
  if (present.length > 1) {
    throw assetsConfigError(
      AssetsConfigErrorCode.MULTIPLE_FILES,
      `${absolute} has both ${present.join(' and ')}; keep one`,
      { file: absolute, dir },
    );
  }
  const [name] = present;
  if (name !== undefined) {
    const file = join(absolute, name);
    const bytes = await io('read', file, () => readFile(file));
    let text: string;
    try {
      text = STRICT_UTF8.decode(bytes);
    } catch (error) {
      throw assetsConfigError(
        AssetsConfigErrorCode.READ_FAILED,
        `Could not read ${file}: it is not UTF-8 text`,
        { file, operation: 'decode' },
        { cause: error },
      );
    }
    files.push({ dir, file, rules: parseAssetConfigRules(text, { file }) });
  }
  for (const entry of entries) {
    // Dirent types do not follow symbolic links, as in ic-asset's read_dir walk.
    if (entry.isDirectory()) {
      await visit(
        join(absolute, entry.name),
        dir === '' ? entry.name : `${dir}/${entry.name}`,
        files,
      );
    }
  }
}

/** `Path::exists`: follows a symbolic link, and a dangling one does not exist. */
async function exists(path: string, entry: Dirent): Promise<boolean> {
  if (!entry.isSymbolicLink()) {
    return true;
  }
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

async function io<T>(operation: string, path: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw assetsConfigError(
      AssetsConfigErrorCode.READ_FAILED,
      `Could not ${operation} ${path}: ${reason}`,
      { file: path, operation, systemCode: (error as { code?: unknown }).code ?? null },
      { cause: error },
    );
  }
}
