import { sha256 } from '@noble/hashes/sha2.js';

import { verifyBlsSignature } from '../bls/verify.js';
import { bytesEqual, bytesToHex } from '../byte-order.js';
import { decodeCbor } from '../cbor/decode.js';
import { isCborMap } from '../cbor/types.js';
import type { CborValue } from '../cbor/types.js';
import { decodeCertificate } from '../certificate/codec.js';
import { CertificateErrorCode } from '../certificate/errors.js';
import type { Certificate } from '../certificate/types.js';
import { verifyCertificateAuthenticity } from '../certificate/verify.js';
import type { BlsVerify } from '../certificate/verify.js';
import { CitadelError, isCitadelError } from '../errors.js';
import { decodeHashTree } from '../hash-tree/decode.js';
import { lookupPath } from '../hash-tree/lookup.js';
import { reconstruct } from '../hash-tree/reconstruct.js';
import type { HashTree, LookupResult } from '../hash-tree/types.js';
import { isWellFormedHashTree } from '../hash-tree/well-formed.js';
import { parsePublicKeyDer } from '../keys/parse-public-key-der.js';
import type { CanisterSignaturePublicKey } from '../keys/types.js';
import { principalToText } from '../principal.js';
import { CanisterSignatureErrorCode } from './errors.js';
import type { KeySignatureVerifier, SignatureCheck } from './types.js';

/** Options of {@link createCanisterSignatureVerifier}. */
export interface CanisterSignatureVerifierOptions {
  /**
   * The 133-byte DER BLS root key of the network whose certificates the signatures carry
   * (what `/api/v2/status` returns as `root_key`).
   */
  readonly rootKeyDer: Uint8Array;
  /**
   * Checks the certificates' BLS signatures.
   * @default verifyBlsSignature
   */
  readonly blsVerify?: BlsVerify;
}

/**
 * How many verified certificates a verifier remembers. A BLS pairing costs about 25 ms, and
 * every request of an Internet Identity session (each call, poll and query) carries the same
 * delegation, hence the same certificate.
 */
export const CANISTER_SIGNATURE_CERTIFICATE_CACHE_SIZE = 256;

/** Certificates nest deeper than requests; same bound as decodeCertificate. */
const SIGNATURE_MAX_DEPTH = 128;

/** The decoded CBOR signature (interface spec "Canister signatures"). */
interface CanisterSignature {
  readonly certificate: Uint8Array;
  readonly tree: HashTree;
}

/**
 * Creates the verifier of canister signatures for one network (interface spec "Canister
 * signatures"; digest §3.3), the scheme Internet Identity signs delegations with. The
 * signature is CBOR `{certificate, tree}`; it is valid when
 * 1. `lookup(/canister/<key's canister>/certified_data, certificate.tree)` is
 *    `reconstruct(tree)`,
 * 2. `lookup(/sig/SHA-256(seed)/SHA-256(message), tree)` is an empty leaf, and
 * 3. the certificate was signed by `rootKeyDer`, directly or through a subnet delegation whose
 *    canister ranges contain the canister.
 * The cheap hash checks run first, the BLS pairing last; certificates that verified are
 * remembered (see {@link CANISTER_SIGNATURE_CERTIFICATE_CACHE_SIZE}). As the spec says, the
 * certificate's `/time` is not checked: only the delegation's expiration limits the signature.
 * Each failure carries a {@link CanisterSignatureErrorCode}.
 * @example
 * createSignatureVerifier({
 *   webauthn: verifyWebAuthnSignature,
 *   canisterSignature: createCanisterSignatureVerifier({ rootKeyDer }),
 * });
 */
export function createCanisterSignatureVerifier(
  options: CanisterSignatureVerifierOptions,
): KeySignatureVerifier<CanisterSignaturePublicKey> {
  const rootKeyDer = options.rootKeyDer;
  const rootKey = parsePublicKeyDer(rootKeyDer);
  if (rootKey.kind !== 'bls12381-g2') {
    throw new CitadelError(
      'trust',
      CertificateErrorCode.INVALID_ROOT_KEY,
      `Canister signatures are verified against the network's BLS12-381 root key, got a ${rootKey.kind} key.`,
      { kind: rootKey.kind },
    );
  }
  const blsVerify = options.blsVerify ?? verifyBlsSignature;
  // Keys of certificates (with the canister they were checked for) that verified; Map order
  // makes it least-recently-used first.
  const verified = new Map<string, true>();

  function checkCertificate(
    bytes: Uint8Array,
    certificate: Certificate,
    canisterId: Uint8Array,
  ): SignatureCheck {
    const cacheKey = `${bytesToHex(sha256(bytes))}/${bytesToHex(canisterId)}`;
    if (verified.delete(cacheKey)) {
      verified.set(cacheKey, true);
      return VALID;
    }
    try {
      verifyCertificateAuthenticity(certificate, { rootKeyDer, blsVerify, canisterId });
    } catch (error) {
      if (!isCitadelError(error)) {
        throw error;
      }
      if (error.code === CertificateErrorCode.CANISTER_NOT_IN_RANGES) {
        return failure(
          CanisterSignatureErrorCode.CANISTER_NOT_IN_RANGE,
          `the certificate is delegated to a subnet that does not host canister ${principalToText(canisterId)} (${error.message})`,
          { causeCode: error.code },
        );
      }
      return failure(
        CanisterSignatureErrorCode.CERTIFICATE_INVALID,
        `the certificate does not verify under this network's root key: ${error.message} (${error.code})`,
        { causeCode: error.code },
      );
    }
    verified.set(cacheKey, true);
    if (verified.size > CANISTER_SIGNATURE_CERTIFICATE_CACHE_SIZE) {
      const oldest = verified.keys().next();
      if (oldest.done !== true) {
        verified.delete(oldest.value);
      }
    }
    return VALID;
  }

  return (key, message, signatureBytes) => {
    const signature = readSignature(signatureBytes);
    if (typeof signature === 'string') {
      return failure(CanisterSignatureErrorCode.MALFORMED, signature);
    }
    let certificate: Certificate;
    try {
      certificate = decodeCertificate(signature.certificate);
    } catch (error) {
      if (!isCitadelError(error)) {
        throw error;
      }
      return failure(
        CanisterSignatureErrorCode.CERTIFICATE_INVALID,
        `its certificate cannot be decoded: ${error.message} (${error.code})`,
        { causeCode: error.code },
      );
    }
    const canister = principalToText(key.canisterId);
    const certifiedData = lookupPath(certificate.tree, [
      'canister',
      key.canisterId,
      'certified_data',
    ]);
    if (certifiedData.status !== 'found') {
      return failure(
        CanisterSignatureErrorCode.NO_CERTIFIED_DATA,
        `its certificate does not reveal /canister/${canister}/certified_data (lookup: ${certifiedData.status}); it was issued for another canister than the key's, or prunes that path`,
        { canisterId: key.canisterId },
      );
    }
    const treeRoot = reconstruct(signature.tree);
    if (!bytesEqual(certifiedData.value, treeRoot)) {
      return failure(
        CanisterSignatureErrorCode.NOT_CERTIFIED,
        `canister ${canister} certified ${describeBytes(certifiedData.value)}, not the signature tree's root hash ${bytesToHex(treeRoot)}; the tree was altered, or the canister certified other data before the certificate was read`,
        { certifiedData: certifiedData.value, treeRoot },
      );
    }
    const seedHash = sha256(key.seed);
    const messageHash = sha256(message);
    const leaf = lookupPath(signature.tree, ['sig', seedHash, messageHash]);
    if (leaf.status !== 'found' || leaf.value.length !== 0) {
      return failure(
        CanisterSignatureErrorCode.NOT_IN_TREE,
        `the signature tree has no empty leaf at /sig/${bytesToHex(seedHash)}/${bytesToHex(messageHash)} (${describeLeaf(leaf)}); canister ${canister} did not sign this message for this seed`,
        { seedHash, messageHash },
      );
    }
    return checkCertificate(signature.certificate, certificate, key.canisterId);
  };
}

const VALID: SignatureCheck = { valid: true };

/** `d9 d9 f7`: CBOR tag 55799, which the interface spec requires in front of the signature. */
const SELF_DESCRIBE_PREFIX = new Uint8Array([0xd9, 0xd9, 0xf7]);

/** Decodes `{certificate: bytes, tree: hash tree}` strictly, or returns why it is malformed. */
function readSignature(bytes: Uint8Array): CanisterSignature | string {
  // The IC refuses signatures without the tag (ic-crypto-iccsa), so a canister that omits it
  // must fail here too rather than only on mainnet.
  if (!bytesEqual(bytes.subarray(0, SELF_DESCRIBE_PREFIX.length), SELF_DESCRIBE_PREFIX)) {
    return 'a canister signature is CBOR that starts with the self-describe tag 55799 (d9d9f7)';
  }
  let value: CborValue;
  try {
    value = decodeCbor(bytes, { maxDepth: SIGNATURE_MAX_DEPTH });
  } catch (error) {
    if (isCitadelError(error)) {
      return `a canister signature is CBOR, but: ${error.message} (${error.code})`;
    }
    throw error;
  }
  if (!isCborMap(value)) {
    return 'a canister signature is a CBOR map {certificate, tree}';
  }
  const unknown = Object.keys(value).filter((field) => field !== 'certificate' && field !== 'tree');
  if (unknown.length > 0) {
    return `the canister signature has unexpected field(s) ${unknown.map((field) => JSON.stringify(field)).join(', ')}; it holds exactly certificate and tree`;
  }
  const { certificate, tree } = value;
  if (!(certificate instanceof Uint8Array)) {
    return 'the canister signature needs "certificate" as a byte string';
  }
  if (tree === undefined) {
    return 'the canister signature needs a hash tree in "tree"';
  }
  let decodedTree: HashTree;
  try {
    decodedTree = decodeHashTree(tree);
  } catch (error) {
    if (isCitadelError(error)) {
      return `the canister signature's "tree" is not a hash tree: ${error.message} (${error.code})`;
    }
    throw error;
  }
  // The spec's lookup is only meaningful on well-formed trees (digest §3.2).
  if (!isWellFormedHashTree(decodedTree)) {
    return "the canister signature's tree is not well-formed (labels out of order or leaves beside labels)";
  }
  return { certificate, tree: decodedTree };
}

function describeLeaf(leaf: LookupResult): string {
  switch (leaf.status) {
    case 'found':
      return `found a ${leaf.value.length}-byte leaf`;
    case 'unknown':
      return 'lookup: unknown, the path is pruned';
    default:
      return `lookup: ${leaf.status}`;
  }
}

function describeBytes(bytes: Uint8Array): string {
  return bytes.length === 32 ? bytesToHex(bytes) : `${bytes.length} bytes (${bytesToHex(bytes)})`;
}

function failure(
  code: CanisterSignatureErrorCode,
  reason: string,
  details: Record<string, unknown> = {},
): SignatureCheck {
  return { valid: false, code, reason: `canister signature: ${reason}`, details };
}
