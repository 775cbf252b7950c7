import { describe, expect, it } from 'vitest';
import { CliErrorCode, USAGE_ERROR_CODES, createCliError, systemErrorCode } from './errors.js';

describe('CLI error codes', () => {
  it('are unique, CLI_-prefixed and equal to their key', () => {
    const codes = Object.entries(CliErrorCode);
    expect(new Set(codes.map(([, code]) => code)).size).toBe(codes.length);
    for (const [key, code] of codes) {
      expect(code).toBe(`CLI_${key}`);
    }
  });

  it('give every error a kind, and command-line mistakes the input kind', () => {
    for (const code of Object.values(CliErrorCode)) {
      const error = createCliError(code, 'message', { a: 1 });
      expect(error.code).toBe(code);
      expect(['trust', 'protocol', 'transport', 'input', 'limit', 'unknown']).toContain(error.kind);
      expect(error.details).toEqual({ a: 1 });
    }
    for (const code of USAGE_ERROR_CODES) {
      expect(createCliError(code as never, 'm').kind).toBe('input');
    }
  });

  it('systemErrorCode reads the code of Node system errors and nothing else', () => {
    expect(systemErrorCode(Object.assign(new Error('x'), { code: 'ENOENT' }))).toBe('ENOENT');
    expect(systemErrorCode(new Error('x'))).toBeUndefined();
    expect(systemErrorCode('ENOENT')).toBeUndefined();
  });
});
