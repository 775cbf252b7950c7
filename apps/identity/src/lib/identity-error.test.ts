import { HttpErrorCode, HttpFetchErrorCode, ProtocolError, TransportError } from '@dfinity/agent';
import { describe, expect, it } from 'vitest';
import {
  describeIdentityProblem,
  detailOfIdentityProblem,
  IdentityError,
  toIdentityProblem,
  type IdentityProblem,
} from './identity-error';

describe('toIdentityProblem', () => {
  it('keeps the problem of an IdentityError', () => {
    const problem: IdentityProblem = { kind: 'unknown-anchor', anchor: 10_000n };
    expect(toIdentityProblem(new IdentityError(problem))).toBe(problem);
  });

  it('classifies WebAuthn refusals by their DOMException name', () => {
    const cases: [string, IdentityProblem['kind']][] = [
      ['NotAllowedError', 'passkey-cancelled'],
      ['AbortError', 'passkey-cancelled'],
      ['SecurityError', 'passkey-domain'],
      ['NotSupportedError', 'passkey-unsupported'],
      ['InvalidStateError', 'passkey-exists'],
    ];
    for (const [name, kind] of cases) {
      expect(toIdentityProblem(new DOMException('message text is not read', name)).kind).toBe(kind);
    }
  });

  it('classifies agent transport errors and failed fetches as unreachable', () => {
    const transport = TransportError.fromCode(new HttpFetchErrorCode(new Error('down')));
    expect(toIdentityProblem(transport).kind).toBe('unreachable');
    expect(toIdentityProblem(new TypeError('Failed to fetch'))).toEqual({
      kind: 'unreachable',
      detail: 'Failed to fetch',
    });
  });

  it('classifies an HTTP error of the network as rejected, with its status and body', () => {
    const refused = ProtocolError.fromCode(
      new HttpErrorCode(400, 'Bad Request', [], 'Invalid signature: the delegation expired'),
    );
    expect(toIdentityProblem(refused)).toEqual({
      kind: 'rejected',
      detail: 'HTTP 400 Bad Request: Invalid signature: the delegation expired',
    });
  });

  it('keeps only the first line of an unexpected error, shortened', () => {
    const problem = toIdentityProblem(new Error(`${'x'.repeat(400)}\nsecond line`));
    expect(problem.kind).toBe('unexpected');
    expect(detailOfIdentityProblem(problem)).toHaveLength(301);
    expect(toIdentityProblem('a string')).toEqual({ kind: 'unexpected', detail: 'a string' });
  });
});

describe('describeIdentityProblem', () => {
  it('names the anchor that has no passkey, and quotes the canister’s refusal', () => {
    expect(describeIdentityProblem({ kind: 'unknown-anchor', anchor: 10_000n })).toBe(
      'There is no identity 10000 with a passkey. Check the number, or create a passkey.',
    );
    const badDevice: IdentityProblem = { kind: 'bad-device', detail: 'alias too long' };
    expect(describeIdentityProblem(badDevice)).toBe(
      'Internet Identity refused the new passkey: alias too long',
    );
    // Already in the message, so not repeated as a detail.
    expect(detailOfIdentityProblem(badDevice)).toBeUndefined();
  });

  it('makes an IdentityError’s message from its problem', () => {
    expect(new IdentityError({ kind: 'canister-full' }).message).toBe(
      'Internet Identity cannot create more identities.',
    );
  });
});
