import type { ActorSubclass } from '@dfinity/agent';
import { type AssetsCanister, type Release, assetsActor } from '@citadel/assets-canister/client';
import type { CliContext } from '../cli-context.js';
import { CliErrorCode, createCliError } from '../errors.js';
import type { LoadedIdentity } from '../identity/index.js';
import type { ProjectConfig } from '../project/project-config.js';
import { canisterCallError } from './agent-errors.js';
import {
  type DeployNetwork,
  canisterUrl,
  DEFAULT_FRONTEND_NAME,
  createDeployAgent,
  loadNetworkCanisterIds,
  networkLabel,
  reachNetwork,
} from './deploy-target.js';

/**
 * The releases of a deployed frontend: every deploy is one, kept by its asset canister, and a
 * rollback makes an earlier one current again — as a new release, without uploading anything.
 */

export interface FrontendTarget {
  readonly name: string;
  readonly canisterId: string;
  readonly url: string;
  readonly actor: ActorSubclass<AssetsCanister>;
}

export interface FrontendTargetRequest {
  readonly projectRoot: string;
  readonly project: ProjectConfig;
  readonly network: DeployNetwork;
  readonly identity: LoadedIdentity;
  /** `--frontend`; may be left out when the project has one frontend. */
  readonly frontend: string | undefined;
}

/** The deployed asset canister of one of the project's frontends, and an actor for it. */
export async function openFrontend(
  request: FrontendTargetRequest,
  context: CliContext,
): Promise<FrontendTarget> {
  const names =
    request.project.frontends.length > 0
      ? request.project.frontends.map((frontend) => frontend.name)
      : [DEFAULT_FRONTEND_NAME];
  const name = request.frontend ?? (names.length === 1 ? names[0] : undefined);
  if (name === undefined || !names.includes(name)) {
    throw createCliError(
      CliErrorCode.FRONTEND_NOT_CHOSEN,
      name === undefined
        ? `The project has ${names.length} frontends; choose one with --frontend (${names.join(', ')}).`
        : `The project has no frontend named ${name} (it has: ${names.join(', ')}).`,
      { names },
    );
  }
  const ids = await loadNetworkCanisterIds(request.projectRoot, request.network);
  const canisterId = ids.get(name);
  if (canisterId === undefined) {
    throw createCliError(
      CliErrorCode.FRONTEND_NOT_DEPLOYED,
      `${name} has not been deployed to the ${networkLabel(request.network)} network yet: run \`citadel deploy\` first.`,
      { name },
    );
  }
  const apiUrl = await reachNetwork(request.network, request.projectRoot, context, (line) =>
    context.stderr(line),
  );
  const agent = await createDeployAgent(
    request.network,
    apiUrl,
    request.identity.identity,
    context.fetch,
  );
  return {
    name,
    canisterId,
    url: canisterUrl(request.network, apiUrl, canisterId),
    actor: assetsActor(agent, canisterId),
  };
}

/** A canister without the releases extension: DFINITY's, or one Citadel installed before it. */
function unsupported(target: FrontendTarget, error: unknown): Error {
  if (/has no (query|update) method|method .* not found|IC0536/i.test(String(error))) {
    return createCliError(
      CliErrorCode.RELEASES_UNSUPPORTED,
      `The asset canister of ${target.name} (${target.canisterId}) keeps no releases: deploy once with this version of citadel to upgrade it.`,
      { canisterId: target.canisterId },
      { cause: error },
    );
  }
  return canisterCallError(`Reading the releases of ${target.name}`, error);
}

/** The frontend's kept releases, newest first. */
export async function listReleases(target: FrontendTarget): Promise<Release[]> {
  return target.actor.list_releases().catch((error: unknown) => {
    throw unsupported(target, error);
  });
}

/**
 * Makes release `releaseId` (default: the one before the current release) current again, as a
 * new release; resolves once the canister serves it.
 */
export async function rollBack(
  target: FrontendTarget,
  releaseId: bigint | undefined,
): Promise<{ readonly restored: Release; readonly release: Release }> {
  const releases = await listReleases(target);
  const currentIndex = releases.findIndex((release) => release.current);
  const restored =
    releaseId === undefined
      ? releases[currentIndex === -1 ? 0 : currentIndex + 1]
      : releases.find((release) => release.id === releaseId);
  if (restored === undefined) {
    const kept = releases.map((release) => `#${release.id}`).join(', ') || 'none';
    throw createCliError(
      CliErrorCode.RELEASE_NOT_FOUND,
      releaseId === undefined
        ? `${target.name} has no earlier release to roll back to (kept: ${kept}).`
        : `${target.name} keeps no release #${releaseId} (kept: ${kept}); see \`citadel releases\`.`,
      { releaseId: releaseId?.toString() },
    );
  }
  if (restored.current) {
    throw createCliError(
      CliErrorCode.RELEASE_NOT_FOUND,
      `Release #${restored.id} is already the current release of ${target.name}.`,
      { releaseId: restored.id.toString() },
    );
  }
  const release = await target.actor
    .rollback({ release_id: restored.id })
    .catch((error: unknown) => {
      throw canisterCallError(`Rolling ${target.name} back to release #${restored.id}`, error);
    });
  return { restored, release };
}

/** A release as the JSON output shows it. */
export function releaseJson(release: Release): Record<string, unknown> {
  return {
    id: Number(release.id),
    time: new Date(Number(release.time_ns / 1_000_000n)).toISOString(),
    files: Number(release.files),
    bytes: Number(release.bytes),
    committer: release.committer.toText(),
    current: release.current,
    rollbackOf: release.rollback_of.length === 0 ? null : Number(release.rollback_of[0]),
  };
}
