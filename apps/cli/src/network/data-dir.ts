import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** Where the network keeps its state, relative to the project root. */
export const DEFAULT_DATA_DIR = join('.citadel', 'network');

/** The files the CLI keeps in a data directory, next to the replica's own. */
export interface DataDirFiles {
  /** `{ url, pid, port, rootKey, startedAt }` of the running network; absent when stopped. */
  readonly network: string;
  /** `{ pid, startedAt }` of the process that owns the directory, from startup to shutdown. */
  readonly lock: string;
  /** Output of a network started with `--background`. */
  readonly log: string;
}

/** Paths of the CLI's files in `dataDir`. */
export function dataDirFiles(dataDir: string): DataDirFiles {
  return {
    network: join(dataDir, 'network.json'),
    lock: join(dataDir, 'network.lock'),
    log: join(dataDir, 'network.log'),
  };
}

/** The nearest directory at or above `cwd` that holds a package.json, else `cwd`. */
export function findProjectRoot(
  cwd: string,
  exists: (path: string) => boolean = existsSync,
): string {
  const start = resolve(cwd);
  for (let dir = start; ; dir = dirname(dir)) {
    if (exists(join(dir, 'package.json'))) {
      return dir;
    }
    if (dirname(dir) === dir) {
      return start;
    }
  }
}

/**
 * The absolute data directory: `--data-dir` relative to `cwd` when given, else
 * `.citadel/network` under the project root.
 */
export function resolveDataDir(
  dataDirFlag: string | undefined,
  cwd: string,
  exists: (path: string) => boolean = existsSync,
): string {
  if (dataDirFlag !== undefined) {
    return resolve(cwd, dataDirFlag);
  }
  return join(findProjectRoot(cwd, exists), DEFAULT_DATA_DIR);
}
