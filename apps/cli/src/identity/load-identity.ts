import { sep } from 'node:path';
import { isCitadelError } from '@citadel/protocol';
import type { SignIdentity } from '@dfinity/agent';
import type { Principal } from '@dfinity/principal';
import type { CliContext } from '../cli-context.js';
import { CliErrorCode, createCliError } from '../errors.js';
import type { StoredIdentity } from './identity-store.js';
import {
  DEFAULT_IDENTITY_NAME,
  IDENTITY_PEM_ENV,
  createIdentity,
  identityStorePaths,
  readDefaultIdentityName,
  readStoredIdentity,
  resolveConfigDir,
  setDefaultIdentity,
} from './identity-store.js';
import type { KeyType } from './key-pem.js';
import { identityFromPem } from './key-pem.js';

/** Where the identity in effect came from, in the order they are tried. */
export type IdentitySource =
  /** The name given explicitly (`--identity <name>`). */
  | 'explicit'
  /** The PEM text in `CITADEL_IDENTITY_PEM`. */
  | 'env'
  /** The default of identity.json (or the identity named "default" when it names none). */
  | 'default'
  /** None existed: "default" was just created and made the default. */
  | 'created';

/** Options of `loadIdentity`. */
export interface LoadIdentityParams {
  /** The environment, for `CITADEL_IDENTITY_PEM`. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The config directory (see `resolveConfigDir`). */
  readonly configDir: string;
  /** An explicit identity name (`--identity`); beats everything else. */
  readonly name?: string | undefined;
}

/** The identity a command signs with. */
export interface LoadedIdentity {
  /** Its name, or `env:CITADEL_IDENTITY_PEM`. */
  readonly name: string;
  readonly identity: SignIdentity;
  readonly principal: Principal;
  readonly keyType: KeyType;
  readonly source: IdentitySource;
  /** Its key file; null for `CITADEL_IDENTITY_PEM`. */
  readonly path: string | null;
}

/** The name an identity from `CITADEL_IDENTITY_PEM` is shown with. */
export const ENV_IDENTITY_NAME = `env:${IDENTITY_PEM_ENV}`;

function loaded(stored: StoredIdentity, source: IdentitySource): LoadedIdentity {
  const { name, identity, principal, keyType, path } = stored;
  return { name, identity, principal, keyType, source, path };
}

function fromEnv(text: string): LoadedIdentity {
  // CI secret stores sometimes keep a multi-line value with its line breaks escaped.
  const pem = !text.includes('\n') && text.includes('\\n') ? text.replaceAll('\\n', '\n') : text;
  const { identity, keyType } = identityFromPem(
    pem,
    IDENTITY_PEM_ENV,
    `It takes the text of a key file, not its path: \`export ${IDENTITY_PEM_ENV}="$(citadel identity export <name>)"\`, or unset it to use the default identity.`,
  );
  return {
    name: ENV_IDENTITY_NAME,
    identity,
    principal: identity.getPrincipal(),
    keyType,
    source: 'env',
    path: null,
  };
}

/**
 * The identity to use: the explicit `name`, else the key in `CITADEL_IDENTITY_PEM`, else the
 * default of identity.json, else the identity named "default" — created (Ed25519) and made
 * the default on first use, which `source: 'created'` reports so the caller can say so.
 * @example
 * const { identity, principal } = await loadIdentity({ env: process.env, configDir });
 */
export async function loadIdentity(params: LoadIdentityParams): Promise<LoadedIdentity> {
  const { env, configDir, name } = params;
  if (name !== undefined) {
    return loaded(await readStoredIdentity(configDir, name), 'explicit');
  }
  const pem = env[IDENTITY_PEM_ENV];
  if (pem !== undefined && pem.trim() !== '') {
    return fromEnv(pem);
  }
  const configured = await readDefaultIdentityName(configDir);
  try {
    return loaded(
      await readStoredIdentity(configDir, configured ?? DEFAULT_IDENTITY_NAME),
      'default',
    );
  } catch (error) {
    if (!isCitadelError(error) || error.code !== CliErrorCode.IDENTITY_NOT_FOUND) {
      throw error;
    }
    if (configured !== null) {
      throw createCliError(
        CliErrorCode.IDENTITY_NOT_FOUND,
        `The default identity "${configured}" (set in ${identityStorePaths(configDir).defaultFile}) has no key file. Run \`citadel identity list\` to see the names, then \`citadel identity use <name>\` to pick one.`,
        { name: configured },
        { cause: error },
      );
    }
  }
  try {
    const created = await createIdentity(configDir, DEFAULT_IDENTITY_NAME, { force: false });
    await setDefaultIdentity(configDir, DEFAULT_IDENTITY_NAME);
    return loaded(created, 'created');
  } catch (error) {
    // Another process created it first: use that one.
    if (isCitadelError(error) && error.code === CliErrorCode.IDENTITY_EXISTS) {
      return loaded(await readStoredIdentity(configDir, DEFAULT_IDENTITY_NAME), 'default');
    }
    throw error;
  }
}

/** `path` with the home directory shown as `~`. */
export function displayPath(path: string, homeDir: string): string {
  const home = homeDir.endsWith(sep) ? homeDir.slice(0, -1) : homeDir;
  return home !== '' && path.startsWith(`${home}${sep}`) ? `~${path.slice(home.length)}` : path;
}

/** `Created identity "default" (principal …) in ~/.config/citadel/identities/default.pem`. */
export function formatIdentityCreated(identity: LoadedIdentity, homeDir: string): string {
  const where = identity.path === null ? '' : ` in ${displayPath(identity.path, homeDir)}`;
  return `Created identity "${identity.name}" (principal ${identity.principal.toText()})${where}; back it up, it is the only copy of the key.`;
}

/**
 * `loadIdentity` for a command: the config directory of `context`, and the line saying a
 * "default" identity was created printed to standard error (standard output stays the
 * command's own).
 */
export async function loadCommandIdentity(
  context: Pick<CliContext, 'env' | 'homeDir' | 'cwd' | 'stderr'>,
  name?: string,
): Promise<LoadedIdentity> {
  const identity = await loadIdentity({
    env: context.env,
    configDir: resolveConfigDir(context),
    name,
  });
  if (identity.source === 'created') {
    context.stderr(formatIdentityCreated(identity, context.homeDir));
  }
  return identity;
}
