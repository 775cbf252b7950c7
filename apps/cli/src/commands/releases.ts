import type { Release } from '@citadel/assets-canister/client';
import type { CliContext } from '../cli-context.js';
import { formatBytes } from '../deploy/deploy-project.js';
import type { DeployNetwork } from '../deploy/deploy-target.js';
import { listReleases, openFrontend, releaseJson, rollBack } from '../deploy/releases.js';
import { loadCommandIdentity } from '../identity/index.js';
import { findProjectRoot } from '../network/data-dir.js';
import { loadProjectConfig } from '../project/project-config.js';

/** Flags of `citadel releases`. */
export interface ReleasesFlags {
  readonly frontend: string | undefined;
  readonly network: DeployNetwork;
  readonly identity: string | undefined;
  readonly json: boolean;
}

/** Arguments and flags of `citadel rollback`. */
export interface RollbackFlags extends ReleasesFlags {
  /** The release to make current; undefined = the one before the current release. */
  readonly release: bigint | undefined;
  readonly yes: boolean;
}

async function open(flags: ReleasesFlags, context: CliContext) {
  const projectRoot = findProjectRoot(context.cwd);
  return openFrontend(
    {
      projectRoot,
      project: await loadProjectConfig(projectRoot),
      network: flags.network,
      identity: await loadCommandIdentity(context, flags.identity),
      frontend: flags.frontend,
    },
    context,
  );
}

function time(release: Release): string {
  return new Date(Number(release.time_ns / 1_000_000n))
    .toISOString()
    .replace('T', ' ')
    .slice(0, 19);
}

/** `citadel releases`: the kept releases of a frontend, newest first, the current one starred. */
export async function runReleasesCommand(
  flags: ReleasesFlags,
  context: CliContext,
): Promise<number> {
  const target = await open(flags, context);
  const releases = await listReleases(target);
  if (flags.json) {
    context.stdout(
      JSON.stringify(
        {
          frontend: target.name,
          canisterId: target.canisterId,
          url: target.url,
          releases: releases.map(releaseJson),
        },
        null,
        2,
      ),
    );
    return 0;
  }
  context.stdout(`Releases of ${target.name} (${target.canisterId}), newest first:`);
  const rows = releases.map((release) => [
    `${release.current ? '*' : ' '} #${release.id}`,
    `${time(release)} UTC`,
    `${release.files} files`,
    formatBytes(Number(release.bytes)),
    release.committer.toText(),
    release.rollback_of.length === 0 ? '' : `rollback to #${release.rollback_of[0]}`,
  ]);
  const widths = rows[0]?.map((_, column) =>
    Math.max(...rows.map((row) => (row[column] ?? '').length)),
  );
  for (const row of rows) {
    context.stdout(
      `  ${row
        .map((cell, column) => cell.padEnd(widths?.[column] ?? 0))
        .join('  ')
        .trimEnd()}`,
    );
  }
  if (releases.length === 0) {
    context.stdout('  (none yet: every `citadel deploy` that changes the site makes one)');
  } else if (!releases.some((release) => release.current)) {
    context.stdout('  The site was changed outside a deploy since the latest release.');
  }
  return 0;
}

/** `citadel rollback [release]`: an earlier release made current again, atomically. */
export async function runRollbackCommand(
  flags: RollbackFlags,
  context: CliContext,
): Promise<number> {
  const target = await open(flags, context);
  const { restored, release } = await rollBack(target, flags.release);
  if (flags.json) {
    context.stdout(
      JSON.stringify(
        {
          frontend: target.name,
          canisterId: target.canisterId,
          url: target.url,
          restored: releaseJson(restored),
          release: releaseJson(release),
        },
        null,
        2,
      ),
    );
    return 0;
  }
  context.stdout(
    `Rolled ${target.name} back to release #${restored.id} (${restored.files} files, ${formatBytes(Number(restored.bytes))}), now release #${release.id}:`,
  );
  context.stdout(`  ${target.name}  ${target.url}`);
  return 0;
}
