import {
  AgentError,
  CertificateVerificationErrorCode,
  ErrorKindEnum,
  HttpFetchErrorCode,
  RejectError,
  ReplicaRejectCode,
  requestIdOf,
  TransportError,
  TrustError,
  UncertifiedRejectErrorCode,
  UnexpectedErrorCode,
} from '@dfinity/agent';
import { Principal } from '@dfinity/principal';
import { describe, expect, it } from 'vitest';
import {
  attempt,
  describeConsoleError,
  detailOfConsoleError,
  fromDirectoryError,
  fromThrown,
  type ConsoleError,
} from './console-error';
import { UncertifiedStatusError } from './canister-status';

const FRONTEND = 'qoctq-giaaa-aaaaa-aaaea-cai';

describe('fromDirectoryError', () => {
  it('keeps the frontend of a missing listing and the field of a refused request', () => {
    expect(fromDirectoryError({ not_found: { frontend: Principal.fromText(FRONTEND) } })).toEqual({
      kind: 'not_found',
      frontend: FRONTEND,
    });
    expect(fromDirectoryError({ invalid: { field: 'search', message: 'too long' } })).toEqual({
      kind: 'invalid',
      field: 'search',
      message: 'too long',
    });
  });

  it('maps the write-only errors, which a query never returns, to unexpected', () => {
    expect(fromDirectoryError({ anonymous: null })).toEqual({
      kind: 'unexpected',
      detail: 'directory error: anonymous',
    });
  });
});

describe('fromThrown', () => {
  it('classifies an agent transport error, and a TypeError from fetch, as unreachable', () => {
    const error = TransportError.fromCode(new HttpFetchErrorCode(new Error('ECONNREFUSED')));
    expect(fromThrown(error).kind).toBe('unreachable');
    expect(fromThrown(new TypeError('Failed to fetch')).kind).toBe('unreachable');
  });

  it('classifies a rejected call and keeps the reject message as the detail', () => {
    const error = RejectError.fromCode(
      new UncertifiedRejectErrorCode(
        requestIdOf({ method: 'list_releases' }),
        ReplicaRejectCode.DestinationInvalid,
        'Canister has no query method list_releases',
        'IC0536',
        undefined,
      ),
    );
    expect(fromThrown(error)).toEqual({
      kind: 'rejected',
      detail: 'Canister has no query method list_releases',
    });
  });

  it('classifies a failed certificate verification as untrusted', () => {
    const error = TrustError.fromCode(new CertificateVerificationErrorCode('bad signature'));
    expect(fromThrown(error).kind).toBe('untrusted');
  });

  it('classifies a status read without certified values as uncertified', () => {
    expect(fromThrown(new UncertifiedStatusError(FRONTEND))).toEqual({
      kind: 'uncertified',
      detail: `The network gave no certified state for ${FRONTEND}.`,
    });
  });

  it('classifies other agent errors, and anything else, as unexpected', () => {
    const limit = new AgentError(new UnexpectedErrorCode('too big'), ErrorKindEnum.Limit);
    expect(fromThrown(limit).kind).toBe('unexpected');
    expect(fromThrown('a string')).toEqual({ kind: 'unexpected', detail: 'a string' });
  });

  it('keeps only the first line of a detail, cut to 300 characters', () => {
    const error = fromThrown(new Error(`${'x'.repeat(400)}\nsecond line`));
    expect(detailOfConsoleError(error)).toBe(`${'x'.repeat(300)}…`);
  });
});

describe('attempt', () => {
  it('passes a value through and turns a throw into a failed result', async () => {
    expect(await attempt(async () => 3)).toEqual({ ok: true, value: 3 });
    expect(
      await attempt(async () => {
        throw new TypeError('Failed to fetch');
      }),
    ).toMatchObject({ ok: false, error: { kind: 'unreachable' } });
  });
});

describe('describeConsoleError', () => {
  const cases: [ConsoleError, RegExp][] = [
    [{ kind: 'not_found', frontend: FRONTEND }, new RegExp(FRONTEND)],
    [{ kind: 'invalid', field: 'search', message: 'too long' }, /search: too long/],
    [{ kind: 'unreachable', detail: '' }, /Cannot reach the network/],
    [{ kind: 'rejected', detail: '' }, /could not answer/],
    [{ kind: 'untrusted', detail: '' }, /could not be verified/],
    [{ kind: 'uncertified', detail: '' }, /no certified answer/],
    [{ kind: 'unexpected', detail: '' }, /went wrong/],
  ];

  it.each(cases)('says what happened for %o', (error, pattern) => {
    expect(describeConsoleError(error)).toMatch(pattern);
  });

  it('has no detail when the detail is empty', () => {
    expect(detailOfConsoleError({ kind: 'unreachable', detail: '' })).toBeUndefined();
  });
});
