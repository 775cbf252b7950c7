import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Actor, type ActorSubclass, type Agent } from '@dfinity/agent';
import {
  type CandidDirectoryError,
  type CandidListing,
  type CandidListingInput,
  type DirectoryService,
  idlFactory,
} from '@citadel/directory-canister/client';
import { summarizeAgentError } from '../deploy/agent-errors.js';
import { CliErrorCode, createCliError } from '../errors.js';
import { DIRECTORY_ID } from '../network/system-canisters.js';

/**
 * The network's dApp directory (`canisters/directory`, installed by `citadel start` at a
 * well-known id): `citadel deploy` lists each frontend it deploys, `citadel ls` reads the list.
 */

export type DirectoryActor = ActorSubclass<DirectoryService>;
export type Listing = CandidListing;

export function directoryActor(agent: Agent): DirectoryActor {
  return Actor.createActor<DirectoryService>(idlFactory, { agent, canisterId: DIRECTORY_ID });
}

/** What a frontend's listing says of it, read from its package.json. */
export interface ListingText {
  readonly name: string;
  readonly description: string;
}

/**
 * A frontend's name and description for the directory: its package.json's `productName` (a
 * human name, as electron-builder and others read it), else its `name` without the npm scope,
 * else the frontend's name in citadel.json; and its `description`. Both cut to the directory's
 * limits (64 and 500 characters).
 */
export async function listingText(
  packageDir: string | undefined,
  fallbackName: string,
): Promise<ListingText> {
  let manifest: { productName?: unknown; name?: unknown; description?: unknown } = {};
  const path = packageDir === undefined ? undefined : join(packageDir, 'package.json');
  if (path !== undefined && existsSync(path)) {
    try {
      manifest = JSON.parse(await readFile(path, 'utf8')) as typeof manifest;
    } catch {
      // A package.json that does not parse has failed the build already; list by name.
      manifest = {};
    }
  }
  const text = (value: unknown): string | undefined =>
    typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
  const packageName = text(manifest.name)?.replace(/^@[^/]+\//, '');
  return {
    name: [...(text(manifest.productName) ?? packageName ?? fallbackName)].slice(0, 64).join(''),
    description: [...(text(manifest.description) ?? '')].slice(0, 500).join(''),
  };
}

/** The icon a site has at its root, as a path on its own origin. */
export function siteIcon(outputDir: string): string | undefined {
  return ['icon.svg', 'favicon.svg', 'icon.png', 'favicon.ico', 'favicon.png']
    .filter((name) => existsSync(join(outputDir, name)))
    .map((name) => `/${name}`)[0];
}

/** Lists (or updates) a frontend in the directory; the reason when the directory refuses. */
export async function upsertListing(
  actor: DirectoryActor,
  input: CandidListingInput,
): Promise<Listing> {
  let result;
  try {
    result = await actor.upsert_listing(input);
  } catch (error) {
    throw createCliError(
      CliErrorCode.DIRECTORY_UNAVAILABLE,
      `The network's dApp directory could not be reached: ${summarizeAgentError(error)}`,
      {},
      { cause: error },
    );
  }
  if ('err' in result) {
    throw createCliError(
      CliErrorCode.DIRECTORY_REFUSED,
      `The dApp directory refused the listing: ${describeDirectoryError(result.err)}`,
      { error: Object.keys(result.err)[0] },
    );
  }
  return result.ok;
}

function describeDirectoryError(error: CandidDirectoryError): string {
  const [tag, value] = Object.entries(error)[0] ?? ['unknown', null];
  if (tag === 'invalid' && typeof value === 'object' && value !== null) {
    const { field, message } = value as { field: string; message: string };
    return `${field}: ${message}`;
  }
  if (tag === 'not_owner') {
    return 'another identity listed this frontend first (only its owner, or the network’s operator, can change it)';
  }
  return tag;
}

/** Every listing, a page at a time, optionally matching `search`. */
export async function listAllListings(actor: DirectoryActor, search?: string): Promise<Listing[]> {
  const all: Listing[] = [];
  let cursor: string | undefined;
  for (;;) {
    let result;
    try {
      result = await actor.list_listings({
        search: search === undefined ? [] : [search],
        cursor: cursor === undefined ? [] : [cursor],
        limit: [100],
        owner: [],
      });
    } catch (error) {
      throw createCliError(
        CliErrorCode.DIRECTORY_UNAVAILABLE,
        `The network's dApp directory could not be reached: ${summarizeAgentError(error)}`,
        {},
        { cause: error },
      );
    }
    if ('err' in result) {
      throw createCliError(
        CliErrorCode.DIRECTORY_REFUSED,
        `The dApp directory refused the search: ${describeDirectoryError(result.err)}`,
        { error: Object.keys(result.err)[0] },
      );
    }
    all.push(...result.ok.listings);
    const [next] = result.ok.next_cursor;
    if (next === undefined) {
      return all;
    }
    cursor = next;
  }
}
