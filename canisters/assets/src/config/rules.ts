/**
 * Reads the rules of one `.ic-assets.json5` / `.ic-assets.json` file, with the field set and
 * value conversions of ic-asset's `InterimAssetConfigRule` (asset/config.rs), and refuses
 * anything else with a positioned `ASSETS_CONFIG_*` error.
 */
import {
  AssetsConfigErrorCode,
  type TextPosition,
  assetsConfigError,
  locationPrefix,
} from './errors.js';
import { compileGlob } from './glob.js';
import { type Json5Member, type Json5Node, parseJson5Document } from './json5.js';
import type { AssetConfigRule, ContentEncoding, HeaderField, SecurityPolicy } from './types.js';

export interface ParseAssetConfigRulesOptions {
  /** The config file's path, prefixed to messages and kept in `details.file`. */
  readonly file?: string;
}

const ENCODINGS: ReadonlyMap<string, ContentEncoding> = new Map([
  ['identity', 'identity'],
  ['gzip', 'gzip'],
  ['br', 'br'],
  ['brotli', 'br'],
]);

const SECURITY_POLICIES: readonly SecurityPolicy[] = ['disabled', 'standard', 'hardened'];

const FIELDS = [
  'match',
  'cache',
  'headers',
  'ignore',
  'enable_aliasing',
  'allow_raw_access',
  'encodings',
  'security_policy',
  'disable_security_policy_warning',
] as const;

type Field = (typeof FIELDS)[number];

/** 2^64: `max_age` is a `u64`. */
const U64_LIMIT = 2 ** 64;

/**
 * Parses and validates the rules of one config file. Every field but `match` may be `null`,
 * which means the same as leaving it out, except `headers: null` (drops inherited headers).
 *
 * @example parseAssetConfigRules('[{ match: "*", security_policy: "standard" }]')
 * @throws CitadelError `ASSETS_CONFIG_JSON5_SYNTAX`, `ASSETS_CONFIG_JSON5_MAX_DEPTH`,
 *   `ASSETS_CONFIG_INVALID_TYPE`, `ASSETS_CONFIG_INVALID_VALUE`, `ASSETS_CONFIG_UNKNOWN_FIELD`,
 *   `ASSETS_CONFIG_DUPLICATE_FIELD`, `ASSETS_CONFIG_MISSING_FIELD`, `ASSETS_CONFIG_INVALID_GLOB`
 */
export function parseAssetConfigRules(
  text: string,
  options: ParseAssetConfigRulesOptions = {},
): AssetConfigRule[] {
  const { file } = options;
  const document = parseJson5Document(text, { file });
  if (document.kind !== 'array') {
    throw problem(
      AssetsConfigErrorCode.INVALID_TYPE,
      file,
      document.start,
      {},
      `the file must hold an array of rules, not ${describeNode(document)}`,
    );
  }
  return document.items.map((item, index) => parseRule(item, index, file));
}

function parseRule(node: Json5Node, index: number, file: string | undefined): AssetConfigRule {
  const where = { rule: index };
  if (node.kind !== 'object') {
    throw problem(
      AssetsConfigErrorCode.INVALID_TYPE,
      file,
      node.start,
      where,
      `rule ${index + 1} must be an object, not ${describeNode(node)}`,
    );
  }
  const seen = new Set<string>();
  const rule: { -readonly [K in keyof AssetConfigRule]: AssetConfigRule[K] } = {
    match: '',
    position: node.start,
  };
  for (const member of node.members) {
    const field = member.key;
    if (!(FIELDS as readonly string[]).includes(field)) {
      throw problem(
        AssetsConfigErrorCode.UNKNOWN_FIELD,
        file,
        member.keyStart,
        { ...where, field },
        `rule ${index + 1}: unknown field '${field}' (expected one of ${FIELDS.join(', ')})`,
      );
    }
    if (seen.has(field)) {
      throw problem(
        AssetsConfigErrorCode.DUPLICATE_FIELD,
        file,
        member.keyStart,
        { ...where, field },
        `rule ${index + 1}: field '${field}' given twice`,
      );
    }
    seen.add(field);
    readField(rule, field as Field, member, new FieldContext(file, index, field));
  }
  if (!seen.has('match')) {
    throw problem(
      AssetsConfigErrorCode.MISSING_FIELD,
      file,
      node.start,
      { ...where, field: 'match' },
      `rule ${index + 1} has no 'match' glob`,
    );
  }
  return Object.freeze(rule);
}

function readField(
  rule: { -readonly [K in keyof AssetConfigRule]: AssetConfigRule[K] },
  field: Field,
  member: Json5Member,
  context: FieldContext,
): void {
  const value = member.value;
  if (field === 'match') {
    rule.match = context.string(value);
    try {
      compileGlob(rule.match);
    } catch (error) {
      const reason = (error as { details?: { reason?: string } }).details?.reason;
      throw context.error(
        AssetsConfigErrorCode.INVALID_GLOB,
        value.start,
        `${(error as Error).message}`,
        { glob: rule.match, reason },
        error,
      );
    }
    return;
  }
  if (field === 'headers') {
    rule.headers = value.kind === 'null' ? null : readHeaders(value, context);
    return;
  }
  if (value.kind === 'null') {
    return; // Option<T> in ic-asset: null is the same as absent.
  }
  switch (field) {
    case 'cache':
      rule.cache = readCache(value, context);
      return;
    case 'ignore':
      rule.ignore = context.boolean(value);
      return;
    case 'enable_aliasing':
      rule.enableAliasing = context.boolean(value);
      return;
    case 'allow_raw_access':
      rule.allowRawAccess = context.boolean(value);
      return;
    case 'disable_security_policy_warning':
      rule.disableSecurityPolicyWarning = context.boolean(value);
      return;
    case 'encodings':
      rule.encodings = readEncodings(value, context);
      return;
    case 'security_policy': {
      const policy = context.string(value);
      if (!(SECURITY_POLICIES as readonly string[]).includes(policy)) {
        throw context.error(
          AssetsConfigErrorCode.INVALID_VALUE,
          value.start,
          `unknown security policy '${policy}' (expected ${SECURITY_POLICIES.join(', ')})`,
          { value: policy },
        );
      }
      rule.securityPolicy = policy as SecurityPolicy;
      return;
    }
  }
}

/**
 * `cache: { max_age }`. ic-asset ignores other keys here and converts any number to `u64` by
 * truncating and saturating; we refuse both, as they are almost always mistakes (`maxAge`,
 * `max_age: -1`, `max_age: 1.5`).
 */
function readCache(node: Json5Node, context: FieldContext): { maxAge?: bigint } {
  if (node.kind !== 'object') {
    throw context.typeError(node, 'an object like { max_age: 3600 }');
  }
  const cache: { maxAge?: bigint } = {};
  let seen = false;
  for (const member of node.members) {
    if (member.key !== 'max_age') {
      throw context.error(
        AssetsConfigErrorCode.UNKNOWN_FIELD,
        member.keyStart,
        `unknown field '${member.key}' in 'cache' (expected max_age)`,
        { key: member.key },
      );
    }
    if (seen) {
      throw context.error(
        AssetsConfigErrorCode.DUPLICATE_FIELD,
        member.keyStart,
        "'max_age' given twice",
        { key: member.key },
      );
    }
    seen = true;
    const value = member.value;
    if (value.kind === 'null') {
      continue;
    }
    if (value.kind !== 'number') {
      throw context.typeError(value, 'a number of seconds');
    }
    if (!Number.isInteger(value.value) || value.value < 0 || value.value >= U64_LIMIT) {
      throw context.error(
        AssetsConfigErrorCode.INVALID_VALUE,
        value.start,
        `max_age must be a whole number of seconds from 0 to 2^64-1, not ${value.raw}`,
        { value: value.raw },
      );
    }
    cache.maxAge = BigInt(value.value);
  }
  return cache;
}

/** `headers`: values may be strings, numbers, booleans or null, turned into text as ic-asset does. */
function readHeaders(node: Json5Node, context: FieldContext): HeaderField[] {
  if (node.kind !== 'object') {
    throw context.typeError(node, 'an object of header names and values, or null');
  }
  const headers = new Map<string, string>();
  for (const { key, value } of node.members) {
    // A repeated name keeps its last value (serde_json's map).
    headers.set(key, headerText(value, key, context));
  }
  return [...headers];
}

function headerText(node: Json5Node, name: string, context: FieldContext): string {
  switch (node.kind) {
    case 'string':
      return node.value;
    case 'boolean':
      return String(node.value);
    case 'null':
      // serde_json's Null becomes "" in ic-asset's headers_deserialize; it does not remove.
      return '';
    case 'number':
      return numberText(node.raw, node.value);
    default:
      throw context.typeError(node, `a string, number or boolean for header '${name}'`);
  }
}

/**
 * The text ic-asset stores for a numeric header value. The json5 crate hands integer literals
 * (no `.`, no exponent, or hexadecimal) to serde as i64, printed in decimal; other finite
 * numbers as f64, printed by serde_json (`1.0`, `1.5e+300`); NaN and ±Infinity become JSON
 * null, stored as "".
 */
export function numberText(raw: string, value: number): string {
  const unsigned = raw.replace(/^[+-]/, '');
  const negative = raw.startsWith('-');
  if (/^0[xX]/.test(unsigned)) {
    const magnitude = BigInt(unsigned);
    return String(negative ? -magnitude : magnitude);
  }
  if (/^[0-9]+$/.test(unsigned)) {
    const magnitude = BigInt(unsigned);
    return String(negative ? -magnitude : magnitude);
  }
  if (!Number.isFinite(value)) {
    return '';
  }
  return formatFloat(value);
}

/**
 * serde_json 1.0.149 formats f64 with the `zmij` crate: shortest round-trip digits, plain
 * notation for decimal exponents -5..=15 (always with a fraction, `100.0`), otherwise
 * `d.ddde±x`.
 */
function formatFloat(value: number): string {
  if (value === 0) {
    return Object.is(value, -0) ? '-0.0' : '0.0';
  }
  const sign = value < 0 ? '-' : '';
  // toExponential() without an argument gives the shortest digits that round-trip.
  const [mantissa = '', exponentText = '0'] = Math.abs(value).toExponential().split('e');
  const digits = mantissa.replace('.', '');
  const exponent = Number(exponentText);
  if (exponent >= -5 && exponent <= 15) {
    if (digits.length - 1 <= exponent) {
      return `${sign}${digits}${'0'.repeat(exponent - digits.length + 1)}.0`;
    }
    if (exponent >= 0) {
      return `${sign}${digits.slice(0, exponent + 1)}.${digits.slice(exponent + 1)}`;
    }
    return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`;
  }
  const body = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  return `${sign}${body}e${exponent < 0 ? '-' : '+'}${Math.abs(exponent)}`;
}

function readEncodings(node: Json5Node, context: FieldContext): ContentEncoding[] {
  if (node.kind !== 'array') {
    throw context.typeError(node, 'an array like ["identity", "gzip"]');
  }
  return node.items.map((item) => {
    const name = context.string(item);
    const encoding = ENCODINGS.get(name);
    if (encoding === undefined) {
      throw context.error(
        AssetsConfigErrorCode.INVALID_VALUE,
        item.start,
        `unknown encoding '${name}' (expected identity, gzip, br or brotli)`,
        { value: name },
      );
    }
    return encoding;
  });
}

class FieldContext {
  constructor(
    private readonly file: string | undefined,
    private readonly rule: number,
    private readonly field: string,
  ) {}

  string(node: Json5Node): string {
    if (node.kind !== 'string') {
      throw this.typeError(node, 'a string');
    }
    return node.value;
  }

  boolean(node: Json5Node): boolean {
    if (node.kind !== 'boolean') {
      throw this.typeError(node, 'true or false');
    }
    return node.value;
  }

  typeError(node: Json5Node, expected: string): Error {
    return this.error(
      AssetsConfigErrorCode.INVALID_TYPE,
      node.start,
      `expected ${expected}, not ${describeNode(node)}`,
      { expected },
    );
  }

  error(
    code: AssetsConfigErrorCode,
    at: TextPosition,
    message: string,
    details: Record<string, unknown>,
    cause?: unknown,
  ): Error {
    return problem(
      code,
      this.file,
      at,
      { rule: this.rule, field: this.field, ...details },
      `rule ${this.rule + 1}, '${this.field}': ${message}`,
      cause,
    );
  }
}

function problem(
  code: AssetsConfigErrorCode,
  file: string | undefined,
  at: TextPosition,
  details: Record<string, unknown>,
  message: string,
  cause?: unknown,
): Error {
  return assetsConfigError(
    code,
    `${locationPrefix(file, at)}${message}`,
    { file, line: at.line, column: at.column, offset: at.offset, ...details },
    cause === undefined ? undefined : { cause },
  );
}

function describeNode(node: Json5Node): string {
  switch (node.kind) {
    case 'null':
      return 'null';
    case 'boolean':
      return String(node.value);
    case 'number':
      return node.raw;
    case 'string':
      return JSON.stringify(node.value);
    default:
      return `an ${node.kind}`;
  }
}
