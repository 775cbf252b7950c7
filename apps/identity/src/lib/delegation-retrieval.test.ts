import { afterEach, describe, expect, it, vi } from 'vitest';
import { fetchSignedDelegation, GET_DELEGATION_DELAYS_MS } from './delegation-retrieval';
import type { WireGetDelegationResponse } from './ii-idl';

const SIGNED: WireGetDelegationResponse = {
  signed_delegation: {
    delegation: { pubkey: Uint8Array.of(1), expiration: 5n, targets: [] },
    signature: Uint8Array.of(2),
  },
};
const MISSING: WireGetDelegationResponse = { no_such_delegation: null };

afterEach(() => {
  vi.useRealTimers();
});

describe('fetchSignedDelegation', () => {
  it('returns the first answer when the delegation is there, without waiting', async () => {
    const sleep = vi.fn(async () => undefined);
    const getDelegation = vi.fn(async () => SIGNED);
    await expect(fetchSignedDelegation({ getDelegation, sleep })).resolves.toBe(
      SIGNED.signed_delegation,
    );
    expect(getDelegation).toHaveBeenCalledTimes(1);
    expect(sleep).not.toHaveBeenCalled();
  });

  it('asks again after 1, 2, 3 and 4 s while there is no such delegation', async () => {
    const sleep = vi.fn(async (_ms: number) => undefined);
    const getDelegation = vi
      .fn<() => Promise<WireGetDelegationResponse>>()
      .mockResolvedValueOnce(MISSING)
      .mockResolvedValueOnce(MISSING)
      .mockResolvedValueOnce(MISSING)
      .mockResolvedValueOnce(MISSING)
      .mockResolvedValueOnce(SIGNED);
    await expect(fetchSignedDelegation({ getDelegation, sleep })).resolves.toBe(
      SIGNED.signed_delegation,
    );
    expect(sleep.mock.calls.map(([ms]) => ms)).toEqual([1000, 2000, 3000, 4000]);
    expect(GET_DELEGATION_DELAYS_MS).toEqual([0, 1000, 2000, 3000, 4000]);
  });

  it('fails as no-delegation after five answers without one, 10 s in all', async () => {
    vi.useFakeTimers();
    const getDelegation = vi.fn(async () => MISSING);
    const result = fetchSignedDelegation({ getDelegation }).catch((error: unknown) => error);
    await vi.advanceTimersByTimeAsync(9_999);
    expect(getDelegation).toHaveBeenCalledTimes(4);
    await vi.advanceTimersByTimeAsync(1);
    await expect(result).resolves.toMatchObject({ problem: { kind: 'no-delegation' } });
    expect(getDelegation).toHaveBeenCalledTimes(5);
  });

  it('does not retry a call that failed', async () => {
    const getDelegation = vi.fn(async () => {
      throw new TypeError('Failed to fetch');
    });
    await expect(
      fetchSignedDelegation({ getDelegation, sleep: async () => undefined }),
    ).rejects.toThrow('Failed to fetch');
    expect(getDelegation).toHaveBeenCalledTimes(1);
  });
});
