import { hashOfMap } from '@citadel/protocol';
import { IC_REQUEST_AUTH_DELEGATION_DOMAIN_SEPARATOR, requestIdOf } from '@dfinity/agent';
import { Delegation, ECDSAKeyIdentity, Ed25519KeyIdentity } from '@dfinity/identity';
import { sha256 } from '@noble/hashes/sha2.js';
import { describe, expect, it } from 'vitest';
import {
  delegationHash,
  delegationMessageHash,
  delegationSignaturePayload,
} from './delegation-hash.js';

/** What `DelegationChain.create` signs for a delegation (@dfinity/identity 3.4 `delegation.js`). */
function agentPayload(pubkey: Uint8Array, expirationNs: bigint): Uint8Array {
  const delegation = new Delegation(pubkey, expirationNs);
  return new Uint8Array([
    ...IC_REQUEST_AUTH_DELEGATION_DOMAIN_SEPARATOR,
    ...requestIdOf({ ...delegation }),
  ]);
}

describe('delegation signature payload', () => {
  it('is what @dfinity/identity signs for the same delegation (P-256 and Ed25519 session keys)', async () => {
    const p256 = (await ECDSAKeyIdentity.generate()).getPublicKey().toDer();
    const ed25519 = Ed25519KeyIdentity.generate().getPublicKey().toDer();
    expect(p256).toHaveLength(91);
    for (const [pubkey, expirationNs] of [
      [p256, 1_700_000_000_000_000_000n],
      [ed25519, 28_800_000_000_000n],
      [ed25519, 0n],
      [p256, 2n ** 64n - 1n],
    ] as const) {
      const payload = delegationSignaturePayload(pubkey, expirationNs);
      expect(payload).toEqual(agentPayload(pubkey, expirationNs));
      expect(payload).toHaveLength(59);
      expect(delegationHash(pubkey, expirationNs)).toEqual(
        hashOfMap({ pubkey, expiration: expirationNs }),
      );
      expect(delegationMessageHash(pubkey, expirationNs)).toEqual(sha256(payload));
    }
  });

  it('starts with the 27-byte domain separator 0x1A "ic-request-auth-delegation"', () => {
    const payload = delegationSignaturePayload(new Uint8Array(44), 1n);
    expect(payload[0]).toBe(0x1a);
    expect(new TextDecoder().decode(payload.subarray(1, 27))).toBe('ic-request-auth-delegation');
  });

  it('differs when the session key or the expiration differs', () => {
    const key = new Uint8Array(44).fill(1);
    const other = new Uint8Array(44).fill(2);
    const base = delegationMessageHash(key, 10n);
    expect(delegationMessageHash(other, 10n)).not.toEqual(base);
    expect(delegationMessageHash(key, 11n)).not.toEqual(base);
  });
});
