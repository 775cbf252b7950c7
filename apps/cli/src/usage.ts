/** The commands `citadel` knows. */
export type CommandName = 'start' | 'stop' | 'status';

/** One flag of a command. */
export interface OptionSpec {
  readonly type: 'string' | 'boolean';
  readonly short?: string;
  /** Placeholder shown in help, e.g. `<port>`. */
  readonly valueName?: string;
  readonly description: string;
}

/** One command: its summary, description and flags. */
export interface CommandSpec {
  readonly summary: string;
  readonly description: string;
  readonly options: Readonly<Record<string, OptionSpec>>;
}

const HELP: OptionSpec = { type: 'boolean', short: 'h', description: 'Show this help' };
const DATA_DIR: OptionSpec = {
  type: 'string',
  valueName: '<dir>',
  description: 'Network state directory (default: .citadel/network in the project root)',
};

/** Every command and flag: the parser and the help text both read this table. */
export const COMMANDS: Readonly<Record<CommandName, CommandSpec>> = {
  start: {
    summary: 'Run the local network',
    description:
      'Run the local network in this process until Ctrl-C, or detached with --background.',
    options: {
      port: {
        type: 'string',
        valueName: '<port>',
        description: 'TCP port; 0 picks a free one (default: 4943)',
      },
      host: {
        type: 'string',
        valueName: '<host>',
        description: 'Interface to listen on (default: 127.0.0.1)',
      },
      'data-dir': DATA_DIR,
      background: {
        type: 'boolean',
        description: 'Run detached, logging to <data-dir>/network.log; return once it answers',
      },
      clean: { type: 'boolean', description: "Discard the network's state before starting" },
      help: HELP,
    },
  },
  stop: {
    summary: 'Stop a running local network',
    description: 'Stop the local network that holds the data directory (SIGTERM, then SIGKILL).',
    options: { 'data-dir': DATA_DIR, help: HELP },
  },
  status: {
    summary: 'Show the local network, its URL and its canisters',
    description:
      'Show whether the local network runs, its URL, root key and canisters. Exits 1 when it is not running.',
    options: {
      'data-dir': DATA_DIR,
      json: { type: 'boolean', description: 'Print JSON ({ "running": false } when stopped)' },
      help: HELP,
    },
  },
};

/** Whether `name` is a command. */
export function isCommandName(name: string): name is CommandName {
  return Object.hasOwn(COMMANDS, name);
}

function table(rows: readonly (readonly [string, string])[]): string[] {
  const width = Math.max(...rows.map(([left]) => left.length));
  return rows.map(([left, right]) => `  ${left.padEnd(width)}  ${right}`);
}

function flagLabel(name: string, spec: OptionSpec): string {
  const long = `--${name}${spec.valueName ? ` ${spec.valueName}` : ''}`;
  return spec.short ? `-${spec.short}, ${long}` : `    ${long}`;
}

/** Help text of one command, or of `citadel` itself when `command` is null. */
export function formatUsage(command: CommandName | null): string {
  if (command === null) {
    return [
      'Usage: citadel <command> [options]',
      '',
      'Run and inspect the local Citadel network.',
      '',
      'Commands:',
      ...table(Object.entries(COMMANDS).map(([name, spec]) => [name, spec.summary] as const)),
      '',
      'Options:',
      ...table([
        ['-h, --help', 'Show this help'],
        ['-v, --version', 'Show the version'],
      ]),
      '',
      'Run `citadel <command> --help` for the options of a command.',
    ].join('\n');
  }
  const spec = COMMANDS[command];
  return [
    `Usage: citadel ${command} [options]`,
    '',
    spec.description,
    '',
    'Options:',
    ...table(
      Object.entries(spec.options).map(
        ([name, option]) => [flagLabel(name, option), option.description] as const,
      ),
    ),
  ].join('\n');
}
