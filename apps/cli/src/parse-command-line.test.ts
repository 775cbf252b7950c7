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
      flags: { port: 4943, host: '127.0.0.1', dataDir: undefined, background: false, clean: false },
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
      ]),
    ).toEqual({
      kind: 'start',
      flags: { port: 8000, host: '0.0.0.0', dataDir: 'state', background: true, clean: true },
    });
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
    const error = parseError(['deploy']);
    expect(error.code).toBe(CliErrorCode.UNKNOWN_COMMAND);
    expect(error.message).toContain("'deploy'");
    expect(error.message).toContain('start, stop, status');
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
    expect(parseError(['help', 'deploy']).code).toBe(CliErrorCode.UNKNOWN_COMMAND);
  });

  it('answers the version for -v and --version', () => {
    expect(parseCommandLine(['-v'])).toEqual({ kind: 'version' });
    expect(parseCommandLine(['--version'])).toEqual({ kind: 'version' });
  });
});
