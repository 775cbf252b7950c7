import type { Identity, SignIdentity } from '@dfinity/agent';
import { AnonymousIdentity } from '@dfinity/agent';
import {
  DelegationChain,
  DelegationIdentity,
  ECDSAKeyIdentity,
  Ed25519KeyIdentity,
} from '@dfinity/identity';
import { Secp256k1KeyIdentity } from '@dfinity/identity-secp256k1';
import type { Principal } from '@dfinity/principal';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestNetwork } from './harness.js';
import { startTestNetwork } from './harness.js';

const owner = Ed25519KeyIdentity.generate();

async function delegated(root: SignIdentity, targets?: Principal[]): Promise<DelegationIdentity> {
  const session = Ed25519KeyIdentity.generate();
  const chain = await DelegationChain.create(
    root,
    session.getPublicKey(),
    new Date(Date.now() + 15 * 60_000),
    {
      ...(targets ? { targets } : {}),
    },
  );
  return DelegationIdentity.fromDelegation(session, chain);
}

describe('callers of every identity kind', () => {
  let net: TestNetwork;
  let canister: Principal;
  let other: Principal;
  beforeAll(async () => {
    net = await startTestNetwork();
    canister = await net.deployProbe(owner);
    other = await net.deployProbe(owner);
  });
  afterAll(() => net.close());

  const kinds: [string, () => Promise<Identity>][] = [
    ['anonymous', async () => new AnonymousIdentity()],
    ['Ed25519', async () => Ed25519KeyIdentity.generate()],
    ['ECDSA P-256', () => ECDSAKeyIdentity.generate()],
    ['secp256k1', async () => Secp256k1KeyIdentity.generate()],
    ['a delegation chain', () => delegated(Ed25519KeyIdentity.generate())],
    [
      'a two-step delegation chain',
      async () => {
        const root = await ECDSAKeyIdentity.generate();
        const middle = Ed25519KeyIdentity.generate();
        const first = await DelegationChain.create(
          root,
          middle.getPublicKey(),
          new Date(Date.now() + 600_000),
        );
        const session = Ed25519KeyIdentity.generate();
        const second = await DelegationChain.create(
          middle,
          session.getPublicKey(),
          new Date(Date.now() + 600_000),
          {
            previous: first,
          },
        );
        return DelegationIdentity.fromDelegation(session, second);
      },
    ],
  ];

  for (const [name, make] of kinds) {
    it(`sees ${name} as the caller of updates and queries`, async () => {
      const identity = await make();
      const probe = await net.probe(canister, identity);
      const expected = identity.getPrincipal().toText();
      expect((await probe.whoami_update()).toText()).toBe(expected);
      expect((await probe.whoami()).toText()).toBe(expected);
    });
  }

  it('accepts a delegation whose targets include the canister', async () => {
    const identity = await delegated(Ed25519KeyIdentity.generate(), [canister]);
    const probe = await net.probe(canister, identity);
    expect((await probe.whoami_update()).toText()).toBe(identity.getPrincipal().toText());
  });

  it('refuses a delegation whose targets exclude the canister', async () => {
    const identity = await delegated(Ed25519KeyIdentity.generate(), [other]);
    const probe = await net.probe(canister, identity);
    await expect(probe.whoami_update()).rejects.toThrow(/delegation targets/);
  });
});
