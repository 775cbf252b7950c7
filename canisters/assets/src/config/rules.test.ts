import { CitadelError } from '@citadel/protocol';
import { describe, expect, it } from 'vitest';
import { AssetsConfigErrorCode } from './errors.js';
import { numberText, parseAssetConfigRules } from './rules.js';

function failure(text: string, file?: string): CitadelError {
  try {
    parseAssetConfigRules(text, { file });
  } catch (error) {
    if (error instanceof CitadelError) {
      return error;
    }
    throw error;
  }
  throw new Error(`expected ${text} to be refused`);
}

/** `code at line:column` of a refusal. */
function refusal(text: string): string {
  const error = failure(text);
  return `${error.code} at ${error.details.line}:${error.details.column}`;
}

describe('parseAssetConfigRules', () => {
  it('reads every rule field, mapping brotli to br', () => {
    const [rule] = parseAssetConfigRules(`[{
      match: "**/*.js",
      cache: { max_age: 3600 },
      headers: { "X-Frame-Options": "DENY" },
      ignore: false,
      enable_aliasing: true,
      allow_raw_access: false,
      encodings: ["identity", "gzip", "brotli", "br"],
      security_policy: "hardened",
      disable_security_policy_warning: true,
    }]`);
    expect(rule).toEqual({
      match: '**/*.js',
      cache: { maxAge: 3600n },
      headers: [['X-Frame-Options', 'DENY']],
      ignore: false,
      enableAliasing: true,
      allowRawAccess: false,
      encodings: ['identity', 'gzip', 'br', 'br'],
      securityPolicy: 'hardened',
      disableSecurityPolicyWarning: true,
      position: { line: 1, column: 2, offset: 1 },
    });
  });

  it('accepts an empty file array and a rule with only match', () => {
    expect(parseAssetConfigRules('[]')).toEqual([]);
    expect(parseAssetConfigRules('[{ "match": "*" }]')).toEqual([
      { match: '*', position: { line: 1, column: 2, offset: 1 } },
    ]);
  });

  it('treats null like an absent field, except headers: null, which drops inherited headers', () => {
    const [rule] = parseAssetConfigRules(`[{
      match: "*", cache: null, ignore: null, enable_aliasing: null, allow_raw_access: null,
      encodings: null, security_policy: null, disable_security_policy_warning: null,
      headers: null,
    }]`);
    expect(rule).toEqual({ match: '*', headers: null, position: rule?.position });
  });

  it('keeps cache: {} and max_age: null as a cache setting without max_age', () => {
    const rules = parseAssetConfigRules(
      '[{ match: "*", cache: {} }, { match: "*", cache: { max_age: null } }]',
    );
    expect(rules.map((rule) => rule.cache)).toEqual([{}, {}]);
  });

  it('accepts max_age written as hex, with an exponent or as a whole float, up to 2^64-1', () => {
    const ages = parseAssetConfigRules(
      '[{match:"*",cache:{max_age:0x3C}},{match:"*",cache:{max_age:1e3}},{match:"*",cache:{max_age:10.0}},{match:"*",cache:{max_age:18446744073709549568}},{match:"*",cache:{max_age:0}}]',
    ).map((rule) => rule.cache?.maxAge);
    expect(ages).toEqual([60n, 1000n, 10n, 18446744073709549568n, 0n]);
  });

  it('turns header values into text as ic-asset does: numbers, booleans, and null as empty', () => {
    const [rule] = parseAssetConfigRules(`[{ match: "*", headers: {
      "x-xss-protection": 1, "a": -0x10, "b": 2.0, "c": 1e300, "d": true, "e": null,
      "f": NaN, "g": 'single', "h": 0.000001, "i": +7,
    } }]`);
    expect(rule?.headers).toEqual([
      ['x-xss-protection', '1'],
      ['a', '-16'],
      ['b', '2.0'],
      ['c', '1e+300'],
      ['d', 'true'],
      ['e', ''],
      ['f', ''],
      ['g', 'single'],
      ['h', '1e-6'],
      ['i', '7'],
    ]);
  });

  it('keeps the last value of a header named twice in one rule', () => {
    const [rule] = parseAssetConfigRules('[{ match: "*", headers: { A: "1", B: "2", A: "3" } }]');
    expect(rule?.headers).toEqual([
      ['A', '3'],
      ['B', '2'],
    ]);
  });

  it('freezes each rule', () => {
    const [rule] = parseAssetConfigRules('[{ match: "*" }]');
    expect(Object.isFrozen(rule)).toBe(true);
  });
});

describe('parseAssetConfigRules refuses', () => {
  it.each([
    ['a file that is not an array', '{ match: "*" }', 'ASSETS_CONFIG_INVALID_TYPE at 1:1'],
    ['a rule that is not an object', '[{ match: "*" }, "*"]', 'ASSETS_CONFIG_INVALID_TYPE at 1:18'],
    [
      'an unknown field, at its key',
      '[{ match: "*",\n  maxAge: 1 }]',
      'ASSETS_CONFIG_UNKNOWN_FIELD at 2:3',
    ],
    [
      'a field given twice',
      '[{ match: "*", ignore: true, ignore: false }]',
      'ASSETS_CONFIG_DUPLICATE_FIELD at 1:30',
    ],
    ['a rule without match', '[{ ignore: true }]', 'ASSETS_CONFIG_MISSING_FIELD at 1:2'],
    ['match: null', '[{ match: null }]', 'ASSETS_CONFIG_INVALID_TYPE at 1:11'],
    ['a glob that does not compile', '[{ match: "{a,b" }]', 'ASSETS_CONFIG_INVALID_GLOB at 1:11'],
    ['a string boolean', '[{ match: "*", ignore: "true" }]', 'ASSETS_CONFIG_INVALID_TYPE at 1:24'],
    [
      'headers as an array',
      '[{ match: "*", headers: ["a"] }]',
      'ASSETS_CONFIG_INVALID_TYPE at 1:25',
    ],
    [
      'a header value that is an object',
      '[{ match: "*", headers: { a: {} } }]',
      'ASSETS_CONFIG_INVALID_TYPE at 1:30',
    ],
    [
      'a negative max_age',
      '[{ match: "*", cache: { max_age: -1 } }]',
      'ASSETS_CONFIG_INVALID_VALUE at 1:34',
    ],
    [
      'a fractional max_age',
      '[{ match: "*", cache: { max_age: 1.5 } }]',
      'ASSETS_CONFIG_INVALID_VALUE at 1:34',
    ],
    [
      'an infinite max_age',
      '[{ match: "*", cache: { max_age: Infinity } }]',
      'ASSETS_CONFIG_INVALID_VALUE at 1:34',
    ],
    [
      'a max_age of 2^64',
      '[{ match: "*", cache: { max_age: 18446744073709551616 } }]',
      'ASSETS_CONFIG_INVALID_VALUE at 1:34',
    ],
    [
      'a max_age string',
      '[{ match: "*", cache: { max_age: "60" } }]',
      'ASSETS_CONFIG_INVALID_TYPE at 1:34',
    ],
    [
      'an unknown key in cache',
      '[{ match: "*", cache: { maxAge: 60 } }]',
      'ASSETS_CONFIG_UNKNOWN_FIELD at 1:25',
    ],
    ['cache as a number', '[{ match: "*", cache: 60 }]', 'ASSETS_CONFIG_INVALID_TYPE at 1:23'],
    [
      'an unknown encoding',
      '[{ match: "*", encodings: ["identity", "zstd"] }]',
      'ASSETS_CONFIG_INVALID_VALUE at 1:40',
    ],
    [
      'an upper-case encoding',
      '[{ match: "*", encodings: ["GZIP"] }]',
      'ASSETS_CONFIG_INVALID_VALUE at 1:28',
    ],
    [
      'encodings as a string',
      '[{ match: "*", encodings: "gzip" }]',
      'ASSETS_CONFIG_INVALID_TYPE at 1:27',
    ],
    [
      'an unknown security policy',
      '[{ match: "*", security_policy: "strict" }]',
      'ASSETS_CONFIG_INVALID_VALUE at 1:33',
    ],
    ['malformed JSON5', '[{ match: "*" }', 'ASSETS_CONFIG_JSON5_SYNTAX at 1:16'],
  ])('%s', (_name, text, expected) => {
    expect(refusal(text)).toBe(expected);
  });

  it('says where, in which rule and which field', () => {
    const error = failure(
      '[\n  { match: "*" },\n  { match: "*", security_policy: "strict" },\n]',
      'dist/.ic-assets.json5',
    );
    expect(error.kind).toBe('input');
    expect(error.message).toBe(
      "dist/.ic-assets.json5:3:34: rule 2, 'security_policy': unknown security policy 'strict' (expected disabled, standard, hardened)",
    );
    expect(error.details).toMatchObject({
      file: 'dist/.ic-assets.json5',
      line: 3,
      column: 34,
      rule: 1,
      field: 'security_policy',
      value: 'strict',
    });
  });

  it('keeps the glob error as the cause of a bad match', () => {
    const error = failure('[{ match: "[z-a]" }]');
    expect(error.details).toMatchObject({ glob: '[z-a]', reason: 'invalid-range', field: 'match' });
    expect((error.cause as CitadelError).code).toBe(AssetsConfigErrorCode.INVALID_GLOB);
  });
});

describe('numberText', () => {
  it.each([
    ['1', 1, '1'],
    ['-0', -0, '0'],
    ['0x1F', 31, '31'],
    ['-0x10', -16, '-16'],
    ['9007199254740993', 9007199254740992, '9007199254740993'],
    ['2.0', 2, '2.0'],
    ['.5', 0.5, '0.5'],
    ['1e3', 1000, '1000.0'],
    ['1e16', 1e16, '1e+16'],
    ['1.5e-7', 1.5e-7, '1.5e-7'],
    ['0.00001', 0.00001, '0.00001'],
    ['-0.0', -0, '-0.0'],
    ['Infinity', Infinity, ''],
    ['-NaN', NaN, ''],
  ])('writes %s as %j', (raw, value, text) => {
    expect(numberText(raw, value)).toBe(text);
  });
});
