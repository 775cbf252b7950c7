import {
  type HashTree,
  bytesToHex,
  decodeCbor,
  encodeCanisterSignaturePublicKeyDer,
  isCitadelError,
  lookupPath,
  parsePublicKeyDer,
  principalFromText,
  reconstruct,
  selfAuthenticatingPrincipal,
} from '@citadel/protocol';
import { ECDSAKeyIdentity } from '@dfinity/identity';
import { sha256 } from '@noble/hashes/sha2.js';
import { hexToBytes } from '@noble/hashes/utils.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { IdentityErrorCode } from '../identity/errors.js';
import {
  DEFAULT_SESSION_TTL_NS,
  MAX_SESSION_TTL_NS,
  SIGNATURE_TTL_NS,
} from '../identity/limits.js';
import { delegationMessageHash } from './delegation-hash.js';
import { Delegations, type Signer } from './delegations.js';
import { deriveSeed } from './seed.js';

const T0 = 1_700_000_000_000_000_000n;
const FRONTEND = 'http://localhost:5173';
const signer: Signer = {
  canisterId: principalFromText('rdmx6-jaaaa-aaaaa-aaadq-cai'),
  salt: Uint8Array.from({ length: 32 }, (_, i) => 255 - i),
};
/** Stands for the replica's data certificate: the canister only copies it. */
const CERTIFICATE = Uint8Array.of(0xd9, 0xd9, 0xf7, 0xa0);

let sessionKey: Uint8Array;
beforeAll(async () => {
  sessionKey = (await ECDSAKeyIdentity.generate()).getPublicKey().toDer();
});

/** The error code `body` throws. */
function codeOf(body: () => unknown): string | undefined {
  try {
    body();
  } catch (error) {
    return isCitadelError(error) ? error.code : 'not a CitadelError';
  }
  return undefined;
}

describe('canister-signature user keys', () => {
  it('encode the crate test vector: rwlgt-iiaaa-aaaaa-aaaaa-cai with seed 2a482c', () => {
    const der = encodeCanisterSignaturePublicKeyDer(
      principalFromText('rwlgt-iiaaa-aaaaa-aaaaa-cai'),
      hexToBytes('2a482c'),
    );
    expect(bytesToHex(der)).toBe(
      '301f300c060a2b0601040183b8430102030f000a000000000000000001012a482c',
    );
  });

  it('are 62-byte DER keys of the canister id and the seed of (salt, anchor, frontend)', () => {
    const delegations = new Delegations();
    const userKey = delegations.userKey(signer, 10_000n, FRONTEND);
    expect(userKey).toHaveLength(62);
    expect(bytesToHex(userKey.subarray(0, 20))).toBe('303c300c060a2b0601040183b8430102032c000a');
    const parsed = parsePublicKeyDer(userKey);
    expect(parsed).toMatchObject({ kind: 'canister-signature', canisterId: signer.canisterId });
    expect('seed' in parsed && parsed.seed).toEqual(
      deriveSeed(signer.salt, 10_000n, new TextEncoder().encode(FRONTEND)),
    );
  });

  it('give each anchor a different principal at each frontend', () => {
    const delegations = new Delegations();
    const principals = [
      delegations.principal(signer, 10_000n, FRONTEND),
      delegations.principal(signer, 10_001n, FRONTEND),
      delegations.principal(signer, 10_000n, 'http://127.0.0.1:5173'),
      delegations.principal({ ...signer, salt: new Uint8Array(32) }, 10_000n, FRONTEND),
    ].map(bytesToHex);
    expect(new Set(principals).size).toBe(4);
    expect(delegations.principal(signer, 10_000n, FRONTEND)).toEqual(
      selfAuthenticatingPrincipal(delegations.userKey(signer, 10_000n, FRONTEND)),
    );
  });
});

describe('Delegations', () => {
  const request = () => ({ anchor: 10_000n, frontend: FRONTEND, sessionKey });

  it('prepares a delegation that get hands out with a signature tree proving sig/H(seed)/H(payload)', () => {
    const delegations = new Delegations();
    const { userKey, expirationNs } = delegations.prepare(signer, request(), undefined, T0);
    expect(expirationNs).toBe(T0 + DEFAULT_SESSION_TTL_NS);
    expect(userKey).toEqual(delegations.userKey(signer, 10_000n, FRONTEND));

    const signed = delegations.get(request(), expirationNs, CERTIFICATE, T0 + 1n);
    expect(signed?.delegation).toEqual({ pubkey: sessionKey, expirationNs });
    const signature = decodeCbor(signed?.signature as Uint8Array) as {
      certificate: Uint8Array;
      tree: HashTree;
    };
    expect(Object.keys(signature)).toEqual(['certificate', 'tree']);
    expect(signature.certificate).toEqual(CERTIFICATE);
    expect(reconstruct(signature.tree)).toEqual(delegations.signatures.certifiedData());
    const seed = deriveSeed(signer.salt, 10_000n, new TextEncoder().encode(FRONTEND));
    expect(
      lookupPath(signature.tree, [
        'sig',
        sha256(seed),
        delegationMessageHash(sessionKey, expirationNs),
      ]),
    ).toEqual({ status: 'found', value: new Uint8Array(0) });
    // The encoding starts with the self-describe tag, as agents expect.
    expect([...(signed?.signature as Uint8Array).subarray(0, 3)]).toEqual([0xd9, 0xd9, 0xf7]);
  });

  it('caps the session at 30 days and honours a shorter maxTimeToLive', () => {
    const delegations = new Delegations();
    expect(delegations.prepare(signer, request(), 8n * 3_600_000_000_000n, T0).expirationNs).toBe(
      T0 + 28_800_000_000_000n,
    );
    expect(delegations.prepare(signer, request(), 2n ** 64n - 1n, T0).expirationNs).toBe(
      T0 + MAX_SESSION_TTL_NS,
    );
    expect(delegations.prepare(signer, request(), 0n, T0).expirationNs).toBe(T0);
  });

  it('hands out nothing for another expiration, session key, frontend or anchor', async () => {
    const delegations = new Delegations();
    const { expirationNs } = delegations.prepare(signer, request(), undefined, T0);
    const otherKey = (await ECDSAKeyIdentity.generate()).getPublicKey().toDer();
    const at = T0 + 1n;
    expect(delegations.get(request(), expirationNs + 1n, CERTIFICATE, at)).toBeUndefined();
    expect(
      delegations.get({ ...request(), sessionKey: otherKey }, expirationNs, CERTIFICATE, at),
    ).toBeUndefined();
    expect(
      delegations.get(
        { ...request(), frontend: 'http://localhost:5174' },
        expirationNs,
        CERTIFICATE,
        at,
      ),
    ).toBeUndefined();
    expect(
      delegations.get({ ...request(), anchor: 10_001n }, expirationNs, CERTIFICATE, at),
    ).toBeUndefined();
    expect(delegations.get(request(), expirationNs, CERTIFICATE, at)).toBeDefined();
  });

  it('stops handing out a signature one minute after it was prepared', () => {
    const delegations = new Delegations();
    const { expirationNs } = delegations.prepare(signer, request(), undefined, T0);
    expect(
      delegations.get(request(), expirationNs, CERTIFICATE, T0 + SIGNATURE_TTL_NS - 1n),
    ).toBeDefined();
    expect(
      delegations.get(request(), expirationNs, CERTIFICATE, T0 + SIGNATURE_TTL_NS),
    ).toBeUndefined();
  });

  it('refuses empty or oversized frontends and session keys', () => {
    const delegations = new Delegations();
    const invalid = IdentityErrorCode.INVALID_ARGUMENT;
    expect(codeOf(() => delegations.userKey(signer, 10_000n, ''))).toBe(invalid);
    expect(codeOf(() => delegations.userKey(signer, 10_000n, 'h'.repeat(256)))).toBe(invalid);
    expect(codeOf(() => delegations.userKey(signer, 10_000n, 'é'.repeat(128)))).toBe(invalid);
    expect(codeOf(() => delegations.userKey(signer, 10_000n, 'h'.repeat(255)))).toBeUndefined();
    expect(
      codeOf(() =>
        delegations.prepare(
          signer,
          { ...request(), sessionKey: new Uint8Array(301) },
          undefined,
          T0,
        ),
      ),
    ).toBe(invalid);
    expect(
      codeOf(() =>
        delegations.get({ ...request(), sessionKey: new Uint8Array(0) }, T0, CERTIFICATE, T0),
      ),
    ).toBe(invalid);
    expect(delegations.signatures.size).toBe(0);
  });
});
