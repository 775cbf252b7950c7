import { bytesEqual } from '../byte-order.js';
import { CitadelError } from '../errors.js';
import { G2_BASE, decodeG2 } from './curve.js';
import { BlsErrorCode } from './errors.js';
import { bytesToScalar, interpolateAt, isNonZeroScalar } from './scalar.js';
import { assertThresholdParameters } from './threshold-key.js';
import type { ThresholdKey, ThresholdKeyShare } from './threshold-key.js';

/** JSON-safe form of a {@link ThresholdKey}: byte strings as lower-case hex. */
export interface SerializedThresholdKey {
  readonly version: 1;
  readonly threshold: number;
  /** 96-byte compressed G2 public key, hex. */
  readonly publicKey: string;
  readonly shares: readonly {
    readonly index: number;
    /** 32-byte big-endian scalar, hex. Secret. */
    readonly secretShare: string;
    /** 96-byte compressed G2 point, hex. */
    readonly publicShare: string;
  }[];
}

/** Turns a threshold key into plain JSON data, so the network can persist it across restarts. */
export function serializeThresholdKey(key: ThresholdKey): SerializedThresholdKey {
  return {
    version: 1,
    threshold: key.threshold,
    publicKey: toHex(key.publicKey),
    shares: key.shares.map((share) => ({
      index: share.index,
      secretShare: toHex(share.secretShare),
      publicShare: toHex(share.publicShare),
    })),
  };
}

/**
 * Reads what {@link serializeThresholdKey} wrote and checks it is one consistent key: every
 * public share matches its secret share, all shares lie on one polynomial of degree
 * threshold − 1, and its value at 0 matches the public key. Throws
 * PROTO_BLS_INVALID_KEY_MATERIAL otherwise, so a damaged key file is noticed at start-up
 * instead of as unverifiable certificates.
 */
export function deserializeThresholdKey(value: unknown): ThresholdKey {
  if (typeof value !== 'object' || value === null) {
    throw invalid('expected an object');
  }
  const record = value as Record<string, unknown>;
  // Files without a version come from the interim implementation (commit 82fba3e), which
  // wrote secret shares as unpadded hex; they are read so existing data directories survive.
  const legacy = record['version'] === undefined;
  if (!legacy && record['version'] !== 1) {
    throw invalid(`unsupported version ${JSON.stringify(record['version'])}; expected 1`);
  }
  const threshold = record['threshold'];
  const rawShares = record['shares'];
  if (typeof threshold !== 'number' || !Array.isArray(rawShares)) {
    throw invalid('expected a numeric threshold and a shares array');
  }
  const publicKey = fromHex(record['publicKey'], 96, 'publicKey');
  const shares: ThresholdKeyShare[] = rawShares.map((raw: unknown, position) => {
    const share = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
    const index = share['index'];
    if (index !== position + 1) {
      throw invalid(`shares[${position}].index must be ${position + 1}`);
    }
    return {
      index,
      secretShare: fromHex(
        legacy ? padLegacyScalar(share['secretShare']) : share['secretShare'],
        32,
        `shares[${position}].secretShare`,
      ),
      publicShare: fromHex(share['publicShare'], 96, `shares[${position}].publicShare`),
    };
  });
  try {
    assertThresholdParameters(shares.length, threshold);
  } catch (error) {
    throw invalid(`threshold ${threshold} does not fit ${shares.length} shares`, error);
  }
  assertConsistent(publicKey, threshold, shares);
  return { publicKey, threshold, shares };
}

function assertConsistent(
  publicKey: Uint8Array,
  threshold: number,
  shares: readonly ThresholdKeyShare[],
): void {
  if (decodeG2(publicKey) === null) {
    throw invalid('publicKey is not a compressed G2 point');
  }
  const secrets = shares.map((share) => bytesToScalar(share.secretShare));
  shares.forEach((share, i) => {
    const secret = secrets[i] ?? 0n;
    if (!isNonZeroScalar(secret)) {
      throw invalid(`shares[${i}].secretShare is not a scalar in [1, r)`);
    }
    if (!bytesEqual(G2_BASE.multiply(secret).toBytes(true), share.publicShare)) {
      throw invalid(`shares[${i}].publicShare does not belong to its secret share`);
    }
  });
  // The first `threshold` shares fix the polynomial; every other share must lie on it too.
  const basis = shares.slice(0, threshold).map((share) => BigInt(share.index));
  const valueAt = (x: bigint): bigint => interpolateAt(basis, secrets.slice(0, threshold), x);
  shares.slice(threshold).forEach((share, offset) => {
    if (valueAt(BigInt(share.index)) !== secrets[threshold + offset]) {
      throw invalid(
        `shares[${threshold + offset}] does not lie on the same polynomial as the first ${threshold} shares`,
      );
    }
  });
  const secret = valueAt(0n);
  if (secret === 0n || !bytesEqual(G2_BASE.multiply(secret).toBytes(true), publicKey)) {
    throw invalid('the shares do not recombine to publicKey');
  }
}

function fromHex(value: unknown, length: number, field: string): Uint8Array {
  if (typeof value !== 'string' || !/^[0-9a-f]*$/.test(value) || value.length !== 2 * length) {
    throw invalid(`${field} must be ${length} bytes of lower-case hex`);
  }
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) {
    bytes[i] = Number.parseInt(value.slice(2 * i, 2 * i + 2), 16);
  }
  return bytes;
}

function padLegacyScalar(value: unknown): unknown {
  return typeof value === 'string' && value.length > 0 && value.length <= 64
    ? value.padStart(64, '0')
    : value;
}

function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

function invalid(reason: string, cause?: unknown): CitadelError {
  return new CitadelError(
    'input',
    BlsErrorCode.INVALID_KEY_MATERIAL,
    `Invalid threshold key material: ${reason}. Restore the key file from a backup or reset the network's data directory.`,
    {},
    cause === undefined ? undefined : { cause },
  );
}
