import { existsSync, readFileSync } from 'node:fs';
import {
  Actor,
  type ActorSubclass,
  Certificate,
  type DerEncodedPublicKey,
  type HashTree,
  IC_REQUEST_AUTH_DELEGATION_DOMAIN_SEPARATOR,
  type Identity,
  LookupPathStatus,
  lookup_path,
  reconstruct,
  type Signature,
  requestIdOf,
} from '@dfinity/agent';
import {
  Delegation,
  DelegationChain,
  DelegationIdentity,
  ECDSAKeyIdentity,
  Ed25519KeyIdentity,
} from '@dfinity/identity';
import { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';
import { decodeCbor, parsePublicKeyDer, selfAuthenticatingPrincipal } from '@citadel/protocol';
import { sha256 } from '@noble/hashes/sha2.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestNetwork } from '../../../infra/replica/src/integration/harness.js';
import { startTestNetwork } from '../../../infra/replica/src/integration/harness.js';
import {
  type InstructionMeter,
  meterInstructions,
} from '../../../infra/replica/src/integration/instruction-meter.js';
import { contractIdlFactory } from '../testing/contract.js';
import type {
  CandidDeviceData,
  CandidGetDelegationResponse,
  IdentityService,
} from './candid/interface.js';

/**
 * The identity canister built from source (`dist/internet_identity.wasm.gz`) on the real
 * replica, called through @dfinity/agent with the interface written out from the contract
 * (`testing/contract.ts`) by Ed25519 identities whose keys are the devices (so a call signed
 * by one comes from `selfAuthenticating(device.pubkey)`). Canister signatures are checked with
 * DFINITY's own code: `Certificate.create`, `reconstruct` and `lookup_path` from
 * @dfinity/agent. The replica's clock can be moved forward to expire signatures. Instruction
 * counts are read from the replica and printed.
 */

const WASM = new URL('../dist/internet_identity.wasm.gz', import.meta.url);
const DAPP = 'http://localhost:5173';
const OTHER_DAPP = 'http://notes.localhost:4943';
const SECOND_NS = 1_000_000_000n;

const controller = Ed25519KeyIdentity.generate();
const alice = Ed25519KeyIdentity.generate();
const stranger = Ed25519KeyIdentity.generate();

const derOf = (identity: Ed25519KeyIdentity) => new Uint8Array(identity.getPublicKey().toDer());

function device(pubkey: Uint8Array, overrides: Partial<CandidDeviceData> = {}): CandidDeviceData {
  return {
    pubkey,
    alias: 'Laptop',
    credential_id: [crypto.getRandomValues(new Uint8Array(32))],
    purpose: { authentication: null },
    key_type: { platform: null },
    protection: { unprotected: null },
    origin: [DAPP],
    ...overrides,
  };
}

/** The signed delegation of a response, failing the test on `no_such_delegation`. */
function signed(response: CandidGetDelegationResponse) {
  if (!('signed_delegation' in response)) {
    throw new Error('expected a signed delegation, got no_such_delegation');
  }
  return response.signed_delegation;
}

const millions = (instructions: bigint) => `${(Number(instructions) / 1e6).toFixed(1)} M`;

describe('internet identity canister on the replica', () => {
  let net: TestNetwork;
  let ii: Principal;
  let meter: InstructionMeter;
  /** How far the replica's clock runs ahead of the wall clock. */
  let clockAheadNs = 0n;
  let asAlice: ActorSubclass<IdentityService>;
  let asStranger: ActorSubclass<IdentityService>;
  let anchor: bigint;

  const actor = async (identity: Identity): Promise<ActorSubclass<IdentityService>> =>
    Actor.createActor<IdentityService>(contractIdlFactory, {
      agent: await net.agent(identity),
      canisterId: ii,
    });

  /** A session key as auth-client makes by default: ECDSA P-256, 91-byte DER. */
  const sessionKey = async () => {
    const identity = await ECDSAKeyIdentity.generate();
    return { identity, der: new Uint8Array(identity.getPublicKey().toDer()) };
  };

  beforeAll(async () => {
    if (!existsSync(WASM)) {
      throw new Error(
        `${WASM.pathname} is missing: run \`node tools/build-canisters.mjs internet_identity\`.`,
      );
    }
    net = await startTestNetwork({
      clockNs: () => BigInt(Date.now()) * 1_000_000n + clockAheadNs,
    });
    ii = await net.deploy(controller, new Uint8Array(readFileSync(WASM)));
    meter = meterInstructions(net, ii);
    [asAlice, asStranger] = await Promise.all([actor(alice), actor(stranger)]);
  }, 120_000);
  afterAll(() => net?.close());

  it('registers an anchor for the identity whose DER key is the device', async () => {
    const laptop = device(derOf(alice));
    const response = await asAlice.register(laptop);
    expect(response).toEqual({ registered: { user_number: 10_000n } });
    anchor = 10_000n;
    expect(await asStranger.stats()).toEqual({ anchors: 1n, signatures: 0n });
    // Public lookups blank the alias, as the real II does.
    expect(await asStranger.lookup(anchor)).toEqual([{ ...laptop, alias: '' }]);
    expect(await asStranger.lookup_device_key(laptop.credential_id[0] as Uint8Array)).toEqual([
      { pubkey: laptop.pubkey, anchor_number: anchor },
    ]);
    expect(await asStranger.lookup(10_001n)).toEqual([]);
  });

  it('refuses to register a device for a caller that does not hold its key', async () => {
    await expect(asStranger.register(device(derOf(Ed25519KeyIdentity.generate())))).rejects.toThrow(
      `${stranger.getPrincipal().toText()} is not authorized to register this device`,
    );
    expect((await asStranger.stats()).anchors).toBe(1n);
  });

  it('refuses every anchor-scoped call from an identity that is not a device of the anchor', async () => {
    const refusal = `${stranger.getPrincipal().toText()} is not authorized to act for anchor ${anchor}`;
    const { der } = await sessionKey();
    await expect(asStranger.add(anchor, device(derOf(stranger)))).rejects.toThrow(refusal);
    await expect(asStranger.remove(anchor, derOf(alice))).rejects.toThrow(refusal);
    await expect(asStranger.get_principal(anchor, DAPP)).rejects.toThrow(refusal);
    await expect(asStranger.prepare_delegation(anchor, DAPP, der, [])).rejects.toThrow(refusal);
    await expect(asStranger.get_delegation(anchor, DAPP, der, 0n)).rejects.toThrow(refusal);
    expect(await asStranger.lookup(anchor)).toHaveLength(1);
  });

  it('adds a device that can then act for the anchor, and removes it again', async () => {
    const phone = Ed25519KeyIdentity.generate();
    const asPhone = await actor(phone);
    await expect(asPhone.get_principal(anchor, DAPP)).rejects.toThrow(/not authorized/);
    await asAlice.add(anchor, device(derOf(phone), { alias: 'Phone' }));
    expect(await asPhone.get_principal(anchor, DAPP)).toEqual(
      await asAlice.get_principal(anchor, DAPP),
    );
    expect(await asAlice.lookup(anchor)).toHaveLength(2);
    // A device may remove itself; the anchor's last device stays.
    await asPhone.remove(anchor, derOf(phone));
    await expect(asPhone.get_principal(anchor, DAPP)).rejects.toThrow(/not authorized/);
    await expect(asAlice.remove(anchor, derOf(alice))).rejects.toThrow(
      `cannot remove the last device of anchor ${anchor}`,
    );
    expect(await asAlice.lookup(anchor)).toHaveLength(1);
  });

  it('gives the anchor one principal per origin, another anchor other principals, each selfAuthenticating(userKey)', async () => {
    const bob = Ed25519KeyIdentity.generate();
    const asBob = await actor(bob);
    const bobs = await asBob.register(device(derOf(bob)));
    expect(bobs).toEqual({ registered: { user_number: anchor + 1n } });
    const principals = await Promise.all([
      asAlice.get_principal(anchor, DAPP),
      asAlice.get_principal(anchor, OTHER_DAPP),
      asBob.get_principal(anchor + 1n, DAPP),
      asBob.get_principal(anchor + 1n, OTHER_DAPP),
    ]);
    expect(new Set(principals.map((principal) => principal.toText())).size).toBe(4);
    expect(principals.every((principal) => principal.toUint8Array().length === 29)).toBe(true);

    const { der } = await sessionKey();
    const [userKey] = await asAlice.prepare_delegation(anchor, DAPP, der, []);
    expect(Principal.selfAuthenticating(userKey).toText()).toBe(principals[0]?.toText());
    const parsed = parsePublicKeyDer(userKey);
    expect(parsed.kind).toBe('canister-signature');
    expect('canisterId' in parsed && Principal.fromUint8Array(parsed.canisterId).toText()).toBe(
      ii.toText(),
    );
  });

  it('signs a delegation whose canister signature verifies with @dfinity/agent against the root key', async () => {
    const { der } = await sessionKey();
    const ttlNs = 8n * 3_600n * SECOND_NS;
    const before = BigInt(Date.now()) * 1_000_000n + clockAheadNs;
    const [userKey, expiration] = await asAlice.prepare_delegation(anchor, DAPP, der, [ttlNs]);
    const prepareCost = meter.last('prepare_delegation');
    expect(expiration).toBeGreaterThanOrEqual(before + ttlNs);
    expect(expiration).toBeLessThan(before + ttlNs + 60n * SECOND_NS);

    const response = signed(await asAlice.get_delegation(anchor, DAPP, der, expiration));
    const getCost = meter.last('get_delegation');
    expect(response.delegation).toEqual({ pubkey: der, expiration, targets: [] });

    const signature = decodeCbor(response.signature) as { certificate: Uint8Array; tree: HashTree };
    const certificate = await Certificate.create({
      certificate: signature.certificate,
      rootKey: net.replica.rootKeyDer,
      canisterId: ii,
    });
    const certified = certificate.lookup_path(['canister', ii.toUint8Array(), 'certified_data']);
    expect(certified.status).toBe(LookupPathStatus.Found);
    const treeRoot = await reconstruct(signature.tree);
    expect('value' in certified && new Uint8Array(certified.value)).toEqual(treeRoot);

    // The leaf at sig / H(seed) / H(payload), the payload as @dfinity/identity signs it.
    const seed = (parsePublicKeyDer(userKey) as { seed: Uint8Array }).seed;
    const payload = new Uint8Array([
      ...IC_REQUEST_AUTH_DELEGATION_DOMAIN_SEPARATOR,
      ...requestIdOf({ ...new Delegation(der, expiration) }),
    ]);
    const leaf = lookup_path(['sig', sha256(seed), sha256(payload)], signature.tree);
    expect(leaf.status).toBe(LookupPathStatus.Found);
    expect('value' in leaf && leaf.value).toHaveLength(0);
    expect(selfAuthenticatingPrincipal(userKey)).toEqual(
      (await asAlice.get_principal(anchor, DAPP)).toUint8Array(),
    );

    console.log(
      `instructions: prepare_delegation ${millions(prepareCost)}, get_delegation ${millions(getCost)}, ` +
        `get_principal ${millions((await asAlice.get_principal(anchor, DAPP), meter.last('get_principal')))}`,
    );
    expect(getCost).toBeLessThan(prepareCost);
    expect(prepareCost).toBeLessThan(400_000_000n);
  });

  it('logs a session key into another canister as the anchor principal for the dApp', async () => {
    const session = await sessionKey();
    const [userKey, expiration] = await asAlice.prepare_delegation(anchor, DAPP, session.der, []);
    const { delegation, signature } = signed(
      await asAlice.get_delegation(anchor, DAPP, session.der, expiration),
    );
    // What auth-client builds from II's answer (targets left out, §7 pitfall 5).
    const chain = DelegationChain.fromDelegations(
      [
        {
          delegation: new Delegation(delegation.pubkey, delegation.expiration),
          signature: signature as Signature,
        },
      ],
      userKey as DerEncodedPublicKey,
    );
    const user = DelegationIdentity.fromDelegation(session.identity, chain);
    const dappCanister = await net.deployProbe(controller);
    const probe = await net.probe(dappCanister, user);
    const expected = (await asAlice.get_principal(anchor, DAPP)).toText();
    expect(user.getPrincipal().toText()).toBe(expected);
    expect((await probe.whoami_update()).toText()).toBe(expected);
    expect((await probe.whoami()).toText()).toBe(expected);
  });

  it('answers no_such_delegation for any request that was not prepared exactly so', async () => {
    const { der } = await sessionKey();
    const [, expiration] = await asAlice.prepare_delegation(anchor, DAPP, der, []);
    const other = (await sessionKey()).der;
    for (const response of await Promise.all([
      asAlice.get_delegation(anchor, DAPP, der, expiration + 1n),
      asAlice.get_delegation(anchor, OTHER_DAPP, der, expiration),
      asAlice.get_delegation(anchor, DAPP, other, expiration),
    ])) {
      expect(response).toEqual({ no_such_delegation: null });
    }
    signed(await asAlice.get_delegation(anchor, DAPP, der, expiration));
  });

  it('stops handing out a signature a minute after prepare_delegation, and prunes it on a later one', async () => {
    const { der } = await sessionKey();
    const [, expiration] = await asAlice.prepare_delegation(anchor, DAPP, der, []);
    signed(await asAlice.get_delegation(anchor, DAPP, der, expiration));
    const held = (await asAlice.stats()).signatures;
    expect(held).toBeGreaterThan(0n);

    clockAheadNs += 61n * SECOND_NS;
    expect(await asAlice.get_delegation(anchor, DAPP, der, expiration)).toEqual({
      no_such_delegation: null,
    });
    // The next signature prunes every expired one (fewer than 50 here).
    const fresh = (await sessionKey()).der;
    const [, freshExpiration] = await asAlice.prepare_delegation(anchor, DAPP, fresh, []);
    expect(await asAlice.stats()).toMatchObject({ signatures: 1n });
    signed(await asAlice.get_delegation(anchor, DAPP, fresh, freshExpiration));
  });

  it('keeps anchors and principals across an upgrade, and starts a new signature map', async () => {
    const principal = await asAlice.get_principal(anchor, DAPP);
    const { der } = await sessionKey();
    const [, expiration] = await asAlice.prepare_delegation(anchor, DAPP, der, []);

    const management = await net.management(controller);
    await management.install_code({
      mode: { upgrade: [] },
      canister_id: ii,
      wasm_module: new Uint8Array(readFileSync(WASM)),
      arg: new Uint8Array(IDL.encode([], [])),
      sender_canister_version: [],
    });
    meter.attach();

    expect((await asAlice.get_principal(anchor, DAPP)).toText()).toBe(principal.toText());
    expect(await asAlice.stats()).toEqual({ anchors: 2n, signatures: 0n });
    expect(await asAlice.get_delegation(anchor, DAPP, der, expiration)).toEqual({
      no_such_delegation: null,
    });
    // The certified data was reset with the map: a new signature verifies again.
    const [, again] = await asAlice.prepare_delegation(anchor, DAPP, der, []);
    const signature = decodeCbor(
      signed(await asAlice.get_delegation(anchor, DAPP, der, again)).signature,
    ) as { certificate: Uint8Array; tree: HashTree };
    const certificate = await Certificate.create({
      certificate: signature.certificate,
      rootKey: net.replica.rootKeyDer,
      canisterId: ii,
    });
    const certified = certificate.lookup_path(['canister', ii.toUint8Array(), 'certified_data']);
    expect('value' in certified && new Uint8Array(certified.value)).toEqual(
      await reconstruct(signature.tree),
    );
  });

  it('refuses bad input with a clear message and keeps serving', async () => {
    const { der } = await sessionKey();
    const oversized = new Uint8Array(301);
    await expect(asAlice.add(anchor, device(oversized))).rejects.toThrow(
      'pubkey must be at most 300 bytes; it has 301',
    );
    await expect(
      asAlice.add(anchor, device(derOf(Ed25519KeyIdentity.generate()), { alias: 'a'.repeat(65) })),
    ).rejects.toThrow('alias must be at most 64 characters; it has 65');
    await expect(
      asAlice.add(
        anchor,
        device(derOf(Ed25519KeyIdentity.generate()), {
          credential_id: [new Uint8Array(351)],
        }),
      ),
    ).rejects.toThrow('credential_id must be at most 350 bytes; it has 351');
    await expect(asAlice.get_principal(99_999n, DAPP)).rejects.toThrow(
      'anchor 99999 does not exist',
    );
    await expect(asAlice.prepare_delegation(anchor, DAPP, new Uint8Array(301), [])).rejects.toThrow(
      'session key must be 1 to 300 bytes; it has 301',
    );
    await expect(asAlice.prepare_delegation(anchor, 'x'.repeat(256), der, [])).rejects.toThrow(
      'frontend hostname must be 1 to 255 bytes of UTF-8; it has 256',
    );
    await expect(asAlice.add(anchor, device(derOf(alice)))).rejects.toThrow(
      'this pubkey is already registered',
    );
    const newcomer = Ed25519KeyIdentity.generate();
    expect(
      await (await actor(newcomer)).register(device(derOf(newcomer), { alias: 'x'.repeat(65) })),
    ).toEqual({ bad_device: 'alias must be at most 64 characters; it has 65' });

    // Fill the anchor to 8 devices; the 9th is refused.
    for (let count = (await asAlice.lookup(anchor)).length; count < 8; count++) {
      await asAlice.add(anchor, device(derOf(Ed25519KeyIdentity.generate())));
    }
    await expect(asAlice.add(anchor, device(derOf(Ed25519KeyIdentity.generate())))).rejects.toThrow(
      `anchor ${anchor} already has 8 devices, the most allowed`,
    );

    // get_delegation called as an update has no data certificate to sign with.
    const asUpdate = Actor.createActor<Pick<IdentityService, 'get_delegation'>>(
      ({ IDL: I }) =>
        I.Service({
          get_delegation: I.Func(
            [I.Nat64, I.Text, I.Vec(I.Nat8), I.Nat64],
            [I.Variant({ no_such_delegation: I.Null })],
            [],
          ),
        }),
      { agent: await net.agent(alice), canisterId: ii },
    );
    await expect(asUpdate.get_delegation(anchor, DAPP, der, 0n)).rejects.toThrow(
      'get_delegation must be called as a query',
    );

    // Still serving.
    expect(await asAlice.lookup(anchor)).toHaveLength(8);
    const [, expiration] = await asAlice.prepare_delegation(anchor, DAPP, der, []);
    signed(await asAlice.get_delegation(anchor, DAPP, der, expiration));
  });

  it('measures registration, adding a device and lookups', async () => {
    const newcomer = Ed25519KeyIdentity.generate();
    const asNewcomer = await actor(newcomer);
    const response = await asNewcomer.register(device(derOf(newcomer)));
    const registerCost = meter.last('register');
    const newAnchor = 'registered' in response ? response.registered.user_number : -1n;
    await asNewcomer.add(newAnchor, device(derOf(Ed25519KeyIdentity.generate())));
    const addCost = meter.last('add');
    await asAlice.lookup(anchor);
    const lookupCost = meter.last('lookup');
    console.log(
      `instructions: register ${millions(registerCost)}, add ${millions(addCost)}, ` +
        `lookup of 8 devices ${millions(lookupCost)}`,
    );
    expect(registerCost).toBeLessThan(100_000_000n);
  });
});
