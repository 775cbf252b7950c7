import { parseArgs } from 'node:util';
import type { DeployFlags } from './commands/deploy.js';
import type { LsFlags } from './commands/ls.js';
import type { ReleasesFlags, RollbackFlags } from './commands/releases.js';
import { parseDeployNetwork } from './deploy/deploy-target.js';
import { CliErrorCode, createCliError } from './errors.js';
import { DEFAULT_HOST, DEFAULT_PORT } from './network/start-network.js';
import type { CommandGroupName, CommandName, HelpTopic } from './usage.js';
import {
  COMMANDS,
  isCommandGroupName,
  isCommandName,
  isHelpTopic,
  subcommandsOf,
} from './usage.js';

/** Flags of `citadel start`. */
export interface StartFlags {
  readonly port: number;
  /** Canister cap of the network; undefined = none. */
  readonly maxCanisters: number | undefined;
  /** Custom domain → canister id (text), for the gateway on the network's port. */
  readonly domains: ReadonlyMap<string, string>;
  readonly host: string;
  /** As given; resolved against the working directory later. */
  readonly dataDir: string | undefined;
  readonly background: boolean;
  readonly clean: boolean;
}

/** Flags of `citadel gateway`. */
export interface GatewayFlags {
  readonly replica: string;
  /** Custom domain → canister id (text). */
  readonly domains: ReadonlyMap<string, string>;
  readonly network: 'local' | 'ic';
  /** Serve v1-only canisters (body-only certification), marked. */
  readonly acceptV1: boolean;
  readonly port: number;
  readonly host: string;
}

/** Default port of `citadel gateway` (the network's own gateway shares its port, 4943). */
export const DEFAULT_GATEWAY_PORT = 4944;

/** Flags of `citadel stop`. */
export interface StopFlags {
  readonly dataDir: string | undefined;
}

/** Flags of `citadel status`. */
export interface StatusFlags {
  readonly dataDir: string | undefined;
  readonly json: boolean;
}

/** Arguments and flags of `citadel network snapshot save` and `… restore`. */
export interface SnapshotFlags {
  /** The snapshot file as given; resolved against the working directory later. */
  readonly file: string;
  /** As given; resolved against the working directory later. */
  readonly dataDir: string | undefined;
  readonly json: boolean;
}

/** Arguments and flags of `citadel identity new` and `… import`. */
export interface IdentityCreateFlags {
  readonly name: string;
  /** Replace an identity of the same name. */
  readonly force: boolean;
}

/** Arguments and flags of `citadel identity import`. */
export interface IdentityImportFlags extends IdentityCreateFlags {
  /** The PEM file as given; resolved against the working directory later. */
  readonly file: string;
}

/** Flags of `citadel identity list`. */
export interface IdentityListFlags {
  readonly json: boolean;
}

/** Argument of `citadel identity use` and `… export`. */
export interface IdentityNameFlags {
  readonly name: string;
}

/** Flags of `citadel identity whoami`. */
export interface IdentityWhoamiFlags {
  /** `--identity <name>`: use it instead of the default. */
  readonly identity: string | undefined;
  readonly json: boolean;
}

/** What the command line asks for. */
export type ParsedCommandLine =
  | { readonly kind: 'help'; readonly command: HelpTopic | null }
  | { readonly kind: 'deploy'; readonly flags: DeployFlags }
  | { readonly kind: 'releases'; readonly flags: ReleasesFlags }
  | { readonly kind: 'ls'; readonly flags: LsFlags }
  | { readonly kind: 'rollback'; readonly flags: RollbackFlags }
  | { readonly kind: 'version' }
  | { readonly kind: 'start'; readonly flags: StartFlags }
  | { readonly kind: 'stop'; readonly flags: StopFlags }
  | { readonly kind: 'status'; readonly flags: StatusFlags }
  | { readonly kind: 'gateway'; readonly flags: GatewayFlags }
  | { readonly kind: 'snapshot-save'; readonly flags: SnapshotFlags }
  | { readonly kind: 'snapshot-restore'; readonly flags: SnapshotFlags }
  | { readonly kind: 'identity-new'; readonly flags: IdentityCreateFlags }
  | { readonly kind: 'identity-list'; readonly flags: IdentityListFlags }
  | { readonly kind: 'identity-use'; readonly flags: IdentityNameFlags }
  | { readonly kind: 'identity-whoami'; readonly flags: IdentityWhoamiFlags }
  | { readonly kind: 'identity-export'; readonly flags: IdentityNameFlags }
  | { readonly kind: 'identity-import'; readonly flags: IdentityImportFlags };

type OptionValues = Readonly<Record<string, string | boolean>>;

/** A command's flags and its positional arguments, in order. */
interface ParsedOptions {
  readonly values: OptionValues;
  readonly positionals: readonly string[];
}

/**
 * Parses a command's flags against its spec. node:util parseArgs runs non-strict so that
 * each mistake can be reported with the exact flag the user typed.
 */
function parseOptions(command: CommandName, args: readonly string[]): ParsedOptions {
  const spec = COMMANDS[command].options;
  const expected = COMMANDS[command].arguments ?? [];
  const positionals: string[] = [];
  const { tokens } = parseArgs({
    args: [...args],
    options: spec,
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  const values: Record<string, string | boolean> = {};
  for (const token of tokens) {
    if (token.kind === 'positional') {
      if (positionals.length >= expected.length) {
        const takes =
          expected.length === 0
            ? 'takes no arguments'
            : `takes only ${expected.map((a) => a.name).join(' ')}`;
        throw createCliError(
          CliErrorCode.UNEXPECTED_ARGUMENT,
          `citadel ${command} ${takes}, got '${token.value}'.`,
          { command, argument: token.value },
        );
      }
      positionals.push(token.value);
      continue;
    }
    if (token.kind !== 'option') {
      continue;
    }
    const option = Object.hasOwn(spec, token.name) ? spec[token.name] : undefined;
    if (option === undefined) {
      throw createCliError(
        CliErrorCode.UNKNOWN_OPTION,
        `Unknown option '${token.rawName}' for citadel ${command}.`,
        { command, option: token.rawName },
      );
    }
    if (option.type === 'boolean') {
      if (token.value !== undefined) {
        throw createCliError(
          CliErrorCode.INVALID_OPTION_VALUE,
          `Option '${token.rawName}' is a switch and takes no value, got '${token.value}'.`,
          { command, option: token.rawName, value: token.value },
        );
      }
      values[token.name] = true;
      continue;
    }
    // `--port --json` would otherwise read "--json" as the port.
    if (token.value === undefined || (!token.inlineValue && token.value.startsWith('-'))) {
      throw createCliError(
        CliErrorCode.INVALID_OPTION_VALUE,
        `Option '${token.rawName}' needs a value: ${token.rawName} ${option.valueName ?? '<value>'}.`,
        { command, option: token.rawName },
      );
    }
    if (token.value === '') {
      throw createCliError(
        CliErrorCode.INVALID_OPTION_VALUE,
        `Option '${token.rawName}' needs a non-empty value.`,
        { command, option: token.rawName, value: '' },
      );
    }
    values[token.name] = token.value;
  }
  return { values, positionals };
}

/** The positional arguments, once `--help` is ruled out: all present and non-empty. */
function requireArguments(command: CommandName, positionals: readonly string[]): string[] {
  const expected = COMMANDS[command].arguments ?? [];
  return expected.map((argument, i) => {
    const value = positionals[i];
    if (argument.optional === true && value === undefined) {
      return '';
    }
    if (value === undefined || value === '') {
      const usage = `citadel ${command} ${expected.map((a) => a.name).join(' ')}`;
      throw createCliError(
        CliErrorCode.MISSING_ARGUMENT,
        `citadel ${command} needs ${value === '' ? `a non-empty ${argument.name}` : argument.name}: ${usage}.`,
        { command, argument: argument.name },
      );
    }
    return value;
  });
}

function stringValue(values: OptionValues, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}

function parsePort(text: string | undefined, command: CommandName = 'start'): number {
  if (text === undefined) {
    return command === 'gateway' ? DEFAULT_GATEWAY_PORT : DEFAULT_PORT;
  }
  const port = /^\d{1,5}$/.test(text) ? Number(text) : Number.NaN;
  if (!(port >= 0 && port <= 65_535)) {
    throw createCliError(
      CliErrorCode.INVALID_OPTION_VALUE,
      `Option '--port' must be a whole number from 0 to 65535, got '${text}'.`,
      { command, option: '--port', value: text },
    );
  }
  return port;
}

function parseMaxCanisters(text: string | undefined): number | undefined {
  if (text === undefined) {
    return undefined;
  }
  const max = /^\d{1,9}$/.test(text) ? Number(text) : Number.NaN;
  if (!(max >= 1)) {
    throw createCliError(
      CliErrorCode.INVALID_OPTION_VALUE,
      `Option '--max-canisters' must be a whole number of at least 1, got '${text}'.`,
      { command: 'start', option: '--max-canisters', value: text },
    );
  }
  return max;
}

function parseCommand(command: CommandName, args: readonly string[]): ParsedCommandLine {
  const { values, positionals } = parseOptions(command, args);
  if (values.help === true) {
    return { kind: 'help', command };
  }
  const [first = '', second = ''] = requireArguments(command, positionals);
  const dataDir = stringValue(values, 'data-dir');
  const json = values.json === true;
  const force = values.force === true;
  switch (command) {
    case 'start':
      return {
        kind: 'start',
        flags: {
          port: parsePort(stringValue(values, 'port')),
          maxCanisters: parseMaxCanisters(stringValue(values, 'max-canisters')),
          domains: parseDomains(stringValue(values, 'domains'), 'start'),
          host: stringValue(values, 'host') ?? DEFAULT_HOST,
          dataDir,
          background: values.background === true,
          clean: values.clean === true,
        },
      };
    case 'gateway':
      return { kind: 'gateway', flags: parseGatewayFlags(values) };
    case 'ls':
      return {
        kind: 'ls',
        flags: {
          search: first === '' ? undefined : first,
          network: parseDeployNetwork(stringValue(values, 'network') ?? 'local', command),
          json,
        },
      };
    case 'releases':
    case 'rollback': {
      const flags = {
        frontend: stringValue(values, 'frontend'),
        network: parseDeployNetwork(stringValue(values, 'network') ?? 'local', command),
        identity: stringValue(values, 'identity'),
        json,
      };
      return command === 'releases'
        ? { kind: 'releases', flags }
        : {
            kind: 'rollback',
            flags: { ...flags, release: parseReleaseId(first), yes: values.yes === true },
          };
    }
    case 'deploy':
      return {
        kind: 'deploy',
        flags: {
          dir: first === '' ? undefined : first,
          network: parseDeployNetwork(stringValue(values, 'network') ?? 'local'),
          identity: stringValue(values, 'identity'),
          skipBuild: values['skip-build'] === true,
          json,
          yes: values.yes === true,
          preview: values.preview === true,
        },
      };
    case 'stop':
      return { kind: 'stop', flags: { dataDir } };
    case 'status':
      return { kind: 'status', flags: { dataDir, json } };
    case 'network snapshot save':
      return { kind: 'snapshot-save', flags: { file: first, dataDir, json } };
    case 'network snapshot restore':
      return { kind: 'snapshot-restore', flags: { file: first, dataDir, json } };
    case 'identity new':
      return { kind: 'identity-new', flags: { name: first, force } };
    case 'identity list':
      return { kind: 'identity-list', flags: { json } };
    case 'identity use':
      return { kind: 'identity-use', flags: { name: first } };
    case 'identity whoami':
      return {
        kind: 'identity-whoami',
        flags: { identity: stringValue(values, 'identity'), json },
      };
    case 'identity export':
      return { kind: 'identity-export', flags: { name: first } };
    case 'identity import':
      return { kind: 'identity-import', flags: { name: first, file: second, force } };
  }
}

/** `rollback`'s optional release number: `3` or `#3`. */
function parseReleaseId(text: string): bigint | undefined {
  if (text === '') {
    return undefined;
  }
  const digits = text.startsWith('#') ? text.slice(1) : text;
  if (!/^\d{1,19}$/.test(digits)) {
    throw createCliError(
      CliErrorCode.INVALID_OPTION_VALUE,
      `citadel rollback takes a release number (see \`citadel releases\`), got '${text}'.`,
      { command: 'rollback', argument: '[release]', value: text },
    );
  }
  return BigInt(digits);
}

function parseGatewayFlags(values: OptionValues): GatewayFlags {
  const network = stringValue(values, 'network') ?? 'local';
  if (network !== 'local' && network !== 'ic') {
    throw createCliError(
      CliErrorCode.INVALID_OPTION_VALUE,
      `Option '--network' must be 'local' or 'ic', got '${network}'.`,
      { command: 'gateway', option: '--network', value: network },
    );
  }
  const replica =
    stringValue(values, 'replica') ??
    (network === 'ic' ? 'https://icp-api.io' : `http://${DEFAULT_HOST}:${DEFAULT_PORT}`);
  if (!/^https?:\/\/[^\s/]+/.test(replica)) {
    throw createCliError(
      CliErrorCode.INVALID_OPTION_VALUE,
      `Option '--replica' must be an http:// or https:// URL, got '${replica}'.`,
      { command: 'gateway', option: '--replica', value: replica },
    );
  }
  return {
    replica: replica.replace(/\/+$/, ''),
    domains: parseDomains(stringValue(values, 'domains'), 'gateway'),
    network,
    acceptV1: values['accept-v1'] === true,
    port: parsePort(stringValue(values, 'port'), 'gateway'),
    host: stringValue(values, 'host') ?? DEFAULT_HOST,
  };
}

function parseDomains(text: string | undefined, command: CommandName): ReadonlyMap<string, string> {
  const domains = new Map<string, string>();
  for (const entry of text === undefined ? [] : text.split(',')) {
    const match = /^\s*([a-z0-9.-]+\.[a-z0-9-]+)\s*=\s*([a-z0-9-]+)\s*$/i.exec(entry);
    if (match === null) {
      throw createCliError(
        CliErrorCode.INVALID_OPTION_VALUE,
        `Option '--domains' takes name=canister-id pairs separated by commas, got '${entry}'.`,
        { command, option: '--domains', value: text },
      );
    }
    domains.set((match[1] as string).toLowerCase(), (match[2] as string).toLowerCase());
  }
  return domains;
}

/** `given` is not a command at the top level, or not a subcommand of `group`. */
function unknownCommand(given: string, group: CommandGroupName | null = null): Error {
  const full = group === null ? given : `${group} ${given}`;
  const known = subcommandsOf(group).join(', ');
  return createCliError(
    CliErrorCode.UNKNOWN_COMMAND,
    group === null
      ? `Unknown command '${given}'. Commands: ${known}.`
      : `Unknown command 'citadel ${full}'. Commands of citadel ${group}: ${known}.`,
    { command: group, given: full },
  );
}

/**
 * Walks the words of a multi-word command (`network snapshot save`) from its first word;
 * returns the command and where its flags start, or help for a group.
 */
function resolveCommand(
  argv: readonly string[],
  first: string,
): { command: CommandName; rest: readonly string[] } | ParsedCommandLine {
  let name = first;
  let next = 1;
  while (isCommandGroupName(name)) {
    const group: CommandGroupName = name;
    const word = argv[next];
    if (word === '-h' || word === '--help') {
      return { kind: 'help', command: group };
    }
    if (word === undefined) {
      throw createCliError(
        CliErrorCode.MISSING_ARGUMENT,
        `citadel ${group} needs a command: ${subcommandsOf(group).join(', ')}.`,
        { command: group, argument: '<command>' },
      );
    }
    if (word.startsWith('-')) {
      throw createCliError(
        CliErrorCode.UNKNOWN_OPTION,
        `Unknown option '${word}' for citadel ${group}; options go after the command.`,
        { command: group, option: word },
      );
    }
    const candidate = `${group} ${word}`;
    if (!isHelpTopic(candidate)) {
      throw unknownCommand(word, group);
    }
    name = candidate;
    next += 1;
  }
  if (!isCommandName(name)) {
    throw unknownCommand(first);
  }
  return { command: name, rest: argv.slice(next) };
}

/** Turns `process.argv.slice(2)` into a command and its typed flags, or a usage error. */
export function parseCommandLine(argv: readonly string[]): ParsedCommandLine {
  const [first, ...rest] = argv;
  if (first === undefined || first === '-h' || first === '--help') {
    return { kind: 'help', command: null };
  }
  if (first === '-v' || first === '--version') {
    return { kind: 'version' };
  }
  if (first === 'help') {
    return parseHelp(rest);
  }
  if (first.startsWith('-')) {
    throw createCliError(CliErrorCode.UNKNOWN_OPTION, `Unknown option '${first}'.`, {
      command: null,
      option: first,
    });
  }
  if (!isHelpTopic(first)) {
    throw unknownCommand(first);
  }
  const resolved = resolveCommand(argv, first);
  return 'kind' in resolved ? resolved : parseCommand(resolved.command, resolved.rest);
}

/** `citadel help [<command words>…]`. */
function parseHelp(words: readonly string[]): ParsedCommandLine {
  if (words.length === 0) {
    return { kind: 'help', command: null };
  }
  let topic: HelpTopic | null = null;
  for (const [i, word] of words.entries()) {
    const candidate: string = topic === null ? word : `${topic} ${word}`;
    if (isHelpTopic(candidate)) {
      topic = candidate;
      continue;
    }
    if (topic === null || isCommandGroupName(topic)) {
      throw unknownCommand(word, topic);
    }
    throw createCliError(
      CliErrorCode.UNEXPECTED_ARGUMENT,
      `citadel help takes one command name, got '${words.slice(i).join(' ')}' as well.`,
      { command: null, argument: word },
    );
  }
  return { kind: 'help', command: topic };
}
