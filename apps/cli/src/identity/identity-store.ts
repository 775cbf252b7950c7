/**
 * The identity store in the user's config directory:
 *
 *   <config>/identities/<name>.pem   private keys (mode 0600; the directory 0700)
 *   <config>/identity.json           { "default": "<name>" }
 *
 * Every write goes to a temporary file that is then renamed (or hard-linked, so that a new
 * identity never replaces one created at the same moment), so readers never see half a file.
 */
import { randomBytes } from 'node:crypto';
import {
  chmod,
  link,
  lstat,
  mkdir,
  readFile,
  readdir,
  rename,
  rm,
  writeFile,
} from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { isCitadelError } from '@citadel/protocol';
import type { Principal } from '@dfinity/principal';
import type { CliContext } from '../cli-context.js';
import { CliErrorCode, createCliError, systemErrorCode } from '../errors.js';
import { writeFileAtomic } from '../network/atomic-write.js';
import type { IdentityKey } from './key-pem.js';
import { generateEd25519Key, identityFromPem, pemInvalidError } from './key-pem.js';

/** Overrides the config directory. */
export const CONFIG_DIR_ENV = 'CITADEL_CONFIG_DIR';
/** The PEM text of the identity to use (for CI); beaten only by an explicit name. */
export const IDENTITY_PEM_ENV = 'CITADEL_IDENTITY_PEM';
/** The identity created on first use, and the default when identity.json names none. */
export const DEFAULT_IDENTITY_NAME = 'default';

/** Key files larger than this are not keys. */
export const MAX_PEM_BYTES = 64 * 1024;

const NAME = /^(?!\.)[A-Za-z0-9._-]{1,64}$/;

/** Files of the store. */
export interface IdentityStorePaths {
  readonly configDir: string;
  /** `<config>/identities`, one `<name>.pem` per identity. */
  readonly identitiesDir: string;
  /** `<config>/identity.json`. */
  readonly defaultFile: string;
}

/** An identity read from the store. */
export interface StoredIdentity extends IdentityKey {
  readonly name: string;
  readonly principal: Principal;
  /** The key file. */
  readonly path: string;
  /** The key file's text, as stored. */
  readonly pem: string;
}

/**
 * The user's config directory: `$CITADEL_CONFIG_DIR` (relative to the working directory),
 * else `$XDG_CONFIG_HOME/citadel` (when absolute), else `~/.config/citadel`.
 */
export function resolveConfigDir(context: Pick<CliContext, 'env' | 'homeDir' | 'cwd'>): string {
  const explicit = context.env[CONFIG_DIR_ENV];
  if (explicit !== undefined && explicit !== '') {
    return resolve(context.cwd, explicit);
  }
  const xdg = context.env.XDG_CONFIG_HOME;
  if (xdg !== undefined && isAbsolute(xdg)) {
    return join(xdg, 'citadel');
  }
  return join(context.homeDir, '.config', 'citadel');
}

/** Paths of the store in `configDir`. */
export function identityStorePaths(configDir: string): IdentityStorePaths {
  return {
    configDir,
    identitiesDir: join(configDir, 'identities'),
    defaultFile: join(configDir, 'identity.json'),
  };
}

/** The key file of identity `name`. */
export function identityPemPath(configDir: string, name: string): string {
  return join(identityStorePaths(configDir).identitiesDir, `${name}.pem`);
}

/** Whether `name` can name an identity: `[A-Za-z0-9._-]{1,64}`, not starting with a dot. */
export function isValidIdentityName(name: string): boolean {
  return NAME.test(name);
}

/** Throws `CLI_IDENTITY_NAME_INVALID` unless `name` can name an identity. */
export function assertIdentityName(name: string): void {
  if (!isValidIdentityName(name)) {
    throw createCliError(
      CliErrorCode.IDENTITY_NAME_INVALID,
      `Invalid identity name ${JSON.stringify(name)}: use 1 to 64 letters, digits, '.', '_' or '-', not starting with '.'.`,
      { name },
    );
  }
}

function storeFailed(operation: string, path: string, error: unknown, dir: string): Error {
  const reason = error instanceof Error ? error.message : String(error);
  return createCliError(
    CliErrorCode.IDENTITY_STORE_FAILED,
    `Could not ${operation} ${path}: ${reason}. Check that ${dir} is ${operation === 'read' ? 'readable' : 'writable'}, or set ${CONFIG_DIR_ENV} to another directory.`,
    { operation, path, systemCode: systemErrorCode(error) },
    { cause: error },
  );
}

function notFound(configDir: string, name: string): Error {
  return createCliError(
    CliErrorCode.IDENTITY_NOT_FOUND,
    `No identity named "${name}" in ${identityStorePaths(configDir).identitiesDir}. Run \`citadel identity list\` to see the names, or \`citadel identity new ${name}\` to create it.`,
    { name, path: identityPemPath(configDir, name) },
  );
}

/** The identity `name` from the store: `CLI_IDENTITY_NOT_FOUND` when it has no key file. */
export async function readStoredIdentity(configDir: string, name: string): Promise<StoredIdentity> {
  assertIdentityName(name);
  const path = identityPemPath(configDir, name);
  let pem: string;
  try {
    pem = await readFile(path, 'utf8');
  } catch (error) {
    if (systemErrorCode(error) === 'ENOENT') {
      throw notFound(configDir, name);
    }
    throw storeFailed('read', path, error, identityStorePaths(configDir).identitiesDir);
  }
  const nextStep = `Replace it with \`citadel identity import ${name} <pem-file> --force\`, or delete it.`;
  if (pem.length > MAX_PEM_BYTES) {
    throw pemInvalidError(path, `it is larger than ${MAX_PEM_BYTES / 1024} KiB`, nextStep);
  }
  const key = identityFromPem(pem, path, nextStep);
  return { ...key, name, principal: key.identity.getPrincipal(), path, pem };
}

/** Names of the identities in the store, sorted; files that are not `<name>.pem` are skipped. */
export async function listIdentityNames(configDir: string): Promise<string[]> {
  const { identitiesDir } = identityStorePaths(configDir);
  let entries: string[];
  try {
    entries = await readdir(identitiesDir);
  } catch (error) {
    if (systemErrorCode(error) === 'ENOENT') {
      return [];
    }
    throw storeFailed('read', identitiesDir, error, identitiesDir);
  }
  return entries
    .filter((entry) => entry.endsWith('.pem'))
    .map((entry) => entry.slice(0, -'.pem'.length))
    .filter(isValidIdentityName)
    .sort();
}

/** Creates `dir` (and missing parents) private to the user, or makes it so. */
async function ensurePrivateDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  if (process.platform !== 'win32') {
    await chmod(dir, 0o700);
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch (error) {
    if (systemErrorCode(error) === 'ENOENT') {
      return false;
    }
    throw error;
  }
}

function alreadyExists(name: string, path: string): Error {
  return createCliError(
    CliErrorCode.IDENTITY_EXISTS,
    `An identity named "${name}" already exists (${path}). Choose another name, or pass --force to replace it; its key is lost unless you keep a copy (\`citadel identity export ${name} > ${name}.pem\`).`,
    { name, path },
  );
}

/** System errors of `link` on file systems without hard links. */
const NO_HARD_LINKS = new Set(['EPERM', 'ENOTSUP', 'ENOSYS', 'EOPNOTSUPP', 'EXDEV']);

/** Gives `tmp` the name `path` unless `path` exists; false if it does. */
async function linkIfAbsent(tmp: string, path: string): Promise<boolean> {
  try {
    // Unlike a rename, a hard link fails when the name is taken, even by a racing writer.
    await link(tmp, path);
    return true;
  } catch (error) {
    const code = systemErrorCode(error);
    if (code === 'EEXIST') {
      return false;
    }
    if (code === undefined || !NO_HARD_LINKS.has(code)) {
      throw error;
    }
  }
  if (await exists(path)) {
    return false;
  }
  await rename(tmp, path);
  return true;
}

/**
 * Stores `pem` as identity `name` (mode 0600, in a 0700 directory). Without `force`, an
 * existing identity is never replaced: `CLI_IDENTITY_EXISTS`. Returns the key file and
 * whether one was replaced.
 */
export async function writeIdentityPem(
  configDir: string,
  name: string,
  pem: string,
  options: { readonly force: boolean },
): Promise<{ path: string; replaced: boolean }> {
  assertIdentityName(name);
  const { identitiesDir } = identityStorePaths(configDir);
  const path = identityPemPath(configDir, name);
  const tmp = join(
    identitiesDir,
    `.${name}.pem.${process.pid}.${randomBytes(4).toString('hex')}.tmp`,
  );
  let written: { replaced: boolean } | null;
  try {
    await mkdir(configDir, { recursive: true, mode: 0o700 });
    await ensurePrivateDir(identitiesDir);
    await writeFile(tmp, pem, { mode: 0o600, flag: 'wx', flush: true });
    if (process.platform !== 'win32') {
      await chmod(tmp, 0o600);
    }
    if (options.force) {
      const replaced = await exists(path);
      await rename(tmp, path);
      written = { replaced };
    } else {
      written = (await linkIfAbsent(tmp, path)) ? { replaced: false } : null;
    }
  } catch (error) {
    throw storeFailed('write', path, error, identitiesDir);
  } finally {
    await rm(tmp, { force: true });
  }
  if (written === null) {
    throw alreadyExists(name, path);
  }
  return { path, replaced: written.replaced };
}

/** Creates a new Ed25519 identity `name`; see writeIdentityPem for `force`. */
export async function createIdentity(
  configDir: string,
  name: string,
  options: { readonly force: boolean },
): Promise<StoredIdentity & { readonly replaced: boolean }> {
  assertIdentityName(name);
  const { pem, key } = generateEd25519Key();
  const { path, replaced } = await writeIdentityPem(configDir, name, pem, options);
  return { ...key, name, principal: key.identity.getPrincipal(), path, pem, replaced };
}

/**
 * Stores the key of a PEM text as identity `name` after checking it (Ed25519 or secp256k1);
 * `origin` names the text in errors. The text is stored as given, with LF line ends.
 */
export async function importIdentity(
  configDir: string,
  name: string,
  pemText: string,
  options: { readonly force: boolean; readonly origin: string },
): Promise<StoredIdentity & { readonly replaced: boolean }> {
  assertIdentityName(name);
  const key = identityFromPem(
    pemText,
    options.origin,
    'Citadel reads Ed25519 keys (`-----BEGIN PRIVATE KEY-----`) and secp256k1 keys (`-----BEGIN EC PRIVATE KEY-----`), as dfx and OpenSSL write them; a dfx identity comes out with `dfx identity export <name>`.',
  );
  const pem = `${pemText.replace(/\r\n?/g, '\n').trim()}\n`;
  const { path, replaced } = await writeIdentityPem(configDir, name, pem, options);
  return { ...key, name, principal: key.identity.getPrincipal(), path, pem, replaced };
}

function configInvalid(path: string, reason: string): Error {
  return createCliError(
    CliErrorCode.IDENTITY_CONFIG_INVALID,
    `${path} ${reason}; it should be { "default": "<name>" }. Run \`citadel identity use <name>\` to rewrite it.`,
    { path, reason },
  );
}

async function readDefaultFile(path: string): Promise<Record<string, unknown> | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (systemErrorCode(error) === 'ENOENT') {
      return null;
    }
    throw storeFailed('read', path, error, path);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw configInvalid(path, 'is not JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw configInvalid(path, 'is not a JSON object');
  }
  return parsed as Record<string, unknown>;
}

/** The default identity's name from identity.json; null when none is set. */
export async function readDefaultIdentityName(configDir: string): Promise<string | null> {
  const { defaultFile } = identityStorePaths(configDir);
  const config = await readDefaultFile(defaultFile);
  const name = config?.default;
  if (name === undefined || name === null) {
    return null;
  }
  if (typeof name !== 'string' || !isValidIdentityName(name)) {
    throw configInvalid(defaultFile, `names the default identity ${JSON.stringify(name)}`);
  }
  return name;
}

/**
 * Makes `name` the default: it must exist and hold a usable key. identity.json is replaced
 * atomically; its other fields are kept (a damaged file is rewritten).
 */
export async function setDefaultIdentity(configDir: string, name: string): Promise<StoredIdentity> {
  const stored = await readStoredIdentity(configDir, name);
  const { defaultFile } = identityStorePaths(configDir);
  const previous = await readDefaultFile(defaultFile).catch((error: unknown) => {
    if (isCitadelError(error) && error.code === CliErrorCode.IDENTITY_CONFIG_INVALID) {
      return null;
    }
    throw error;
  });
  try {
    await mkdir(configDir, { recursive: true, mode: 0o700 });
    await writeFileAtomic(
      defaultFile,
      `${JSON.stringify({ ...previous, default: name }, null, 2)}\n`,
    );
  } catch (error) {
    throw storeFailed('write', defaultFile, error, configDir);
  }
  return stored;
}

/** What the store would use as the default: identity.json's name, else "default". */
export async function effectiveDefaultName(configDir: string): Promise<{
  readonly name: string;
  /** Whether identity.json names it (rather than the fallback "default"). */
  readonly configured: boolean;
}> {
  const configured = await readDefaultIdentityName(configDir);
  return configured === null
    ? { name: DEFAULT_IDENTITY_NAME, configured: false }
    : { name: configured, configured: true };
}
