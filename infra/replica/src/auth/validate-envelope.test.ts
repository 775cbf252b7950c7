import {
  CitadelError,
  bytesEqual,
  createSignatureVerifier,
  decodeCbor,
  domainSeparated,
  encodeCanisterSignaturePublicKeyDer,
  encodeCbor,
  hashOfMap,
  isCborMap,
  parsePublicKeyDer,
  principalToText,
  requestIdOf,
  selfAuthenticatingPrincipal,
} from '@citadel/protocol';
import type { CborMap, CborValue, SignatureVerifier } from '@citadel/protocol';
import {
  AnonymousIdentity,
  Cbor,
  Endpoint,
  Expiry,
  ReadRequestType,
  SubmitRequestType,
  requestIdOf as agentRequestIdOf,
} from '@dfinity/agent';
import type { HttpAgentRequest, Identity, SignIdentity } from '@dfinity/agent';
import {
  DelegationChain,
  DelegationIdentity,
  ECDSAKeyIdentity,
  Ed25519KeyIdentity,
} from '@dfinity/identity';
import { Secp256k1KeyIdentity } from '@dfinity/identity-secp256k1';
import { Principal } from '@dfinity/principal';
import { describe, expect, it } from 'vitest';

import { IngressError, IngressErrorCode } from './errors.js';
import type { IngressEndpoint, ValidatedRequest } from './types.js';
import { validateEnvelope } from './validate-envelope.js';

const NOW_MS = 1_700_000_000_000;
const NOW_NS = BigInt(NOW_MS) * 1_000_000n;
const MINUTE_MS = 60_000;
const MINUTE_NS = 60_000_000_000n;
const CANISTER = Principal.fromText('rrkah-fqaaa-aaaaa-aaaaq-cai');
const OTHER = Principal.fromText('ryjl3-tyaaa-aaaaa-aaaba-cai');
const THIRD = Principal.fromText('r7inp-6aaaa-aaaaa-aaabq-cai');
const MANAGEMENT = Principal.managementCanister();
const verifier = createSignatureVerifier();

/** The agent's `Expiry` for an exact time (its constructor is private; JSON is its public door). */
function expiryAt(ns: bigint): Expiry {
  return Expiry.fromJSON(JSON.stringify({ __expiry__: ns.toString() }));
}

interface ContentOptions {
  readonly sender?: Principal;
  readonly canisterId?: Principal;
  readonly requestType?: string;
  readonly expiryNs?: bigint;
  readonly nonce?: Uint8Array;
  readonly arg?: Uint8Array;
  readonly paths?: Uint8Array[][];
}

/** Content as HttpAgent builds it (agent/http/index.js `call`, `query`, `createReadStateRequest`). */
function contentFor(identity: Identity, endpoint: IngressEndpoint, options: ContentOptions) {
  const common = {
    sender: options.sender ?? identity.getPrincipal(),
    ingress_expiry: expiryAt(options.expiryNs ?? NOW_NS + 4n * MINUTE_NS),
    ...(options.nonce ? { nonce: options.nonce } : {}),
  };
  if (endpoint === 'read_state') {
    return {
      request_type: options.requestType ?? ReadRequestType.ReadState,
      paths: options.paths ?? [[new TextEncoder().encode('time')]],
      ...common,
    };
  }
  return {
    request_type:
      options.requestType ?? (endpoint === 'call' ? SubmitRequestType.Call : ReadRequestType.Query),
    canister_id: options.canisterId ?? CANISTER,
    method_name: 'greet',
    arg: options.arg ?? new Uint8Array([0x44, 0x49, 0x44, 0x4c, 0x00, 0x00]),
    ...common,
  };
}

const AGENT_ENDPOINT = {
  call: Endpoint.Call,
  query: Endpoint.Query,
  read_state: Endpoint.ReadState,
} as const;

/**
 * A real envelope: the identity's `transformRequest` signs the content, the agent's CBOR
 * encoder writes the bytes the replica would receive, and our decoder reads them back.
 */
async function envelopeOf(
  identity: Identity,
  endpoint: IngressEndpoint = 'call',
  options: ContentOptions = {},
): Promise<CborMap> {
  const body = contentFor(identity, endpoint, options);
  const transformed = (await identity.transformRequest({
    request: {},
    endpoint: AGENT_ENDPOINT[endpoint],
    body,
  } as HttpAgentRequest)) as { body: unknown };
  const decoded = decodeCbor(Cbor.encode(transformed.body));
  if (!isCborMap(decoded)) {
    throw new Error('the agent did not produce a map');
  }
  return decoded;
}

/** Validates an envelope (or the promise of one, so tests can pass `envelopeOf(...)` inline). */
async function validate(
  envelope: CborValue | Promise<CborValue>,
  endpoint: IngressEndpoint = 'call',
  overrides: {
    nowNs?: bigint;
    effectiveCanisterId?: Uint8Array;
    verifier?: Pick<SignatureVerifier, 'verify'>;
  } = {},
): Promise<ValidatedRequest> {
  return validateEnvelope(await envelope, {
    endpoint,
    nowNs: overrides.nowNs ?? NOW_NS,
    effectiveCanisterId: overrides.effectiveCanisterId ?? CANISTER.toUint8Array(),
    verifier: overrides.verifier ?? verifier,
  });
}

async function rejection(run: () => Promise<unknown>): Promise<IngressError> {
  try {
    await run();
  } catch (error) {
    expect(error).toBeInstanceOf(IngressError);
    return error as IngressError;
  }
  return expect.fail('expected an IngressError');
}

async function expectRejected(
  run: () => Promise<unknown>,
  code: IngressErrorCode,
  status = 400,
): Promise<IngressError> {
  const error = await rejection(run);
  expect(error.code).toBe(code);
  expect(error.httpStatus).toBe(status);
  return error;
}

/** A delegation chain from `root` through `hops` fresh Ed25519 keys; returns the last key's identity. */
async function delegate(
  root: SignIdentity,
  hops: { targets?: Principal[]; expirationMs?: number }[],
): Promise<DelegationIdentity> {
  let chain: DelegationChain | undefined;
  let signer: SignIdentity = root;
  for (const hop of hops) {
    const next = Ed25519KeyIdentity.generate();
    chain = await DelegationChain.create(
      signer,
      next.getPublicKey(),
      new Date(hop.expirationMs ?? NOW_MS + 15 * MINUTE_MS),
      { ...(chain ? { previous: chain } : {}), ...(hop.targets ? { targets: hop.targets } : {}) },
    );
    signer = next;
  }
  if (!chain) {
    throw new Error('at least one hop');
  }
  return DelegationIdentity.fromDelegation(signer, chain);
}

function withContent(envelope: CborMap, changes: CborMap): CborMap {
  return { ...envelope, content: { ...(envelope['content'] as CborMap), ...changes } };
}

describe('validateEnvelope with identities of every kind', () => {
  it('validateEnvelope accepts an Ed25519KeyIdentity call and returns the agent request id', async () => {
    const identity = Ed25519KeyIdentity.generate();
    const nonce = new Uint8Array(16).fill(3);
    const envelope = await envelopeOf(identity, 'call', { nonce });
    const request = await validate(envelope);
    const content = contentFor(identity, 'call', { nonce });
    expect(request.requestId).toEqual(new Uint8Array(agentRequestIdOf(content)));
    expect(request.sender).toEqual(identity.getPrincipal().toUint8Array());
    expect(request.targets).toBeNull();
    expect(request.content).toEqual({
      requestType: 'call',
      canisterId: CANISTER.toUint8Array(),
      methodName: 'greet',
      arg: new Uint8Array([0x44, 0x49, 0x44, 0x4c, 0x00, 0x00]),
      sender: identity.getPrincipal().toUint8Array(),
      ingressExpiryNs: NOW_NS + 4n * MINUTE_NS,
      nonce,
    });
  });

  it('validateEnvelope accepts an ECDSAKeyIdentity (WebCrypto P-256) query', async () => {
    const identity = await ECDSAKeyIdentity.generate();
    const request = await validate(await envelopeOf(identity, 'query'), 'query');
    expect(request.content.requestType).toBe('query');
    expect(principalToText(request.sender)).toBe(identity.getPrincipal().toText());
  });

  it('validateEnvelope accepts a Secp256k1KeyIdentity read_state with its paths', async () => {
    const identity = Secp256k1KeyIdentity.generate();
    const paths = [[new TextEncoder().encode('request_status'), new Uint8Array(32).fill(1)]];
    const request = await validate(
      await envelopeOf(identity, 'read_state', { paths }),
      'read_state',
    );
    expect(request.content).toMatchObject({ requestType: 'read_state', paths });
    expect(request.sender).toEqual(identity.getPrincipal().toUint8Array());
  });

  it('validateEnvelope accepts an AnonymousIdentity call, query and read_state without any key', async () => {
    const anonymous = new AnonymousIdentity();
    for (const endpoint of ['call', 'query', 'read_state'] as const) {
      const envelope = await envelopeOf(anonymous, endpoint);
      expect(Object.keys(envelope)).toEqual(['content']);
      expect((await validate(envelope, endpoint)).sender).toEqual(new Uint8Array([4]));
    }
  });

  it('validateEnvelope accepts a DelegationIdentity and reports the chain root as the sender', async () => {
    const root = Ed25519KeyIdentity.generate();
    const identity = await delegate(root, [{}]);
    const request = await validate(await envelopeOf(identity));
    expect(principalToText(request.sender)).toBe(root.getPrincipal().toText());
    expect(request.targets).toBeNull();
  });

  it('validateEnvelope accepts a delegation whose targets include the canister and returns them', async () => {
    const identity = await delegate(Ed25519KeyIdentity.generate(), [
      { targets: [CANISTER, OTHER] },
    ]);
    const request = await validate(await envelopeOf(identity, 'query'), 'query');
    expect(request.targets?.map((t) => Principal.fromUint8Array(t).toText()).sort()).toEqual(
      [CANISTER.toText(), OTHER.toText()].sort(),
    );
  });

  it('validateEnvelope intersects the targets of a chain delegated twice', async () => {
    const root = await ECDSAKeyIdentity.generate();
    const identity = await delegate(root, [
      { targets: [CANISTER, OTHER] },
      { targets: [OTHER, THIRD] },
    ]);
    const request = await validate(
      await envelopeOf(identity, 'call', { canisterId: OTHER }),
      'call',
      {
        effectiveCanisterId: OTHER.toUint8Array(),
      },
    );
    expect(request.targets).toEqual([OTHER.toUint8Array()]);
    expect(principalToText(request.sender)).toBe(root.getPrincipal().toText());
  });

  it('validateEnvelope accepts a chain delegated twice without targets', async () => {
    const identity = await delegate(Secp256k1KeyIdentity.generate(), [{}, {}]);
    expect((await validate(envelopeOf(identity))).targets).toBeNull();
  });

  it('validateEnvelope accepts read_state under a delegation without checking targets', async () => {
    const identity = await delegate(Ed25519KeyIdentity.generate(), [{ targets: [OTHER] }]);
    const request = await validate(await envelopeOf(identity, 'read_state'), 'read_state');
    expect(request.targets).toEqual([OTHER.toUint8Array()]);
  });
});

describe('validateEnvelope rejections', () => {
  it('validateEnvelope fails when the content was changed after signing', async () => {
    const envelope = await envelopeOf(Ed25519KeyIdentity.generate());
    const error = await expectRejected(
      () => validate(withContent(envelope, { arg: new Uint8Array([1]) })),
      IngressErrorCode.INVALID_SIGNATURE,
    );
    expect(error.message).toMatch(/^Invalid signature: .* \(PROTO_SIG_INVALID\)$/);
    expect(error.details['code']).toBe('PROTO_SIG_INVALID');
  });

  it('validateEnvelope fails when the signature comes from another key', async () => {
    const identity = await ECDSAKeyIdentity.generate();
    const envelope = await envelopeOf(identity);
    const forged = await envelopeOf(await ECDSAKeyIdentity.generate());
    await expectRejected(
      () => validate({ ...envelope, sender_sig: forged['sender_sig'] }),
      IngressErrorCode.INVALID_SIGNATURE,
    );
  });

  it('validateEnvelope fails when the sender is not the principal of sender_pubkey', async () => {
    const identity = Ed25519KeyIdentity.generate();
    const someoneElse = Ed25519KeyIdentity.generate().getPrincipal();
    const error = await expectRejected(
      () => validate(envelopeOf2(identity, { sender: someoneElse })),
      IngressErrorCode.SENDER_KEY_MISMATCH,
    );
    expect(error.message).toMatch(
      new RegExp(`^The user id '${someoneElse.toText()}' does not match the public key '302a`),
    );
  });

  it('validateEnvelope fails when a non-anonymous sender sends no signature', async () => {
    const sender = Ed25519KeyIdentity.generate().getPrincipal();
    const envelope = await envelopeOf(new AnonymousIdentity(), 'query', { sender });
    const error = await expectRejected(
      () => validate(envelope, 'query'),
      IngressErrorCode.MISSING_SIGNATURE,
    );
    expect(error.message).toBe(`Missing signature from user: ${sender.toText()}`);
  });

  it('validateEnvelope fails when the anonymous sender signs', async () => {
    const envelope = await envelopeOf(Ed25519KeyIdentity.generate(), 'call', {
      sender: Principal.anonymous(),
    });
    const error = await expectRejected(() => validate(envelope), IngressErrorCode.ANONYMOUS_SIGNED);
    expect(error.message).toBe('Signature is not allowed for the anonymous user.');
  });

  it('validateEnvelope fails when sender_pubkey comes without sender_sig', async () => {
    const envelope = await envelopeOf(Ed25519KeyIdentity.generate());
    const withoutSig: CborMap = {
      content: envelope['content'],
      sender_pubkey: envelope['sender_pubkey'],
    };
    await expectRejected(() => validate(withoutSig), IngressErrorCode.MALFORMED);
  });

  it('validateEnvelope fails with the "Invalid request expiry: " prefix when the expiry has passed', async () => {
    const envelope = await envelopeOf(Ed25519KeyIdentity.generate(), 'call', {
      expiryNs: NOW_NS - 1n,
    });
    const error = await expectRejected(() => validate(envelope), IngressErrorCode.EXPIRY);
    expect(error.message).toMatch(
      /^Invalid request expiry: Specified ingress_expiry not within expected range: Minimum allowed expiry: 2023-11-14 22:13:20\.000000000 UTC, Maximum allowed expiry: 2023-11-14 22:18:50\.000000000 UTC, Provided expiry: 2023-11-14 22:13:19\.999999999 UTC$/,
    );
  });

  it('validateEnvelope fails when the expiry is more than 5 min 30 s ahead', async () => {
    const identity = Ed25519KeyIdentity.generate();
    const limit = NOW_NS + 5n * MINUTE_NS + 30_000_000_000n;
    await expect(validate(envelopeOf2(identity, { expiryNs: limit }))).resolves.toBeDefined();
    await expectRejected(
      () => validate(envelopeOf2(identity, { expiryNs: limit + 1n })),
      IngressErrorCode.EXPIRY,
    );
  });

  it('validateEnvelope skips the expiry check for anonymous queries and read_state but not anonymous calls', async () => {
    const anonymous = new AnonymousIdentity();
    const expired = { expiryNs: NOW_NS - 60n * MINUTE_NS };
    await expect(
      validate(envelopeOf2(anonymous, expired, 'query'), 'query'),
    ).resolves.toBeDefined();
    await expect(
      validate(envelopeOf2(anonymous, expired, 'read_state'), 'read_state'),
    ).resolves.toBeDefined();
    await expectRejected(
      () => validate(envelopeOf2(anonymous, expired, 'call')),
      IngressErrorCode.EXPIRY,
    );
    const signed = Ed25519KeyIdentity.generate();
    await expectRejected(
      () => validate(envelopeOf2(signed, expired, 'query'), 'query'),
      IngressErrorCode.EXPIRY,
    );
  });

  it('validateEnvelope fails when a delegation has expired', async () => {
    const identity = await delegate(Ed25519KeyIdentity.generate(), [{ expirationMs: NOW_MS - 1 }]);
    const error = await expectRejected(
      () => validate(envelopeOf2(identity)),
      IngressErrorCode.DELEGATION_EXPIRED,
    );
    expect(error.message).toMatch(
      /^Invalid delegation expiry: Specified sender delegation has expired/,
    );
  });

  it('validateEnvelope fails when an inner delegation of a two-step chain has expired', async () => {
    const identity = await delegate(Ed25519KeyIdentity.generate(), [
      {},
      { expirationMs: NOW_MS - MINUTE_MS },
    ]);
    await expectRejected(
      () => validate(envelopeOf2(identity)),
      IngressErrorCode.DELEGATION_EXPIRED,
    );
  });

  it('validateEnvelope fails when the canister is not one of the delegation targets', async () => {
    const identity = await delegate(Ed25519KeyIdentity.generate(), [{ targets: [OTHER] }]);
    const error = await expectRejected(
      () => validate(envelopeOf2(identity)),
      IngressErrorCode.NOT_A_DELEGATION_TARGET,
    );
    expect(error.message).toBe(
      `Canister '${CANISTER.toText()}' is not one of the delegation targets.`,
    );
  });

  it('validateEnvelope fails when the intersection of two delegations excludes the canister', async () => {
    const identity = await delegate(Ed25519KeyIdentity.generate(), [
      { targets: [CANISTER, OTHER] },
      { targets: [OTHER] },
    ]);
    await expectRejected(
      () => validate(envelopeOf2(identity, {}, 'query'), 'query'),
      IngressErrorCode.NOT_A_DELEGATION_TARGET,
    );
  });

  it('validateEnvelope checks the effective canister id for management canister calls under targets', async () => {
    const identity = await delegate(Ed25519KeyIdentity.generate(), [{ targets: [CANISTER] }]);
    const envelope = await envelopeOf(identity, 'call', { canisterId: MANAGEMENT });
    await expect(
      validate(envelope, 'call', { effectiveCanisterId: CANISTER.toUint8Array() }),
    ).resolves.toBeDefined();
    const error = await expectRejected(
      () => validate(envelope, 'call', { effectiveCanisterId: OTHER.toUint8Array() }),
      IngressErrorCode.NOT_A_DELEGATION_TARGET,
    );
    expect(error.message).toContain(OTHER.toText());
  });

  it('validateEnvelope accepts 20 delegations and fails on 21', async () => {
    const root = Ed25519KeyIdentity.generate();
    const twenty = await delegate(
      root,
      Array.from({ length: 20 }, () => ({})),
    );
    await expect(validate(envelopeOf2(twenty))).resolves.toBeDefined();
    const twentyOne = await delegate(
      root,
      Array.from({ length: 21 }, () => ({})),
    );
    const error = await expectRejected(
      () => validate(envelopeOf2(twentyOne)),
      IngressErrorCode.TOO_MANY_DELEGATIONS,
    );
    expect(error.message).toBe(
      'Invalid delegation: Chain of delegations is too long: got 21 delegations, but at most 20 are allowed.',
    );
  });

  it('validateEnvelope fails when a public key repeats in the chain', async () => {
    const root = Ed25519KeyIdentity.generate();
    const middle = Ed25519KeyIdentity.generate();
    const toMiddle = await DelegationChain.create(
      root,
      middle.getPublicKey(),
      new Date(NOW_MS + MINUTE_MS),
    );
    // middle delegates back to root: [root, middle, root] repeats root's key.
    const back = await DelegationChain.create(
      middle,
      root.getPublicKey(),
      new Date(NOW_MS + MINUTE_MS),
      {
        previous: toMiddle,
      },
    );
    const identity = DelegationIdentity.fromDelegation(root, back);
    const error = await expectRejected(
      () => validate(envelopeOf2(identity)),
      IngressErrorCode.DELEGATION_CYCLE,
    );
    expect(error.message).toMatch(
      /^Invalid delegation: Chain of delegations contains at least one cycle/,
    );
  });

  it('validateEnvelope fails when a key delegates to itself', async () => {
    const root = Ed25519KeyIdentity.generate();
    const chain = await DelegationChain.create(
      root,
      root.getPublicKey(),
      new Date(NOW_MS + MINUTE_MS),
    );
    const identity = DelegationIdentity.fromDelegation(root, chain);
    await expectRejected(() => validate(envelopeOf2(identity)), IngressErrorCode.DELEGATION_CYCLE);
  });

  it('validateEnvelope fails when a delegation has more than 1000 targets', async () => {
    const targets = Array.from({ length: 1001 }, (_, i) =>
      Principal.fromUint8Array(new Uint8Array([0, 0, 0, 0, 0, i >> 8, i & 0xff, 0, 1, 1])),
    );
    const identity = await delegate(Ed25519KeyIdentity.generate(), [{ targets }]);
    await expectRejected(() => validate(envelopeOf2(identity)), IngressErrorCode.TOO_MANY_TARGETS);
  });

  it('validateEnvelope fails when a delegation was altered after signing', async () => {
    const identity = await delegate(Ed25519KeyIdentity.generate(), [{}]);
    const envelope = await envelopeOf(identity);
    const [signed] = envelope['sender_delegation'] as CborMap[];
    const tampered: CborMap = {
      ...signed,
      delegation: { ...(signed?.['delegation'] as CborMap), expiration: NOW_NS + 60n * MINUTE_NS },
    };
    const error = await expectRejected(
      () => validate({ ...envelope, sender_delegation: [tampered] }),
      IngressErrorCode.INVALID_DELEGATION,
    );
    expect(error.message).toMatch(
      /^Invalid delegation: delegation 1 of 1: .* \(PROTO_SIG_INVALID\)$/,
    );
    expect(error.details['code']).toBe('PROTO_SIG_INVALID');
  });

  it('validateEnvelope fails when the nonce is longer than 32 bytes', async () => {
    const identity = Ed25519KeyIdentity.generate();
    await expect(
      validate(envelopeOf2(identity, { nonce: new Uint8Array(32) })),
    ).resolves.toBeDefined();
    const error = await expectRejected(
      () => validate(envelopeOf2(identity, { nonce: new Uint8Array(33) })),
      IngressErrorCode.NONCE_TOO_BIG,
    );
    expect(error.message).toBe(
      'Nonce in request is too big: got 33 bytes, but at most 32 are allowed.',
    );
  });

  it('validateEnvelope fails when request_type does not match the endpoint', async () => {
    const envelope = await envelopeOf(Ed25519KeyIdentity.generate(), 'query');
    await expectRejected(() => validate(envelope, 'call'), IngressErrorCode.WRONG_REQUEST_TYPE);
    const disguised = await envelopeOf(Ed25519KeyIdentity.generate(), 'call', {
      requestType: 'query',
    });
    await expectRejected(() => validate(disguised, 'call'), IngressErrorCode.WRONG_REQUEST_TYPE);
  });

  it('validateEnvelope fails on more than 1000 read_state paths or a path of more than 127 labels', async () => {
    const anonymous = new AnonymousIdentity();
    const label = new Uint8Array([1]);
    const tooMany = Array.from({ length: 1001 }, () => [label]);
    await expectRejected(
      () => validate(envelopeOf2(anonymous, { paths: tooMany }, 'read_state'), 'read_state'),
      IngressErrorCode.TOO_MANY_PATHS,
    );
    const tooDeep = [Array.from({ length: 128 }, () => label)];
    await expectRejected(
      () => validate(envelopeOf2(anonymous, { paths: tooDeep }, 'read_state'), 'read_state'),
      IngressErrorCode.PATH_TOO_LONG,
    );
    const deepest = [Array.from({ length: 127 }, () => label)];
    await expect(
      validate(envelopeOf2(anonymous, { paths: deepest }, 'read_state'), 'read_state'),
    ).resolves.toBeDefined();
  });

  it('validateEnvelope fails with 413 when a call argument exceeds 2 MiB', async () => {
    const envelope = await envelopeOf(new AnonymousIdentity(), 'call', {
      arg: new Uint8Array(2 * 1024 * 1024),
    });
    await expectRejected(() => validate(envelope), IngressErrorCode.MESSAGE_TOO_LARGE, 413);
  });
});

describe('validateEnvelope with envelopes built by hand', () => {
  const sign = async (identity: SignIdentity, domain: string, hash: Uint8Array) =>
    new Uint8Array(await identity.sign(domainSeparated(domain, hash)));

  it('validateEnvelope accepts a "queries" delegation for queries and refuses it for calls', async () => {
    const root = Ed25519KeyIdentity.generate();
    const session = Ed25519KeyIdentity.generate();
    const delegation: CborMap = {
      pubkey: session.getPublicKey().toDer(),
      expiration: NOW_NS + 10n * MINUTE_NS,
      permissions: 'queries',
    };
    const signedDelegation = {
      delegation,
      signature: await sign(root, 'ic-request-auth-delegation', hashOfMap(delegation)),
    };
    const envelopeFor = async (requestType: 'call' | 'query'): Promise<CborValue> => {
      const content: CborMap = {
        request_type: requestType,
        canister_id: CANISTER.toUint8Array(),
        method_name: 'greet',
        arg: new Uint8Array(),
        sender: root.getPrincipal().toUint8Array(),
        ingress_expiry: NOW_NS + MINUTE_NS,
      };
      return decodeCbor(
        encodeCbor({
          content,
          sender_pubkey: root.getPublicKey().toDer(),
          sender_sig: await sign(session, 'ic-request', requestIdOf(content)),
          sender_delegation: [signedDelegation],
        }),
      );
    };
    await expect(validate(envelopeFor('query'), 'query')).resolves.toBeDefined();
    await expectRejected(
      () => validate(envelopeFor('call')),
      IngressErrorCode.DELEGATION_NOT_PERMITTED,
    );
  });

  it('validateEnvelope refuses content with more CBOR items than any valid request, before hashing it', async () => {
    const content: CborMap = {
      request_type: 'read_state',
      paths: [],
      sender: new Uint8Array([4]),
      ingress_expiry: NOW_NS + MINUTE_NS,
      // One SHA-256 per item: a million of them would block the network for seconds.
      padding: Array.from({ length: 1_000_000 }, () => 0),
    };
    const error = await expectRejected(
      () => validate(decodeCbor(encodeCbor({ content })), 'read_state'),
      IngressErrorCode.TOO_MANY_ITEMS,
    );
    expect(error.kind).toBe('limit');
    expect(error.message).toMatch(/more than 128064 CBOR items/);
  });

  it('validateEnvelope refuses a path of two million labels without copying them first', async () => {
    const content: CborMap = {
      request_type: 'read_state',
      paths: [Array.from({ length: 2_000_000 }, () => new Uint8Array(0))],
      sender: new Uint8Array([4]),
      ingress_expiry: NOW_NS + MINUTE_NS,
    };
    const started = performance.now();
    await expectRejected(() => validate({ content }, 'read_state'), IngressErrorCode.PATH_TOO_LONG);
    // Copying each label took over 3 s on a 2-core machine; refusing takes milliseconds.
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it('validateEnvelope accepts the largest read_state within the limits: 1000 paths of 127 labels', async () => {
    const paths = Array.from({ length: 1000 }, () =>
      Array.from({ length: 127 }, () => new Uint8Array([1])),
    );
    await expect(
      validate(envelopeOf2(new AnonymousIdentity(), { paths }, 'read_state'), 'read_state'),
    ).resolves.toBeDefined();
  });

  it('validateEnvelope refuses a delegation with more CBOR items than 1000 targets need, before hashing it', async () => {
    const root = Ed25519KeyIdentity.generate();
    const session = Ed25519KeyIdentity.generate();
    const delegation: CborMap = {
      pubkey: session.getPublicKey().toDer(),
      expiration: NOW_NS + 10n * MINUTE_NS,
      padding: Array.from({ length: 100_000 }, () => 0),
    };
    const content: CborMap = {
      request_type: 'call',
      canister_id: CANISTER.toUint8Array(),
      method_name: 'greet',
      arg: new Uint8Array(),
      sender: root.getPrincipal().toUint8Array(),
      ingress_expiry: NOW_NS + MINUTE_NS,
    };
    const envelope = decodeCbor(
      encodeCbor({
        content,
        sender_pubkey: root.getPublicKey().toDer(),
        sender_sig: await sign(session, 'ic-request', requestIdOf(content)),
        sender_delegation: [{ delegation, signature: new Uint8Array(64) }],
      }),
    );
    const error = await expectRejected(() => validate(envelope), IngressErrorCode.TOO_MANY_ITEMS);
    expect(error.message).toMatch(/^Invalid delegation: delegation 1 holds more than 1064/);
  });

  it('validateEnvelope accepts an Internet-Identity-style chain rooted in a canister-signature key when the verifier knows that kind', async () => {
    const rootKeyDer = encodeCanisterSignaturePublicKeyDer(
      Principal.fromText('rdmx6-jaaaa-aaaaa-aaadq-cai').toUint8Array(),
      new Uint8Array(32).fill(9),
    );
    const session = await ECDSAKeyIdentity.generate();
    const delegation: CborMap = {
      pubkey: new Uint8Array(session.getPublicKey().toDer()),
      expiration: NOW_NS + 30n * MINUTE_NS,
      targets: [CANISTER.toUint8Array()],
    };
    const delegationMessage = domainSeparated('ic-request-auth-delegation', hashOfMap(delegation));
    // Stand-in for certificate + witness verification: one accepted blob for one message.
    const canisterSignature = new Uint8Array([0xca, 0xfe]);
    const withCanisterSignatures: Pick<SignatureVerifier, 'verify'> = {
      verify(publicKeyDer, message, signature) {
        if (parsePublicKeyDer(publicKeyDer).kind !== 'canister-signature') {
          verifier.verify(publicKeyDer, message, signature);
          return;
        }
        const matches =
          bytesEqual(message, delegationMessage) && bytesEqual(signature, canisterSignature);
        if (!matches) {
          throw new CitadelError('trust', 'PROTO_SIG_INVALID', 'not the canister signature');
        }
      },
    };
    const content: CborMap = {
      request_type: 'call',
      canister_id: CANISTER.toUint8Array(),
      method_name: 'greet',
      arg: new Uint8Array(),
      sender: selfAuthenticatingPrincipal(rootKeyDer),
      ingress_expiry: NOW_NS + MINUTE_NS,
      nonce: new Uint8Array(16),
    };
    const envelope: CborMap = {
      content,
      sender_pubkey: rootKeyDer,
      sender_sig: await sign(session, 'ic-request', requestIdOf(content)),
      sender_delegation: [{ delegation, signature: canisterSignature }],
    };
    const request = await validate(envelope, 'call', { verifier: withCanisterSignatures });
    expect(request.sender).toEqual(selfAuthenticatingPrincipal(rootKeyDer));
    expect(request.targets).toEqual([CANISTER.toUint8Array()]);
    // The built-in registry has no canister-signature plug-in, so the chain is refused.
    await expectRejected(() => validate(envelope), IngressErrorCode.INVALID_DELEGATION);
  });

  it('validateEnvelope treats CBOR undefined fields as absent, as the agent writes them', async () => {
    const content: CborMap = {
      request_type: 'query',
      canister_id: CANISTER.toUint8Array(),
      method_name: 'greet',
      arg: new Uint8Array(),
      sender: new Uint8Array([4]),
      ingress_expiry: NOW_NS + MINUTE_NS,
      nonce: undefined,
    };
    const envelope = decodeCbor(encodeCbor({ content, sender_delegation: undefined }));
    const request = await validate(envelope, 'query');
    expect(request.content.nonce).toBeUndefined();
    expect(request.requestId).toEqual(requestIdOf({ ...content, nonce: undefined }));
  });
});

/** {@link envelopeOf} with the options first; read_state when paths are given, else call. */
function envelopeOf2(
  identity: Identity,
  options: ContentOptions = {},
  endpoint: IngressEndpoint = options.paths ? 'read_state' : 'call',
): Promise<CborMap> {
  return envelopeOf(identity, endpoint, options);
}
