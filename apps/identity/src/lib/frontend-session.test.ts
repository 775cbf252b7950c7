import { Ed25519KeyIdentity } from '@dfinity/identity';
import { describe, expect, it } from 'vitest';
import { createFrontendSession, FRONTEND_SESSION_TTL_MS } from './frontend-session';

const II_CANISTER_ID = 'rdmx6-jaaaa-aaaaa-aaadq-cai';
const NOW_MS = Date.UTC(2026, 0, 1);
// Stands in for the passkey: any SignIdentity signs the delegation the same way.
const PASSKEY = Ed25519KeyIdentity.generate(new Uint8Array(32).fill(1));

describe('createFrontendSession', () => {
  it('signs as the passkey’s principal through a session key delegated for 10 minutes', async () => {
    const identity = await createFrontendSession({
      passkey: PASSKEY,
      iiCanisterId: II_CANISTER_ID,
      nowMs: () => NOW_MS,
    });
    expect(identity.getPrincipal().toText()).toBe(PASSKEY.getPrincipal().toText());
    const chain = identity.getDelegation();
    expect(chain.publicKey).toEqual(PASSKEY.getPublicKey().toDer());
    expect(chain.delegations).toHaveLength(1);
    const delegation = chain.delegations[0]?.delegation;
    expect(delegation?.expiration).toBe(BigInt(NOW_MS + FRONTEND_SESSION_TTL_MS) * 1_000_000n);
    expect(delegation?.targets?.map((target) => target.toText())).toEqual([II_CANISTER_ID]);
  });

  it('delegates to a freshly generated, non-extractable P-256 key by default', async () => {
    const identity = await createFrontendSession({
      passkey: PASSKEY,
      iiCanisterId: II_CANISTER_ID,
    });
    const delegation = identity.getDelegation().delegations[0]?.delegation;
    // A P-256 SubjectPublicKeyInfo: 91 bytes.
    expect(delegation?.pubkey).toHaveLength(91);
  });
});
