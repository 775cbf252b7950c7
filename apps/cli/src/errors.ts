import type { ErrorKind } from '@citadel/protocol';
import { CitadelError } from '@citadel/protocol';

/** Stable codes of the `citadel` command's failures; never reuse a retired one. */
export const CliErrorCode = {
  /** The first argument is not a command. */
  UNKNOWN_COMMAND: 'CLI_UNKNOWN_COMMAND',
  /** A flag the command does not know. */
  UNKNOWN_OPTION: 'CLI_UNKNOWN_OPTION',
  /** A flag with a missing or malformed value, or a value given to a switch. */
  INVALID_OPTION_VALUE: 'CLI_INVALID_OPTION_VALUE',
  /** A positional argument the command does not take. */
  UNEXPECTED_ARGUMENT: 'CLI_UNEXPECTED_ARGUMENT',
  /** A required argument (a file, or the subcommand of a command group) is missing. */
  MISSING_ARGUMENT: 'CLI_MISSING_ARGUMENT',
  /** Another live process holds the data directory. */
  NETWORK_ALREADY_RUNNING: 'CLI_NETWORK_ALREADY_RUNNING',
  /** `network.json` or `network.lock` exists but is not what `citadel start` writes. */
  NETWORK_FILE_INVALID: 'CLI_NETWORK_FILE_INVALID',
  /** The network's process is alive but its HTTP interface does not answer. */
  NETWORK_UNREACHABLE: 'CLI_NETWORK_UNREACHABLE',
  /** `/_citadel/status` answered something other than the documented JSON. */
  STATUS_INVALID_RESPONSE: 'CLI_STATUS_INVALID_RESPONSE',
  /** The port is taken by another program. */
  PORT_IN_USE: 'CLI_PORT_IN_USE',
  /** The replica failed to start for a reason other than the port. */
  START_FAILED: 'CLI_START_FAILED',
  /** The `@citadel/replica` library could not be loaded. */
  REPLICA_LOAD_FAILED: 'CLI_REPLICA_LOAD_FAILED',
  /** The project's citadel.json cannot be read or is not what it should be. */
  PROJECT_CONFIG_INVALID: 'CLI_PROJECT_CONFIG_INVALID',
  /** `gateway`: the replica could not be reached to set the gateway up. */
  GATEWAY_START_FAILED: 'CLI_GATEWAY_START_FAILED',
  /** `start --background`: the child process exited before the network answered. */
  BACKGROUND_START_FAILED: 'CLI_BACKGROUND_START_FAILED',
  /** `start --background`: the network did not answer within the time limit. */
  BACKGROUND_START_TIMEOUT: 'CLI_BACKGROUND_START_TIMEOUT',
  /** `stop` could not signal the network's process, or it survived SIGKILL. */
  STOP_FAILED: 'CLI_STOP_FAILED',
  /** `snapshot restore`: a network runs (or starts) on the data directory. */
  SNAPSHOT_NETWORK_RUNNING: 'CLI_SNAPSHOT_NETWORK_RUNNING',
  /** `snapshot save`: the data directory does not exist. */
  SNAPSHOT_DATA_DIR_MISSING: 'CLI_SNAPSHOT_DATA_DIR_MISSING',
  /** `snapshot save`: the snapshot file would be inside the data directory it captures. */
  SNAPSHOT_FILE_IN_DATA_DIR: 'CLI_SNAPSHOT_FILE_IN_DATA_DIR',
  /** `snapshot save`: the data directory holds a symbolic link or a special file. */
  SNAPSHOT_UNSUPPORTED_FILE: 'CLI_SNAPSHOT_UNSUPPORTED_FILE',
  /** `snapshot save`: the running network kept changing the directory during every attempt. */
  SNAPSHOT_UNSTABLE: 'CLI_SNAPSHOT_UNSTABLE',
  /** `snapshot restore`: the snapshot file does not exist. */
  SNAPSHOT_NOT_FOUND: 'CLI_SNAPSHOT_NOT_FOUND',
  /** `snapshot restore`: the file is not a gzip'd citadel snapshot. */
  SNAPSHOT_NOT_A_SNAPSHOT: 'CLI_SNAPSHOT_NOT_A_SNAPSHOT',
  /** `snapshot restore`: a snapshot format from a newer citadel. */
  SNAPSHOT_UNSUPPORTED_VERSION: 'CLI_SNAPSHOT_UNSUPPORTED_VERSION',
  /** `snapshot restore`: damaged or truncated gzip stream or container structure. */
  SNAPSHOT_CORRUPT: 'CLI_SNAPSHOT_CORRUPT',
  /** `snapshot restore`: a file's bytes do not match the SHA-256 recorded for it. */
  SNAPSHOT_CHECKSUM_MISMATCH: 'CLI_SNAPSHOT_CHECKSUM_MISMATCH',
  /** `snapshot restore`: an absolute or `..` path, a symlink or special file, a duplicate. */
  SNAPSHOT_UNSAFE_ENTRY: 'CLI_SNAPSHOT_UNSAFE_ENTRY',
  /** `snapshot restore`: a file, the total size, the entry count or a path exceeds its limit. */
  SNAPSHOT_TOO_LARGE: 'CLI_SNAPSHOT_TOO_LARGE',
  /** Reading the data directory, writing the snapshot or swapping the directories failed. */
  SNAPSHOT_IO_FAILED: 'CLI_SNAPSHOT_IO_FAILED',
  /** `identity`: no identity of that name in the store (or the default names a missing one). */
  IDENTITY_NOT_FOUND: 'CLI_IDENTITY_NOT_FOUND',
  /** `identity new` / `import`: the name is taken and `--force` was not given. */
  IDENTITY_EXISTS: 'CLI_IDENTITY_EXISTS',
  /** `identity`: a name outside `[A-Za-z0-9._-]{1,64}`, or one that starts with a dot. */
  IDENTITY_NAME_INVALID: 'CLI_IDENTITY_NAME_INVALID',
  /** A key file or `CITADEL_IDENTITY_PEM` is not an Ed25519 or secp256k1 private key PEM. */
  IDENTITY_PEM_INVALID: 'CLI_IDENTITY_PEM_INVALID',
  /** `identity.json` is not `{ "default": "<name>" }`. */
  IDENTITY_CONFIG_INVALID: 'CLI_IDENTITY_CONFIG_INVALID',
  /** Reading or writing the identity store in the config directory failed. */
  IDENTITY_STORE_FAILED: 'CLI_IDENTITY_STORE_FAILED',
  /** A failure the CLI did not anticipate (a bug): reported with its stack. */
  INTERNAL: 'CLI_INTERNAL',
  /** `bin/citadel.js` found no compiled CLI (printed by the bin script itself). */
  NOT_BUILT: 'CLI_NOT_BUILT',
  /** `deploy <dir>`: the folder to deploy does not exist. */
  FRONTEND_DIR_NOT_FOUND: 'CLI_FRONTEND_DIR_NOT_FOUND',
  /** `deploy <dir>`: the path names a file, not a folder. */
  FRONTEND_NOT_A_DIRECTORY: 'CLI_FRONTEND_NOT_A_DIRECTORY',
  /** `deploy`: no Next.js or Vite app and no index.html in the usual folders. */
  FRONTEND_NOT_DETECTED: 'CLI_FRONTEND_NOT_DETECTED',
  /** `deploy`: the project's package.json cannot be read or is not a JSON object. */
  FRONTEND_PACKAGE_INVALID: 'CLI_FRONTEND_PACKAGE_INVALID',
  /** `deploy`: the framework (next, vite) is not installed in the project's node_modules. */
  FRONTEND_TOOL_MISSING: 'CLI_FRONTEND_TOOL_MISSING',
  /** `deploy`: the frontend's build exited with an error (the output's tail attached). */
  FRONTEND_BUILD_FAILED: 'CLI_FRONTEND_BUILD_FAILED',
  /** `deploy`: the Next.js app uses a feature a static export cannot have. */
  FRONTEND_EXPORT_UNSUPPORTED: 'CLI_FRONTEND_EXPORT_UNSUPPORTED',
  /** `deploy`: the build succeeded but left no output folder with an index.html. */
  FRONTEND_OUTPUT_MISSING: 'CLI_FRONTEND_OUTPUT_MISSING',
  /** A `.did` text that is not Candid: a token or construct out of place (line and column). */
  CANDID_SYNTAX: 'CLI_CANDID_SYNTAX',
  /** A `.did` text with `import`: interfaces must be self-contained. */
  CANDID_IMPORT_UNSUPPORTED: 'CLI_CANDID_IMPORT_UNSUPPORTED',
  /** A `.did` text whose types do not hold together: unknown or duplicate names, labels, … */
  CANDID_TYPE_INVALID: 'CLI_CANDID_TYPE_INVALID',
  /** The project has no Azle to build its backend canisters with. */
  BACKEND_AZLE_MISSING: 'CLI_BACKEND_AZLE_MISSING',
  /** A backend canister's `main` file does not exist. */
  BACKEND_MAIN_NOT_FOUND: 'CLI_BACKEND_MAIN_NOT_FOUND',
  /** A backend canister's TypeScript does not type-check. */
  BACKEND_TYPECHECK_FAILED: 'CLI_BACKEND_TYPECHECK_FAILED',
  /** Azle failed to build a backend canister, or did not write its outputs. */
  BACKEND_BUILD_FAILED: 'CLI_BACKEND_BUILD_FAILED',
  /** `deploy`: the asset canister refused or lost an upload. */
  DEPLOY_UPLOAD_FAILED: 'CLI_DEPLOY_UPLOAD_FAILED',
  /** `deploy`: the batch's operations do not fit in the messages the canister accepts. */
  DEPLOY_COMMIT_TOO_LARGE: 'CLI_DEPLOY_COMMIT_TOO_LARGE',
  /** `canister_ids.json` (or `.citadel/local/canister_ids.json`) is not what deploy writes. */
  CANISTER_IDS_INVALID: 'CLI_CANISTER_IDS_INVALID',
  /** `deploy`: the asset canister's compiled module is not where the CLI expects it. */
  ASSETS_MODULE_MISSING: 'CLI_ASSETS_MODULE_MISSING',
  /** `deploy`: a recorded canister exists but cannot be inspected or managed by this identity. */
  CANISTER_UNAVAILABLE: 'CLI_CANISTER_UNAVAILABLE',
  /** `deploy`: a call to the network or a canister failed (the replica's or canister's reason follows). */
  CANISTER_CALL_FAILED: 'CLI_CANISTER_CALL_FAILED',
  /** `deploy --preview`: a backend the preview would use has never been deployed. */
  PREVIEW_WITHOUT_DEPLOY: 'CLI_PREVIEW_WITHOUT_DEPLOY',
  /** `releases` / `rollback`: the project has several frontends (or none of that name). */
  FRONTEND_NOT_CHOSEN: 'CLI_FRONTEND_NOT_CHOSEN',
  /** `releases` / `rollback`: the frontend has no canister on that network yet. */
  FRONTEND_NOT_DEPLOYED: 'CLI_FRONTEND_NOT_DEPLOYED',
  /** `releases` / `rollback`: the asset canister predates releases (DFINITY's, or an old build). */
  RELEASES_UNSUPPORTED: 'CLI_RELEASES_UNSUPPORTED',
  /** `rollback`: no such kept release, or it is already current. */
  RELEASE_NOT_FOUND: 'CLI_RELEASE_NOT_FOUND',
  /** `deploy --network ic`: the identity's cycles do not pay for the canisters to create. */
  CYCLES_INSUFFICIENT: 'CLI_CYCLES_INSUFFICIENT',
  /** `start`: a system canister's well-known id holds a canister the network does not control. */
  SYSTEM_CANISTER_ID_TAKEN: 'CLI_SYSTEM_CANISTER_ID_TAKEN',
  /** `start`: a system canister (Internet Identity) is not built, or could not be installed. */
  SYSTEM_CANISTER_UNAVAILABLE: 'CLI_SYSTEM_CANISTER_UNAVAILABLE',
  /** `deploy` / `ls`: the network has no dApp directory, or it could not be reached. */
  DIRECTORY_UNAVAILABLE: 'CLI_DIRECTORY_UNAVAILABLE',
  /** `deploy` / `ls`: the dApp directory refused a listing or a search (its reason follows). */
  DIRECTORY_REFUSED: 'CLI_DIRECTORY_REFUSED',
  /** `deploy --network ic`: the cycles ledger refused to create a canister. */
  CANISTER_CREATION_FAILED: 'CLI_CANISTER_CREATION_FAILED',
  /** `deploy --network ic` would spend cycles on new canisters and `--yes` was not given. */
  CONFIRMATION_REQUIRED: 'CLI_CONFIRMATION_REQUIRED',
} as const;

/** One of the `CLI_*` code strings. */
export type CliErrorCodeValue = (typeof CliErrorCode)[keyof typeof CliErrorCode];

/** The kind of each code, so callers switching on kind and on code always agree. */
const KIND_OF: Readonly<Record<CliErrorCodeValue, ErrorKind>> = {
  CLI_UNKNOWN_COMMAND: 'input',
  CLI_UNKNOWN_OPTION: 'input',
  CLI_INVALID_OPTION_VALUE: 'input',
  CLI_UNEXPECTED_ARGUMENT: 'input',
  CLI_MISSING_ARGUMENT: 'input',
  CLI_NETWORK_ALREADY_RUNNING: 'input',
  CLI_NETWORK_FILE_INVALID: 'input',
  CLI_NETWORK_UNREACHABLE: 'transport',
  CLI_STATUS_INVALID_RESPONSE: 'protocol',
  CLI_PORT_IN_USE: 'input',
  CLI_START_FAILED: 'unknown',
  CLI_REPLICA_LOAD_FAILED: 'unknown',
  CLI_GATEWAY_START_FAILED: 'transport',
  CLI_PROJECT_CONFIG_INVALID: 'input',
  CLI_BACKGROUND_START_FAILED: 'unknown',
  CLI_BACKGROUND_START_TIMEOUT: 'limit',
  CLI_STOP_FAILED: 'unknown',
  CLI_SNAPSHOT_NETWORK_RUNNING: 'input',
  CLI_SNAPSHOT_DATA_DIR_MISSING: 'input',
  CLI_SNAPSHOT_FILE_IN_DATA_DIR: 'input',
  CLI_SNAPSHOT_UNSUPPORTED_FILE: 'input',
  CLI_SNAPSHOT_UNSTABLE: 'limit',
  CLI_SNAPSHOT_NOT_FOUND: 'input',
  CLI_SNAPSHOT_NOT_A_SNAPSHOT: 'input',
  CLI_SNAPSHOT_UNSUPPORTED_VERSION: 'input',
  CLI_SNAPSHOT_CORRUPT: 'input',
  CLI_SNAPSHOT_CHECKSUM_MISMATCH: 'input',
  CLI_SNAPSHOT_UNSAFE_ENTRY: 'input',
  CLI_SNAPSHOT_TOO_LARGE: 'limit',
  CLI_SNAPSHOT_IO_FAILED: 'unknown',
  CLI_IDENTITY_NOT_FOUND: 'input',
  CLI_IDENTITY_EXISTS: 'input',
  CLI_IDENTITY_NAME_INVALID: 'input',
  CLI_IDENTITY_PEM_INVALID: 'input',
  CLI_IDENTITY_CONFIG_INVALID: 'input',
  CLI_IDENTITY_STORE_FAILED: 'unknown',
  CLI_INTERNAL: 'unknown',
  CLI_NOT_BUILT: 'unknown',
  CLI_FRONTEND_DIR_NOT_FOUND: 'input',
  CLI_FRONTEND_NOT_A_DIRECTORY: 'input',
  CLI_FRONTEND_NOT_DETECTED: 'input',
  CLI_FRONTEND_PACKAGE_INVALID: 'input',
  CLI_FRONTEND_TOOL_MISSING: 'input',
  CLI_FRONTEND_BUILD_FAILED: 'input',
  CLI_FRONTEND_EXPORT_UNSUPPORTED: 'input',
  CLI_FRONTEND_OUTPUT_MISSING: 'input',
  CLI_CANDID_SYNTAX: 'input',
  CLI_CANDID_IMPORT_UNSUPPORTED: 'input',
  CLI_CANDID_TYPE_INVALID: 'input',
  CLI_BACKEND_AZLE_MISSING: 'input',
  CLI_BACKEND_MAIN_NOT_FOUND: 'input',
  CLI_BACKEND_TYPECHECK_FAILED: 'input',
  CLI_BACKEND_BUILD_FAILED: 'unknown',
  CLI_DEPLOY_UPLOAD_FAILED: 'protocol',
  CLI_DEPLOY_COMMIT_TOO_LARGE: 'limit',
  CLI_CANISTER_IDS_INVALID: 'input',
  CLI_ASSETS_MODULE_MISSING: 'input',
  CLI_CANISTER_UNAVAILABLE: 'protocol',
  CLI_CANISTER_CALL_FAILED: 'protocol',
  CLI_PREVIEW_WITHOUT_DEPLOY: 'input',
  CLI_FRONTEND_NOT_CHOSEN: 'input',
  CLI_FRONTEND_NOT_DEPLOYED: 'input',
  CLI_RELEASES_UNSUPPORTED: 'input',
  CLI_RELEASE_NOT_FOUND: 'input',
  CLI_CYCLES_INSUFFICIENT: 'limit',
  CLI_SYSTEM_CANISTER_ID_TAKEN: 'input',
  CLI_SYSTEM_CANISTER_UNAVAILABLE: 'input',
  CLI_DIRECTORY_UNAVAILABLE: 'protocol',
  CLI_DIRECTORY_REFUSED: 'input',
  CLI_CANISTER_CREATION_FAILED: 'protocol',
  CLI_CONFIRMATION_REQUIRED: 'input',
};

/** Codes that mean the command line itself was wrong: exit status 2 and a usage hint. */
export const USAGE_ERROR_CODES: ReadonlySet<string> = new Set<CliErrorCodeValue>([
  CliErrorCode.UNKNOWN_COMMAND,
  CliErrorCode.UNKNOWN_OPTION,
  CliErrorCode.INVALID_OPTION_VALUE,
  CliErrorCode.UNEXPECTED_ARGUMENT,
  CliErrorCode.MISSING_ARGUMENT,
]);

/** Creates a CLI error; its kind is derived from the code. */
export function createCliError(
  code: CliErrorCodeValue,
  message: string,
  details: Record<string, unknown> = {},
  options?: { cause?: unknown },
): CitadelError {
  return new CitadelError(KIND_OF[code], code, message, details, options);
}

/** The `code` of a Node system error (`ENOENT`, `EADDRINUSE`, …), if it has one. */
export function systemErrorCode(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error) {
    const { code } = error as { code: unknown };
    return typeof code === 'string' ? code : undefined;
  }
  return undefined;
}
