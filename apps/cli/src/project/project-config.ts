import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CliErrorCode, createCliError } from '../errors.js';

/**
 * The project's `citadel.json`, at the project root (the nearest directory with a
 * package.json). So far it names the custom domains the gateway serves:
 *
 *     { "domains": { "shop.example": "<canister-id>" } }
 *
 * A missing file is an empty configuration; a malformed one is an error naming the problem.
 */

export const PROJECT_CONFIG_FILE = 'citadel.json';

export interface ProjectConfig {
  /** Custom domain (lower case) → canister id (text). */
  readonly domains: ReadonlyMap<string, string>;
}

const DOMAIN = /^[a-z0-9-]+(\.[a-z0-9-]+)+$/;
const CANISTER_ID = /^[a-z2-7]{5}(-[a-z2-7]{1,5})+$/;

export async function loadProjectConfig(projectRoot: string): Promise<ProjectConfig> {
  const file = join(projectRoot, PROJECT_CONFIG_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return { domains: new Map() };
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
  const { domains = {}, ...rest } = json as Record<string, unknown>;
  const unknown = Object.keys(rest);
  if (unknown.length > 0) {
    throw invalid(file, `it has unknown fields: ${unknown.join(', ')} (known: domains)`);
  }
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
  return { domains: map };
}

function invalid(file: string, reason: string, cause?: unknown): Error {
  return createCliError(
    CliErrorCode.PROJECT_CONFIG_INVALID,
    `${file}: ${reason}.`,
    { file },
    cause === undefined ? undefined : { cause },
  );
}
