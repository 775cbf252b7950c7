import { decodeCbor } from '../cbor/decode.js';
import { encodeCbor } from '../cbor/encode.js';
import { isCborMap } from '../cbor/types.js';
import type { CborMap, CborValue } from '../cbor/types.js';
import { CitadelError, isCitadelError } from '../errors.js';
import { decodeHashTree } from '../hash-tree/decode.js';
import { CertificateErrorCode } from './errors.js';
import type { Certificate, CertificateDelegation } from './types.js';

/** BLS12-381 signatures in G1 are 48 bytes compressed (digest §4.3). */
const SIGNATURE_BYTES = 48;
/** Principals are at most 29 bytes. */
const MAX_SUBNET_ID_BYTES = 29;
/** Certificate trees nest deeper than requests; still bounded against hostile input. */
const CERTIFICATE_MAX_DEPTH = 128;

/**
 * CBOR-encodes a certificate under tag 55799 as `{tree, signature, delegation?}`; the
 * `delegation` key is omitted when absent (interface spec "Certificate encoding").
 */
export function encodeCertificate(certificate: Certificate): Uint8Array {
  const delegation = certificate.delegation;
  return encodeCbor({
    tree: certificate.tree,
    signature: certificate.signature,
    delegation:
      delegation === undefined
        ? undefined
        : { subnet_id: delegation.subnetId, certificate: delegation.certificate },
  });
}

/**
 * Decodes a certificate strictly: exactly the keys `tree`, `signature` (48 bytes) and optional
 * `delegation` `{subnet_id, certificate}`, with a structurally valid hash tree.
 * Does not verify anything; see verifyCertificate.
 */
export function decodeCertificate(bytes: Uint8Array): Certificate {
  let value: CborValue;
  try {
    value = decodeCbor(bytes, { maxDepth: CERTIFICATE_MAX_DEPTH });
  } catch (error) {
    throw wrap(error, 'it is not valid CBOR');
  }
  const map = expectMap(value, 'the certificate', ['tree', 'signature', 'delegation']);
  if (map.tree === undefined) {
    throw malformed('the certificate has no "tree"');
  }
  let tree;
  try {
    tree = decodeHashTree(map.tree);
  } catch (error) {
    throw wrap(error, 'its "tree" is not a hash tree');
  }
  const signature = map.signature;
  if (!(signature instanceof Uint8Array) || signature.length !== SIGNATURE_BYTES) {
    throw malformed(
      `"signature" must be a ${SIGNATURE_BYTES}-byte BLS signature, got ${describe(signature)}`,
    );
  }
  // The agent's encoder writes an absent delegation as CBOR undefined (0xf7).
  if (map.delegation === undefined) {
    return { tree, signature };
  }
  return { tree, signature, delegation: decodeDelegation(map.delegation) };
}

function decodeDelegation(value: CborValue): CertificateDelegation {
  const map = expectMap(value, '"delegation"', ['subnet_id', 'certificate']);
  const subnetId = map.subnet_id;
  const certificate = map.certificate;
  if (!(subnetId instanceof Uint8Array) || subnetId.length > MAX_SUBNET_ID_BYTES) {
    throw malformed(`"delegation.subnet_id" must be principal bytes, got ${describe(subnetId)}`);
  }
  if (!(certificate instanceof Uint8Array)) {
    throw malformed(`"delegation.certificate" must be bytes, got ${describe(certificate)}`);
  }
  return { subnetId, certificate };
}

function expectMap(value: CborValue, what: string, allowed: readonly string[]): CborMap {
  if (!isCborMap(value)) {
    throw malformed(`${what} must be a CBOR map, got ${describe(value)}`);
  }
  const unknown = Object.keys(value).filter((key) => !allowed.includes(key));
  if (unknown.length > 0) {
    throw malformed(
      `${what} has unexpected key(s) ${unknown.map((key) => JSON.stringify(key)).join(', ')}; allowed: ${allowed.join(', ')}`,
    );
  }
  return value;
}

function malformed(reason: string): CitadelError {
  return new CitadelError(
    'trust',
    CertificateErrorCode.MALFORMED,
    `Certificate rejected: ${reason}.`,
  );
}

function wrap(error: unknown, reason: string): CitadelError {
  const inner = isCitadelError(error) ? `${error.message} (${error.code})` : String(error);
  return new CitadelError(
    'trust',
    CertificateErrorCode.MALFORMED,
    `Certificate rejected: ${reason}: ${inner}`,
    { causeCode: isCitadelError(error) ? error.code : undefined },
    { cause: error },
  );
}

function describe(value: CborValue): string {
  if (value instanceof Uint8Array) {
    return `${value.length} bytes`;
  }
  if (value === null) {
    return 'null';
  }
  if (Array.isArray(value)) {
    return 'an array';
  }
  return `a ${typeof value}`;
}
