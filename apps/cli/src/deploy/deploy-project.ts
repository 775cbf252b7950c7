import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { HttpAgent } from '@dfinity/agent';
import { Principal } from '@dfinity/principal';
import { assetsActor } from '@citadel/assets-canister/client';
import type { CliContext } from '../cli-context.js';
import {
  CYCLES_PER_CANISTER,
  createCanisterFromCycles,
  cyclesBalance,
  cyclesLedger,
  formatCycles,
} from '../canisters/cycles-ledger.js';
import {
  type CanisterStatus,
  canisterStatus,
  createCanisterWithCycles,
  installModule,
  isInstalledModule,
} from '../canisters/management.js';
import { CliErrorCode, createCliError } from '../errors.js';
import { buildBackendCanister } from '../backend/index.js';
import { writeBindings } from '../candid/index.js';
import { buildFrontend, detectFrontend } from '../frontend/index.js';
import type { LoadedIdentity } from '../identity/index.js';
import type { CanisterIds } from '../project/canister-ids.js';
import type { FrontendConfig, ProjectConfig } from '../project/project-config.js';
import { canisterCallError, summarizeAgentError } from './agent-errors.js';
import type { UploadProgress } from './asset-upload.js';
import {
  type DeployNetwork,
  canisterUrl,
  DEFAULT_FRONTEND_NAME,
  createDeployAgent,
  loadNetworkCanisterIds,
  networkLabel,
  reachNetwork,
} from './deploy-target.js';
import { loadEncodingCache } from './encoding-cache.js';
import { type SyncSiteResult, syncSite } from './sync-site.js';
import { openUploadJournal } from './upload-journal.js';
import { spinnerFrame } from '../spinner.js';
import { directoryActor, listingText, siteIcon, upsertListing } from '../directory/directory.js';

/**
 * `citadel deploy` end to end: build each frontend, reach the network, create the canisters
 * the project lacks there, install or upgrade their code, upload each site in one atomic
 * commit, and report the URLs.
 */

export interface DeployRequest {
  readonly projectRoot: string;
  readonly project: ProjectConfig;
  readonly network: DeployNetwork;
  readonly identity: LoadedIdentity;
  /** A folder to deploy as it is, instead of the configured or detected frontends. */
  readonly dir: string | undefined;
  /** Skip framework builds and upload what the output folders hold. */
  readonly skipBuild: boolean;
  /** `create_chunks` calls in flight. */
  readonly concurrency?: number;
  /**
   * Deploy the frontends to preview canisters of their own (recorded as `<name>:preview`),
   * leaving the current release and the backends alone.
   */
  readonly preview?: boolean;
  /** Consent to what costs cycles (creating mainnet canisters). */
  readonly yes?: boolean;
}

export interface FrontendDeployment {
  readonly name: string;
  readonly canisterId: string;
  readonly url: string;
  readonly kind: string;
  readonly outputDir: string;
  readonly created: boolean;
  readonly code: 'installed' | 'upgraded' | 'unchanged';
  readonly sync: SyncSiteResult;
  readonly buildMs: number;
}

export interface BackendDeployment {
  readonly name: string;
  readonly canisterId: string;
  readonly created: boolean;
  readonly code: 'installed' | 'upgraded' | 'unchanged';
  /** Whether Azle ran (false when the sources had not changed). */
  readonly built: boolean;
  readonly candidPath: string;
  /** Where the TypeScript bindings were written. */
  readonly bindingsDir: string;
  readonly wasmGzBytes: number;
}

export interface DeployReport {
  /** True for `--preview`: the frontends went to their preview canisters. */
  readonly preview: boolean;
  readonly network: string;
  readonly apiUrl: string;
  readonly identity: { readonly name: string; readonly principal: string };
  readonly backends: readonly BackendDeployment[];
  readonly frontends: readonly FrontendDeployment[];
  readonly durationMs: number;
}

/** Where bindings go when citadel.json does not say (dfx's place for them). */
export const DEFAULT_BINDINGS_DIR = join('src', 'declarations');

/** The asset canister's compiled module, shipped with Citadel. */
export async function loadAssetsModule(): Promise<Uint8Array> {
  const url = new URL(import.meta.resolve('@citadel/assets-canister/assets.wasm.gz'));
  try {
    return new Uint8Array(await readFile(url));
  } catch (error) {
    throw createCliError(
      CliErrorCode.ASSETS_MODULE_MISSING,
      `The asset canister's module is missing (${url.pathname}); build it with \`npm run build:canisters\`.`,
      {},
      { cause: error },
    );
  }
}

/** `512 B`, `12.3 kB`, `4.5 MB`. */
export function formatBytes(bytes: number): string {
  if (bytes < 1_000) {
    return `${bytes} B`;
  }
  // Thresholds on the rounded value, so 999,999 bytes reads 1.0 MB, not 1000.0 kB.
  return bytes < 999_950
    ? `${(bytes / 1_000).toFixed(1)} kB`
    : `${(bytes / 1_000_000).toFixed(1)} MB`;
}

function seconds(ms: number): string {
  return `${(ms / 1_000).toFixed(1)} s`;
}

/** `⠋ Uploading web  1.2 MB / 5.3 MB  12/40 files  ETA 3 s`. */
export function formatUploadProgress(
  name: string,
  progress: UploadProgress,
  elapsedMs: number,
  frame: number,
): string {
  const { bytesDone, bytesTotal, filesDone, filesTotal } = progress;
  const rate = elapsedMs > 500 && bytesDone > 0 ? bytesDone / elapsedMs : undefined;
  const eta =
    rate === undefined ? '' : `  ETA ${Math.ceil((bytesTotal - bytesDone) / rate / 1000)} s`;
  const width = 20;
  const filled = bytesTotal === 0 ? width : Math.round((bytesDone / bytesTotal) * width);
  const bar = `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`;
  return `${spinnerFrame(frame)} Uploading ${name} ${bar} ${formatBytes(bytesDone)} / ${formatBytes(bytesTotal)}  ${filesDone}/${filesTotal} files${eta}`;
}

function frontendsOf(request: DeployRequest): FrontendConfig[] {
  if (request.dir !== undefined) {
    return [
      { name: request.project.frontends[0]?.name ?? DEFAULT_FRONTEND_NAME, dir: request.dir },
    ];
  }
  return request.project.frontends.length > 0
    ? [...request.project.frontends]
    : [{ name: DEFAULT_FRONTEND_NAME, root: '.' }];
}

export async function deployProject(
  request: DeployRequest,
  context: CliContext,
): Promise<DeployReport> {
  const clockMs = context.clockMs ?? (() => performance.now());
  const started = clockMs();
  const say = (line: string): void => {
    context.progress?.clear();
    context.stderr(line);
  };

  // Backends build first: a broken canister should fail before anything is created.
  const backendBuilds = [];
  for (const canister of request.preview === true ? [] : request.project.canisters) {
    let frame = 0;
    const build = await buildBackendCanister({
      projectRoot: request.projectRoot,
      name: canister.name,
      main: canister.main,
      outDir: join(request.projectRoot, '.citadel', 'build', 'out'),
      onOutput: (text) => {
        const line = text.trim().split('\n').at(-1) ?? '';
        context.progress?.update(
          `${spinnerFrame(frame++)} Building ${canister.name}: ${line.slice(0, 100)}`,
        );
      },
    });
    context.progress?.clear();
    say(
      build.built
        ? `✔ Built canister ${canister.name} with Azle ${build.azleVersion} (${formatBytes(build.wasmGzBytes)} gzipped)`
        : `• Canister ${canister.name} is unchanged since its last build`,
    );
    backendBuilds.push({ canister, build });
  }
  const frontendPlans = [];
  for (const frontend of frontendsOf(request)) {
    const plan = await detectFrontend(
      resolve(request.projectRoot, frontend.root ?? '.'),
      frontend.dir === undefined ? {} : { dir: resolve(request.projectRoot, frontend.dir) },
    );
    frontendPlans.push({ frontend, plan });
  }

  const apiUrl = await reachNetwork(request.network, request.projectRoot, context, say);
  const agent = await createDeployAgent(
    request.network,
    apiUrl,
    request.identity.identity,
    context.fetch,
  );
  say(
    `• Identity ${request.identity.name} (${request.identity.principal.toText()}) on the ${networkLabel(request.network)} network`,
  );
  const ids = await loadNetworkCanisterIds(request.projectRoot, request.network);

  if (request.network.kind === 'ic') {
    const missing = [
      ...backendBuilds.map(({ canister }) => canister.name),
      ...frontendPlans.map(({ frontend }) => previewKey(frontend.name, request)),
    ].filter((name) => ids.get(name) === undefined);
    await checkCyclesForCreation(missing, agent, request, say);
  }

  // Every canister exists before any build that may need the ids (as dfx does).
  const canisterIds = new Map<string, EnsuredCanister>();
  for (const { canister } of backendBuilds) {
    canisterIds.set(canister.name, await ensureCanister(canister.name, ids, agent, request, say));
  }
  if (request.preview === true) {
    // A preview uses the backends as deployed: it must not change what users see.
    for (const canister of request.project.canisters) {
      const recorded = ids.get(canister.name);
      if (recorded === undefined) {
        throw createCliError(
          CliErrorCode.PREVIEW_WITHOUT_DEPLOY,
          `A preview uses the deployed backends, but ${canister.name} has not been deployed to the ${networkLabel(request.network)} network: run \`citadel deploy\` once first.`,
          { name: canister.name },
        );
      }
      // Only its id is used (for the frontends' builds): a preview installs no backend.
      canisterIds.set(canister.name, {
        canisterId: Principal.fromText(recorded),
        created: false,
        status: undefined,
      });
    }
  }
  for (const { frontend } of frontendPlans) {
    canisterIds.set(
      frontend.name,
      await ensureCanister(previewKey(frontend.name, request), ids, agent, request, say),
    );
  }
  const idOf = (name: string) => canisterIds.get(name) as EnsuredCanister;

  const backends: BackendDeployment[] = [];
  for (const { canister, build } of backendBuilds) {
    const ensured = idOf(canister.name);
    const { canisterId, created } = ensured;
    const module = new Uint8Array(await readFile(build.wasmGzPath));
    const code = await ensureCode(agent, ensured, module).catch((error: unknown) => {
      throw canisterCallError(`Installing ${canister.name}`, error);
    });
    if (code !== 'unchanged') {
      say(
        `✔ ${code === 'installed' ? 'Installed' : 'Upgraded (stable memory kept)'} ${canister.name}`,
      );
    }
    const bindingsRoot = resolve(request.projectRoot, canister.bindings ?? DEFAULT_BINDINGS_DIR);
    const written = await writeBindings(bindingsRoot, canister.name, build.candid);
    backends.push({
      name: canister.name,
      canisterId: canisterId.toText(),
      created,
      code,
      built: build.built,
      candidPath: build.candidPath,
      bindingsDir: written.dir,
      wasmGzBytes: build.wasmGzBytes,
    });
  }

  // Frontends see every canister's id at build time, under the names the frameworks expose.
  const idEnv: Record<string, string> = { CITADEL_NETWORK: networkLabel(request.network) };
  for (const [name, { canisterId }] of canisterIds) {
    const key = name.toUpperCase().replace(/-/g, '_');
    for (const prefix of ['', 'NEXT_PUBLIC_', 'VITE_']) {
      idEnv[`${prefix}CANISTER_ID_${key}`] = canisterId.toText();
    }
  }
  idEnv.NEXT_PUBLIC_IC_HOST = apiUrl;
  idEnv.VITE_IC_HOST = apiUrl;
  const builds = [];
  for (const { frontend, plan } of frontendPlans) {
    say(`• ${frontend.name}: ${plan.description}`);
    if (plan.build === undefined || request.skipBuild) {
      builds.push({ frontend, plan, outputDir: plan.outputDir, buildMs: 0 });
      continue;
    }
    let frame = 0;
    const result = await buildFrontend(
      { ...plan, build: { ...plan.build, env: { ...plan.build.env, ...idEnv } } },
      {
        onOutput: (line) => {
          context.progress?.update(
            `${spinnerFrame(frame++)} Building ${frontend.name}: ${line.slice(0, 100)}`,
          );
        },
      },
    );
    context.progress?.clear();
    for (const warning of result.warnings) {
      say(`  warning: ${warning}`);
    }
    say(`✔ Built ${frontend.name} in ${seconds(result.durationMs)}`);
    builds.push({ frontend, plan, outputDir: result.outputDir, buildMs: result.durationMs });
  }

  const assetsModule = builds.length > 0 ? await loadAssetsModule() : new Uint8Array(0);
  const cache = await loadEncodingCache(
    join(request.projectRoot, '.citadel', 'cache', 'encodings.json'),
  );

  const frontends: FrontendDeployment[] = [];
  for (const { frontend, plan, outputDir, buildMs } of builds) {
    const ensured = idOf(frontend.name);
    const { canisterId, created } = ensured;
    const code = await ensureCode(agent, ensured, assetsModule).catch((error: unknown) => {
      throw canisterCallError(`Installing the asset canister in ${frontend.name}`, error);
    });
    if (code !== 'unchanged') {
      say(
        `✔ ${code === 'installed' ? 'Installed' : 'Upgraded'} the asset canister in ${frontend.name}`,
      );
    }
    const actor = assetsActor(agent, canisterId);
    const uploadStarted = clockMs();
    let frame = 0;
    const sync = await syncSite(actor, outputDir, {
      cache,
      journal: await openUploadJournal(
        join(request.projectRoot, '.citadel', 'uploads', `${canisterId.toText()}.json`),
      ),
      ...(request.concurrency === undefined ? {} : { concurrency: request.concurrency }),
      onScan: (done, total) =>
        context.progress?.update(
          `${spinnerFrame(frame++)} Hashing ${frontend.name}: ${done}/${total} files`,
        ),
      onCertifying: (elapsedMs) =>
        context.progress?.update(
          `${spinnerFrame(frame++)} Certifying ${frontend.name}… ${Math.floor(elapsedMs / 1000)} s (the previous release is served meanwhile)`,
        ),
      onUpload: (progress) =>
        context.progress?.update(
          formatUploadProgress(frontend.name, progress, clockMs() - uploadStarted, frame++),
        ),
      clockMs,
    }).catch((error: unknown) => {
      throw canisterCallError(`Uploading ${frontend.name} to ${canisterId.toText()}`, error);
    });
    context.progress?.clear();
    say(
      sync.committed
        ? `✔ Uploaded ${frontend.name}: ${sync.created} new, ${sync.updated} changed, ${sync.unchanged} unchanged, ${sync.removed} removed (${formatBytes(sync.uploadedBytes)} in ${seconds(sync.uploadMs)})`
        : `✔ ${frontend.name} is up to date (${sync.files} files unchanged)`,
    );
    frontends.push({
      name: frontend.name,
      canisterId: canisterId.toText(),
      url: canisterUrl(request.network, apiUrl, canisterId.toText()),
      kind: plan.kind,
      outputDir,
      created,
      code,
      sync,
      buildMs,
    });
  }
  if (request.preview !== true && request.network.kind !== 'ic') {
    await listInDirectory(agent, builds, frontends, backends, request.projectRoot, say);
  }
  return {
    preview: request.preview === true,
    network: networkLabel(request.network),
    apiUrl,
    identity: { name: request.identity.name, principal: request.identity.principal.toText() },
    backends,
    frontends,
    durationMs: clockMs() - started,
  };
}

/**
 * Mainnet canisters are paid for with the identity's cycles: say what creating the missing
 * ones costs, and go on only with `--yes` and enough cycles.
 */
async function checkCyclesForCreation(
  missing: readonly string[],
  agent: HttpAgent,
  request: DeployRequest,
  say: (line: string) => void,
): Promise<void> {
  if (missing.length === 0) {
    return;
  }
  const cost = CYCLES_PER_CANISTER * BigInt(missing.length);
  const balance = await cyclesBalance(cyclesLedger(agent), request.identity.principal).catch(
    (error: unknown) => {
      throw canisterCallError("Reading the identity's cycles balance", error);
    },
  );
  const plan = `Creating ${missing.join(', ')} on ICP mainnet costs ${formatCycles(cost)} of the ${formatCycles(balance)} ${request.identity.name} holds on the cycles ledger`;
  if (balance < cost) {
    throw createCliError(
      CliErrorCode.CYCLES_INSUFFICIENT,
      `${plan}: top the identity up (for example \`dfx cycles convert\`) and deploy again.`,
      { balance: balance.toString(), cost: cost.toString() },
    );
  }
  if (request.yes !== true) {
    throw createCliError(
      CliErrorCode.CONFIRMATION_REQUIRED,
      `${plan}; run again with --yes to go ahead.`,
      { cost: cost.toString() },
    );
  }
  say(`• ${plan}`);
}

/** Where a frontend's canister is recorded: its name, or `<name>:preview` for previews. */
function previewKey(name: string, request: DeployRequest): string {
  return request.preview === true ? `${name}:preview` : name;
}

/** A canister of the project on the network, and its status when it existed before this deploy. */
interface EnsuredCanister {
  readonly canisterId: Principal;
  readonly created: boolean;
  /** Undefined for a canister this deploy created (it holds no module). */
  readonly status: CanisterStatus | undefined;
}

/** The canister recorded for `name`, or a new one; a recorded one the network lost is replaced. */
async function ensureCanister(
  name: string,
  ids: CanisterIds,
  agent: HttpAgent,
  request: DeployRequest,
  say: (line: string) => void,
): Promise<EnsuredCanister> {
  const recorded = ids.get(name);
  if (recorded !== undefined) {
    const canisterId = Principal.fromText(recorded);
    try {
      return { canisterId, created: false, status: await canisterStatus(agent, canisterId) };
    } catch (error) {
      if (
        request.network.kind === 'ic' ||
        !/not found|does not exist|IC0301/i.test(String(error))
      ) {
        throw createCliError(
          CliErrorCode.CANISTER_UNAVAILABLE,
          `Canister ${name} (${recorded}) cannot be managed by ${request.identity.name}: ${summarizeAgentError(error)}`,
          { name, canisterId: recorded },
          { cause: error },
        );
      }
      say(
        `• ${name}: canister ${recorded} is gone from this network (it was reset); creating a new one`,
      );
    }
  }
  const canisterId = await (
    request.network.kind === 'ic'
      ? createCanisterFromCycles(cyclesLedger(agent), {
          controllers: [request.identity.principal],
          createdAtNs: BigInt(Date.now()) * 1_000_000n,
        })
      : createCanisterWithCycles(agent, [request.identity.principal])
  ).catch((error: unknown) => {
    throw canisterCallError(`Creating a canister for ${name}`, error);
  });
  await ids.set(name, canisterId.toText());
  say(`✔ Created canister ${name}: ${canisterId.toText()}`);
  return { canisterId, created: true, status: undefined };
}

/**
 * Installs the module into an empty canister, upgrades a different one, leaves the same alone;
 * `status` is the canister's as `ensureCanister` read it (undefined: just created, empty).
 */
async function ensureCode(
  agent: HttpAgent,
  { canisterId, status }: EnsuredCanister,
  module: Uint8Array,
): Promise<FrontendDeployment['code']> {
  if (status !== undefined && isInstalledModule(status, module)) {
    return 'unchanged';
  }
  const mode = status === undefined || status.module_hash.length === 0 ? 'install' : 'upgrade';
  await installModule(agent, canisterId, module, mode);
  return mode === 'install' ? 'installed' : 'upgraded';
}

/**
 * Lists each deployed frontend in the network's dApp directory (name and description from its
 * package.json, its backends, its icon and the release just made), so `citadel ls` and the
 * console show it. A network without a directory, or a refusal, is said and the deploy goes on:
 * the dApp is deployed either way.
 */
async function listInDirectory(
  agent: HttpAgent,
  builds: readonly { frontend: FrontendConfig; outputDir: string }[],
  frontends: readonly FrontendDeployment[],
  backends: readonly BackendDeployment[],
  projectRoot: string,
  say: (line: string) => void,
): Promise<void> {
  const directory = directoryActor(agent);
  for (const [index, deployed] of frontends.entries()) {
    const build = builds[index];
    if (build === undefined) {
      continue;
    }
    const root =
      build.frontend.root === undefined ? projectRoot : resolve(projectRoot, build.frontend.root);
    const text = await listingText(root, deployed.name);
    const icon = siteIcon(deployed.outputDir);
    try {
      const [release] = await assetsActor(agent, Principal.fromText(deployed.canisterId))
        .current_release()
        // An asset canister without releases (DFINITY's) lists without one.
        .catch(() => [] as const);
      await upsertListing(directory, {
        frontend: Principal.fromText(deployed.canisterId),
        name: text.name,
        description: text.description,
        backends: backends.map((backend) => ({
          name: backend.name,
          id: Principal.fromText(backend.canisterId),
        })),
        icon: icon === undefined ? [] : [icon],
        last_release:
          release === undefined
            ? []
            : [
                {
                  id: release.id,
                  time_ns: release.time_ns,
                  files: release.files,
                  bytes: release.bytes,
                },
              ],
      });
      say(`✔ Listed ${deployed.name} in the network's dApp directory as “${text.name}”`);
    } catch (error) {
      say(
        `• ${deployed.name} is not listed in the network's dApp directory: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
}
