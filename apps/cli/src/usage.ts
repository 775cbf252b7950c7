/** The commands `citadel` knows; a multi-word command is written with single spaces. */
export type CommandName =
  | 'deploy'
  | 'ls'
  | 'releases'
  | 'rollback'
  | 'start'
  | 'stop'
  | 'status'
  | 'gateway'
  | 'network snapshot save'
  | 'network snapshot restore'
  | 'identity new'
  | 'identity list'
  | 'identity use'
  | 'identity whoami'
  | 'identity export'
  | 'identity import';

/** The words that only lead to commands, such as `network` in `citadel network snapshot save`. */
export type CommandGroupName = 'network' | 'network snapshot' | 'identity';

/** What `citadel help <topic>` can explain: a command or a command group. */
export type HelpTopic = CommandName | CommandGroupName;

/** One flag of a command. */
export interface OptionSpec {
  readonly type: 'string' | 'boolean';
  readonly short?: string;
  /** Placeholder shown in help, e.g. `<port>`. */
  readonly valueName?: string;
  readonly description: string;
}

/** One positional argument of a command; required unless marked optional (only the last may be). */
export interface ArgumentSpec {
  readonly optional?: boolean;
  /** Placeholder shown in help, e.g. `<file>`. */
  readonly name: string;
  readonly description: string;
}

/** One command: its summary, description, arguments and flags. */
export interface CommandSpec {
  readonly summary: string;
  readonly description: string;
  /** In order. @default none */
  readonly arguments?: readonly ArgumentSpec[];
  readonly options: Readonly<Record<string, OptionSpec>>;
}

/** A command group: the words before its subcommands. */
export interface CommandGroupSpec {
  readonly summary: string;
  readonly description: string;
}

const HELP: OptionSpec = { type: 'boolean', short: 'h', description: 'Show this help' };
const DATA_DIR: OptionSpec = {
  type: 'string',
  valueName: '<dir>',
  description: 'Network state directory (default: .citadel/network in the project root)',
};
const IDENTITY_NAME: ArgumentSpec = {
  name: '<name>',
  description: "Identity name: letters, digits, '.', '_' and '-', up to 64",
};
const FORCE: OptionSpec = {
  type: 'boolean',
  description: 'Replace an identity of that name; its old key is lost',
};

const NETWORK: OptionSpec = {
  type: 'string',
  valueName: '<network>',
  description: "'local' (default), 'ic' (ICP mainnet) or the http(s):// URL of a network",
};
const FRONTEND: OptionSpec = {
  type: 'string',
  valueName: '<name>',
  description: 'The frontend (needed when citadel.json names several)',
};
const IDENTITY: OptionSpec = {
  type: 'string',
  valueName: '<name>',
  description: 'Act as this identity instead of the default',
};

/** Every command and flag: the parser and the help text both read this table. */
export const COMMANDS: Readonly<Record<CommandName, CommandSpec>> = {
  deploy: {
    summary: 'Build the project and deploy it; print its URLs',
    description:
      'Build the frontend (Next.js static export, Vite, or a folder as it is), start the local network if none runs, create the canisters the project lacks, install or upgrade their code, upload what changed in one atomic commit, and print the URLs.',
    arguments: [
      {
        name: '[dir]',
        optional: true,
        description: 'A folder of static files to deploy as it is (default: the project)',
      },
    ],
    options: {
      network: NETWORK,
      identity: IDENTITY,
      preview: {
        type: 'boolean',
        description:
          'Deploy the frontends to preview canisters of their own, leaving the current release and the backends alone',
      },
      'skip-build': {
        type: 'boolean',
        description: 'Upload the output folders as they are, without running the framework build',
      },
      json: { type: 'boolean', description: 'Print a JSON report on standard output' },
      yes: { type: 'boolean', short: 'y', description: 'Never ask for confirmation' },
      help: HELP,
    },
  },
  ls: {
    summary: "List the network's dApps",
    description:
      "List the dApps in the network's directory (`citadel deploy` lists each frontend it deploys): name, URL, last release and backends; with words, only those whose name, description or canister ids contain them all.",
    arguments: [
      { name: '[search]', optional: true, description: 'Words every listed dApp must contain' },
    ],
    options: {
      network: NETWORK,
      json: { type: 'boolean', description: 'Print JSON' },
      help: HELP,
    },
  },
  releases: {
    summary: "List a frontend's releases",
    description:
      "List the releases a frontend's asset canister keeps (every deploy that changed the site is one), newest first, the current one starred.",
    options: {
      frontend: FRONTEND,
      network: NETWORK,
      identity: IDENTITY,
      json: { type: 'boolean', description: 'Print JSON' },
      help: HELP,
    },
  },
  rollback: {
    summary: 'Make an earlier release current again',
    description:
      'Make an earlier release of a frontend current again, atomically and without uploading anything: the canister restores it as a new release (so a rollback can be rolled back).',
    arguments: [
      {
        name: '[release]',
        optional: true,
        description:
          'The release number (see `citadel releases`); default: the one before the current',
      },
    ],
    options: {
      frontend: FRONTEND,
      network: NETWORK,
      identity: IDENTITY,
      json: { type: 'boolean', description: 'Print JSON' },
      yes: { type: 'boolean', short: 'y', description: 'Never ask for confirmation' },
      help: HELP,
    },
  },
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
      'max-canisters': {
        type: 'string',
        valueName: '<n>',
        description: 'Refuse to create more than <n> canisters (IC0102); default: no limit',
      },
      domains: {
        type: 'string',
        valueName: '<name=id,…>',
        description:
          'Custom domains for the gateway; each is served once its canister lists it in /.well-known/ic-domains',
      },
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
  gateway: {
    summary: 'Run the HTTP gateway alone, in front of any replica',
    description:
      "Serve canisters to browsers from <replica>, verifying every response against the network's root key (`citadel start` already serves one on its own port). With --network ic, the replica defaults to ICP mainnet's API and mainnet's root key is used.",
    options: {
      replica: {
        type: 'string',
        valueName: '<url>',
        description:
          'Replica API to forward to (default: http://127.0.0.1:4943, or https://icp-api.io with --network ic)',
      },
      domains: {
        type: 'string',
        valueName: '<name=id,…>',
        description:
          'Custom domains and their canisters; each is served once its canister lists it in /.well-known/ic-domains',
      },
      network: {
        type: 'string',
        valueName: '<local|ic>',
        description:
          "Whose root key to trust: 'local' asks the replica for it, 'ic' is mainnet's (default: local)",
      },
      'accept-v1': {
        type: 'boolean',
        description:
          'Also serve canisters that only certify v1 (the body, not status or headers), marked as such',
      },
      port: {
        type: 'string',
        valueName: '<port>',
        description: 'TCP port; 0 picks a free one (default: 4944)',
      },
      host: {
        type: 'string',
        valueName: '<host>',
        description: 'Interface to listen on (default: 127.0.0.1)',
      },
      help: HELP,
    },
  },
  'network snapshot save': {
    summary: "Save the network's state to a snapshot file",
    description:
      "Save the network's keys, canisters and history into one gzip'd file. Works while the network runs; the file is written to <file>.tmp and renamed.",
    arguments: [{ name: '<file>', description: 'Snapshot file to write (replaced if it exists)' }],
    options: {
      'data-dir': DATA_DIR,
      json: { type: 'boolean', description: 'Print a JSON summary' },
      help: HELP,
    },
  },
  'network snapshot restore': {
    summary: "Replace the network's state with a snapshot",
    description:
      'Replace the data directory with the contents of a snapshot, after checking all of it. The network must be stopped.',
    arguments: [{ name: '<file>', description: 'Snapshot file written by `snapshot save`' }],
    options: {
      'data-dir': DATA_DIR,
      json: { type: 'boolean', description: 'Print a JSON summary' },
      help: HELP,
    },
  },
  'identity new': {
    summary: 'Create an Ed25519 identity',
    description:
      'Create an identity with a new Ed25519 key, stored in the config directory (~/.config/citadel/identities/<name>.pem, mode 0600). Print its principal.',
    arguments: [IDENTITY_NAME],
    options: { force: FORCE, help: HELP },
  },
  'identity list': {
    summary: 'List the identities and their principals',
    description: 'List the stored identities with their principals; * marks the default.',
    options: {
      json: { type: 'boolean', description: 'Print JSON' },
      help: HELP,
    },
  },
  'identity use': {
    summary: 'Make an identity the default',
    description: 'Make <name> the identity commands use when no other is chosen.',
    arguments: [{ name: '<name>', description: 'An existing identity' }],
    options: { help: HELP },
  },
  'identity whoami': {
    summary: 'Print the principal of the identity in effect',
    description:
      'Print the principal of the identity commands use: --identity, else the key in CITADEL_IDENTITY_PEM, else the default (created as "default" on first use).',
    options: {
      identity: {
        type: 'string',
        valueName: '<name>',
        description: 'Use this identity instead of the default',
      },
      json: { type: 'boolean', description: 'Print JSON: name, principal, key type, source' },
      help: HELP,
    },
  },
  'identity export': {
    summary: "Print an identity's PEM key",
    description:
      "Print the identity's private key file (PEM) as stored, e.g. to back it up or to set CITADEL_IDENTITY_PEM in CI. Anyone with it can act as the identity.",
    arguments: [{ name: '<name>', description: 'An existing identity' }],
    options: { help: HELP },
  },
  'identity import': {
    summary: 'Store a PEM key as an identity',
    description:
      'Check and store a private key file as identity <name>: Ed25519 (PKCS#8, BEGIN PRIVATE KEY) or secp256k1 (BEGIN EC PRIVATE KEY), as dfx and OpenSSL write them.',
    arguments: [
      IDENTITY_NAME,
      { name: '<pem-file>', description: 'The key file, e.g. from `dfx identity export <name>`' },
    ],
    options: { force: FORCE, help: HELP },
  },
};

/** Every command group; its subcommands are the entries of COMMANDS and groups below it. */
export const COMMAND_GROUPS: Readonly<Record<CommandGroupName, CommandGroupSpec>> = {
  network: {
    summary: 'Manage the local network',
    description: 'Manage the local network and its state.',
  },
  'network snapshot': {
    summary: "Save and restore the network's state",
    description:
      "Save the network's state to a file and restore it later, to go back to a known state or to seed tests and demos.",
  },
  identity: {
    summary: 'Manage the keys commands sign with',
    description:
      'Create, list, choose, export and import the identities (private keys) commands sign with. They live in the config directory: $CITADEL_CONFIG_DIR, else $XDG_CONFIG_HOME/citadel, else ~/.config/citadel.',
  },
};

/** Whether `name` is a command. */
export function isCommandName(name: string): name is CommandName {
  return Object.hasOwn(COMMANDS, name);
}

/** Whether `name` is a command group. */
export function isCommandGroupName(name: string): name is CommandGroupName {
  return Object.hasOwn(COMMAND_GROUPS, name);
}

/** Whether `name` is a command or a command group. */
export function isHelpTopic(name: string): name is HelpTopic {
  return isCommandName(name) || isCommandGroupName(name);
}

/**
 * The next words after `group` (null: at the top level), e.g. `['save', 'restore']` for
 * `network snapshot`, in the order COMMANDS and COMMAND_GROUPS list them.
 */
export function subcommandsOf(group: CommandGroupName | null): string[] {
  const prefix = group === null ? '' : `${group} `;
  const words = new Set<string>();
  for (const name of [...Object.keys(COMMANDS), ...Object.keys(COMMAND_GROUPS)]) {
    if (name.startsWith(prefix)) {
      const word = name.slice(prefix.length).split(' ')[0];
      if (word !== undefined && word !== '') {
        words.add(word);
      }
    }
  }
  return [...words];
}

function table(rows: readonly (readonly [string, string])[]): string[] {
  const width = Math.max(...rows.map(([left]) => left.length));
  return rows.map(([left, right]) => `  ${left.padEnd(width)}  ${right}`);
}

function flagLabel(name: string, spec: OptionSpec): string {
  const long = `--${name}${spec.valueName ? ` ${spec.valueName}` : ''}`;
  return spec.short ? `-${spec.short}, ${long}` : `    ${long}`;
}

/** `save <file>`: a command's name (or its last words) followed by its arguments. */
function commandLabel(name: string, spec: CommandSpec): string {
  return [name, ...(spec.arguments ?? []).map((argument) => argument.name)].join(' ');
}

/** The commands at or below `group`, as rows of their names after `group` and summaries. */
function commandRows(group: CommandGroupName | null): (readonly [string, string])[] {
  const prefix = group === null ? '' : `${group} `;
  return Object.entries(COMMANDS)
    .filter(([name]) => name.startsWith(prefix))
    .map(([name, spec]) => [commandLabel(name.slice(prefix.length), spec), spec.summary] as const);
}

function formatGroupUsage(group: CommandGroupName): string {
  const spec = COMMAND_GROUPS[group];
  return [
    `Usage: citadel ${group} <command> [options]`,
    '',
    spec.description,
    '',
    'Commands:',
    ...table(commandRows(group)),
    '',
    `Run \`citadel ${group} <command> --help\` for the options of a command.`,
  ].join('\n');
}

/** Help text of one command or group, or of `citadel` itself when `topic` is null. */
export function formatUsage(topic: HelpTopic | null): string {
  if (topic === null) {
    return [
      'Usage: citadel <command> [options]',
      '',
      'Deploy web apps to certified canisters, and run the local network they live on.',
      '',
      'Commands:',
      ...table(commandRows(null)),
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
  if (isCommandGroupName(topic)) {
    return formatGroupUsage(topic);
  }
  const spec = COMMANDS[topic];
  const args = spec.arguments ?? [];
  return [
    `Usage: citadel ${commandLabel(topic, spec)} [options]`,
    '',
    spec.description,
    ...(args.length > 0
      ? ['', 'Arguments:', ...table(args.map((a) => [a.name, a.description] as const))]
      : []),
    '',
    'Options:',
    ...table(
      Object.entries(spec.options).map(
        ([name, option]) => [flagLabel(name, option), option.description] as const,
      ),
    ),
  ].join('\n');
}
