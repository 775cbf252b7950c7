import { readFile } from 'node:fs/promises';
import { CliErrorCode, createCliError, systemErrorCode } from '../errors.js';
import { writeFileAtomic } from './atomic-write.js';

/** Contents of `<data-dir>/network.json` while a network runs. */
export interface NetworkInfo {
  /** Base URL of the IC HTTP interface, e.g. `http://127.0.0.1:4943`. */
  readonly url: string;
  /** Process that runs the network. */
  readonly pid: number;
  readonly port: number;
  /** Hex of the DER-encoded BLS root key, as agents need it. */
  readonly rootKey: string;
  /** ISO 8601 time the network started answering. */
  readonly startedAt: string;
}

/** Contents of `<data-dir>/network.lock`: who owns the directory, from startup to shutdown. */
export interface LockRecord {
  readonly pid: number;
  readonly startedAt: string;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isPid(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0;
}

function invalid(path: string, reason: string, cause?: unknown): never {
  throw createCliError(
    CliErrorCode.NETWORK_FILE_INVALID,
    `${path} is not a file citadel wrote (${reason}); stop the network with \`citadel stop\` or delete the file.`,
    { path, reason },
    cause === undefined ? undefined : { cause },
  );
}

function parseJson(text: string, path: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return invalid(path, 'not JSON', error);
  }
  if (!isRecord(value)) {
    return invalid(path, 'not a JSON object');
  }
  return value;
}

/** Validates the text of a network.json file. */
export function parseNetworkInfo(text: string, path: string): NetworkInfo {
  const value = parseJson(text, path);
  const { url, pid, port, rootKey, startedAt } = value;
  if (typeof url !== 'string' || !/^https?:\/\//.test(url)) {
    return invalid(path, 'url is not an http(s) URL');
  }
  if (!isPid(pid)) {
    return invalid(path, 'pid is not a process id');
  }
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65_535) {
    return invalid(path, 'port is not a TCP port');
  }
  if (typeof rootKey !== 'string' || !/^([0-9a-f]{2})+$/.test(rootKey)) {
    return invalid(path, 'rootKey is not lower-case hex');
  }
  if (typeof startedAt !== 'string') {
    return invalid(path, 'startedAt is not a string');
  }
  return { url, pid, port, rootKey, startedAt };
}

/** Validates the text of a network.lock file. */
export function parseLockRecord(text: string, path: string): LockRecord {
  const { pid, startedAt } = parseJson(text, path);
  if (!isPid(pid)) {
    return invalid(path, 'pid is not a process id');
  }
  if (typeof startedAt !== 'string') {
    return invalid(path, 'startedAt is not a string');
  }
  return { pid, startedAt };
}

/** The file's text, or null when it does not exist. */
export async function readOptionalFile(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if (systemErrorCode(error) === 'ENOENT') {
      return null;
    }
    throw error;
  }
}

/** Reads network.json; null when the file does not exist. */
export async function readNetworkInfo(path: string): Promise<NetworkInfo | null> {
  const text = await readOptionalFile(path);
  return text === null ? null : parseNetworkInfo(text, path);
}

/** Writes network.json atomically. */
export async function writeNetworkInfo(path: string, info: NetworkInfo): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(info, null, 2)}\n`);
}
