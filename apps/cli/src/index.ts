export { runCli, reportError, EXIT_FAILURE, EXIT_USAGE } from './cli.js';
export type { CliContext, ProgressLine } from './cli-context.js';
export { createNodeContext } from './node-context.js';
export { CliErrorCode, USAGE_ERROR_CODES, createCliError } from './errors.js';
export type { CliErrorCodeValue } from './errors.js';
export { parseCommandLine } from './parse-command-line.js';
export type {
  ParsedCommandLine,
  SnapshotFlags,
  StartFlags,
  StatusFlags,
  StopFlags,
} from './parse-command-line.js';
export { COMMANDS, COMMAND_GROUPS, formatUsage } from './usage.js';
export type {
  ArgumentSpec,
  CommandGroupName,
  CommandGroupSpec,
  CommandName,
  CommandSpec,
  HelpTopic,
  OptionSpec,
} from './usage.js';
export {
  DEFAULT_DATA_DIR,
  dataDirFiles,
  findProjectRoot,
  resolveDataDir,
} from './network/data-dir.js';
export type { DataDirFiles } from './network/data-dir.js';
export { acquireDataDir, inspectDataDir } from './network/data-dir-lock.js';
export type { AcquireDataDirParams, DataDirLock, DataDirState } from './network/data-dir-lock.js';
export type { LockRecord, NetworkInfo } from './network/network-file.js';
export { DEFAULT_HOST, DEFAULT_PORT, startNetwork } from './network/start-network.js';
export type {
  ReplicaFactory,
  ReplicaHandle,
  ReplicaStartOptions,
  RunningNetwork,
  StartNetworkParams,
} from './network/start-network.js';
export { STOP_TIMEOUT_MS, stopNetwork } from './network/stop-network.js';
export type { StopNetworkParams, StopNetworkResult } from './network/stop-network.js';
export {
  fetchReplicaStatus,
  formatNetworkStatus,
  getNetworkStatus,
  networkStatusJson,
} from './network/network-status.js';
export type {
  CanisterSummary,
  GetNetworkStatusParams,
  NetworkStatus,
  ReplicaStatusReport,
} from './network/network-status.js';
export {
  BACKGROUND_START_TIMEOUT_MS,
  startInBackground,
  spawnDetachedNode,
} from './network/background-start.js';
export type {
  BackgroundNetwork,
  ChildExit,
  DetachedChild,
  SpawnDetached,
  StartInBackgroundParams,
} from './network/background-start.js';
export { nodeProcessControl } from './network/process-control.js';
export type { ProcessControl } from './network/process-control.js';
export {
  DEFAULT_SNAPSHOT_LIMITS,
  SAVE_ATTEMPTS,
  SNAPSHOT_FORMAT_VERSION,
  readSnapshotFile,
  restoreSnapshot,
  saveSnapshot,
} from './snapshot/index.js';
export type {
  RestoreSnapshotParams,
  RestoreSnapshotResult,
  SaveSnapshotParams,
  SaveSnapshotResult,
  SnapshotEntry,
  SnapshotLimits,
  SnapshotSummary,
} from './snapshot/index.js';
export { loadIdentity, resolveConfigDir } from './identity/index.js';
export type {
  IdentitySource,
  KeyType,
  LoadIdentityParams,
  LoadedIdentity,
} from './identity/index.js';
