import { describe, expect, it } from 'vitest';
import { isPrincipalText, shortenPrincipal } from './principal-text';

describe('isPrincipalText', () => {
  it('accepts a canonical canister id', () => {
    expect(isPrincipalText('rrkah-fqaaa-aaaaa-aaaaq-cai')).toBe(true);
  });

  it('rejects a checksum mismatch, upper case and other text', () => {
    expect(isPrincipalText('rrkah-fqaaa-aaaaa-aaaab-cai')).toBe(false);
    expect(isPrincipalText('RRKAH-FQAAA-AAAAA-AAAAQ-CAI')).toBe(false);
    expect(isPrincipalText('not a principal')).toBe(false);
  });
});

describe('shortenPrincipal', () => {
  it('keeps the first group and the last five characters of a long principal', () => {
    expect(shortenPrincipal('rrkah-fqaaa-aaaaa-aaaaq-cai')).toBe('rrkah…q-cai');
    expect(
      shortenPrincipal('fo76k-ecero-uccwk-zx7jh-w5c7w-4uo7t-y5j4z-m7fiq-z6sgk-vobym-cae'),
    ).toBe('fo76k…m-cae');
  });

  it('keeps a short principal whole', () => {
    expect(shortenPrincipal('2vxsx-fae')).toBe('2vxsx-fae');
    expect(shortenPrincipal('aaaaa-aa')).toBe('aaaaa-aa');
  });
});
