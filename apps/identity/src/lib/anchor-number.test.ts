import { describe, expect, it } from 'vitest';
import { parseAnchorNumber } from './anchor-number';

describe('parseAnchorNumber', () => {
  it('reads decimal digits, ignoring surrounding blanks and group separators', () => {
    expect(parseAnchorNumber('10000')).toEqual({ ok: true, anchor: 10_000n });
    expect(parseAnchorNumber(' 10 000 ')).toEqual({ ok: true, anchor: 10_000n });
    expect(parseAnchorNumber('18446744073709551615')).toEqual({
      ok: true,
      anchor: 18_446_744_073_709_551_615n,
    });
  });

  it('fails on empty input, non-digits and numbers beyond nat64', () => {
    expect(parseAnchorNumber('  ')).toEqual({ ok: false, problem: 'empty' });
    for (const input of ['-1', '1e4', '12a', '0x10', '1.5']) {
      expect(parseAnchorNumber(input)).toEqual({ ok: false, problem: 'not-a-number' });
    }
    expect(parseAnchorNumber('18446744073709551616')).toEqual({ ok: false, problem: 'too-large' });
  });
});
