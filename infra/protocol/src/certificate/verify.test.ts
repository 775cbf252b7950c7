import { Certificate as AgentCertificate } from '@dfinity/agent';
import { Principal } from '@dfinity/principal';
import { bls12_381 } from '@noble/curves/bls12-381.js';
import { hexToBytes } from '@noble/hashes/utils.js';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { decodeCbor } from '../cbor/decode.js';
import { encodeCbor } from '../cbor/encode.js';
import type { CborMap } from '../cbor/types.js';
import { CitadelError } from '../errors.js';
import { hashStateTree, stateNode } from '../hash-tree/state-tree.js';
import type { StateTree } from '../hash-tree/state-tree.js';
import type { HashTree } from '../hash-tree/types.js';
import { reconstruct } from '../hash-tree/reconstruct.js';
import { witness } from '../hash-tree/witness.js';
import { encodeLeb128 } from '../leb128.js';
import { canisterIdFromIndex, selfAuthenticatingPrincipal } from '../principal.js';
import { decodeCertificate, encodeCertificate } from './codec.js';
import { CertificateErrorCode } from './errors.js';
import { stateRootMessage } from './state-root-message.js';
import type { CertificateDelegation } from './types.js';
import { verifyCertificate, verifyCertificateAuthenticity } from './verify.js';
import type { BlsVerify, VerifyCertificateOptions } from './verify.js';

const DER_PREFIX = hexToBytes(
  '308182301d060d2b0601040182dc7c0503010201060c2b0601040182dc7c05030201036100',
);
const NOW_MS = 1_700_000_000_000;
const NOW_NS = BigInt(NOW_MS) * 1_000_000n;
const MINUTE_NS = 60_000_000_000n;
const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

interface TestKey {
  readonly secret: Uint8Array;
  readonly der: Uint8Array;
}

function testKey(fill: number): TestKey {
  const secret = new Uint8Array(32).fill(fill);
  const publicKey = bls12_381.getPublicKeyForShortSignatures(secret);
  return { secret, der: new Uint8Array([...DER_PREFIX, ...publicKey]) };
}

const ROOT = testKey(0x2a);
const SUBNET = testKey(0x17);
const SUBNET_ID = selfAuthenticatingPrincipal(SUBNET.der);
const CANISTER = canisterIdFromIndex(5n);

const nobleVerify: BlsVerify = (publicKey, message, signature) =>
  bls12_381.verifyShortSignature(signature, message, publicKey);

function sign(key: TestKey, tree: HashTree): Uint8Array {
  return bls12_381.signShortSignature(
    stateRootMessage(reconstruct(tree)),
    key.secret,
  ) as Uint8Array;
}

function stateAt(timeNs: bigint, extra: [string, StateTree][] = []): StateTree {
  return stateNode([
    ['time', encodeLeb128(timeNs)],
    [
      'request_status',
      stateNode([
        [
          new Uint8Array(32).fill(9),
          stateNode([
            ['status', utf8('replied')],
            ['reply', utf8('DIDL')],
          ]),
        ],
      ]),
    ],
    ...extra,
  ]);
}

function certify(
  key: TestKey,
  state: StateTree,
  paths: (string | Uint8Array)[][] = [['time'], ['request_status']],
  delegation?: CertificateDelegation,
): Uint8Array {
  const tree = witness(state, paths);
  return encodeCertificate({
    tree,
    signature: sign(key, tree),
    ...(delegation ? { delegation } : {}),
  });
}

function subnetDelegation(
  ranges: [Uint8Array, Uint8Array][],
  timeNs = NOW_NS - 60n * MINUTE_NS,
): CertificateDelegation {
  const state = stateNode([
    ['time', encodeLeb128(timeNs)],
    [
      'subnet',
      stateNode([
        [
          SUBNET_ID,
          stateNode([
            ['canister_ranges', encodeCbor(ranges)],
            ['public_key', SUBNET.der],
          ]),
        ],
      ]),
    ],
  ]);
  return {
    subnetId: SUBNET_ID,
    certificate: certify(ROOT, state, [['time'], ['subnet', SUBNET_ID]]),
  };
}

const options = (overrides: Partial<VerifyCertificateOptions> = {}): VerifyCertificateOptions => ({
  rootKeyDer: ROOT.der,
  nowNs: NOW_NS,
  blsVerify: nobleVerify,
  canisterId: CANISTER,
  ...overrides,
});

function rejectionCode(
  bytes: Uint8Array,
  overrides: Partial<VerifyCertificateOptions> = {},
): string {
  try {
    verifyCertificate(bytes, options(overrides));
  } catch (error) {
    expect(error).toBeInstanceOf(CitadelError);
    expect((error as CitadelError).kind).toBe('trust');
    return (error as CitadelError).code;
  }
  throw new Error('expected verifyCertificate to reject the certificate');
}

/** Runs the agent's verification; resolves to its error, or undefined when it accepts. */
async function agentRejection(
  bytes: Uint8Array,
  rootKey: Uint8Array = ROOT.der,
  canisterId = CANISTER,
): Promise<unknown> {
  return AgentCertificate.create({
    certificate: bytes,
    rootKey,
    canisterId: Principal.fromUint8Array(canisterId),
  }).then(
    () => undefined,
    (error: unknown) => error,
  );
}

/** Re-encodes a certificate after changing one leaf of its tree, keeping the old signature. */
function tamperTree(bytes: Uint8Array): Uint8Array {
  const certificate = decodeCertificate(bytes);
  const swap = (node: HashTree): HashTree => {
    switch (node[0]) {
      case 1:
        return [1, swap(node[1]), swap(node[2])];
      case 2:
        return [2, node[1], swap(node[2])];
      case 3:
        return new TextDecoder().decode(node[1]) === 'replied' ? [3, utf8('rejected')] : node;
      default:
        return node;
    }
  };
  return encodeCertificate({ ...certificate, tree: swap(certificate.tree) });
}

describe('verifyCertificate', () => {
  beforeEach(() => {
    // The agent reads the wall clock; pin it to NOW_MS.
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(NOW_MS);
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('verifyCertificate accepts a root-signed certificate that the agent also accepts', async () => {
    const bytes = certify(ROOT, stateAt(NOW_NS));
    const certificate = verifyCertificate(bytes, options());
    expect(certificate.signature.length).toBe(48);
    expect(await agentRejection(bytes)).toBeUndefined();
  });

  it('verifyCertificate accepts /time anywhere within the 5-minute skew', () => {
    for (const timeNs of [NOW_NS - 5n * MINUTE_NS, NOW_NS + 5n * MINUTE_NS]) {
      expect(() => verifyCertificate(certify(ROOT, stateAt(timeNs)), options())).not.toThrow();
    }
  });

  it('verifyCertificate fails when the tree was altered, and so does the agent', async () => {
    const bytes = tamperTree(certify(ROOT, stateAt(NOW_NS)));
    expect(rejectionCode(bytes)).toBe(CertificateErrorCode.INVALID_SIGNATURE);
    expect(await agentRejection(bytes)).toBeInstanceOf(Error);
  });

  it('verifyCertificate fails when the signature was altered, and so does the agent', async () => {
    const certificate = decodeCertificate(certify(ROOT, stateAt(NOW_NS)));
    const otherSignature = sign(ROOT, [3, utf8('something else')]);
    const bytes = encodeCertificate({ ...certificate, signature: otherSignature });
    expect(rejectionCode(bytes)).toBe(CertificateErrorCode.INVALID_SIGNATURE);
    expect(await agentRejection(bytes)).toBeInstanceOf(Error);
  });

  it('verifyCertificate fails when the signature bytes are not a curve point', () => {
    const certificate = decodeCertificate(certify(ROOT, stateAt(NOW_NS)));
    const garbage = new Uint8Array(48).fill(0xff);
    const bytes = encodeCertificate({ ...certificate, signature: garbage });
    expect(rejectionCode(bytes)).toBe(CertificateErrorCode.INVALID_SIGNATURE);
  });

  it('verifyCertificate fails when /time was altered without re-signing', async () => {
    const certificate = decodeCertificate(certify(ROOT, stateAt(NOW_NS)));
    const later = witness(stateAt(NOW_NS + 1n), [['time'], ['request_status']]);
    const bytes = encodeCertificate({ ...certificate, tree: later });
    expect(rejectionCode(bytes)).toBe(CertificateErrorCode.INVALID_SIGNATURE);
    expect(await agentRejection(bytes)).toBeInstanceOf(Error);
  });

  it('verifyCertificate fails on a validly signed but stale certificate, and so does the agent', async () => {
    const bytes = certify(ROOT, stateAt(NOW_NS - 6n * MINUTE_NS));
    expect(rejectionCode(bytes)).toBe(CertificateErrorCode.TIME_TOO_OLD);
    expect(await agentRejection(bytes)).toBeInstanceOf(Error);
  });

  it('verifyCertificate fails on a certificate from the future, and so does the agent', async () => {
    const bytes = certify(ROOT, stateAt(NOW_NS + 6n * MINUTE_NS));
    expect(rejectionCode(bytes)).toBe(CertificateErrorCode.TIME_IN_FUTURE);
    expect(await agentRejection(bytes)).toBeInstanceOf(Error);
  });

  it('verifyCertificate honours a custom maxSkewNs', () => {
    const bytes = certify(ROOT, stateAt(NOW_NS - 2n * MINUTE_NS));
    expect(rejectionCode(bytes, { maxSkewNs: MINUTE_NS })).toBe(CertificateErrorCode.TIME_TOO_OLD);
  });

  it('verifyCertificate fails when /time is not revealed or not a LEB128 nat', () => {
    const hidden = certify(ROOT, stateAt(NOW_NS), [['request_status']]);
    expect(rejectionCode(hidden)).toBe(CertificateErrorCode.TIME_INVALID);
    const garbled = stateNode([['time', new Uint8Array([0x80])]]);
    expect(rejectionCode(certify(ROOT, garbled, [['time']]))).toBe(
      CertificateErrorCode.TIME_INVALID,
    );
  });

  it('verifyCertificate fails when signed by another root key', async () => {
    const bytes = certify(SUBNET, stateAt(NOW_NS));
    expect(rejectionCode(bytes)).toBe(CertificateErrorCode.INVALID_SIGNATURE);
    expect(await agentRejection(bytes)).toBeInstanceOf(Error);
  });

  it('verifyCertificate fails on a root key that is not DER BLS', () => {
    const bytes = certify(ROOT, stateAt(NOW_NS));
    expect(rejectionCode(bytes, { rootKeyDer: ROOT.der.subarray(37) })).toBe(
      CertificateErrorCode.INVALID_ROOT_KEY,
    );
  });

  it('verifyCertificate fails on a tree that is not well-formed even if validly signed', () => {
    const tree: HashTree = [
      1,
      [2, utf8('time'), [3, encodeLeb128(NOW_NS)]],
      [2, utf8('a'), [3, utf8('x')]],
    ];
    const bytes = encodeCertificate({ tree, signature: sign(ROOT, tree) });
    expect(rejectionCode(bytes)).toBe(CertificateErrorCode.TREE_NOT_WELL_FORMED);
  });

  it('verifyCertificate reports a throwing BLS verifier as an invalid signature with its cause', () => {
    const boom = new Error('point not on curve');
    try {
      verifyCertificate(
        certify(ROOT, stateAt(NOW_NS)),
        options({
          blsVerify: () => {
            throw boom;
          },
        }),
      );
    } catch (error) {
      expect((error as CitadelError).code).toBe(CertificateErrorCode.INVALID_SIGNATURE);
      expect((error as CitadelError).cause).toBe(boom);
    }
    expect.assertions(2);
  });

  it('verifyCertificate passes the 96-byte key, the state-root message and the 48-byte signature', () => {
    const bytes = certify(ROOT, stateAt(NOW_NS));
    const calls: [number, number, number][] = [];
    verifyCertificate(
      bytes,
      options({
        blsVerify: (key, message, signature) => {
          calls.push([key.length, message.length, signature.length]);
          return true;
        },
      }),
    );
    expect(calls).toEqual([[96, 14 + 32, 48]]);
    expect(hashStateTree(stateAt(NOW_NS)).length).toBe(32);
  });
});

describe('verifyCertificate with a subnet delegation', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(NOW_MS);
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  const allCanisters: [Uint8Array, Uint8Array][] = [
    [canisterIdFromIndex(0n), canisterIdFromIndex(9n)],
  ];

  it('verifyCertificate accepts a delegated certificate for a canister in range, as the agent does', async () => {
    const bytes = certify(SUBNET, stateAt(NOW_NS), undefined, subnetDelegation(allCanisters));
    expect(() => verifyCertificate(bytes, options())).not.toThrow();
    expect(await agentRejection(bytes)).toBeUndefined();
  });

  it('verifyCertificate accepts a delegation certificate up to 30 days old', () => {
    const delegation = subnetDelegation(allCanisters, NOW_NS - 29n * 24n * 60n * MINUTE_NS);
    expect(() =>
      verifyCertificate(certify(SUBNET, stateAt(NOW_NS), undefined, delegation), options()),
    ).not.toThrow();
    const stale = subnetDelegation(allCanisters, NOW_NS - 31n * 24n * 60n * MINUTE_NS);
    expect(rejectionCode(certify(SUBNET, stateAt(NOW_NS), undefined, stale))).toBe(
      CertificateErrorCode.TIME_TOO_OLD,
    );
  });

  it('verifyCertificate fails for a canister outside the ranges, and so does the agent', async () => {
    const outside = canisterIdFromIndex(10n);
    const bytes = certify(SUBNET, stateAt(NOW_NS), undefined, subnetDelegation(allCanisters));
    expect(rejectionCode(bytes, { canisterId: outside })).toBe(
      CertificateErrorCode.CANISTER_NOT_IN_RANGES,
    );
    expect(await agentRejection(bytes, ROOT.der, outside)).toBeInstanceOf(Error);
  });

  it('verifyCertificate requires canisterId for a delegated certificate', () => {
    const bytes = certify(SUBNET, stateAt(NOW_NS), undefined, subnetDelegation(allCanisters));
    expect(rejectionCode(bytes, { canisterId: undefined })).toBe(
      CertificateErrorCode.CANISTER_ID_REQUIRED,
    );
  });

  it('verifyCertificate fails when the main certificate is signed by the root key instead of the subnet key', () => {
    const bytes = certify(ROOT, stateAt(NOW_NS), undefined, subnetDelegation(allCanisters));
    expect(rejectionCode(bytes)).toBe(CertificateErrorCode.INVALID_SIGNATURE);
  });

  it('verifyCertificate fails when the delegation certificate was not signed by the root key', () => {
    const forged = subnetDelegation(allCanisters);
    const inner = decodeCertificate(forged.certificate);
    const resigned = encodeCertificate({ ...inner, signature: sign(SUBNET, inner.tree) });
    const bytes = certify(SUBNET, stateAt(NOW_NS), undefined, { ...forged, certificate: resigned });
    expect(rejectionCode(bytes)).toBe(CertificateErrorCode.INVALID_SIGNATURE);
  });

  it('verifyCertificate fails on a delegation nested in a delegation', async () => {
    const inner = decodeCertificate(subnetDelegation(allCanisters).certificate);
    const nested = encodeCertificate({ ...inner, delegation: subnetDelegation(allCanisters) });
    const bytes = certify(SUBNET, stateAt(NOW_NS), undefined, {
      subnetId: SUBNET_ID,
      certificate: nested,
    });
    expect(rejectionCode(bytes)).toBe(CertificateErrorCode.TOO_MANY_DELEGATIONS);
    expect(await agentRejection(bytes)).toBeInstanceOf(Error);
  });

  it('verifyCertificate fails when the delegation hides the canister ranges or the subnet key', () => {
    const state = stateNode([
      ['time', encodeLeb128(NOW_NS)],
      [
        'subnet',
        stateNode([
          [
            SUBNET_ID,
            stateNode([
              ['canister_ranges', encodeCbor(allCanisters)],
              ['public_key', SUBNET.der],
            ]),
          ],
        ]),
      ],
    ]);
    const onlyKey = certify(ROOT, state, [['time'], ['subnet', SUBNET_ID, 'public_key']]);
    const onlyRanges = certify(ROOT, state, [['time'], ['subnet', SUBNET_ID, 'canister_ranges']]);
    for (const [certificate, code] of [
      [onlyKey, CertificateErrorCode.INVALID_DELEGATION],
      [onlyRanges, CertificateErrorCode.INVALID_DELEGATION],
    ] as const) {
      const bytes = certify(SUBNET, stateAt(NOW_NS), undefined, {
        subnetId: SUBNET_ID,
        certificate,
      });
      expect(rejectionCode(bytes)).toBe(code);
    }
  });

  it('verifyCertificate fails when canister_ranges is not a list of principal pairs', () => {
    const state = stateNode([
      ['time', encodeLeb128(NOW_NS)],
      [
        'subnet',
        stateNode([
          [
            SUBNET_ID,
            stateNode([
              ['canister_ranges', encodeCbor([[1, 2]])],
              ['public_key', SUBNET.der],
            ]),
          ],
        ]),
      ],
    ]);
    const certificate = certify(ROOT, state, [['time'], ['subnet']]);
    const bytes = certify(SUBNET, stateAt(NOW_NS), undefined, { subnetId: SUBNET_ID, certificate });
    expect(rejectionCode(bytes)).toBe(CertificateErrorCode.INVALID_DELEGATION);
  });

  it('decodeCbor of a delegated certificate shows the delegation map the agent expects', () => {
    const bytes = certify(SUBNET, stateAt(NOW_NS), undefined, subnetDelegation(allCanisters));
    const map = decodeCbor(bytes) as CborMap;
    expect(Object.keys(map)).toEqual(['tree', 'signature', 'delegation']);
    expect(Object.keys(map.delegation as CborMap)).toEqual(['subnet_id', 'certificate']);
  });
});

describe('verifyCertificateAuthenticity', () => {
  const allCanisters: [Uint8Array, Uint8Array][] = [
    [canisterIdFromIndex(0n), canisterIdFromIndex(9n)],
  ];
  const trustOptions = { rootKeyDer: ROOT.der, blsVerify: nobleVerify, canisterId: CANISTER };

  function authenticityCode(bytes: Uint8Array, canisterId = CANISTER): string | undefined {
    try {
      verifyCertificateAuthenticity(decodeCertificate(bytes), { ...trustOptions, canisterId });
    } catch (error) {
      expect((error as CitadelError).kind).toBe('trust');
      return (error as CitadelError).code;
    }
    return undefined;
  }

  it('verifyCertificateAuthenticity accepts a certificate of any age, or without /time', () => {
    expect(authenticityCode(certify(ROOT, stateAt(NOW_NS - 365n * 24n * 60n * MINUTE_NS)))).toBe(
      undefined,
    );
    expect(authenticityCode(certify(ROOT, stateAt(NOW_NS), [['request_status']]))).toBe(undefined);
  });

  it('verifyCertificateAuthenticity accepts a delegation older than 30 days', () => {
    const stale = subnetDelegation(allCanisters, NOW_NS - 31n * 24n * 60n * MINUTE_NS);
    expect(authenticityCode(certify(SUBNET, stateAt(NOW_NS), undefined, stale))).toBe(undefined);
  });

  it('verifyCertificateAuthenticity still checks the signature, the delegation and the ranges', () => {
    expect(authenticityCode(tamperTree(certify(ROOT, stateAt(NOW_NS))))).toBe(
      CertificateErrorCode.INVALID_SIGNATURE,
    );
    expect(authenticityCode(certify(SUBNET, stateAt(NOW_NS)))).toBe(
      CertificateErrorCode.INVALID_SIGNATURE,
    );
    const delegated = certify(SUBNET, stateAt(NOW_NS), undefined, subnetDelegation(allCanisters));
    expect(authenticityCode(delegated, canisterIdFromIndex(10n))).toBe(
      CertificateErrorCode.CANISTER_NOT_IN_RANGES,
    );
  });
});
