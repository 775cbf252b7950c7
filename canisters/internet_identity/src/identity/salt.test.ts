import { isCitadelError } from '@citadel/protocol';
import { describe, expect, it } from 'vitest';
import { mapTable } from '../../testing/tables.js';
import { IdentityErrorCode } from './errors.js';
import { SALT_BYTES, Salt } from './salt.js';

describe('Salt', () => {
  it('is set once from the first randomness and never changes', () => {
    const settings = mapTable<string, Uint8Array>();
    const salt = new Salt(settings);
    expect(salt.get()).toBeUndefined();
    const first = salt.setOnce(new Uint8Array(SALT_BYTES).fill(1));
    expect(salt.setOnce(new Uint8Array(SALT_BYTES).fill(2))).toEqual(first);
    expect(new Salt(settings).require()).toEqual(new Uint8Array(SALT_BYTES).fill(1));
  });

  it('keeps 32 bytes of longer randomness and refuses less', () => {
    const salt = new Salt(mapTable());
    expect(() => salt.setOnce(new Uint8Array(31))).toThrow(RangeError);
    expect(salt.setOnce(new Uint8Array(64))).toHaveLength(SALT_BYTES);
  });

  it('is required before any principal can be derived', () => {
    let code: string | undefined;
    try {
      new Salt(mapTable()).require();
    } catch (error) {
      code = isCitadelError(error) ? error.code : undefined;
    }
    expect(code).toBe(IdentityErrorCode.SALT_NOT_SET);
  });
});
