import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { isCitadelError } from '@citadel/protocol';
import type { CliContext } from '../cli-context.js';
import { CliErrorCode, systemErrorCode } from '../errors.js';
import type { StoredIdentity } from '../identity/index.js';
import {
  IDENTITY_PEM_ENV,
  MAX_PEM_BYTES,
  assertIdentityName,
  createIdentity,
  displayPath,
  effectiveDefaultName,
  identityStorePaths,
  importIdentity,
  listIdentityNames,
  loadCommandIdentity,
  readStoredIdentity,
  resolveConfigDir,
  setDefaultIdentity,
} from '../identity/index.js';
import { pemInvalidError } from '../identity/key-pem.js';
import type {
  IdentityCreateFlags,
  IdentityImportFlags,
  IdentityListFlags,
  IdentityNameFlags,
  IdentityWhoamiFlags,
} from '../parse-command-line.js';

const KEY_TYPE_LABEL = { ed25519: 'Ed25519', secp256k1: 'secp256k1' } as const;

/** The default identity's name; null, with a warning, when identity.json is damaged. */
async function defaultNameOrNull(configDir: string, context: CliContext): Promise<string | null> {
  try {
    return (await effectiveDefaultName(configDir)).name;
  } catch (error) {
    if (isCitadelError(error) && error.code === CliErrorCode.IDENTITY_CONFIG_INVALID) {
      context.stderr(`warning: ${error.message}`);
      return null;
    }
    throw error;
  }
}

/** The summary `identity new` and `identity import` print. */
async function printStored(
  verb: string,
  stored: StoredIdentity,
  configDir: string,
  context: CliContext,
): Promise<void> {
  context.stdout(`${verb} identity "${stored.name}" (${KEY_TYPE_LABEL[stored.keyType]})`);
  context.stdout(`  Principal:  ${stored.principal.toText()}`);
  context.stdout(`  Key file:   ${displayPath(stored.path, context.homeDir)}`);
  if ((await defaultNameOrNull(configDir, context)) === stored.name) {
    context.stdout('It is the default identity.');
  } else {
    context.stdout(`Make it the default with \`citadel identity use ${stored.name}\`.`);
  }
}

/** `citadel identity new <name> [--force]`. */
export async function runIdentityNewCommand(
  flags: IdentityCreateFlags,
  context: CliContext,
): Promise<number> {
  const configDir = resolveConfigDir(context);
  const created = await createIdentity(configDir, flags.name, { force: flags.force });
  await printStored(created.replaced ? 'Replaced' : 'Created', created, configDir, context);
  context.stdout(
    `Back up the key file; it is the only copy (\`citadel identity export ${created.name}\`).`,
  );
  return 0;
}

/** One row of `identity list --json`. */
interface IdentityListEntry {
  readonly name: string;
  readonly default: boolean;
  readonly keyType: string | null;
  readonly principal: string | null;
  readonly file: string;
  /** Why the key file is unusable; absent when it is fine. */
  readonly error?: { readonly code: string; readonly message: string };
}

async function listEntry(
  configDir: string,
  name: string,
  defaultName: string | null,
): Promise<IdentityListEntry> {
  const isDefault = name === defaultName;
  try {
    const stored = await readStoredIdentity(configDir, name);
    return {
      name,
      default: isDefault,
      keyType: stored.keyType,
      principal: stored.principal.toText(),
      file: stored.path,
    };
  } catch (error) {
    if (!isCitadelError(error)) {
      throw error;
    }
    return {
      name,
      default: isDefault,
      keyType: null,
      principal: null,
      file: String(error.details.path ?? error.details.origin ?? ''),
      error: { code: error.code, message: error.message },
    };
  }
}

/** `citadel identity list [--json]`. */
export async function runIdentityListCommand(
  flags: IdentityListFlags,
  context: CliContext,
): Promise<number> {
  const configDir = resolveConfigDir(context);
  const names = await listIdentityNames(configDir);
  const configuredDefault = await defaultNameOrNull(configDir, context);
  const entries = await Promise.all(
    names.map((name) => listEntry(configDir, name, configuredDefault)),
  );
  const defaultName = entries.some((entry) => entry.default) ? configuredDefault : null;
  if (flags.json) {
    context.stdout(JSON.stringify({ default: defaultName, identities: entries }, null, 2));
    return 0;
  }
  if (entries.length === 0) {
    context.stdout(
      `No identities in ${displayPath(identityStorePaths(configDir).identitiesDir, context.homeDir)}. Create one with \`citadel identity new <name>\`; commands that need one create "default".`,
    );
    return 0;
  }
  const width = Math.max(...entries.map((entry) => entry.name.length));
  for (const entry of entries) {
    const mark = entry.default ? '*' : ' ';
    const what =
      entry.error === undefined
        ? `${entry.principal ?? ''}${entry.keyType === 'secp256k1' ? '  (secp256k1)' : ''}`
        : `unusable: error[${entry.error.code}]`;
    context.stdout(`${mark} ${entry.name.padEnd(width)}  ${what}`);
  }
  if (context.env[IDENTITY_PEM_ENV]?.trim()) {
    context.stdout(
      `${IDENTITY_PEM_ENV} is set: commands use its key, not the default, unless given --identity.`,
    );
  }
  return 0;
}

/** `citadel identity use <name>`. */
export async function runIdentityUseCommand(
  flags: IdentityNameFlags,
  context: CliContext,
): Promise<number> {
  const stored = await setDefaultIdentity(resolveConfigDir(context), flags.name);
  context.stdout(`Default identity: ${stored.name} (principal ${stored.principal.toText()})`);
  if (context.env[IDENTITY_PEM_ENV]?.trim()) {
    context.stdout(`${IDENTITY_PEM_ENV} is set and takes precedence until you unset it.`);
  }
  return 0;
}

/** `citadel identity whoami [--identity <name>] [--json]`. */
export async function runIdentityWhoamiCommand(
  flags: IdentityWhoamiFlags,
  context: CliContext,
): Promise<number> {
  const loaded = await loadCommandIdentity(context, flags.identity);
  if (flags.json) {
    context.stdout(
      JSON.stringify(
        {
          name: loaded.name,
          principal: loaded.principal.toText(),
          keyType: loaded.keyType,
          source: loaded.source,
          file: loaded.path,
        },
        null,
        2,
      ),
    );
    return 0;
  }
  context.stdout(loaded.principal.toText());
  return 0;
}

/** `citadel identity export <name>`: the key file exactly as stored. */
export async function runIdentityExportCommand(
  flags: IdentityNameFlags,
  context: CliContext,
): Promise<number> {
  const stored = await readStoredIdentity(resolveConfigDir(context), flags.name);
  // stdout adds the final newline the file ends with.
  context.stdout(stored.pem.endsWith('\n') ? stored.pem.slice(0, -1) : stored.pem);
  return 0;
}

/** The text of the PEM file to import, refusing what cannot be a key file. */
async function readPemFile(path: string): Promise<string> {
  const nextStep = 'Pass the path of a PEM key file, e.g. one written by `dfx identity export`.';
  try {
    const info = await stat(path);
    if (!info.isFile()) {
      throw pemInvalidError(path, 'it is not a file', nextStep);
    }
    if (info.size > MAX_PEM_BYTES) {
      throw pemInvalidError(path, `it is larger than ${MAX_PEM_BYTES / 1024} KiB`, nextStep);
    }
    return await readFile(path, 'utf8');
  } catch (error) {
    if (isCitadelError(error)) {
      throw error;
    }
    const reason =
      systemErrorCode(error) === 'ENOENT'
        ? 'there is no such file'
        : `it cannot be read (${error instanceof Error ? error.message : String(error)})`;
    throw pemInvalidError(path, reason, nextStep);
  }
}

/** `citadel identity import <name> <pem-file> [--force]`. */
export async function runIdentityImportCommand(
  flags: IdentityImportFlags,
  context: CliContext,
): Promise<number> {
  assertIdentityName(flags.name);
  const file = resolve(context.cwd, flags.file);
  const text = await readPemFile(file);
  const configDir = resolveConfigDir(context);
  const imported = await importIdentity(configDir, flags.name, text, {
    force: flags.force,
    origin: file,
  });
  await printStored(`${imported.replaced ? 'Replaced' : 'Imported'}`, imported, configDir, context);
  return 0;
}
