import { AnonymousIdentity } from '@dfinity/agent';
import type { CliContext } from '../cli-context.js';
import { formatBytes } from '../deploy/deploy-project.js';
import {
  type DeployNetwork,
  canisterUrl,
  createDeployAgent,
  reachNetwork,
} from '../deploy/deploy-target.js';
import { type Listing, directoryActor, listAllListings } from '../directory/directory.js';
import { findProjectRoot } from '../network/data-dir.js';

/** Arguments and flags of `citadel ls`. */
export interface LsFlags {
  /** Words every listed dApp must contain (name, description or canister ids). */
  readonly search: string | undefined;
  readonly network: DeployNetwork;
  readonly json: boolean;
}

function listingJson(listing: Listing, url: string): Record<string, unknown> {
  const [release] = listing.last_release;
  return {
    name: listing.name,
    description: listing.description,
    url,
    frontend: listing.frontend.toText(),
    backends: listing.backends.map(({ name, id }) => ({ name, canisterId: id.toText() })),
    owner: listing.owner.toText(),
    icon: listing.icon[0] ?? null,
    lastRelease:
      release === undefined
        ? null
        : {
            id: Number(release.id),
            time: new Date(Number(release.time_ns / 1_000_000n)).toISOString(),
            files: Number(release.files),
            bytes: Number(release.bytes),
          },
    updatedAt: new Date(Number(listing.updated_at / 1_000_000n)).toISOString(),
  };
}

/**
 * `citadel ls [search]`: the dApps listed in the network's directory (every `citadel deploy`
 * lists its frontends there), with their URLs; `--json` for scripts.
 */
export async function runLsCommand(flags: LsFlags, context: CliContext): Promise<number> {
  const projectRoot = findProjectRoot(context.cwd);
  const apiUrl = await reachNetwork(flags.network, projectRoot, context, (line) =>
    context.stderr(line),
  );
  const agent = await createDeployAgent(
    flags.network,
    apiUrl,
    new AnonymousIdentity(),
    context.fetch,
  );
  const listings = await listAllListings(directoryActor(agent), flags.search);
  const urlOf = (listing: Listing) => canisterUrl(flags.network, apiUrl, listing.frontend.toText());
  if (flags.json) {
    context.stdout(
      JSON.stringify(
        listings.map((listing) => listingJson(listing, urlOf(listing))),
        null,
        2,
      ),
    );
    return 0;
  }
  if (listings.length === 0) {
    context.stdout(
      flags.search === undefined
        ? 'No dApps are listed on this network yet: `citadel deploy` lists each frontend it deploys.'
        : `No listed dApp matches “${flags.search}”.`,
    );
    return 0;
  }
  const rows = listings.map((listing) => {
    const [release] = listing.last_release;
    return [
      listing.name,
      urlOf(listing),
      release === undefined
        ? '—'
        : `#${release.id} · ${release.files} files · ${formatBytes(Number(release.bytes))}`,
      listing.backends.map(({ name, id }) => `${name} ${id.toText()}`).join(', ') || '—',
    ];
  });
  const header = ['NAME', 'URL', 'RELEASE', 'BACKENDS'];
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => [...(row[column] ?? '')].length)),
  );
  for (const row of [header, ...rows]) {
    context.stdout(
      row
        .map((cell, column) =>
          column === row.length - 1 ? cell : cell.padEnd(widths[column] ?? 0),
        )
        .join('  '),
    );
  }
  return 0;
}
