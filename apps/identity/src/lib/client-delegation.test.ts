import { describe, expect, it, vi } from 'vitest';
import { issueClientDelegation } from './client-delegation';
import type { IiCalls } from './ii-actor';

const ANCHOR = 10_000n;
const FRONTEND = 'http://uxrrr-q7777-77774-qaaaq-cai.localhost:4943';
const SESSION_KEY = Uint8Array.from({ length: 91 }, (_, i) => i);
const USER_KEY = Uint8Array.from({ length: 62 }, (_, i) => 100 + i);
const EXPIRATION = 1_767_225_600_000_000_000n;
const SIGNATURE = Uint8Array.of(0xd9, 0xd9, 0xf7, 1, 2, 3);

type Ii = Pick<IiCalls, 'prepare_delegation' | 'get_delegation'>;

function makeIi(overrides: Partial<Ii> = {}) {
  return {
    prepare_delegation: vi.fn<Ii['prepare_delegation']>(
      overrides.prepare_delegation ?? (async () => [USER_KEY, EXPIRATION]),
    ),
    get_delegation: vi.fn<Ii['get_delegation']>(
      overrides.get_delegation ??
        (async (_anchor, _frontend, pubkey, expiration) => ({
          // Candid decodes an absent opt vec as [], which must not reach the dApp (§7.5).
          signed_delegation: {
            delegation: { pubkey, expiration, targets: [] },
            signature: SIGNATURE,
          },
        })),
    ),
  };
}

describe('issueClientDelegation', () => {
  it('prepares and fetches the delegation for the frontend, and wraps it for the dApp', async () => {
    const ii = makeIi();
    const message = await issueClientDelegation({
      ii,
      anchor: ANCHOR,
      frontendOrigin: FRONTEND,
      sessionPublicKey: SESSION_KEY,
      maxTimeToLive: 28_800_000_000_000n,
    });
    expect(ii.prepare_delegation).toHaveBeenCalledExactlyOnceWith(ANCHOR, FRONTEND, SESSION_KEY, [
      28_800_000_000_000n,
    ]);
    expect(ii.get_delegation).toHaveBeenCalledExactlyOnceWith(
      ANCHOR,
      FRONTEND,
      SESSION_KEY,
      EXPIRATION,
    );
    expect(message).toEqual({
      kind: 'authorize-client-success',
      delegations: [
        {
          delegation: { pubkey: SESSION_KEY, expiration: EXPIRATION, targets: undefined },
          signature: SIGNATURE,
        },
      ],
      userPublicKey: USER_KEY,
      authnMethod: 'passkey',
    });
  });

  it('leaves maxTimeToLive to the canister’s default when the dApp sent none', async () => {
    const ii = makeIi();
    await issueClientDelegation({
      ii,
      anchor: ANCHOR,
      frontendOrigin: FRONTEND,
      sessionPublicKey: SESSION_KEY,
      maxTimeToLive: undefined,
    });
    expect(ii.prepare_delegation.mock.calls[0]?.[3]).toEqual([]);
  });

  it('retries get_delegation until the signature is there', async () => {
    let calls = 0;
    const base = makeIi();
    const ii = makeIi({
      get_delegation: async (...args) =>
        ++calls < 3 ? { no_such_delegation: null } : base.get_delegation(...args),
    });
    const sleep = vi.fn(async () => undefined);
    const message = await issueClientDelegation({
      ii,
      anchor: ANCHOR,
      frontendOrigin: FRONTEND,
      sessionPublicKey: SESSION_KEY,
      maxTimeToLive: undefined,
      sleep,
    });
    expect(message.delegations[0].signature).toEqual(SIGNATURE);
    expect(ii.get_delegation).toHaveBeenCalledTimes(3);
    expect(sleep.mock.calls).toEqual([[1000], [2000]]);
  });

  it('fails as no-delegation when the signed delegation is for another key', async () => {
    const ii = makeIi({
      get_delegation: async () => ({
        signed_delegation: {
          delegation: { pubkey: Uint8Array.of(1), expiration: EXPIRATION, targets: [] },
          signature: SIGNATURE,
        },
      }),
    });
    await expect(
      issueClientDelegation({
        ii,
        anchor: ANCHOR,
        frontendOrigin: FRONTEND,
        sessionPublicKey: SESSION_KEY,
        maxTimeToLive: undefined,
      }),
    ).rejects.toMatchObject({ problem: { kind: 'no-delegation' } });
  });
});
