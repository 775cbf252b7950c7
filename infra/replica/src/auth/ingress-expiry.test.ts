import { describe, expect, it } from 'vitest';

import { IngressError, IngressErrorCode } from './errors.js';
import {
  MAX_INGRESS_TTL_NS,
  PERMITTED_DRIFT_NS,
  assertIngressExpiry,
  formatTimeNs,
} from './ingress-expiry.js';

const NOW_NS = 1_700_000_000_123_456_789n;

describe('assertIngressExpiry', () => {
  it('assertIngressExpiry accepts an expiry equal to now and one at now + 5 min + 30 s', () => {
    expect(() => assertIngressExpiry(NOW_NS, NOW_NS)).not.toThrow();
    expect(() =>
      assertIngressExpiry(NOW_NS + MAX_INGRESS_TTL_NS + PERMITTED_DRIFT_NS, NOW_NS),
    ).not.toThrow();
  });

  it('assertIngressExpiry fails one nanosecond outside the window, with status 400', () => {
    for (const expiry of [NOW_NS - 1n, NOW_NS + MAX_INGRESS_TTL_NS + PERMITTED_DRIFT_NS + 1n]) {
      try {
        assertIngressExpiry(expiry, NOW_NS);
        expect.fail('expected an error');
      } catch (error) {
        expect(error).toBeInstanceOf(IngressError);
        expect((error as IngressError).code).toBe(IngressErrorCode.EXPIRY);
        expect((error as IngressError).httpStatus).toBe(400);
        expect((error as IngressError).message.startsWith('Invalid request expiry: ')).toBe(true);
      }
    }
  });
});

describe('formatTimeNs', () => {
  it('formatTimeNs prints UTC with nanoseconds like the IC Time display', () => {
    expect(formatTimeNs(NOW_NS)).toBe('2023-11-14 22:13:20.123456789 UTC');
    expect(formatTimeNs(0n)).toBe('1970-01-01 00:00:00.000000000 UTC');
  });
});
