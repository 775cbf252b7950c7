import { parseArgs } from 'node:util';
import { CliErrorCode, createCliError } from './errors.js';
import { DEFAULT_HOST, DEFAULT_PORT } from './network/start-network.js';
import type { CommandName } from './usage.js';
import { COMMANDS, isCommandName } from './usage.js';

/** Flags of `citadel start`. */
export interface StartFlags {
  readonly port: number;
  readonly host: string;
  /** As given; resolved against the working directory later. */
  readonly dataDir: string | undefined;
  readonly background: boolean;
  readonly clean: boolean;
}

/** Flags of `citadel stop`. */
export interface StopFlags {
  readonly dataDir: string | undefined;
}

/** Flags of `citadel status`. */
export interface StatusFlags {
  readonly dataDir: string | undefined;
  readonly json: boolean;
}

/** What the command line asks for. */
export type ParsedCommandLine =
  | { readonly kind: 'help'; readonly command: CommandName | null }
  | { readonly kind: 'version' }
  | { readonly kind: 'start'; readonly flags: StartFlags }
  | { readonly kind: 'stop'; readonly flags: StopFlags }
  | { readonly kind: 'status'; readonly flags: StatusFlags };

type OptionValues = Readonly<Record<string, string | boolean>>;

/**
 * Parses a command's flags against its spec. node:util parseArgs runs non-strict so that
 * each mistake can be reported with the exact flag the user typed.
 */
function parseOptions(command: CommandName, args: readonly string[]): OptionValues {
  const spec = COMMANDS[command].options;
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
      throw createCliError(
        CliErrorCode.UNEXPECTED_ARGUMENT,
        `citadel ${command} takes no arguments, got '${token.value}'.`,
        { command, argument: token.value },
      );
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
  return values;
}

function stringValue(values: OptionValues, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}

function parsePort(text: string | undefined): number {
  if (text === undefined) {
    return DEFAULT_PORT;
  }
  const port = /^\d{1,5}$/.test(text) ? Number(text) : Number.NaN;
  if (!(port >= 0 && port <= 65_535)) {
    throw createCliError(
      CliErrorCode.INVALID_OPTION_VALUE,
      `Option '--port' must be a whole number from 0 to 65535, got '${text}'.`,
      { command: 'start', option: '--port', value: text },
    );
  }
  return port;
}

function parseCommand(command: CommandName, args: readonly string[]): ParsedCommandLine {
  const values = parseOptions(command, args);
  if (values.help === true) {
    return { kind: 'help', command };
  }
  const dataDir = stringValue(values, 'data-dir');
  switch (command) {
    case 'start':
      return {
        kind: 'start',
        flags: {
          port: parsePort(stringValue(values, 'port')),
          host: stringValue(values, 'host') ?? DEFAULT_HOST,
          dataDir,
          background: values.background === true,
          clean: values.clean === true,
        },
      };
    case 'stop':
      return { kind: 'stop', flags: { dataDir } };
    case 'status':
      return { kind: 'status', flags: { dataDir, json: values.json === true } };
  }
}

function unknownCommand(name: string): Error {
  return createCliError(
    CliErrorCode.UNKNOWN_COMMAND,
    `Unknown command '${name}'. Commands: ${Object.keys(COMMANDS).join(', ')}.`,
    { command: null, given: name },
  );
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
    const [topic, ...extra] = rest;
    if (topic === undefined) {
      return { kind: 'help', command: null };
    }
    if (!isCommandName(topic)) {
      throw unknownCommand(topic);
    }
    if (extra.length > 0) {
      throw createCliError(
        CliErrorCode.UNEXPECTED_ARGUMENT,
        `citadel help takes one command name, got '${extra.join(' ')}' as well.`,
        { command: null, argument: extra[0] },
      );
    }
    return { kind: 'help', command: topic };
  }
  if (first.startsWith('-')) {
    throw createCliError(CliErrorCode.UNKNOWN_OPTION, `Unknown option '${first}'.`, {
      command: null,
      option: first,
    });
  }
  if (!isCommandName(first)) {
    throw unknownCommand(first);
  }
  return parseCommand(first, rest);
}
