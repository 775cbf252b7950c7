import { createSignatureVerifier, domainSeparated, hashOfMap } from '@citadel/protocol';
import type { CborMap } from '@citadel/protocol';
import { Ed25519KeyIdentity } from '@dfinity/identity';
import { describe, expect, it } from 'vitest';

import { verifyDelegationChain } from './delegation-chain.js';
import { IngressError, IngressErrorCode } from './errors.js';
import type { SignedDelegation } from './parse-envelope.js';

const NOW_NS = 1_700_000_000_000_000_000n;
const verifier = createSignatureVerifier();
const target = (n: number): Uint8Array => new Uint8Array([0, 0, 0, 0, 0, 0, 0, n, 1, 1]);

/** `from` delegates to `to`, signed like DelegationChain.create does. */
async function signedDelegation(
  from: Ed25519KeyIdentity,
  to: Ed25519KeyIdentity,
  fields: { expirationNs?: bigint; targets?: Uint8Array[] } = {},
): Promise<SignedDelegation> {
  const map: CborMap = {
    pubkey: to.getPublicKey().toDer(),
    expiration: fields.expirationNs ?? NOW_NS + 60_000_000_000n,
    ...(fields.targets ? { targets: fields.targets } : {}),
  };
  const signature = await from.sign(domainSeparated('ic-request-auth-delegation', hashOfMap(map)));
  return {
    pubkey: to.getPublicKey().toDer(),
    expirationNs: fields.expirationNs ?? NOW_NS + 60_000_000_000n,
    targets: fields.targets ?? null,
    permissions: undefined,
    map,
    signature: new Uint8Array(signature),
  };
}

function failure(run: () => unknown): IngressError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(IngressError);
    return error as IngressError;
  }
  return expect.fail('expected an IngressError');
}

describe('verifyDelegationChain', () => {
  it('verifyDelegationChain returns sender_pubkey as the signing key when there are no delegations', () => {
    const root = Ed25519KeyIdentity.generate();
    const result = verifyDelegationChain({
      senderPubkey: root.getPublicKey().toDer(),
      delegations: [],
      nowNs: NOW_NS,
      verifier,
    });
    expect(result).toEqual({
      signingKeyDer: root.getPublicKey().toDer(),
      targets: null,
      queriesOnly: false,
    });
  });

  it('verifyDelegationChain returns the last key and the deduplicated intersection of targets', async () => {
    const [root, middle, session] = [0, 1, 2].map(() => Ed25519KeyIdentity.generate()) as [
      Ed25519KeyIdentity,
      Ed25519KeyIdentity,
      Ed25519KeyIdentity,
    ];
    const result = verifyDelegationChain({
      senderPubkey: root.getPublicKey().toDer(),
      delegations: [
        await signedDelegation(root, middle, { targets: [target(1), target(2), target(2)] }),
        await signedDelegation(middle, session, { targets: [target(2), target(3)] }),
      ],
      nowNs: NOW_NS,
      verifier,
    });
    expect(result.signingKeyDer).toEqual(session.getPublicKey().toDer());
    expect(result.targets).toEqual([target(2)]);
  });

  it('verifyDelegationChain accepts a delegation that expires exactly now', async () => {
    const root = Ed25519KeyIdentity.generate();
    const delegation = await signedDelegation(root, Ed25519KeyIdentity.generate(), {
      expirationNs: NOW_NS,
    });
    expect(() =>
      verifyDelegationChain({
        senderPubkey: root.getPublicKey().toDer(),
        delegations: [delegation],
        nowNs: NOW_NS,
        verifier,
      }),
    ).not.toThrow();
  });

  it('verifyDelegationChain fails when a delegation has expired', async () => {
    const root = Ed25519KeyIdentity.generate();
    const delegation = await signedDelegation(root, Ed25519KeyIdentity.generate(), {
      expirationNs: NOW_NS - 1n,
    });
    const error = failure(() =>
      verifyDelegationChain({
        senderPubkey: root.getPublicKey().toDer(),
        delegations: [delegation],
        nowNs: NOW_NS,
        verifier,
      }),
    );
    expect(error.code).toBe(IngressErrorCode.DELEGATION_EXPIRED);
  });

  it('verifyDelegationChain fails when the second delegation is not signed by the first delegation key', async () => {
    const [root, middle, session] = [0, 1, 2].map(() => Ed25519KeyIdentity.generate()) as [
      Ed25519KeyIdentity,
      Ed25519KeyIdentity,
      Ed25519KeyIdentity,
    ];
    const delegations = [
      await signedDelegation(root, middle),
      // Signed by root, but the chain requires middle to sign the second link.
      await signedDelegation(root, session),
    ];
    const error = failure(() =>
      verifyDelegationChain({
        senderPubkey: root.getPublicKey().toDer(),
        delegations,
        nowNs: NOW_NS,
        verifier,
      }),
    );
    expect(error.code).toBe(IngressErrorCode.INVALID_DELEGATION);
    expect(error.message).toMatch(/^Invalid delegation: delegation 2 of 2: /);
  });

  it('verifyDelegationChain reports an expired delegation before a cycle, as the IC orders its checks', async () => {
    const root = Ed25519KeyIdentity.generate();
    const cycle = await signedDelegation(root, root, { expirationNs: NOW_NS - 1n });
    const error = failure(() =>
      verifyDelegationChain({
        senderPubkey: root.getPublicKey().toDer(),
        delegations: [cycle],
        nowNs: NOW_NS,
        verifier,
      }),
    );
    expect(error.code).toBe(IngressErrorCode.DELEGATION_EXPIRED);
  });

  it('verifyDelegationChain fails on a target longer than 29 bytes', async () => {
    const root = Ed25519KeyIdentity.generate();
    const delegation = await signedDelegation(root, Ed25519KeyIdentity.generate(), {
      targets: [new Uint8Array(30)],
    });
    const error = failure(() =>
      verifyDelegationChain({
        senderPubkey: root.getPublicKey().toDer(),
        delegations: [delegation],
        nowNs: NOW_NS,
        verifier,
      }),
    );
    expect(error.code).toBe(IngressErrorCode.INVALID_DELEGATION);
    expect(error.message).toMatch(/^Invalid delegation: Delegation target error: /);
  });
});
