import {
  IC_REQUEST_AUTH_DELEGATION_DOMAIN_SEPARATOR,
  IC_REQUEST_DOMAIN_SEPARATOR,
  IC_RESPONSE_DOMAIN_SEPARATOR,
  domain_sep,
} from '@dfinity/agent';
import { bytesToHex } from '@noble/hashes/utils.js';
import { describe, expect, it } from 'vitest';

import {
  DomainSeparator,
  DomainSeparatorErrorCode,
  domainSeparated,
  domainSeparatorPrefix,
} from './domain-separator.js';
import { CitadelError } from './errors.js';

describe('domainSeparated', () => {
  it('domainSeparated prefixes the length byte and the ASCII tag', () => {
    expect(bytesToHex(domainSeparated('ic-state-root', new Uint8Array([0xaa])))).toBe(
      '0d' + bytesToHex(new TextEncoder().encode('ic-state-root')) + 'aa',
    );
  });

  it('domainSeparatorPrefix matches the agent constants and domain_sep', () => {
    expect(domainSeparatorPrefix(DomainSeparator.REQUEST)).toEqual(IC_REQUEST_DOMAIN_SEPARATOR);
    expect(domainSeparatorPrefix(DomainSeparator.RESPONSE)).toEqual(IC_RESPONSE_DOMAIN_SEPARATOR);
    expect(domainSeparatorPrefix(DomainSeparator.REQUEST_AUTH_DELEGATION)).toEqual(
      IC_REQUEST_AUTH_DELEGATION_DOMAIN_SEPARATOR,
    );
    for (const tag of Object.values(DomainSeparator)) {
      expect(domainSeparatorPrefix(tag)).toEqual(domain_sep(tag));
    }
  });

  it('domainSeparated fails on a non-ASCII or over-long tag', () => {
    expect(() => domainSeparated('ïc', new Uint8Array())).toThrow(CitadelError);
    try {
      domainSeparated('x'.repeat(256), new Uint8Array());
    } catch (error) {
      expect((error as CitadelError).code).toBe(DomainSeparatorErrorCode.INVALID_TAG);
    }
    expect.assertions(2);
  });
});
