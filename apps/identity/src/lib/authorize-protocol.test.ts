import { describe, expect, it } from 'vitest';
import {
  AUTHORIZE_READY,
  createFailureMessage,
  createSuccessMessage,
  isIgnoredMessageOrigin,
  parseAuthorizeRequest,
} from './authorize-protocol';

/** A P-256 SubjectPublicKeyInfo's length and prefix, as auth-client's default key sends it. */
const SESSION_KEY = Uint8Array.from({ length: 91 }, (_, i) => (i === 0 ? 0x30 : i));
const EIGHT_HOURS_NS = 28_800_000_000_000n;

/** The request auth-client 3.4.3 posts: unused optional keys present with `undefined`. */
function authClientRequest(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    kind: 'authorize-client',
    sessionPublicKey: SESSION_KEY,
    maxTimeToLive: EIGHT_HOURS_NS,
    allowPinAuthentication: undefined,
    derivationOrigin: undefined,
    ...overrides,
  };
}

function problemOf(data: unknown): string {
  const result = parseAuthorizeRequest(data);
  if (result.ok) {
    throw new Error('expected an invalid request');
  }
  return result.problem;
}

describe('parseAuthorizeRequest', () => {
  it('accepts auth-client’s request, treating keys present with undefined as absent', () => {
    expect(parseAuthorizeRequest(authClientRequest())).toEqual({
      ok: true,
      request: {
        sessionPublicKey: SESSION_KEY,
        maxTimeToLive: EIGHT_HOURS_NS,
        derivationOrigin: undefined,
        allowPinAuthentication: undefined,
        autoSelectionPrincipal: undefined,
      },
    });
  });

  it('accepts a request with every optional field left out', () => {
    const result = parseAuthorizeRequest({
      kind: 'authorize-client',
      sessionPublicKey: SESSION_KEY,
    });
    expect(result).toMatchObject({ ok: true, request: { maxTimeToLive: undefined } });
  });

  it('keeps a copy of the session key, so the sender cannot change it afterwards', () => {
    const key = SESSION_KEY.slice();
    const result = parseAuthorizeRequest(authClientRequest({ sessionPublicKey: key }));
    key[1] = 0xff;
    expect(result.ok && result.request.sessionPublicKey[1]).toBe(1);
  });

  it('passes the optional fields through, and ignores custom values it does not know', () => {
    const result = parseAuthorizeRequest(
      authClientRequest({
        derivationOrigin: 'https://app.example',
        allowPinAuthentication: true,
        autoSelectionPrincipal: '2vxsx-fae',
        customFlag: { anything: 1 },
      }),
    );
    expect(result).toMatchObject({
      ok: true,
      request: {
        derivationOrigin: 'https://app.example',
        allowPinAuthentication: true,
        autoSelectionPrincipal: '2vxsx-fae',
      },
    });
    expect(result.ok && 'customFlag' in result.request).toBe(false);
  });

  it('accepts maxTimeToLive as a bigint, or as an integral number converted to a bigint', () => {
    const fromNumber = parseAuthorizeRequest(
      authClientRequest({ maxTimeToLive: 3_600_000_000_000 }),
    );
    expect(fromNumber.ok && fromNumber.request.maxTimeToLive).toBe(3_600_000_000_000n);
    const zero = parseAuthorizeRequest(authClientRequest({ maxTimeToLive: 0n }));
    expect(zero.ok && zero.request.maxTimeToLive).toBe(0n);
  });

  it('fails when maxTimeToLive is not a nat64 of nanoseconds', () => {
    for (const maxTimeToLive of [1.5, -1, -1n, 2n ** 64n, Number.NaN, '3600', null]) {
      expect(problemOf(authClientRequest({ maxTimeToLive }))).toMatch(/^maxTimeToLive is /);
    }
  });

  it('fails when the message is not an authorize-client request', () => {
    expect(problemOf(null)).toBe('the message is not an object');
    expect(problemOf('authorize-client')).toBe('the message is not an object');
    expect(problemOf(authClientRequest({ kind: 'authorize-ready' }))).toBe(
      'its kind is "authorize-ready", not "authorize-client"',
    );
    expect(problemOf({ sessionPublicKey: SESSION_KEY })).toBe(
      'its kind is missing, not "authorize-client"',
    );
  });

  it('fails when the session key is missing, empty, or not a Uint8Array', () => {
    expect(problemOf(authClientRequest({ sessionPublicKey: undefined }))).toBe(
      'sessionPublicKey is missing, not a Uint8Array',
    );
    expect(problemOf(authClientRequest({ sessionPublicKey: SESSION_KEY.buffer }))).toBe(
      'sessionPublicKey is an object of class ArrayBuffer, not a Uint8Array',
    );
    expect(problemOf(authClientRequest({ sessionPublicKey: [...SESSION_KEY] }))).toBe(
      'sessionPublicKey is an array, not a Uint8Array',
    );
    expect(problemOf(authClientRequest({ sessionPublicKey: new Uint8Array() }))).toBe(
      'sessionPublicKey is empty',
    );
  });

  it('fails when an optional field has the wrong type', () => {
    expect(problemOf(authClientRequest({ derivationOrigin: 42 }))).toBe(
      'derivationOrigin is the number 42, not a string',
    );
    expect(problemOf(authClientRequest({ allowPinAuthentication: 'yes' }))).toBe(
      'allowPinAuthentication is "yes", not a boolean',
    );
    expect(problemOf(authClientRequest({ autoSelectionPrincipal: 'not a principal' }))).toBe(
      'autoSelectionPrincipal is "not a principal", not a principal',
    );
  });
});

describe('isIgnoredMessageOrigin', () => {
  const II = 'http://rdmx6-jaaaa-aaaaa-aaadq-cai.localhost:4943';

  it('ignores messages from the page’s own origin, such as a browser extension’s', () => {
    expect(isIgnoredMessageOrigin(II, II)).toBe(true);
  });

  it('listens to messages from any other origin', () => {
    expect(isIgnoredMessageOrigin('http://localhost:3000', II)).toBe(false);
    expect(isIgnoredMessageOrigin('http://rdmx6-jaaaa-aaaaa-aaadq-cai.localhost:8080', II)).toBe(
      false,
    );
  });
});

describe('messages', () => {
  it('announces readiness with a kind and nothing else', () => {
    expect(AUTHORIZE_READY).toEqual({ kind: 'authorize-ready' });
  });

  it('puts one delegation, with targets present but undefined, in the success message', () => {
    const buffer = Uint8Array.of(9, 1, 2, 3, 4, 5);
    const message = createSuccessMessage({
      pubkey: buffer.subarray(1, 3),
      expiration: 1_700_000_000_000_000_000n,
      signature: buffer.subarray(3, 5),
      userPublicKey: buffer.subarray(5),
    });
    expect(message).toEqual({
      kind: 'authorize-client-success',
      delegations: [
        {
          delegation: {
            pubkey: Uint8Array.of(1, 2),
            expiration: 1_700_000_000_000_000_000n,
            targets: undefined,
          },
          signature: Uint8Array.of(3, 4),
        },
      ],
      userPublicKey: Uint8Array.of(5),
      authnMethod: 'passkey',
    });
    expect('targets' in message.delegations[0].delegation).toBe(true);
    // Copies on buffers of their own, not views into the one they came from.
    expect(message.delegations[0].delegation.pubkey.buffer.byteLength).toBe(2);
  });

  it('carries the text of a failure', () => {
    expect(createFailureMessage('UserInterrupt')).toEqual({
      kind: 'authorize-client-failure',
      text: 'UserInterrupt',
    });
  });
});
