import { describe, expect, it } from 'vitest';
import { shortenPrincipal } from './principal';

describe('shortenPrincipal', () => {
  it('keeps the first five and last three characters of a long principal', () => {
    expect(shortenPrincipal('uxrrr-q7777-77774-qaaaq-cai')).toBe('uxrrr…cai');
  });

  it('leaves a short principal whole', () => {
    expect(shortenPrincipal('2vxsx-fae')).toBe('2vxsx-fae');
  });
});
