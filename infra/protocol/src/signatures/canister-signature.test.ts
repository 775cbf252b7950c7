import { bls12_381 } from '@noble/curves/bls12-381.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { hexToBytes } from '@noble/hashes/utils.js';
import { describe, expect, it } from 'vitest';

import { decodeCbor } from '../cbor/decode.js';
import { encodeCbor } from '../cbor/encode.js';
import type { CborMap } from '../cbor/types.js';
import { decodeCertificate, encodeCertificate } from '../certificate/codec.js';
import { CertificateErrorCode } from '../certificate/errors.js';
import { stateRootMessage } from '../certificate/state-root-message.js';
import type { CertificateDelegation } from '../certificate/types.js';
import type { BlsVerify } from '../certificate/verify.js';
import { DomainSeparator, domainSeparated } from '../domain-separator.js';
import { CitadelError } from '../errors.js';
import { hashStateTree, stateNode } from '../hash-tree/state-tree.js';
import type { StateTree } from '../hash-tree/state-tree.js';
import { reconstruct } from '../hash-tree/reconstruct.js';
import type { HashTree } from '../hash-tree/types.js';
import { witness } from '../hash-tree/witness.js';
import {
  encodeCanisterSignaturePublicKeyDer,
  encodePublicKeyDer,
} from '../keys/encode-public-key-der.js';
import { parsePublicKeyDer } from '../keys/parse-public-key-der.js';
import type { CanisterSignaturePublicKey } from '../keys/types.js';
import { encodeLeb128 } from '../leb128.js';
import {
  canisterIdFromIndex,
  principalFromText,
  selfAuthenticatingPrincipal,
} from '../principal.js';
import { hashOfMap } from '../request-id.js';
import {
  CANISTER_SIGNATURE_CERTIFICATE_CACHE_SIZE,
  createCanisterSignatureVerifier,
} from './canister-signature.js';
import { CanisterSignatureErrorCode } from './errors.js';
import { createSignatureVerifier } from './signature-verifier.js';
import type { SignatureCheck } from './types.js';

/*
 * Golden vector from dfinity/internet-identity src/vc_util/src/lib.rs (tests of
 * `verify_credential_jws`): an id_alias credential that Internet Identity signed with a canister
 * signature on a local replica. The signed message is the JWS signing input under the
 * `iccs_verifiable_credential` domain separator; the key (from the JWS header's `jwk.k`) belongs
 * to canister rwlgt-iiaaa-aaaaa-aaaaa-cai with a 32-byte seed. The signature's tree is II's
 * layout, `fork(pruned(assets), labeled("sig", …))`, and its certificate has no delegation.
 */
const II_ROOT_KEY_DER = hexToBytes(
  '308182301d060d2b0601040182dc7c0503010201060c2b0601040182dc7c05030201036100adf65638a53056b2222c91bb2457b0274bca95198a5acbdadfe7fd72178f069bdea8d99e9479d8087a2686fc81bf3c4b11fe275570d481f1698f79d468afe0e57acc1e298f8b69798da7a891bbec197093ec5f475909923d48bfed6843dbed1f',
);
const II_PUBLIC_KEY_DER = hexToBytes(
  '303c300c060a2b0601040183b8430102032c000a000000000000000001018e54dcde82b941439198ab4ebf65296b6c5e027a3807115011b7f951d4c8e9e7',
);
const II_JWS_SIGNING_INPUT =
  'eyJqd2siOnsia3R5Ijoib2N0IiwiYWxnIjoiSWNDcyIsImsiOiJNRHd3REFZS0t3WUJCQUdEdUVNQkFnTXNBQW9BQUFBQUFBQUFBQUVCamxUYzNvSzVRVU9SbUt0T3YyVXBhMnhlQW5vNEJ4RlFFYmY1VWRUSTZlYyJ9LCJraWQiOiJkaWQ6aWNwOnJ3bGd0LWlpYWFhLWFhYWFhLWFhYWFhLWNhaSIsImFsZyI6IkljQ3MifQ' +
  '.' +
  'eyJpc3MiOiJodHRwczovL2ludGVybmV0Y29tcHV0ZXIub3JnL2lzc3VlcnMvaW50ZXJuZXQtaWRlbnRpdHkiLCJuYmYiOjE2MjAzMjg2MzAsImp0aSI6Imh0dHBzOi8vaW50ZXJuZXRjb21wdXRlci5vcmcvY3JlZGVudGlhbC9pbnRlcm5ldC1pZGVudGl0eS8xNjIwMzI4NjMwMDAwMDAwMDAwIiwic3ViIjoiZGlkOmljcDpjcGVocS01NGhlZi1vZGpqdC1ib2NrbC0zbGR0Zy1qcWxlNC15c2k1ci02YmZhaC12NmxzYS14cHJkdi1wcWUiLCJ2YyI6eyJAY29udGV4dCI6Imh0dHBzOi8vd3d3LnczLm9yZy8yMDE4L2NyZWRlbnRpYWxzL3YxIiwidHlwZSI6WyJWZXJpZmlhYmxlQ3JlZGVudGlhbCIsIkludGVybmV0SWRlbnRpdHlJZEFsaWFzIl0sImNyZWRlbnRpYWxTdWJqZWN0Ijp7Imhhc19pZF9hbGlhcyI6ImRpZDppY3A6czMzcWMtY3RucDUtdWJ5ejQta3VicW8tcDJ0ZW0taGU0bHMtNmoyM2otaHd3YmEtMzd6YmwtdDJsdjMtcGFlIn19fQ';
const II_SIGNATURE = hexToBytes(
  'd9d9f7a26b636572746966696361746559018bd9d9f7a2647472656583018301830183024863616e697374657283024a0000000000000000010183018301830183024e6365727469666965645f6461746182035820c941a3553caef7c614402f668105657d2e16538664bc203636818b26b34e352c82045820d2ccff3fcc5da930dec0e84a2541e658516b4bb1501e70e8b410e6986a057d608204582017e6197545d560963daa6c288e4ca052c9e79c75d6142a49bfec467ae9e6115582045820136f954e5a8787f93ac6d5ac73cf4ac021268f7531ffdf164004f35debb6d55a8204582047ec7326f18425771fd5954bac8e5b2ad27e7a00beb9399abdef68a64ec0e662820458203fea8e49b25f5c9d32f8ee1bb312d44e20aebceeae3a468dbbd847bf981cc5f08301820458203553f6581d53b3dd27646f61c8b0da0b0c3881b857c6dc3c47ea6888c113eb6b83024474696d6582034980b8aed4dd89a4be16697369676e61747572655830a201d7397f1b9d0c421f2f133a4006d976a4fea6f6631db68f973d479582fbc45eb0a2df7868244966da744f76c6a4516474726565830182045820758615802d752ecc5c17ae88ea16469207a61e8e277b2f082f6c88fad4c8c837830243736967830258203a52e5baad654f46a427fe4fa93fd90c35ee912acd608fb4150ac686e01c7639830182045820ec469681d50825a88d91861aeb1462483443ebffa6874860c50cfa3bc3045eb683025820fdbcbc869bb1649ae644ec9f5ca9c3abc76a67109d371814db2246564c35c6c0820340',
);
const II_MESSAGE = domainSeparated(
  'iccs_verifiable_credential',
  new TextEncoder().encode(II_JWS_SIGNING_INPUT),
);

const BLS_DER_PREFIX = hexToBytes(
  '308182301d060d2b0601040182dc7c0503010201060c2b0601040182dc7c05030201036100',
);
const NOW_NS = 1_700_000_000_000n * 1_000_000n;
const DAY_NS = 24n * 3600n * 1_000_000_000n;

interface TestKey {
  readonly secret: Uint8Array;
  readonly der: Uint8Array;
}

function testKey(fill: number): TestKey {
  const secret = new Uint8Array(32).fill(fill);
  const publicKey = bls12_381.getPublicKeyForShortSignatures(secret);
  return { secret, der: new Uint8Array([...BLS_DER_PREFIX, ...publicKey]) };
}

const ROOT = testKey(0x2a);
const OTHER_ROOT = testKey(0x33);
const SUBNET = testKey(0x17);
const SUBNET_ID = selfAuthenticatingPrincipal(SUBNET.der);
const SIGNER = canisterIdFromIndex(7n);
const OTHER_CANISTER = canisterIdFromIndex(8n);
const SEED = sha256(new TextEncoder().encode('anchor 10000 for http://localhost:5173'));
const SESSION_KEY_DER = encodePublicKeyDer('ed25519', new Uint8Array(32).fill(5));

/** What a delegation's canister signature covers (digest §2.2). */
function delegationMessage(expirationNs: bigint): Uint8Array {
  return domainSeparated(
    DomainSeparator.REQUEST_AUTH_DELEGATION,
    hashOfMap({ pubkey: SESSION_KEY_DER, expiration: expirationNs }),
  );
}

const MESSAGE = delegationMessage(NOW_NS + DAY_NS);

function keyOf(canisterId: Uint8Array, seed: Uint8Array): CanisterSignaturePublicKey {
  const key = parsePublicKeyDer(encodeCanisterSignaturePublicKeyDer(canisterId, seed));
  if (key.kind !== 'canister-signature') {
    throw new Error('not a canister-signature key');
  }
  return key;
}

const KEY = keyOf(SIGNER, SEED);

function signTree(key: TestKey, tree: HashTree): Uint8Array {
  return bls12_381.signShortSignature(
    stateRootMessage(reconstruct(tree)),
    key.secret,
  ) as Uint8Array;
}

/** The canister's signature map, `/sig/H(seed)/H(message) → ""`, as II keeps it (digest §3.4). */
function signatureMap(entries: readonly [Uint8Array, readonly Uint8Array[]][]): StateTree {
  return stateNode([
    [
      'sig',
      stateNode(
        entries.map(([seed, messages]) => [
          sha256(seed),
          stateNode(messages.map((message) => [sha256(message), new Uint8Array()])),
        ]),
      ),
    ],
  ]);
}

interface SignatureParts {
  /** The canister's signature map; its root hash is what the canister certifies. */
  readonly map?: StateTree;
  /** The witness handed out; defaults to the path of SEED and MESSAGE cut from `map`. */
  readonly tree?: HashTree;
  /** The data the certificate shows for the canister. @default hash of `map` */
  readonly certifiedData?: Uint8Array;
  /** The canister the certificate shows certified data for. @default SIGNER */
  readonly certifiedCanister?: Uint8Array;
  /** Who signs the certificate; 'nobody' leaves 48 zero bytes, for a stubbed BLS verifier. */
  readonly signedBy?: TestKey | 'nobody';
  readonly delegation?: CertificateDelegation;
  readonly timeNs?: bigint;
}

/** The certificate `ic0.data_certificate` gives a canister: `/time` and its certified data. */
function dataCertificate(parts: SignatureParts, certifiedData: Uint8Array): Uint8Array {
  const canister = parts.certifiedCanister ?? SIGNER;
  const state = stateNode([
    ['time', encodeLeb128(parts.timeNs ?? NOW_NS)],
    ['canister', stateNode([[canister, stateNode([['certified_data', certifiedData]])]])],
  ]);
  const tree = witness(state, [['time'], ['canister', canister, 'certified_data']]);
  return encodeCertificate({
    tree,
    signature:
      parts.signedBy === 'nobody' ? new Uint8Array(48) : signTree(parts.signedBy ?? ROOT, tree),
    ...(parts.delegation ? { delegation: parts.delegation } : {}),
  });
}

/** A canister signature assembled as II does: certificate from a query, witness of its map. */
function makeSignature(parts: SignatureParts = {}): Uint8Array {
  const map = parts.map ?? signatureMap([[SEED, [MESSAGE]]]);
  const tree = parts.tree ?? witness(map, [['sig', sha256(SEED), sha256(MESSAGE)]]);
  const certificate = dataCertificate(parts, parts.certifiedData ?? hashStateTree(map));
  return encodeCbor({ certificate, tree });
}

/** A root-signed delegation of SUBNET for the canister-id range [low, high]. */
function subnetDelegation(low: Uint8Array, high: Uint8Array): CertificateDelegation {
  const state = stateNode([
    ['time', encodeLeb128(NOW_NS - DAY_NS)],
    [
      'subnet',
      stateNode([
        [
          SUBNET_ID,
          stateNode([
            ['canister_ranges', encodeCbor([[low, high]])],
            ['public_key', SUBNET.der],
          ]),
        ],
      ]),
    ],
  ]);
  const tree = witness(state, [['time'], ['subnet', SUBNET_ID]]);
  return {
    subnetId: SUBNET_ID,
    certificate: encodeCertificate({ tree, signature: signTree(ROOT, tree) }),
  };
}

const noble: BlsVerify = (publicKey, message, signature) =>
  bls12_381.verifyShortSignature(signature, message, publicKey);
const verify = createCanisterSignatureVerifier({ rootKeyDer: ROOT.der, blsVerify: noble });

function expectFailure(
  check: SignatureCheck,
  code: CanisterSignatureErrorCode,
): Extract<SignatureCheck, { valid: false }> {
  if (check.valid) {
    return expect.fail(`expected ${code}, the signature was accepted`);
  }
  expect(check.code).toBe(code);
  return check;
}

/** Re-encodes a signature after changing its parts. */
function withFields(signature: Uint8Array, change: (map: CborMap) => CborMap): Uint8Array {
  return encodeCbor(change(decodeCbor(signature) as CborMap));
}

describe('createCanisterSignatureVerifier', () => {
  it('verify passes for the Internet Identity golden signature under its root key', () => {
    const key = parsePublicKeyDer(II_PUBLIC_KEY_DER) as CanisterSignaturePublicKey;
    const goldenVerify = createCanisterSignatureVerifier({ rootKeyDer: II_ROOT_KEY_DER });
    expect(goldenVerify(key, II_MESSAGE, II_SIGNATURE)).toEqual({ valid: true });
    expect(principalFromText('rwlgt-iiaaa-aaaaa-aaaaa-cai')).toEqual(key.canisterId);
  });

  it('verify fails for the golden signature over another message or under another root key', () => {
    const key = parsePublicKeyDer(II_PUBLIC_KEY_DER) as CanisterSignaturePublicKey;
    const goldenVerify = createCanisterSignatureVerifier({ rootKeyDer: II_ROOT_KEY_DER });
    const otherMessage = II_MESSAGE.slice(0, -1);
    expectFailure(
      goldenVerify(key, otherMessage, II_SIGNATURE),
      CanisterSignatureErrorCode.NOT_IN_TREE,
    );
    expectFailure(
      verify(key, II_MESSAGE, II_SIGNATURE),
      CanisterSignatureErrorCode.CERTIFICATE_INVALID,
    );
  });

  it('verify passes for a delegation signed by a root-signed data certificate', () => {
    expect(verify(KEY, MESSAGE, makeSignature())).toEqual({ valid: true });
  });

  it("verify passes for a witness of a map with many seeds and messages, in II's fork(assets, sig) layout", () => {
    const others: [Uint8Array, Uint8Array[]][] = Array.from({ length: 20 }, (_, i) => [
      new Uint8Array([i]),
      [delegationMessage(BigInt(i)), delegationMessage(BigInt(i + 100))],
    ]);
    const map = signatureMap([...others, [SEED, [delegationMessage(1n), MESSAGE]]]);
    const assetsRoot = sha256(new TextEncoder().encode('certified assets'));
    const sigWitness = witness(map, [['sig', sha256(SEED), sha256(MESSAGE)]]);
    // II certifies fork_hash(assets_root, labeled_hash("sig", sigs_root)) (digest §3.4).
    const tree: HashTree = [1, [4, assetsRoot], sigWitness];
    const signature = makeSignature({ map, tree, certifiedData: reconstruct(tree) });
    expect(verify(KEY, MESSAGE, signature)).toEqual({ valid: true });
  });

  it('verify passes for a certificate of any age, since the spec bounds only the delegation', () => {
    const signature = makeSignature({ timeNs: NOW_NS - 3650n * DAY_NS });
    expect(verify(KEY, MESSAGE, signature)).toEqual({ valid: true });
    const hiddenTime = withFields(makeSignature(), (map) => {
      const certificate = decodeCertificate(map['certificate'] as Uint8Array);
      const tree = witness(
        stateNode([
          ['time', encodeLeb128(NOW_NS)],
          [
            'canister',
            stateNode([
              [SIGNER, stateNode([['certified_data', reconstruct(map['tree'] as HashTree)]])],
            ]),
          ],
        ]),
        [['canister', SIGNER, 'certified_data']],
      );
      return {
        ...map,
        certificate: encodeCertificate({ ...certificate, tree, signature: signTree(ROOT, tree) }),
      };
    });
    expect(verify(KEY, MESSAGE, hiddenTime)).toEqual({ valid: true });
  });

  it('verify fails with NOT_IN_TREE for a key with another seed', () => {
    const check = expectFailure(
      verify(keyOf(SIGNER, sha256(SEED)), MESSAGE, makeSignature()),
      CanisterSignatureErrorCode.NOT_IN_TREE,
    );
    expect(check.reason).toMatch(/did not sign this message for this seed/);
  });

  it('verify fails with NOT_IN_TREE for another payload (a delegation with another expiration)', () => {
    const check = expectFailure(
      verify(KEY, delegationMessage(NOW_NS + 2n * DAY_NS), makeSignature()),
      CanisterSignatureErrorCode.NOT_IN_TREE,
    );
    expect(check.reason).toMatch(/lookup: absent/);
  });

  it('verify fails with NOT_IN_TREE when the witness proves the path absent', () => {
    const map = signatureMap([[SEED, [delegationMessage(1n), delegationMessage(3n)]]]);
    const tree = witness(map, [['sig', sha256(SEED), sha256(MESSAGE)]]);
    const check = expectFailure(
      verify(KEY, MESSAGE, makeSignature({ map, tree })),
      CanisterSignatureErrorCode.NOT_IN_TREE,
    );
    expect(check.reason).toMatch(/lookup: absent/);
  });

  it('verify fails with NOT_IN_TREE when the path is pruned away', () => {
    const sigs = stateNode([[sha256(SEED), stateNode([[sha256(MESSAGE), new Uint8Array()]])]]);
    const map = stateNode([['sig', sigs]]);
    const prunedBelowSig: HashTree = [2, new TextEncoder().encode('sig'), [4, hashStateTree(sigs)]];
    const prunedRoot: HashTree = [4, hashStateTree(map)];
    for (const tree of [prunedBelowSig, prunedRoot]) {
      const check = expectFailure(
        verify(KEY, MESSAGE, makeSignature({ map, tree })),
        CanisterSignatureErrorCode.NOT_IN_TREE,
      );
      expect(check.reason).toMatch(/the path is pruned/);
    }
  });

  it('verify fails with NOT_IN_TREE when the leaf at the path is not empty', () => {
    const map = stateNode([
      ['sig', stateNode([[sha256(SEED), stateNode([[sha256(MESSAGE), new Uint8Array([1])]])]])],
    ]);
    const check = expectFailure(
      verify(KEY, MESSAGE, makeSignature({ map })),
      CanisterSignatureErrorCode.NOT_IN_TREE,
    );
    expect(check.reason).toMatch(/found a 1-byte leaf/);
  });

  it('verify fails with NO_CERTIFIED_DATA when the key names another canister than the certificate', () => {
    const check = expectFailure(
      verify(keyOf(OTHER_CANISTER, SEED), MESSAGE, makeSignature()),
      CanisterSignatureErrorCode.NO_CERTIFIED_DATA,
    );
    expect(check.reason).toMatch(
      /does not reveal \/canister\/\S+\/certified_data \(lookup: absent\)/,
    );
  });

  it("verify fails with NOT_CERTIFIED when certified_data is not the tree's root hash", () => {
    const check = expectFailure(
      verify(KEY, MESSAGE, makeSignature({ certifiedData: new Uint8Array(32).fill(1) })),
      CanisterSignatureErrorCode.NOT_CERTIFIED,
    );
    expect(check.reason).toContain('01'.repeat(32));
    expect(check.details?.['treeRoot']).toEqual(hashStateTree(signatureMap([[SEED, [MESSAGE]]])));
  });

  it('verify fails with NOT_CERTIFIED when the tree was altered after certification', () => {
    const signature = withFields(makeSignature(), (map) => ({
      ...map,
      tree: [1, [4, new Uint8Array(32)], map['tree'] as HashTree],
    }));
    expectFailure(verify(KEY, MESSAGE, signature), CanisterSignatureErrorCode.NOT_CERTIFIED);
  });

  it('verify fails with CERTIFICATE_INVALID when the certificate was signed by another root key', () => {
    const check = expectFailure(
      verify(KEY, MESSAGE, makeSignature({ signedBy: OTHER_ROOT })),
      CanisterSignatureErrorCode.CERTIFICATE_INVALID,
    );
    expect(check.details?.['causeCode']).toBe(CertificateErrorCode.INVALID_SIGNATURE);
    const otherNetwork = createCanisterSignatureVerifier({
      rootKeyDer: OTHER_ROOT.der,
      blsVerify: noble,
    });
    expectFailure(
      otherNetwork(KEY, MESSAGE, makeSignature()),
      CanisterSignatureErrorCode.CERTIFICATE_INVALID,
    );
  });

  it('verify fails with CERTIFICATE_INVALID when a byte of the certificate signature is flipped', () => {
    const signature = withFields(makeSignature(), (map) => {
      const certificate = decodeCertificate(map['certificate'] as Uint8Array);
      const flipped = certificate.signature.slice();
      flipped[47] ^= 0x01;
      return { ...map, certificate: encodeCertificate({ ...certificate, signature: flipped }) };
    });
    expectFailure(verify(KEY, MESSAGE, signature), CanisterSignatureErrorCode.CERTIFICATE_INVALID);
  });

  it('verify fails with CERTIFICATE_INVALID when the certificate bytes are not a certificate', () => {
    const signature = encodeCbor({ certificate: new Uint8Array([1, 2, 3]), tree: [0] });
    const check = expectFailure(
      verify(KEY, MESSAGE, signature),
      CanisterSignatureErrorCode.CERTIFICATE_INVALID,
    );
    expect(check.details?.['causeCode']).toBe(CertificateErrorCode.MALFORMED);
  });

  it('verify passes for a delegated certificate whose subnet hosts the canister', () => {
    const delegation = subnetDelegation(canisterIdFromIndex(0n), canisterIdFromIndex(7n));
    const signature = makeSignature({ signedBy: SUBNET, delegation });
    expect(verify(KEY, MESSAGE, signature)).toEqual({ valid: true });
  });

  it('verify fails with CANISTER_NOT_IN_RANGE when the delegated subnet does not host the canister', () => {
    const delegation = subnetDelegation(canisterIdFromIndex(0n), canisterIdFromIndex(6n));
    const check = expectFailure(
      verify(KEY, MESSAGE, makeSignature({ signedBy: SUBNET, delegation })),
      CanisterSignatureErrorCode.CANISTER_NOT_IN_RANGE,
    );
    expect(check.details?.['causeCode']).toBe(CertificateErrorCode.CANISTER_NOT_IN_RANGES);
  });

  it('verify fails with CERTIFICATE_INVALID when a delegated certificate is signed by the root instead of the subnet', () => {
    const delegation = subnetDelegation(canisterIdFromIndex(0n), canisterIdFromIndex(7n));
    expectFailure(
      verify(KEY, MESSAGE, makeSignature({ signedBy: ROOT, delegation })),
      CanisterSignatureErrorCode.CERTIFICATE_INVALID,
    );
  });

  const malformed: [string, Uint8Array][] = [
    ['bytes that are not CBOR', new Uint8Array([0xff, 0x00])],
    ['a CBOR array', encodeCbor([1, 2])],
    ['a signature without the self-describe tag 55799', makeSignature().subarray(3)],
    ['a map without tree', encodeCbor({ certificate: new Uint8Array(1) })],
    ['a map without certificate', encodeCbor({ tree: [0] })],
    ['a certificate given as text', encodeCbor({ certificate: 'abc', tree: [0] })],
    [
      'an unknown field',
      withFields(makeSignature(), (map) => ({ ...map, seed: new Uint8Array(1) })),
    ],
    ['a tree node of type 5', encodeCbor({ certificate: new Uint8Array(1), tree: [5] })],
    [
      'a tree that is not well-formed',
      encodeCbor({
        certificate: new Uint8Array(1),
        tree: [
          1,
          [2, new TextEncoder().encode('sig'), [0]],
          [2, new TextEncoder().encode('a'), [0]],
        ],
      }),
    ],
  ];
  for (const [what, signature] of malformed) {
    it(`verify fails with MALFORMED for ${what}`, () => {
      expectFailure(verify(KEY, MESSAGE, signature), CanisterSignatureErrorCode.MALFORMED);
    });
  }

  it('verify checks a certificate with BLS once and then remembers it, but not a failed one', () => {
    let pairings = 0;
    const counting: BlsVerify = (publicKey, message, signature) => {
      pairings += 1;
      return noble(publicKey, message, signature);
    };
    const cached = createCanisterSignatureVerifier({ rootKeyDer: ROOT.der, blsVerify: counting });
    const signature = makeSignature();
    expect(cached(KEY, MESSAGE, signature).valid).toBe(true);
    expect(cached(KEY, MESSAGE, signature).valid).toBe(true);
    expect(pairings).toBe(1);
    // The hash checks still run for every message.
    expect(cached(KEY, delegationMessage(1n), signature).valid).toBe(false);
    const forged = makeSignature({ signedBy: OTHER_ROOT });
    expect(cached(KEY, MESSAGE, forged).valid).toBe(false);
    expect(cached(KEY, MESSAGE, forged).valid).toBe(false);
    expect(pairings).toBe(3);
  });

  it('verify forgets the least recently used certificate beyond the cache size', () => {
    let pairings = 0;
    const cached = createCanisterSignatureVerifier({
      rootKeyDer: ROOT.der,
      blsVerify: () => {
        pairings += 1;
        return true;
      },
    });
    const signatures = Array.from(
      { length: CANISTER_SIGNATURE_CERTIFICATE_CACHE_SIZE + 1 },
      (_, i) => makeSignature({ timeNs: NOW_NS + BigInt(i) }),
    );
    for (const signature of signatures) {
      cached(KEY, MESSAGE, signature);
    }
    expect(pairings).toBe(signatures.length);
    cached(KEY, MESSAGE, signatures.at(-1) as Uint8Array);
    expect(pairings).toBe(signatures.length);
    cached(KEY, MESSAGE, signatures[0] as Uint8Array);
    expect(pairings).toBe(signatures.length + 1);
  });

  it('createCanisterSignatureVerifier fails on a root key that is not BLS', () => {
    try {
      createCanisterSignatureVerifier({ rootKeyDer: SESSION_KEY_DER });
    } catch (error) {
      expect((error as CitadelError).code).toBe(CertificateErrorCode.INVALID_ROOT_KEY);
      return;
    }
    expect.fail('expected PROTO_CERT_INVALID_ROOT_KEY');
  });

  it('createSignatureVerifier with the plug-in throws the canister-signature code with its details', () => {
    const verifier = createSignatureVerifier({
      canisterSignature: createCanisterSignatureVerifier({ rootKeyDer: ROOT.der }),
    });
    const der = encodeCanisterSignaturePublicKeyDer(SIGNER, SEED);
    expect(() => verifier.verify(der, MESSAGE, makeSignature())).not.toThrow();
    try {
      verifier.verify(der, MESSAGE, makeSignature({ signedBy: OTHER_ROOT }));
    } catch (error) {
      expect(error).toBeInstanceOf(CitadelError);
      expect((error as CitadelError).code).toBe(CanisterSignatureErrorCode.CERTIFICATE_INVALID);
      expect((error as CitadelError).kind).toBe('trust');
      expect((error as CitadelError).details['causeCode']).toBe(
        CertificateErrorCode.INVALID_SIGNATURE,
      );
      expect((error as CitadelError).message).toMatch(
        /^Signature rejected: canister signature: the certificate does not verify under this network's root key: Certificate rejected: /,
      );
      return;
    }
    expect.fail('expected the forged certificate to be rejected');
  });
});
