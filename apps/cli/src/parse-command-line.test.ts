import { isCitadelError } from '@citadel/protocol';
import { describe, expect, it } from 'vitest';
import { CliErrorCode } from './errors.js';
import { parseCommandLine } from './parse-command-line.js';

function parseError(argv: string[]): { code: string; message: string; details: unknown } {
  try {
    parseCommandLine(argv);
  } catch (error) {
    if (isCitadelError(error)) {
      return { code: error.code, message: error.message, details: error.details };
    }
    throw error;
  }
  throw new Error(`parseCommandLine(${JSON.stringify(argv)}) did not fail`);
}

describe('parseCommandLine', () => {
  it('parses start with the defaults: port 4943, host 127.0.0.1, default data dir, foreground', () => {
    expect(parseCommandLine(['start'])).toEqual({
      kind: 'start',
      flags: {
        port: 4943,
        host: '127.0.0.1',
        dataDir: undefined,
        background: false,
        clean: false,
        maxCanisters: undefined,
        domains: new Map(),
      },
    });
  });

  it('parses every start flag, with separate and inline values', () => {
    expect(
      parseCommandLine([
        'start',
        '--port=8000',
        '--host',
        '0.0.0.0',
        '--data-dir',
        'state',
        '--background',
        '--clean',
        '--domains=shop.example=rwlgt-iiaaa-aaaaa-aaaaa-cai',
      ]),
    ).toEqual({
      kind: 'start',
      flags: {
        port: 8000,
        host: '0.0.0.0',
        dataDir: 'state',
        background: true,
        clean: true,
        maxCanisters: undefined,
        domains: new Map([['shop.example', 'rwlgt-iiaaa-aaaaa-aaaaa-cai']]),
      },
    });
  });

  it('parses --max-canisters as a cap of at least one canister', () => {
    expect(parseCommandLine(['start', '--max-canisters', '50'])).toMatchObject({
      flags: { maxCanisters: 50 },
    });
    for (const value of ['0', '-1', 'many', '1.5']) {
      const error = parseError(['start', `--max-canisters=${value}`]);
      expect(error.code).toBe(CliErrorCode.INVALID_OPTION_VALUE);
      expect(error.message).toContain(`'--max-canisters' must be a whole number of at least 1`);
    }
  });

  it('accepts --port 0, which asks for a free port', () => {
    expect(parseCommandLine(['start', '--port', '0'])).toMatchObject({ flags: { port: 0 } });
  });

  it.each(['abc', '65536', '1.5', '0x10', '123456'])('rejects --port %s', (port) => {
    const error = parseError(['start', '--port', port]);
    expect(error.code).toBe(CliErrorCode.INVALID_OPTION_VALUE);
    expect(error.message).toContain('--port');
    expect(error.message).toContain(port);
  });

  it('rejects a flag that needs a value when none follows, naming the flag', () => {
    const error = parseError(['start', '--data-dir']);
    expect(error.code).toBe(CliErrorCode.INVALID_OPTION_VALUE);
    expect(error.message).toContain("'--data-dir' needs a value");
  });

  it('does not take the next flag as the value of a flag', () => {
    const error = parseError(['start', '--port', '--clean']);
    expect(error.code).toBe(CliErrorCode.INVALID_OPTION_VALUE);
    expect(error.message).toContain("'--port' needs a value");
  });

  it('rejects an empty inline value', () => {
    expect(parseError(['stop', '--data-dir=']).code).toBe(CliErrorCode.INVALID_OPTION_VALUE);
  });

  it('rejects a value given to a switch', () => {
    const error = parseError(['status', '--json=yes']);
    expect(error.code).toBe(CliErrorCode.INVALID_OPTION_VALUE);
    expect(error.message).toContain("'--json' is a switch");
  });

  it.each([
    [['start', '--colour'], '--colour'],
    [['stop', '-x'], '-x'],
    [['status', '--port', '1'], '--port'],
  ])('rejects an unknown flag of a command, naming it as typed: %j', (argv, flag) => {
    const error = parseError(argv);
    expect(error.code).toBe(CliErrorCode.UNKNOWN_OPTION);
    expect(error.message).toContain(`'${flag}'`);
    expect(error.details).toMatchObject({ command: argv[0], option: flag });
  });

  it('rejects an unknown flag before any command', () => {
    const error = parseError(['--verbose']);
    expect(error.code).toBe(CliErrorCode.UNKNOWN_OPTION);
    expect(error.message).toContain("'--verbose'");
    expect(error.details).toMatchObject({ command: null });
  });

  it('rejects positional arguments to a command', () => {
    const error = parseError(['stop', 'now']);
    expect(error.code).toBe(CliErrorCode.UNEXPECTED_ARGUMENT);
    expect(error.message).toContain("'now'");
  });

  it('rejects an unknown command and lists the known ones', () => {
    const error = parseError(['launch']);
    expect(error.code).toBe(CliErrorCode.UNKNOWN_COMMAND);
    expect(error.message).toContain("'launch'");
    expect(error.message).toContain(
      'Commands: deploy, ls, releases, rollback, start, stop, status, gateway, network, identity.',
    );
  });

  it('parses stop and status flags', () => {
    expect(parseCommandLine(['stop', '--data-dir', 'x'])).toEqual({
      kind: 'stop',
      flags: { dataDir: 'x' },
    });
    expect(parseCommandLine(['status', '--json'])).toEqual({
      kind: 'status',
      flags: { dataDir: undefined, json: true },
    });
  });

  it('answers help for no arguments, -h, --help and help', () => {
    for (const argv of [[], ['-h'], ['--help'], ['help']]) {
      expect(parseCommandLine(argv)).toEqual({ kind: 'help', command: null });
    }
  });

  it('answers command help for `<command> --help` even among other flags, and for `help <command>`', () => {
    expect(parseCommandLine(['start', '--port', '1', '--help'])).toEqual({
      kind: 'help',
      command: 'start',
    });
    expect(parseCommandLine(['status', '-h'])).toEqual({ kind: 'help', command: 'status' });
    expect(parseCommandLine(['help', 'stop'])).toEqual({ kind: 'help', command: 'stop' });
  });

  it('rejects help for an unknown command', () => {
    expect(parseError(['help', 'launch']).code).toBe(CliErrorCode.UNKNOWN_COMMAND);
  });

  it('answers the version for -v and --version', () => {
    expect(parseCommandLine(['-v'])).toEqual({ kind: 'version' });
    expect(parseCommandLine(['--version'])).toEqual({ kind: 'version' });
  });

  it('parses network snapshot save and restore with their file and flags, in any order', () => {
    expect(parseCommandLine(['network', 'snapshot', 'save', 'demo.snapshot'])).toEqual({
      kind: 'snapshot-save',
      flags: { file: 'demo.snapshot', dataDir: undefined, json: false },
    });
    expect(
      parseCommandLine([
        'network',
        'snapshot',
        'restore',
        '--json',
        'demo.snapshot',
        '--data-dir=x',
      ]),
    ).toEqual({
      kind: 'snapshot-restore',
      flags: { file: 'demo.snapshot', dataDir: 'x', json: true },
    });
  });

  it('takes a file name that starts with a dash after --', () => {
    expect(parseCommandLine(['network', 'snapshot', 'save', '--', '-odd'])).toMatchObject({
      flags: { file: '-odd' },
    });
  });

  it.each([
    [['network', 'snapshot', 'save'], 'network snapshot save'],
    [['network', 'snapshot', 'restore', '--json'], 'network snapshot restore'],
    [['network', 'snapshot', 'save', ''], 'network snapshot save'],
    [['network', 'snapshot'], 'network snapshot'],
    [['network'], 'network'],
  ])('fails with CLI_MISSING_ARGUMENT for %j', (argv, command) => {
    const error = parseError(argv);
    expect(error.code).toBe(CliErrorCode.MISSING_ARGUMENT);
    expect(error.details).toMatchObject({ command });
  });

  it('names what is missing: the file, or the subcommands to choose from', () => {
    expect(parseError(['network', 'snapshot', 'save']).message).toBe(
      'citadel network snapshot save needs <file>: citadel network snapshot save <file>.',
    );
    expect(parseError(['network', 'snapshot']).message).toBe(
      'citadel network snapshot needs a command: save, restore.',
    );
  });

  it('rejects a second file', () => {
    const error = parseError(['network', 'snapshot', 'save', 'a', 'b']);
    expect(error.code).toBe(CliErrorCode.UNEXPECTED_ARGUMENT);
    expect(error.message).toBe("citadel network snapshot save takes only <file>, got 'b'.");
  });

  it('rejects an unknown subcommand, listing the valid ones of its group', () => {
    const snapshot = parseError(['network', 'snapshot', 'load', 'x']);
    expect(snapshot).toEqual({
      code: CliErrorCode.UNKNOWN_COMMAND,
      message:
        "Unknown command 'citadel network snapshot load'. Commands of citadel network snapshot: save, restore.",
      details: { command: 'network snapshot', given: 'network snapshot load' },
    });
    const network = parseError(['network', 'reset']);
    expect(network.code).toBe(CliErrorCode.UNKNOWN_COMMAND);
    expect(network.message).toContain('Commands of citadel network: snapshot.');
  });

  it('rejects a flag between the words of a command', () => {
    const error = parseError(['network', '--json', 'snapshot', 'save', 'f']);
    expect(error.code).toBe(CliErrorCode.UNKNOWN_OPTION);
    expect(error.details).toMatchObject({ command: 'network', option: '--json' });
  });

  it('rejects flags of other commands', () => {
    const error = parseError(['network', 'snapshot', 'save', 'f', '--port', '1']);
    expect(error.code).toBe(CliErrorCode.UNKNOWN_OPTION);
    expect(error.details).toMatchObject({ command: 'network snapshot save', option: '--port' });
  });

  it('answers help for groups and multi-word commands, however it is asked', () => {
    expect(parseCommandLine(['network', '--help'])).toEqual({ kind: 'help', command: 'network' });
    expect(parseCommandLine(['network', 'snapshot', '-h'])).toEqual({
      kind: 'help',
      command: 'network snapshot',
    });
    expect(parseCommandLine(['network', 'snapshot', 'save', '--help'])).toEqual({
      kind: 'help',
      command: 'network snapshot save',
    });
    expect(parseCommandLine(['help', 'network', 'snapshot', 'restore'])).toEqual({
      kind: 'help',
      command: 'network snapshot restore',
    });
    expect(parseCommandLine(['help', 'network'])).toEqual({ kind: 'help', command: 'network' });
  });

  it('rejects help for unknown subcommands and extra words', () => {
    expect(parseError(['help', 'network', 'snapshot', 'load']).code).toBe(
      CliErrorCode.UNKNOWN_COMMAND,
    );
    expect(parseError(['help', 'stop', 'now']).code).toBe(CliErrorCode.UNEXPECTED_ARGUMENT);
  });

  it('parses citadel deploy: an optional folder, the network as a name or URL, and its switches', () => {
    expect(parseCommandLine(['deploy'])).toEqual({
      kind: 'deploy',
      flags: {
        dir: undefined,
        network: { kind: 'local' },
        identity: undefined,
        skipBuild: false,
        json: false,
        yes: false,
        preview: false,
      },
    });
    expect(
      parseCommandLine([
        'deploy',
        './public',
        '--network',
        'http://127.0.0.1:8080/',
        '--identity',
        'ci',
        '--skip-build',
        '--json',
        '-y',
        '--preview',
      ]),
    ).toEqual({
      kind: 'deploy',
      flags: {
        dir: './public',
        network: { kind: 'url', url: 'http://127.0.0.1:8080' },
        identity: 'ci',
        skipBuild: true,
        json: true,
        yes: true,
        preview: true,
      },
    });
    expect(parseCommandLine(['deploy', '--network', 'ic'])).toMatchObject({
      flags: { network: { kind: 'ic' } },
    });
    expect(parseError(['deploy', '--network', 'mainnet']).code).toBe(
      CliErrorCode.INVALID_OPTION_VALUE,
    );
    expect(parseError(['deploy', 'a', 'b']).code).toBe(CliErrorCode.UNEXPECTED_ARGUMENT);
  });

  it('parses citadel gateway with its defaults, mainnet shorthand and bad values', () => {
    expect(parseCommandLine(['gateway'])).toEqual({
      kind: 'gateway',
      flags: {
        replica: 'http://127.0.0.1:4943',
        domains: new Map(),
        network: 'local',
        acceptV1: false,
        port: 4944,
        host: '127.0.0.1',
      },
    });
    expect(parseCommandLine(['gateway', '--network', 'ic', '--port', '0'])).toEqual({
      kind: 'gateway',
      flags: {
        replica: 'https://icp-api.io',
        domains: new Map(),
        network: 'ic',
        acceptV1: false,
        port: 0,
        host: '127.0.0.1',
      },
    });
    expect(
      parseCommandLine(['gateway', '--domains', 'Shop.Example=rwlgt-iiaaa-aaaaa-aaaaa-cai, a.b=x'])
        .kind,
    ).toBe('gateway');
    expect(parseCommandLine(['gateway', '--accept-v1'])).toMatchObject({
      flags: { acceptV1: true },
    });
    expect(() => parseCommandLine(['gateway', '--domains', 'nodot=abc'])).toThrow(
      /name=canister-id pairs/,
    );
    expect(
      parseCommandLine(['gateway', '--replica', 'http://10.0.0.2:8000/', '--host', '0.0.0.0']),
    ).toMatchObject({ flags: { replica: 'http://10.0.0.2:8000', host: '0.0.0.0' } });
    expect(() => parseCommandLine(['gateway', '--network', 'mainnet'])).toThrow(
      /'--network' must be 'local' or 'ic'/,
    );
    expect(() => parseCommandLine(['gateway', '--replica', 'ftp://x'])).toThrow(
      /'--replica' must be an http/,
    );
  });

  it('parses the identity commands with their arguments and flags', () => {
    expect(parseCommandLine(['identity', 'new', 'alice'])).toEqual({
      kind: 'identity-new',
      flags: { name: 'alice', force: false },
    });
    expect(parseCommandLine(['identity', 'new', '--force', 'alice'])).toEqual({
      kind: 'identity-new',
      flags: { name: 'alice', force: true },
    });
    expect(parseCommandLine(['identity', 'list', '--json'])).toEqual({
      kind: 'identity-list',
      flags: { json: true },
    });
    expect(parseCommandLine(['identity', 'use', 'alice'])).toEqual({
      kind: 'identity-use',
      flags: { name: 'alice' },
    });
    expect(parseCommandLine(['identity', 'whoami'])).toEqual({
      kind: 'identity-whoami',
      flags: { identity: undefined, json: false },
    });
    expect(parseCommandLine(['identity', 'whoami', '--identity=ci', '--json'])).toEqual({
      kind: 'identity-whoami',
      flags: { identity: 'ci', json: true },
    });
    expect(parseCommandLine(['identity', 'export', 'alice'])).toEqual({
      kind: 'identity-export',
      flags: { name: 'alice' },
    });
    expect(parseCommandLine(['identity', 'import', 'dfx', 'k.pem', '--force'])).toEqual({
      kind: 'identity-import',
      flags: { name: 'dfx', file: 'k.pem', force: true },
    });
  });

  it('rejects identity commands with missing or extra arguments and foreign flags', () => {
    expect(parseError(['identity', 'import', 'dfx']).message).toBe(
      'citadel identity import needs <pem-file>: citadel identity import <name> <pem-file>.',
    );
    expect(parseError(['identity', 'list', 'all']).code).toBe(CliErrorCode.UNEXPECTED_ARGUMENT);
    expect(parseError(['identity', 'use', 'a', 'b']).message).toBe(
      "citadel identity use takes only <name>, got 'b'.",
    );
    expect(parseError(['identity', 'export', 'a', '--json']).code).toBe(
      CliErrorCode.UNKNOWN_OPTION,
    );
    expect(parseError(['identity', 'whoami', '--identity']).code).toBe(
      CliErrorCode.INVALID_OPTION_VALUE,
    );
    expect(parseError(['identity']).message).toBe(
      'citadel identity needs a command: new, list, use, whoami, export, import.',
    );
    expect(parseError(['identity', 'remove', 'a']).message).toBe(
      "Unknown command 'citadel identity remove'. Commands of citadel identity: new, list, use, whoami, export, import.",
    );
  });
});
