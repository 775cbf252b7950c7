import { describe, expect, it } from 'vitest';

import { CitadelError } from '../errors.js';
import { BlsErrorCode } from './errors.js';
import { deserializeThresholdKey, serializeThresholdKey } from './serialize.js';
import type { SerializedThresholdKey } from './serialize.js';
import { generateThresholdKey } from './threshold-key.js';

const KEY = generateThresholdKey({ nodeCount: 4, threshold: 3 });
const SERIALIZED = serializeThresholdKey(KEY);

function expectInvalid(value: unknown): void {
  try {
    deserializeThresholdKey(value);
    expect.fail('expected an error');
  } catch (error) {
    expect(error).toBeInstanceOf(CitadelError);
    expect((error as CitadelError).code).toBe(BlsErrorCode.INVALID_KEY_MATERIAL);
  }
}

/** A copy of the serialized key with one share's field replaced. */
function withShare(
  position: number,
  field: 'secretShare' | 'publicShare',
  value: string,
): SerializedThresholdKey {
  return {
    ...SERIALIZED,
    shares: SERIALIZED.shares.map((share, i) =>
      i === position ? { ...share, [field]: value } : share,
    ),
  };
}

describe('serializeThresholdKey / deserializeThresholdKey', () => {
  it('deserializeThresholdKey restores what serializeThresholdKey wrote, through JSON', () => {
    const json = JSON.parse(JSON.stringify(SERIALIZED)) as unknown;
    expect(deserializeThresholdKey(json)).toEqual(KEY);
  });

  it('serializeThresholdKey writes lower-case hex of the documented lengths', () => {
    expect(SERIALIZED.version).toBe(1);
    expect(SERIALIZED.publicKey).toMatch(/^[0-9a-f]{192}$/);
    expect(SERIALIZED.shares[0]?.secretShare).toMatch(/^[0-9a-f]{64}$/);
  });

  it('deserializeThresholdKey fails when a secret share was altered', () => {
    const other = serializeThresholdKey(generateThresholdKey({ nodeCount: 4, threshold: 3 }));
    expectInvalid(withShare(1, 'secretShare', other.shares[1]?.secretShare ?? ''));
  });

  it('deserializeThresholdKey fails when a public share belongs to another secret', () => {
    expectInvalid(withShare(0, 'publicShare', SERIALIZED.shares[1]?.publicShare ?? ''));
  });

  it('deserializeThresholdKey fails when the public key is not the shared secret', () => {
    const other = serializeThresholdKey(generateThresholdKey({ nodeCount: 4, threshold: 3 }));
    expectInvalid({ ...SERIALIZED, publicKey: other.publicKey });
  });

  it('deserializeThresholdKey fails when the threshold does not match the shares', () => {
    expectInvalid({ ...SERIALIZED, threshold: 2 });
    expectInvalid({ ...SERIALIZED, threshold: 5 });
  });

  it('deserializeThresholdKey reads the unversioned format with unpadded secret shares', () => {
    const legacy = {
      threshold: SERIALIZED.threshold,
      publicKey: SERIALIZED.publicKey,
      shares: SERIALIZED.shares.map((share) => ({
        ...share,
        secretShare: share.secretShare.replace(/^0+/, ''),
      })),
    };
    expect(deserializeThresholdKey(legacy)).toEqual(KEY);
  });

  it('deserializeThresholdKey fails on malformed input', () => {
    expectInvalid(null);
    expectInvalid({ ...SERIALIZED, version: 2 });
    expectInvalid({ ...SERIALIZED, publicKey: 'zz' });
    expectInvalid({ ...SERIALIZED, shares: [...SERIALIZED.shares].reverse() });
    expectInvalid(withShare(2, 'secretShare', '00'.repeat(32)));
  });
});
