import { Cbor } from '@dfinity/agent';
import { Principal } from '@dfinity/principal';
import { bytesToHex } from '@noble/hashes/utils.js';
import { describe, expect, it } from 'vitest';

import { CitadelError } from '../errors.js';
import { CborErrorCode, CborTag, decodeCbor, encodeCbor, isCborMap } from './index.js';
import type { CborValue } from './index.js';

/** Deterministic PRNG (mulberry32) so the fuzz loop is reproducible. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const sampleEnvelope = {
  content: {
    request_type: 'call',
    canister_id: new Uint8Array([0, 0, 0, 0, 0, 0, 0, 1, 1, 1]),
    method_name: 'greet',
    arg: new Uint8Array([0x44, 0x49, 0x44, 0x4c, 0x00, 0x01, 0x71, 0x03, 0x61, 0x62, 0x63]),
    sender: new Uint8Array([4]),
    ingress_expiry: 1685570400000000000n,
    nonce: new Uint8Array(16).fill(9),
  },
  sender_pubkey: new Uint8Array(44).fill(1),
  sender_sig: new Uint8Array(64).fill(2),
};

const samples: CborValue[] = [
  sampleEnvelope,
  [1, [2, [3, [4, new Uint8Array([5])]]], { a: [] }, -7, 2n ** 63n, -(2n ** 64n)],
  { status: 'replied', reply: { arg: new Uint8Array(40).fill(3) }, signatures: [] },
  [
    1,
    [2, [2, new Uint8Array([116, 105, 109, 101]), [3, new Uint8Array([1, 2, 3])]]],
    [4, new Uint8Array(32)],
  ],
  { t: new CborTag(42, 'x'), flags: [true, false, null, undefined], text: 'héllo ✓ 𐅑' },
];

describe('CBOR round trips', () => {
  it.each(samples.map((sample, index) => [index, sample] as const))(
    'decodeCbor(encodeCbor(x)) returns x for sample %i',
    (_index, sample) => {
      expect(decodeCbor(encodeCbor(sample))).toEqual(sample);
      expect(decodeCbor(encodeCbor(sample, { selfDescribe: false }))).toEqual(sample);
    },
  );

  it('encodeCbor(decodeCbor(bytes)) reproduces canonical bytes', () => {
    for (const sample of samples) {
      const bytes = encodeCbor(sample);
      expect(bytesToHex(encodeCbor(decodeCbor(bytes)))).toBe(bytesToHex(bytes));
    }
  });

  it('round trips every integer width boundary as number or bigint', () => {
    const values: CborValue[] = [];
    for (const boundary of [0n, 23n, 24n, 255n, 256n, 65535n, 65536n, 2n ** 32n - 1n, 2n ** 32n]) {
      values.push(Number(boundary), -Number(boundary) - 1);
    }
    values.push(Number.MAX_SAFE_INTEGER, 2n ** 53n, 2n ** 64n - 1n, -(2n ** 64n));
    expect(decodeCbor(encodeCbor(values))).toStrictEqual(values);
  });

  it('isCborMap distinguishes maps from arrays, bytes, tags and scalars', () => {
    expect(isCborMap(decodeCbor(encodeCbor({ a: 1 })))).toBe(true);
    expect(isCborMap({})).toBe(true);
    expect(isCborMap([])).toBe(false);
    expect(isCborMap(new Uint8Array())).toBe(false);
    expect(isCborMap(new CborTag(1, 1))).toBe(false);
    expect(isCborMap(null)).toBe(false);
    expect(isCborMap('x')).toBe(false);
  });
});

describe('CBOR interoperability with @dfinity/agent', () => {
  it('the agent produces the same bytes for values without undefined fields', () => {
    for (const sample of samples.slice(0, 4)) {
      expect(bytesToHex(encodeCbor(sample))).toBe(bytesToHex(Cbor.encode(sample)));
    }
  });

  it('the agent decodes what encodeCbor produces', () => {
    const decoded = Cbor.decode<typeof sampleEnvelope>(encodeCbor(sampleEnvelope));
    expect(decoded).toEqual(sampleEnvelope);
    expect(typeof decoded.content.ingress_expiry).toBe('bigint');
  });

  it('the agent decodes hash-tree node tags as JS numbers', () => {
    const tree = Cbor.decode<unknown[]>(encodeCbor([1, [0], [4, new Uint8Array(32)]]));
    expect(tree[0]).toBe(1);
    expect((tree[1] as unknown[])[0]).toBe(0);
  });

  it('decodeCbor decodes what the agent encodes, including Principals and undefined fields', () => {
    const canister = Principal.fromText('rrkah-fqaaa-aaaaa-aaaaq-cai');
    const bytes = Cbor.encode({
      content: {
        request_type: 'query',
        canister_id: canister,
        method_name: 'greet',
        arg: new Uint8Array([1, 2]),
        sender: Principal.anonymous(),
        ingress_expiry: 1685570400000000000n,
        nonce: undefined,
      },
    });
    const decoded = decodeCbor(bytes) as { content: Record<string, CborValue> };
    expect(decoded.content.canister_id).toEqual(canister.toUint8Array());
    expect(decoded.content.sender).toEqual(new Uint8Array([4]));
    expect(decoded.content.ingress_expiry).toBe(1685570400000000000n);
    expect(Object.hasOwn(decoded.content, 'nonce')).toBe(true);
    expect(decoded.content.nonce).toBeUndefined();
  });
});

describe('decodeCbor under random corruption', () => {
  it('decodeCbor fails with TRUNCATED or LENGTH_EXCEEDS_INPUT on every proper prefix', () => {
    for (const sample of samples) {
      const bytes = encodeCbor(sample);
      for (let length = 0; length < bytes.length; length++) {
        let caught: unknown;
        try {
          decodeCbor(bytes.subarray(0, length));
        } catch (error) {
          caught = error;
        }
        expect(caught).toBeInstanceOf(CitadelError);
        expect([CborErrorCode.TRUNCATED, CborErrorCode.LENGTH_EXCEEDS_INPUT]).toContain(
          (caught as CitadelError).code,
        );
      }
    }
  });

  it('decodeCbor only ever throws CitadelError on 5000 random mutations', () => {
    const random = prng(0xc17ade1);
    const encoded = samples.map((sample) => encodeCbor(sample));
    let rejected = 0;
    for (let round = 0; round < 5000; round++) {
      const base = encoded[Math.floor(random() * encoded.length)];
      const mutated = Array.from(base);
      const edits = 1 + Math.floor(random() * 4);
      for (let edit = 0; edit < edits; edit++) {
        const at = Math.floor(random() * mutated.length);
        const operation = random();
        if (operation < 0.5) {
          mutated[at] = Math.floor(random() * 256);
        } else if (operation < 0.7) {
          mutated.splice(at, 0, Math.floor(random() * 256));
        } else if (operation < 0.9) {
          mutated.splice(at, 1);
        } else {
          mutated.length = at;
        }
      }
      try {
        decodeCbor(new Uint8Array(mutated));
      } catch (error) {
        expect(error).toBeInstanceOf(CitadelError);
        rejected++;
      }
    }
    expect(rejected).toBeGreaterThan(0);
  });
});
