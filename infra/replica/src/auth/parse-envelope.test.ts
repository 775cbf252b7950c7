import { decodeCbor, encodeCbor } from '@citadel/protocol';
import type { CborMap, CborValue } from '@citadel/protocol';
import { describe, expect, it } from 'vitest';

import { IngressError, IngressErrorCode } from './errors.js';
import { parseEnvelope } from './parse-envelope.js';
import type { IngressEndpoint } from './types.js';

const CALL: CborMap = {
  request_type: 'call',
  canister_id: new Uint8Array([0, 0, 0, 0, 0, 0, 0, 1, 1, 1]),
  method_name: 'greet',
  arg: new Uint8Array([0x44, 0x49, 0x44, 0x4c, 0, 0]),
  sender: new Uint8Array([4]),
  ingress_expiry: 1_700_000_000_000_000_000n,
};

function failure(envelope: CborValue, endpoint: IngressEndpoint = 'call'): IngressError {
  try {
    parseEnvelope(envelope, endpoint);
  } catch (error) {
    expect(error).toBeInstanceOf(IngressError);
    expect((error as IngressError).httpStatus).toBe(400);
    return error as IngressError;
  }
  return expect.fail('expected an IngressError');
}

describe('parseEnvelope', () => {
  it('parseEnvelope returns typed call content and copies the argument out of the request body', () => {
    const body = encodeCbor({ content: CALL });
    const parsed = parseEnvelope(decodeCbor(body), 'call');
    expect(parsed.content).toEqual({
      requestType: 'call',
      canisterId: CALL['canister_id'],
      methodName: 'greet',
      arg: CALL['arg'],
      sender: new Uint8Array([4]),
      ingressExpiryNs: 1_700_000_000_000_000_000n,
    });
    // A view into the body would expose the whole envelope through `.buffer`.
    expect(parsed.content.requestType === 'call' && parsed.content.arg.buffer.byteLength).toBe(6);
    expect(parsed.senderPubkey).toBeUndefined();
    expect(parsed.delegations).toBeUndefined();
  });

  it('parseEnvelope accepts a small ingress_expiry encoded as a JavaScript number', () => {
    const parsed = parseEnvelope({ content: { ...CALL, ingress_expiry: 5 } }, 'call');
    expect(parsed.content.ingressExpiryNs).toBe(5n);
  });

  it('parseEnvelope fails when the envelope is not a map or has no content map', () => {
    expect(failure([]).code).toBe(IngressErrorCode.MALFORMED);
    expect(failure({ sender_sig: new Uint8Array() }).code).toBe(IngressErrorCode.MALFORMED);
    expect(failure({ content: 'call' }).message).toBe(
      'Could not parse body as call message: the envelope needs a content map.',
    );
  });

  it('parseEnvelope fails when sender_pubkey or a delegation has the wrong type', () => {
    expect(failure({ content: CALL, sender_pubkey: 'key' }).code).toBe(IngressErrorCode.MALFORMED);
    expect(failure({ content: CALL, sender_delegation: {} }).code).toBe(IngressErrorCode.MALFORMED);
    const noSignature = { delegation: { pubkey: new Uint8Array(1), expiration: 1 } };
    expect(failure({ content: CALL, sender_delegation: [noSignature] }).message).toMatch(
      /sender_delegation\[0\] needs a delegation map and a signature/,
    );
    const textTargets = {
      delegation: { pubkey: new Uint8Array(1), expiration: 1, targets: ['aaaaa-aa'] },
      signature: new Uint8Array(1),
    };
    expect(failure({ content: CALL, sender_delegation: [textTargets] }).message).toMatch(
      /targets must be an array of principal byte strings/,
    );
  });

  it('parseEnvelope fails when a content field is missing or has the wrong type', () => {
    const cases: [CborMap, RegExp][] = [
      [{ ...CALL, sender: new Uint8Array(30) }, /content.sender must be a principal/],
      [{ ...CALL, canister_id: 'rrkah-fqaaa-aaaaa-aaaaq-cai' }, /content.canister_id/],
      [{ ...CALL, method_name: new Uint8Array() }, /content.method_name must be text/],
      [{ ...CALL, arg: undefined }, /content.arg must be a byte string/],
      [
        { ...CALL, ingress_expiry: '1700000000000000000' },
        /content.ingress_expiry must be a natural/,
      ],
      [{ ...CALL, ingress_expiry: -1 }, /content.ingress_expiry must be a natural/],
      [{ ...CALL, ingress_expiry: 1n << 64n }, /content.ingress_expiry must be a natural/],
      [{ ...CALL, nonce: 7 }, /nonce must be a byte string/],
      [{ ...CALL, request_type: undefined }, /request_type must be text/],
    ];
    for (const [content, message] of cases) {
      const error = failure({ content });
      expect(error.code).toBe(IngressErrorCode.MALFORMED);
      expect(error.message).toMatch(message);
    }
  });

  it('parseEnvelope fails when request_type does not match the endpoint', () => {
    const error = failure({ content: CALL }, 'query');
    expect(error.code).toBe(IngressErrorCode.WRONG_REQUEST_TYPE);
    expect(error.message).toMatch(/^Could not parse body as query message: /);
    expect(failure({ content: { ...CALL, request_type: 'read_state' } }).code).toBe(
      IngressErrorCode.WRONG_REQUEST_TYPE,
    );
  });

  it('parseEnvelope fails when read_state paths are not arrays of byte strings', () => {
    const readState = {
      request_type: 'read_state',
      sender: new Uint8Array([4]),
      ingress_expiry: 1,
    };
    expect(failure({ content: readState }, 'read_state').message).toMatch(
      /^Could not parse body as read request: content.paths must be an array/,
    );
    expect(failure({ content: { ...readState, paths: [['time']] } }, 'read_state').message).toMatch(
      /content.paths\[0\] must be an array of byte-string labels/,
    );
  });
});
