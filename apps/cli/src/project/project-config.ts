import { readFile } from 'node:fs/promises';
import { isAbsolute, join, normalize } from 'node:path';
import { CliErrorCode, createCliError } from '../errors.js';

/**
 * The project's `citadel.json`, at the project root (the nearest directory with a
 * package.json). Every field is optional:
 *
 *     {
 *       "frontends": { "web": { "root": "apps/web" }, "docs": { "dir": "docs/site" } },
 *       "canisters": { "backend": { "main": "canisters/backend/src/index.ts", "bindings": "apps/web/src/declarations" } },
 *       "domains": { "shop.example": "<canister-id>" }
 *     }
 *
 * A frontend is either a web project to build (`root`: Next.js, Vite) or a folder of static
 * files to upload as is (`dir`). Without `frontends`, `citadel deploy` looks for one at the
 * project root. A missing file is an empty configuration; a malformed one is an error naming
 * the problem.
 */

export const PROJECT_CONFIG_FILE = 'citadel.json';

/** A frontend: its asset canister's name and where its files come from (relative to the root). */
export type FrontendConfig =
  | { readonly name: string; readonly root: string; readonly dir?: undefined }
  | { readonly name: string; readonly dir: string; readonly root?: undefined };

/** A TypeScript backend canister built with Azle. */
export interface BackendCanisterConfig {
  readonly name: string;
  /** The canister's entry module, relative to the project root. */
  readonly main: string;
  /** Where the generated TypeScript bindings go, relative to the project root. */
  readonly bindings: string | undefined;
}

export interface ProjectConfig {
  /** Custom domain (lower case) → canister id (text). */
  readonly domains: ReadonlyMap<string, string>;
  /** In the order written; empty when the file names none. */
  readonly frontends: readonly FrontendConfig[];
  readonly canisters: readonly BackendCanisterConfig[];
}

const EMPTY: ProjectConfig = { domains: new Map(), frontends: [], canisters: [] };
/** Canister names double as file names and URL labels. */
const CANISTER_NAME = /^[a-z][a-z0-9_-]{0,62}$/;

const DOMAIN = /^[a-z0-9-]+(\.[a-z0-9-]+)+$/;
const CANISTER_ID = /^[a-z2-7]{5}(-[a-z2-7]{1,5})+$/;

export async function loadProjectConfig(projectRoot: string): Promise<ProjectConfig> {
  const file = join(projectRoot, PROJECT_CONFIG_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return EMPTY;
    }
    throw invalid(file, `it cannot be read (${(error as Error).message})`, error);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw invalid(file, `it is not JSON (${(error as Error).message})`, error);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw invalid(file, 'it must hold a JSON object');
  }
  const { domains = {}, frontends = {}, canisters = {}, ...rest } = json as Record<string, unknown>;
  const unknown = Object.keys(rest);
  if (unknown.length > 0) {
    throw invalid(
      file,
      `it has unknown fields: ${unknown.join(', ')} (known: frontends, canisters, domains)`,
    );
  }
  const config = {
    domains: parseDomains(file, domains),
    frontends: parseFrontends(file, frontends),
    canisters: parseCanisters(file, canisters),
  };
  checkDistinctNames(file, [...config.frontends, ...config.canisters]);
  return config;
}

/**
 * Every frontend and canister is its own canister, and builds see each id as
 * `CANISTER_ID_<NAME>` (upper case, `-` as `_`): two names that meet there would clash.
 */
function checkDistinctNames(file: string, entries: readonly { readonly name: string }[]): void {
  const seen = new Map<string, string>();
  for (const { name } of entries) {
    const key = name.toUpperCase().replace(/-/g, '_');
    const other = seen.get(key);
    if (other !== undefined) {
      throw invalid(
        file,
        other === name
          ? `"${name}" names both a frontend and a canister; each needs its own name`
          : `"${other}" and "${name}" would share the build variable CANISTER_ID_${key}; rename one`,
      );
    }
    seen.set(key, name);
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A relative path inside the project: no absolute paths, no way out with `..`. */
function projectPath(file: string, where: string, value: unknown): string {
  if (
    typeof value !== 'string' ||
    value === '' ||
    isAbsolute(value) ||
    normalize(value).split(/[\\/]/).includes('..')
  ) {
    throw invalid(file, `${where} must be a path inside the project, got ${JSON.stringify(value)}`);
  }
  return value;
}

function checkName(file: string, section: string, name: string): void {
  if (!CANISTER_NAME.test(name)) {
    throw invalid(
      file,
      `"${section}" names "${name}"; names are lower case letters, digits, - and _, starting with a letter`,
    );
  }
}

function parseFrontends(file: string, frontends: unknown): FrontendConfig[] {
  if (!isObject(frontends)) {
    throw invalid(file, '"frontends" must map names to { "root": … } or { "dir": … }');
  }
  return Object.entries(frontends).map(([name, entry]): FrontendConfig => {
    checkName(file, 'frontends', name);
    const keys = isObject(entry) ? Object.keys(entry) : [];
    if (!isObject(entry) || keys.length !== 1 || !(keys[0] === 'root' || keys[0] === 'dir')) {
      throw invalid(
        file,
        `"frontends"."${name}" must be { "root": "<web project>" } or { "dir": "<static files>" }`,
      );
    }
    return entry.root !== undefined
      ? { name, root: projectPath(file, `"frontends"."${name}".root`, entry.root) }
      : { name, dir: projectPath(file, `"frontends"."${name}".dir`, entry.dir) };
  });
}

function parseCanisters(file: string, canisters: unknown): BackendCanisterConfig[] {
  if (!isObject(canisters)) {
    throw invalid(file, '"canisters" must map names to { "main": "<entry .ts file>" }');
  }
  return Object.entries(canisters).map(([name, entry]) => {
    checkName(file, 'canisters', name);
    if (!isObject(entry)) {
      throw invalid(file, `"canisters"."${name}" must be { "main": "<entry .ts file>" }`);
    }
    const { main, bindings, ...others } = entry;
    if (Object.keys(others).length > 0) {
      throw invalid(
        file,
        `"canisters"."${name}" has unknown fields: ${Object.keys(others).join(', ')} (known: main, bindings)`,
      );
    }
    return {
      name,
      main: projectPath(file, `"canisters"."${name}".main`, main),
      bindings:
        bindings === undefined
          ? undefined
          : projectPath(file, `"canisters"."${name}".bindings`, bindings),
    };
  });
}

function parseDomains(file: string, domains: unknown): Map<string, string> {
  if (typeof domains !== 'object' || domains === null || Array.isArray(domains)) {
    throw invalid(file, '"domains" must map domain names to canister ids');
  }
  const map = new Map<string, string>();
  for (const [name, id] of Object.entries(domains)) {
    const domain = name.toLowerCase();
    if (!DOMAIN.test(domain) || typeof id !== 'string' || !CANISTER_ID.test(id)) {
      throw invalid(
        file,
        `"domains" maps "${name}" to ${JSON.stringify(id)}; use "name.tld": "<canister-id>"`,
      );
    }
    map.set(domain, id);
  }
  return map;
}

function invalid(file: string, reason: string, cause?: unknown): Error {
  return createCliError(
    CliErrorCode.PROJECT_CONFIG_INVALID,
    `${file}: ${reason}.`,
    { file },
    cause === undefined ? undefined : { cause },
  );
}
