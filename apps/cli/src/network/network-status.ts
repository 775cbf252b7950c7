import { CliErrorCode, createCliError } from '../errors.js';
import { inspectDataDir } from './data-dir-lock.js';
import type { NetworkInfo } from './network-file.js';
import type { ProcessControl } from './process-control.js';
import { nodeProcessControl } from './process-control.js';

/** One canister as `/_citadel/status` reports it. */
export interface CanisterSummary {
  /** Textual canister id. */
  readonly id: string;
  /** `running`, `stopping` or `stopped`. */
  readonly status: string;
  /** Hex SHA-256 of the installed module; null when the canister is empty. */
  readonly moduleHash: string | null;
  readonly controllers: readonly string[];
}

/** The replica's own view, from `GET <url>/_citadel/status`. */
export interface ReplicaStatusReport {
  readonly url: string;
  readonly pid: number;
  /** Hex of the DER root key. */
  readonly rootKey: string;
  readonly subnetId?: string;
  readonly certifiedHeight?: number;
  readonly canisters: readonly CanisterSummary[];
}

/** The state of the local network of one data directory. */
export type NetworkStatus =
  | { readonly state: 'stopped'; readonly dataDir: string }
  | { readonly state: 'starting'; readonly dataDir: string; readonly pid: number }
  | {
      readonly state: 'running';
      readonly dataDir: string;
      readonly info: NetworkInfo;
      readonly replica: ReplicaStatusReport;
    };

/** Parameters of `getNetworkStatus`. */
export interface GetNetworkStatusParams {
  readonly dataDir: string;
  /** @default globalThis.fetch */
  readonly fetch?: typeof fetch;
  /** @default nodeProcessControl */
  readonly processes?: ProcessControl;
  /** Time limit of the HTTP request. @default 5_000 */
  readonly timeoutMs?: number;
}

/** Path of the replica's JSON status endpoint (not part of the IC interface). */
export const STATUS_PATH = '/_citadel/status';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

function parseCanister(value: unknown): CanisterSummary | null {
  if (!isRecord(value)) {
    return null;
  }
  const { id, status, moduleHash, controllers } = value;
  if (typeof id !== 'string' || typeof status !== 'string' || !isStringArray(controllers)) {
    return null;
  }
  if (moduleHash !== null && typeof moduleHash !== 'string') {
    return null;
  }
  return { id, status, moduleHash, controllers };
}

/** Validates the JSON body of `/_citadel/status`. */
export function parseReplicaStatus(body: unknown, url: string): ReplicaStatusReport {
  const fail = (reason: string): never => {
    throw createCliError(
      CliErrorCode.STATUS_INVALID_RESPONSE,
      `${url}${STATUS_PATH} answered an unexpected body (${reason}); is another program on that port?`,
      { url, reason },
    );
  };
  if (!isRecord(body)) {
    return fail('not a JSON object');
  }
  const { pid, rootKey, subnetId, certifiedHeight, canisters } = body;
  if (typeof body.url !== 'string' || typeof pid !== 'number' || typeof rootKey !== 'string') {
    return fail('url, pid or rootKey missing');
  }
  if (!Array.isArray(canisters)) {
    return fail('canisters is not a list');
  }
  const parsed = canisters.map(parseCanister);
  if (parsed.some((canister) => canister === null)) {
    return fail('a canister entry lacks id, status, moduleHash or controllers');
  }
  return {
    url: body.url,
    pid,
    rootKey,
    ...(typeof subnetId === 'string' ? { subnetId } : {}),
    ...(typeof certifiedHeight === 'number' ? { certifiedHeight } : {}),
    canisters: parsed as CanisterSummary[],
  };
}

/** Fetches and validates `<url>/_citadel/status`. */
export async function fetchReplicaStatus(
  url: string,
  fetchFn: typeof fetch = fetch,
  timeoutMs = 5_000,
): Promise<ReplicaStatusReport> {
  let response: Response;
  try {
    response = await fetchFn(`${url}${STATUS_PATH}`, { signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw createCliError(
      CliErrorCode.NETWORK_UNREACHABLE,
      `The local network's process is alive but ${url} does not answer (${reason}).`,
      { url },
      { cause: error },
    );
  }
  if (!response.ok) {
    throw createCliError(
      CliErrorCode.STATUS_INVALID_RESPONSE,
      `${url}${STATUS_PATH} answered HTTP ${response.status}; is another program on that port?`,
      { url, status: response.status },
    );
  }
  let body: unknown;
  try {
    body = await response.json();
  } catch (error) {
    throw createCliError(
      CliErrorCode.STATUS_INVALID_RESPONSE,
      `${url}${STATUS_PATH} did not answer JSON; is another program on that port?`,
      { url },
      { cause: error },
    );
  }
  return parseReplicaStatus(body, url);
}

/**
 * The state of the network of `dataDir`: stopped, starting, or running with the replica's
 * canister list. Throws `CLI_NETWORK_UNREACHABLE` when the process lives but does not answer.
 */
export async function getNetworkStatus(params: GetNetworkStatusParams): Promise<NetworkStatus> {
  const { dataDir } = params;
  const state = await inspectDataDir(dataDir, params.processes ?? nodeProcessControl);
  switch (state.kind) {
    case 'free':
    case 'stale':
      return { state: 'stopped', dataDir };
    case 'starting':
      return { state: 'starting', dataDir, pid: state.pid };
    case 'running': {
      const replica = await fetchReplicaStatus(
        state.info.url,
        params.fetch ?? fetch,
        params.timeoutMs,
      );
      return { state: 'running', dataDir, info: state.info, replica };
    }
  }
}

function shortHash(hash: string | null): string {
  return hash === null ? '(empty)' : `${hash.slice(0, 12)}…`;
}

/** Human-readable lines describing `status`. */
export function formatNetworkStatus(status: NetworkStatus): string[] {
  if (status.state === 'stopped') {
    return [`No local network is running (data dir ${status.dataDir}).`];
  }
  if (status.state === 'starting') {
    return [`The local network is starting (pid ${status.pid}, data dir ${status.dataDir}).`];
  }
  const { info, replica } = status;
  const lines = [
    'Local network: running',
    `  URL:        ${info.url}`,
    `  PID:        ${info.pid}`,
    `  Started:    ${info.startedAt}`,
    `  Data dir:   ${status.dataDir}`,
  ];
  if (replica.subnetId !== undefined) {
    lines.push(`  Subnet:     ${replica.subnetId}`);
  }
  if (replica.certifiedHeight !== undefined) {
    lines.push(`  Height:     ${replica.certifiedHeight}`);
  }
  lines.push(`  Root key:   ${info.rootKey}`);
  if (replica.pid !== info.pid) {
    lines.push(`  warning: ${info.url} is served by pid ${replica.pid}, not ${info.pid}`);
  }
  if (replica.canisters.length === 0) {
    lines.push('Canisters: none');
    return lines;
  }
  lines.push(`Canisters (${replica.canisters.length}):`);
  const idWidth = Math.max(...replica.canisters.map((canister) => canister.id.length));
  const statusWidth = Math.max(...replica.canisters.map((canister) => canister.status.length));
  for (const canister of replica.canisters) {
    const controllers = canister.controllers.length > 0 ? canister.controllers.join(', ') : 'none';
    lines.push(
      `  ${canister.id.padEnd(idWidth)}  ${canister.status.padEnd(statusWidth)}  module ${shortHash(canister.moduleHash)}  controllers: ${controllers}`,
    );
  }
  return lines;
}

/** The `--json` form of `status`: `{ "running": false }` when stopped. */
export function networkStatusJson(status: NetworkStatus): Record<string, unknown> {
  switch (status.state) {
    case 'stopped':
      return { running: false };
    case 'starting':
      return { running: true, ready: false, pid: status.pid, dataDir: status.dataDir };
    case 'running':
      return {
        running: true,
        ready: true,
        ...status.info,
        dataDir: status.dataDir,
        ...(status.replica.subnetId !== undefined ? { subnetId: status.replica.subnetId } : {}),
        ...(status.replica.certifiedHeight !== undefined
          ? { certifiedHeight: status.replica.certifiedHeight }
          : {}),
        canisters: status.replica.canisters,
      };
  }
}
