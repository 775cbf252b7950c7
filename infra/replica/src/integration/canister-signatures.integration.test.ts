import {
  CanisterSignatureErrorCode,
  decodeCbor,
  decodeCertificate,
  encodeCanisterSignaturePublicKeyDer,
  encodeCbor,
  encodeCertificate,
  principalToText,
  selfAuthenticatingPrincipal,
  stateNode,
  hashStateTree,
  witness,
} from '@citadel/protocol';
import type { CborMap, HashTree, StateTree } from '@citadel/protocol';
import type { ActorSubclass, DerEncodedPublicKey, PublicKey, Signature } from '@dfinity/agent';
import {
  Actor,
  HttpAgent,
  IC_REQUEST_AUTH_DELEGATION_DOMAIN_SEPARATOR,
  SignIdentity,
  requestIdOf,
} from '@dfinity/agent';
import {
  Delegation,
  DelegationChain,
  DelegationIdentity,
  ECDSAKeyIdentity,
  Ed25519KeyIdentity,
} from '@dfinity/identity';
import { Principal } from '@dfinity/principal';
import { sha256 } from '@noble/hashes/sha2.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IngressErrorCode } from '../auth/index.js';
import type { ServedNetwork, TestNetwork } from './harness.js';
import { startTestNetwork } from './harness.js';
import type { ProbeActor } from './probe.js';
import { probeIdlFactory } from './probe.js';

// Internet Identity's delegations, end to end through the HTTP interface on a real socket: a
// probe canister plays II (it certifies a signature map and hands out `ic0.data_certificate`
// from a query), the chain is built with unmodified @dfinity/identity, and @dfinity/agent calls
// another canister with the session key. The caller must be the self-authenticating principal
// of the canister-signature key; every broken signature must be refused with its own code.

const owner = Ed25519KeyIdentity.generate();
const MINUTE_MS = 60_000;

/** One refused HTTP answer, as the agent's fetch saw it. */
interface Refusal {
  readonly status: number;
  readonly code: string | null;
  readonly text: string;
}

/**
 * A canister that issues canister signatures the way II does (digest §3.4): its signature map
 * `/sig/H(seed)/H(message) → ""` lives in the test, the probe certifies the map's root hash
 * (update) and reads the certificate (query), and the signature is that certificate with the
 * map's witness for one path.
 */
class ProbeSigner {
  readonly #entries = new Map<string, [Uint8Array, Uint8Array[]]>();

  constructor(
    readonly canisterId: Principal,
    readonly probe: ActorSubclass<ProbeActor>,
  ) {}

  publicKeyDer(seed: Uint8Array): Uint8Array {
    return encodeCanisterSignaturePublicKeyDer(this.canisterId.toUint8Array(), seed);
  }

  /** Adds the message to the map, certifies the new root and returns the CBOR signature. */
  async sign(seed: Uint8Array, message: Uint8Array): Promise<Uint8Array> {
    const key = bytesKey(seed);
    const [, messages] = this.#entries.get(key) ?? [seed, []];
    this.#entries.set(key, [seed, [...messages, message]]);
    await this.probe.set_certified(hashStateTree(this.map()));
    return encodeCbor({ certificate: await this.certificate(), tree: this.witness(seed, message) });
  }

  /** The certificate `ic0.data_certificate` gives the canister now. */
  async certificate(): Promise<Uint8Array> {
    const [certificate] = await this.probe.certificate();
    if (certificate === undefined) {
      throw new Error('the probe got no data certificate in a query');
    }
    return certificate;
  }

  witness(seed: Uint8Array, message: Uint8Array): HashTree {
    return witness(this.map(), [['sig', sha256(seed), sha256(message)]]);
  }

  private map(): StateTree {
    return stateNode([
      [
        'sig',
        stateNode(
          [...this.#entries.values()].map(([seed, messages]) => [
            sha256(seed),
            stateNode(messages.map((message) => [sha256(message), new Uint8Array()])),
          ]),
        ),
      ],
    ]);
  }
}

function bytesKey(bytes: Uint8Array): string {
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** A session key delegated from a canister-signature key, as II's `get_delegation` returns it. */
interface IiDelegation {
  readonly identity: DelegationIdentity;
  readonly userKeyDer: Uint8Array;
  readonly delegation: Delegation;
  readonly signature: Uint8Array;
  readonly session: Ed25519KeyIdentity;
}

interface DelegateParams {
  readonly seed?: Uint8Array;
  readonly expirationMs?: number;
  readonly targets?: Principal[];
  /** Rewrites the signature before the chain is built (tampering). */
  readonly tamper?: (signature: Uint8Array) => Uint8Array | Promise<Uint8Array>;
  /** The key the chain claims as its root. @default the signer's key for the seed */
  readonly userKeyDer?: Uint8Array;
}

/**
 * The client delegation of II's authorize flow (digest §1.2, §2): the canister signs
 * `"\x1Aic-request-auth-delegation" ‖ request id of {pubkey, expiration, targets?}` — computed
 * here with the agent's own `requestIdOf` — and the dapp builds the chain with
 * `DelegationChain.fromDelegations(delegations, userPublicKey)`.
 */
async function delegateFrom(
  signer: ProbeSigner,
  params: DelegateParams = {},
): Promise<IiDelegation> {
  const seed = params.seed ?? crypto.getRandomValues(new Uint8Array(32));
  const session = Ed25519KeyIdentity.generate();
  const expirationNs = BigInt(Date.now() + (params.expirationMs ?? 30 * MINUTE_MS)) * 1_000_000n;
  const delegation = new Delegation(session.getPublicKey().toDer(), expirationNs, params.targets);
  const payload = new Uint8Array([
    ...IC_REQUEST_AUTH_DELEGATION_DOMAIN_SEPARATOR,
    ...requestIdOf({ ...delegation }),
  ]);
  const signed = await signer.sign(seed, payload);
  const signature = params.tamper ? await params.tamper(signed) : signed;
  const userKeyDer = params.userKeyDer ?? signer.publicKeyDer(seed);
  const chain = DelegationChain.fromDelegations(
    [{ delegation, signature: signature as Signature }],
    userKeyDer as DerEncodedPublicKey,
  );
  return {
    identity: DelegationIdentity.fromDelegation(session, chain),
    userKeyDer,
    delegation,
    signature,
    session,
  };
}

/** Changes a CBOR canister signature's `tree` or `certificate`. */
function rewrite(signature: Uint8Array, change: (map: CborMap) => CborMap): Uint8Array {
  return encodeCbor(change(decodeCbor(signature) as CborMap));
}

/** A SignIdentity whose key is a canister-signature key: `sign` asks the canister. */
class CanisterSignatureIdentity extends SignIdentity {
  constructor(
    readonly signer: ProbeSigner,
    readonly seed: Uint8Array,
  ) {
    super();
  }

  getPublicKey(): PublicKey {
    const der = this.signer.publicKeyDer(this.seed) as DerEncodedPublicKey;
    return { toDer: () => der };
  }

  async sign(blob: Uint8Array): Promise<Signature> {
    return (await this.signer.sign(this.seed, blob)) as Signature;
  }
}

describe('canister signatures (Internet Identity delegations)', () => {
  let net: TestNetwork;
  let served: ServedNetwork;
  let signer: ProbeSigner;
  let target: Principal;
  let other: Principal;
  const refusals: Refusal[] = [];

  /** fetch that remembers every refused answer, so tests can check the stable code. */
  const recordingFetch: typeof fetch = async (input, init) => {
    const response = await fetch(input, init);
    if (response.status >= 400) {
      refusals.push({
        status: response.status,
        code: response.headers.get('x-citadel-error-code'),
        text: await response.clone().text(),
      });
    }
    return response;
  };

  async function probeAs(
    identity: SignIdentity,
    canisterId: Principal = target,
    options: { refused?: boolean } = {},
  ): Promise<ActorSubclass<ProbeActor>> {
    const agent = await HttpAgent.create({
      host: served.url,
      identity,
      fetch: recordingFetch,
      shouldFetchRootKey: true,
      // Refusals are final; the agent's default retries would only repeat them.
      retryTimes: 0,
      // A refused identity is refused on the node-key read_state too, which the agent logs.
      verifyQuerySignatures: options.refused !== true,
    });
    return Actor.createActor<ProbeActor>(probeIdlFactory, { agent, canisterId });
  }

  /**
   * The update and the query both fail with HTTP 400 and `code`; the text names `causeCode`.
   * Then the network still serves a good session.
   */
  async function expectRefused(
    identity: SignIdentity,
    code: string,
    causeCode?: string,
  ): Promise<Refusal> {
    const probe = await probeAs(identity, target, { refused: true });
    let last: Refusal | undefined;
    for (const call of [() => probe.whoami_update(), () => probe.whoami()]) {
      refusals.length = 0;
      await expect(call()).rejects.toThrow();
      last = refusals.at(-1);
      expect(last?.status).toBe(400);
      expect(last?.code).toBe(code);
      if (causeCode !== undefined) {
        expect(last?.text).toContain(`(${causeCode})`);
      }
    }
    const good = await delegateFrom(signer);
    const goodProbe = await probeAs(good.identity);
    expect((await goodProbe.whoami_update()).toText()).toBe(good.identity.getPrincipal().toText());
    return last as Refusal;
  }

  beforeAll(async () => {
    net = await startTestNetwork();
    served = await net.serve();
    const signerId = await net.deployProbe(owner);
    signer = new ProbeSigner(signerId, await net.probe(signerId, owner));
    target = await net.deployProbe(owner);
    other = await net.deployProbe(owner);
  });
  afterAll(() => net.close());

  it('calls updates and queries as the self-authenticating principal of the canister-signature key', async () => {
    const { identity, userKeyDer } = await delegateFrom(signer);
    const expected = principalToText(selfAuthenticatingPrincipal(userKeyDer));
    expect(Principal.selfAuthenticating(userKeyDer).toText()).toBe(expected);
    expect(identity.getPrincipal().toText()).toBe(expected);
    const probe = await probeAs(identity);
    expect((await probe.whoami_update()).toText()).toBe(expected);
    expect((await probe.whoami()).toText()).toBe(expected);
    expect(userKeyDer.length).toBe(62);
  });

  it('calls as the same principal for the same seed across sessions, and another for another seed', async () => {
    const seed = crypto.getRandomValues(new Uint8Array(32));
    const first = await delegateFrom(signer, { seed });
    const second = await delegateFrom(signer, { seed });
    const third = await delegateFrom(signer);
    const [a, b, c] = await Promise.all(
      [first, second, third].map(async ({ identity }) => (await probeAs(identity)).whoami_update()),
    );
    expect(a?.toText()).toBe(b?.toText());
    expect(c?.toText()).not.toBe(a?.toText());
  });

  it('accepts a chain that DelegationChain.create signs through a canister-signature SignIdentity, with the canister among its targets', async () => {
    const root = new CanisterSignatureIdentity(signer, crypto.getRandomValues(new Uint8Array(32)));
    const session = await ECDSAKeyIdentity.generate();
    const chain = await DelegationChain.create(
      root,
      session.getPublicKey(),
      new Date(Date.now() + 10 * MINUTE_MS),
      { targets: [target] },
    );
    const identity = DelegationIdentity.fromDelegation(session, chain);
    const probe = await probeAs(identity);
    expect((await probe.whoami_update()).toText()).toBe(root.getPrincipal().toText());
    expect((await probe.whoami()).toText()).toBe(root.getPrincipal().toText());
  });

  it('accepts requests that a canister-signature key signs itself, without a delegation', async () => {
    const identity = new CanisterSignatureIdentity(
      signer,
      crypto.getRandomValues(new Uint8Array(32)),
    );
    const probe = await probeAs(identity);
    expect((await probe.whoami_update()).toText()).toBe(identity.getPrincipal().toText());
    expect((await probe.whoami()).toText()).toBe(identity.getPrincipal().toText());
  });

  it('accepts a session key that delegates further, rooted in the canister-signature key', async () => {
    const { identity: first, session } = await delegateFrom(signer);
    const leaf = Ed25519KeyIdentity.generate();
    const chain = await DelegationChain.create(
      session,
      leaf.getPublicKey(),
      new Date(Date.now() + 5 * MINUTE_MS),
      { previous: first.getDelegation() },
    );
    const identity = DelegationIdentity.fromDelegation(leaf, chain);
    const probe = await probeAs(identity);
    expect((await probe.whoami_update()).toText()).toBe(first.getPrincipal().toText());
  });

  it('refuses a call to a canister outside the delegation targets with REPLICA_INGRESS_NOT_A_DELEGATION_TARGET', async () => {
    const { identity } = await delegateFrom(signer, { targets: [other] });
    const refusal = await expectRefused(identity, IngressErrorCode.NOT_A_DELEGATION_TARGET);
    expect(refusal.text).toBe(
      `Canister '${target.toText()}' is not one of the delegation targets.`,
    );
    const allowed = await probeAs(identity, other);
    expect((await allowed.whoami_update()).toText()).toBe(identity.getPrincipal().toText());
  });

  it('refuses an expired delegation with REPLICA_INGRESS_DELEGATION_EXPIRED', async () => {
    const { identity } = await delegateFrom(signer, { expirationMs: -MINUTE_MS });
    const refusal = await expectRefused(identity, IngressErrorCode.DELEGATION_EXPIRED);
    expect(refusal.text).toMatch(
      /^Invalid delegation expiry: Specified sender delegation has expired/,
    );
  });

  it('refuses a signature whose tree had a byte flipped with PROTO_CANISTER_SIG_NOT_CERTIFIED', async () => {
    const { identity } = await delegateFrom(signer, {
      tamper: (signature) =>
        rewrite(signature, (map) => ({ ...map, tree: flipLastLabelByte(map['tree'] as HashTree) })),
    });
    const refusal = await expectRefused(
      identity,
      IngressErrorCode.INVALID_DELEGATION,
      CanisterSignatureErrorCode.NOT_CERTIFIED,
    );
    expect(refusal.text).toMatch(
      /^Invalid delegation: delegation 1 of 1: Signature rejected: canister signature: /,
    );
  });

  it('refuses a signature whose certificate had a byte flipped with PROTO_CANISTER_SIG_CERTIFICATE_INVALID', async () => {
    const { identity } = await delegateFrom(signer, {
      tamper: (signature) =>
        rewrite(signature, (map) => {
          const certificate = decodeCertificate(map['certificate'] as Uint8Array);
          const flipped = certificate.signature.slice();
          flipped[20] ^= 0x01;
          return { ...map, certificate: encodeCertificate({ ...certificate, signature: flipped }) };
        }),
    });
    await expectRefused(
      identity,
      IngressErrorCode.INVALID_DELEGATION,
      CanisterSignatureErrorCode.CERTIFICATE_INVALID,
    );
  });

  it('refuses a tree read with a certificate from after the canister certified other data (PROTO_CANISTER_SIG_NOT_CERTIFIED), while the signature assembled before stays valid', async () => {
    const seed = crypto.getRandomValues(new Uint8Array(32));
    let stale: Uint8Array | undefined;
    const before = await delegateFrom(signer, {
      seed,
      tamper: async (signature) => {
        // The canister certifies something else (as II does when it adds the next user's
        // signature) before the witness of this one is paired with a certificate.
        await signer.probe.set_certified(new Uint8Array(32).fill(0xee));
        const { tree } = decodeCbor(signature) as CborMap;
        stale = encodeCbor({ certificate: await signer.certificate(), tree: tree as HashTree });
        return signature;
      },
    });
    // The interface spec sets no freshness bound on a canister signature's certificate.
    const probe = await probeAs(before.identity);
    expect((await probe.whoami_update()).toText()).toBe(before.identity.getPrincipal().toText());

    const chain = DelegationChain.fromDelegations(
      [{ delegation: before.delegation, signature: stale as Signature }],
      before.userKeyDer as DerEncodedPublicKey,
    );
    const refusal = await expectRefused(
      DelegationIdentity.fromDelegation(before.session, chain),
      IngressErrorCode.INVALID_DELEGATION,
      CanisterSignatureErrorCode.NOT_CERTIFIED,
    );
    expect(refusal.text).toContain('eeeeeeee');
  });

  it('refuses a key naming another canister than the one whose data is certified (PROTO_CANISTER_SIG_NO_CERTIFIED_DATA)', async () => {
    const seed = crypto.getRandomValues(new Uint8Array(32));
    const { identity } = await delegateFrom(signer, {
      seed,
      userKeyDer: encodeCanisterSignaturePublicKeyDer(target.toUint8Array(), seed),
    });
    await expectRefused(
      identity,
      IngressErrorCode.INVALID_DELEGATION,
      CanisterSignatureErrorCode.NO_CERTIFIED_DATA,
    );
  });

  it('refuses a delegation the canister never signed (PROTO_CANISTER_SIG_NOT_IN_TREE)', async () => {
    const signed = await delegateFrom(signer);
    const longer = new Delegation(
      signed.delegation.pubkey,
      signed.delegation.expiration + 1n,
      undefined,
    );
    const chain = DelegationChain.fromDelegations(
      [{ delegation: longer, signature: signed.signature as Signature }],
      signed.userKeyDer as DerEncodedPublicKey,
    );
    await expectRefused(
      DelegationIdentity.fromDelegation(signed.session, chain),
      IngressErrorCode.INVALID_DELEGATION,
      CanisterSignatureErrorCode.NOT_IN_TREE,
    );
  });
});

/** Flips the last byte of the deepest label: the message hash of a single-path witness. */
function flipLastLabelByte(tree: HashTree): HashTree {
  if (tree[0] !== 2) {
    throw new Error('expected a labeled node');
  }
  if (tree[2][0] === 2) {
    return [2, tree[1], flipLastLabelByte(tree[2])];
  }
  const label = tree[1].slice();
  label[label.length - 1] ^= 0x01;
  return [2, label, tree[2]];
}
