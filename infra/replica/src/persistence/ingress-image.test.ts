import { encodeCbor, isCitadelError } from '@citadel/protocol';
import { describe, expect, it } from 'vitest';
import type { IngressRecord } from '../state/ingress-history.js';
import { createReject } from '../state/reject.js';
import { DataDirErrorCode } from './errors.js';
import { decodeIngressHistory, encodeIngressHistory } from './ingress-image.js';

function record(byte: number, state: IngressRecord['state']): IngressRecord {
  return {
    requestId: new Uint8Array(32).fill(byte),
    sender: Uint8Array.of(4),
    receiver: Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 1, 1, 1),
    expiryNs: 2n ** 62n + BigInt(byte),
    state,
    updatedAtNs: 1_700_000_000_000_000_000n,
  };
}

describe('the ingress history in a checkpoint', () => {
  it('round-trips every status, replies and rejects included', () => {
    const records = [
      record(1, { status: 'received' }),
      record(2, { status: 'processing' }),
      record(3, { status: 'replied', reply: Uint8Array.of(0x44, 0x49, 0x44, 0x4c, 0, 0) }),
      record(4, { status: 'rejected', reject: createReject('IC0503', 'Canister trapped: boom') }),
      record(5, { status: 'done' }),
    ];
    expect(decodeIngressHistory(encodeIngressHistory(records), 'ingress.cbor')).toStrictEqual(
      records,
    );
  });

  it('refuses malformed content as a damaged checkpoint naming the file', () => {
    const cases = [
      Uint8Array.of(0xff),
      encodeCbor({ not: 'an array' }),
      encodeCbor([[Uint8Array.of(1)]]),
      encodeCbor([[Uint8Array.of(1), Uint8Array.of(2), Uint8Array.of(3), 1, 2, 'replied', 'text']]),
      encodeCbor([
        [
          Uint8Array.of(1),
          Uint8Array.of(2),
          Uint8Array.of(3),
          1,
          2,
          'rejected',
          [9, 'm', 'IC0503'],
        ],
      ]),
      encodeCbor([[Uint8Array.of(1), Uint8Array.of(2), Uint8Array.of(3), 1, 2, 'lost']]),
    ];
    for (const bytes of cases) {
      let error: unknown;
      try {
        decodeIngressHistory(bytes, '/data/ingress.cbor');
      } catch (caught) {
        error = caught;
      }
      expect(isCitadelError(error, DataDirErrorCode.CORRUPT_CHECKPOINT)).toBe(true);
      expect((error as Error).message).toContain('/data/ingress.cbor');
    }
  });
});
