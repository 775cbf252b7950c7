import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isCitadelError } from '@citadel/protocol';
import { describe, expect, it } from 'vitest';
import type { CandidField, CandidProgram, CandidType } from './ast.js';
import { candidFieldHash } from './ast.js';
import { parseCandid } from './parse-candid.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
/** The interfaces Azle generated for this repository's canisters (`npm run build:canisters`). */
const REAL_DID_FILES = [
  join(ROOT, 'canisters', 'assets', 'dist', 'assets.did'),
  ...readdirSync(join(ROOT, 'infra', 'replica', 'test-canisters', 'dist'))
    .filter((file) => file.endsWith('.did'))
    .map((file) => join(ROOT, 'infra', 'replica', 'test-canisters', 'dist', file)),
];

/** The type of `type T = …;` in a one-definition program. */
function typeOf(text: string): CandidType {
  const program = parseCandid(`type T = ${text}; type T2 = nat; type F = func () -> ();`);
  return (program.types[0] as { type: CandidType }).type;
}

function fieldsOf(text: string): readonly CandidField[] {
  const type = typeOf(text);
  if (type.kind !== 'record' && type.kind !== 'variant') {
    throw new Error(`not a record or variant: ${text}`);
  }
  return type.fields;
}

/** The error `parseCandid` throws for `text`. */
function failure(
  text: string,
  source?: string,
): { code: string; message: string; details: object } {
  try {
    parseCandid(text, source === undefined ? {} : { source });
  } catch (error) {
    if (isCitadelError(error)) {
      return { code: error.code, message: error.message, details: error.details };
    }
    throw error;
  }
  throw new Error(`parsed without error: ${text}`);
}

describe('parseCandid', () => {
  it('reads every primitive type', () => {
    for (const name of [
      'nat',
      'nat8',
      'nat16',
      'nat32',
      'nat64',
      'int',
      'int8',
      'int16',
      'int32',
      'int64',
      'float32',
      'float64',
      'bool',
      'text',
      'null',
      'reserved',
      'empty',
    ]) {
      expect(typeOf(name)).toEqual({ kind: 'primitive', name });
    }
    expect(typeOf('principal')).toEqual({ kind: 'principal' });
    expect(typeOf('blob')).toEqual({ kind: 'blob' });
  });

  it('reads opt and vec, nested', () => {
    expect(typeOf('opt vec opt nat8')).toEqual({
      kind: 'opt',
      type: { kind: 'vec', type: { kind: 'opt', type: { kind: 'primitive', name: 'nat8' } } },
    });
  });

  it('skips line and (nested) block comments', () => {
    const program = parseCandid(`
      // a line comment
      /* a block /* nested */ comment */
      type A = /* inline */ nat; // trailing
      /// doc comment
      service : { f : () -> (A) /* here too */ }
    `);
    expect(program.types.map((definition) => definition.name)).toEqual(['A']);
    expect(program.actor?.type.kind).toBe('service');
  });

  it('labels record fields by name, number or position, numbering on from the previous id', () => {
    const fields = fieldsOf('record { a : nat; 5 : text; bool; "a b" : int; 0x10 : nat8; }');
    expect(fields.map((field) => field.label)).toEqual([
      { kind: 'name', name: 'a' },
      { kind: 'id', id: 5 },
      { kind: 'unnamed', id: 6 },
      { kind: 'name', name: 'a b' },
      { kind: 'id', id: 16 },
    ]);
    expect(fields.map((field) => field.id)).toEqual([
      candidFieldHash('a'),
      5,
      6,
      candidFieldHash('a b'),
      16,
    ]);
  });

  it('reads tuple records as fields 0, 1, …', () => {
    const fields = fieldsOf('record { text; nat; opt T2 }');
    expect(fields.map((field) => field.label)).toEqual([
      { kind: 'unnamed', id: 0 },
      { kind: 'unnamed', id: 1 },
      { kind: 'unnamed', id: 2 },
    ]);
    expect(fields[2]?.type).toMatchObject({ kind: 'opt', type: { kind: 'reference', name: 'T2' } });
  });

  it('accepts keyword-like and primitive names as field names before a colon', () => {
    const fields = fieldsOf('record { nat : nat; text : text; query : bool }');
    expect(fields.map((field) => field.label)).toEqual([
      { kind: 'name', name: 'nat' },
      { kind: 'name', name: 'text' },
      { kind: 'name', name: 'query' },
    ]);
  });

  it('reads variants with typed tags, bare tags (null), quoted and numbered tags', () => {
    const fields = fieldsOf('variant { Ok : nat; Err; "not found"; 7; 8 : text }');
    expect(fields.map((field) => [field.label, field.type])).toEqual([
      [
        { kind: 'name', name: 'Ok' },
        { kind: 'primitive', name: 'nat' },
      ],
      [
        { kind: 'name', name: 'Err' },
        { kind: 'primitive', name: 'null' },
      ],
      [
        { kind: 'name', name: 'not found' },
        { kind: 'primitive', name: 'null' },
      ],
      [
        { kind: 'id', id: 7 },
        { kind: 'primitive', name: 'null' },
      ],
      [
        { kind: 'id', id: 8 },
        { kind: 'primitive', name: 'text' },
      ],
    ]);
    expect(fieldsOf('variant {}')).toEqual([]);
  });

  it('computes Candid field hashes like the reference implementation', () => {
    // Values from the Candid specification's examples and @dfinity/candid's idlHash.
    expect(candidFieldHash('')).toBe(0);
    expect(candidFieldHash('a')).toBe(97);
    expect(candidFieldHash('foo')).toBe(5_097_222);
    expect(candidFieldHash('bar')).toBe(4_895_187);
    expect(candidFieldHash('name')).toBe(1_224_700_491);
  });

  it('decodes escapes in quoted names', () => {
    const fields = fieldsOf(
      'record { "tab\\there" : nat; "q\\"\\\\" : nat; "\\u{1F600}" : nat; "\\e2\\82\\ac" : nat }',
    );
    expect(fields.map((field) => (field.label as { name: string }).name)).toEqual([
      'tab\there',
      'q"\\',
      '😀',
      '€',
    ]);
  });

  it('reads func types with named and unnamed arguments and each annotation', () => {
    const type = typeOf('func (name : text, nat, "quoted name" : opt bool,) -> (a : nat) query');
    expect(type).toEqual({
      kind: 'func',
      func: {
        args: [
          { name: 'name', type: { kind: 'primitive', name: 'text' } },
          { type: { kind: 'primitive', name: 'nat' } },
          { name: 'quoted name', type: { kind: 'opt', type: { kind: 'primitive', name: 'bool' } } },
        ],
        results: [{ name: 'a', type: { kind: 'primitive', name: 'nat' } }],
        modes: ['query'],
      },
    });
    expect(typeOf('func () -> () composite_query')).toMatchObject({
      func: { modes: ['composite_query'] },
    });
    expect(typeOf('func (text) -> () oneway')).toMatchObject({ func: { modes: ['oneway'] } });
    expect(typeOf('func () -> ()')).toMatchObject({ func: { args: [], results: [], modes: [] } });
  });

  it('reads service reference types', () => {
    const type = typeOf('service { get : () -> (nat) query; "set it" : (nat) -> (); ref : F }');
    expect(type.kind).toBe('service');
    expect(type.kind === 'service' && type.methods.map((method) => method.name)).toEqual([
      'get',
      'set it',
      'ref',
    ]);
  });

  it('reads recursive and mutually recursive types', () => {
    const program = parseCandid(`
      type List = opt record { head : int; tail : List };
      type Tree = variant { leaf : nat; node : record { left : Tree; right : Tree } };
      type A = record { b : opt B };
      type B = record { a : opt A };
      type Self = service { next : () -> (Self) };
    `);
    expect(program.types.map((definition) => definition.name)).toEqual([
      'List',
      'Tree',
      'A',
      'B',
      'Self',
    ]);
  });

  it('reads `service : { … }` with positions', () => {
    const program = parseCandid('service : {\n  greet : (text) -> (text) query;\n}');
    expect(program.actor).toEqual({
      type: {
        kind: 'service',
        methods: [
          {
            name: 'greet',
            type: {
              kind: 'func',
              func: {
                args: [{ type: { kind: 'primitive', name: 'text' } }],
                results: [{ type: { kind: 'primitive', name: 'text' } }],
                modes: ['query'],
              },
            },
            position: { line: 2, column: 3 },
          },
        ],
      },
      position: { line: 1, column: 1 },
    } satisfies CandidProgram['actor']);
  });

  it('reads `service name : (init args) -> { … };` and `service : X`', () => {
    const withInit = parseCandid('service backend : (opt text, limit : nat) -> { f : () -> () };');
    expect(withInit.actor?.name).toBe('backend');
    expect(withInit.actor?.init).toEqual([
      { type: { kind: 'opt', type: { kind: 'primitive', name: 'text' } } },
      { name: 'limit', type: { kind: 'primitive', name: 'nat' } },
    ]);
    const byName = parseCandid('type S = service { f : () -> () }; service : S');
    expect(byName.actor?.type).toMatchObject({ kind: 'reference', name: 'S' });
    const initByName = parseCandid('type S = service {}; service : (nat) -> S;');
    expect(initByName.actor?.init).toHaveLength(1);
    expect(parseCandid('service : () -> {}').actor?.init).toEqual([]);
  });

  it('reads methods whose type is a named func type', () => {
    const program = parseCandid('type F = func (nat) -> (nat) query; service : { f : F }');
    expect(program.actor?.type).toMatchObject({
      methods: [{ name: 'f', type: { kind: 'reference', name: 'F' } }],
    });
  });

  it('reads programs without a service, and empty ones', () => {
    expect(parseCandid('type A = nat;')).toEqual({
      types: [
        { name: 'A', type: { kind: 'primitive', name: 'nat' }, position: { line: 1, column: 6 } },
      ],
    });
    expect(parseCandid('  // nothing\n')).toEqual({ types: [] });
  });

  it('parses the .did files Azle generated for this repository', () => {
    expect(REAL_DID_FILES.length).toBeGreaterThanOrEqual(2);
    for (const file of REAL_DID_FILES) {
      const program = parseCandid(readFileSync(file, 'utf8'), { source: file });
      const actor = program.actor;
      expect(actor?.type.kind).toBe('service');
      const methods = actor?.type.kind === 'service' ? actor.type.methods : [];
      const declared = readFileSync(file, 'utf8').match(/^ {4}\w+:/gm) ?? [];
      expect(methods.map((method) => method.name)).toEqual(
        declared.map((line) => line.trim().slice(0, -1)),
      );
    }
  });
});

describe('parseCandid errors', () => {
  it('name the line and column of the offending token, with the source', () => {
    const error = failure('type A = nat;\ntype B = record { a : nat nat };', 'x.did');
    expect(error.code).toBe('CLI_CANDID_SYNTAX');
    expect(error.message).toBe('x.did:2:27: expected `;` or `}`, found `nat`');
    expect(error.details).toEqual({ line: 2, column: 27, source: 'x.did' });
  });

  it('report syntax errors as CLI_CANDID_SYNTAX at their position', () => {
    const cases: [string, string, string][] = [
      ['type A = ;', '1:10', 'expected a type, found `;`'],
      ['type A = nat', '1:13', 'expected `;`, found the end of the text'],
      ['type nat = text;', '1:6', '`nat` is a reserved word, not a type name'],
      ['type A = record { a : };', '1:23', 'expected a type, found `}`'],
      ['type A = record { "a" };', '1:19', 'expected a field'],
      ['type A = vec query;', '1:14', 'expected a type, found `query`'],
      ['type A = func (nat) (nat);', '1:21', 'expected `->`'],
      ['type A = func () -> () query oneway;', '1:30', 'one annotation'],
      ['service : { f : func () -> () }', '1:17', 'expected a function type'],
      ['service : { 1 : () -> () }', '1:13', 'expected a method name'],
      ['service : {}\ntype A = nat;', '2:1', 'expected the end of the text after the service'],
      ['foo A = nat;', '1:1', 'expected `type`, `import` or `service`'],
      ['type A = nat; /* open', '1:15', 'unterminated block comment'],
      ['type A = record { "open : nat };', '1:19', 'unterminated text literal'],
      ['type A = record { "\\q" : nat };', '1:20', 'unknown escape \\q'],
      ['type A = record { "\\ff" : nat };', '1:19', 'not valid UTF-8'],
      ['type A = record { 4294967296 : nat };', '1:19', 'larger than 2^32 - 1'],
      ['type A = record { 12ab : nat };', '1:19', 'malformed number'],
      ['type A = nat; @', '1:15', 'unexpected character "@"'],
    ];
    for (const [text, at, reason] of cases) {
      const error = failure(text);
      expect(error.code, text).toBe('CLI_CANDID_SYNTAX');
      expect(error.message.startsWith(`candid:${at}: `), error.message).toBe(true);
      expect(error.message, text).toContain(reason);
    }
  });

  it('refuse import with CLI_CANDID_IMPORT_UNSUPPORTED', () => {
    for (const text of [
      'import "other.did";\nservice : {}',
      'type A = nat;\n  import service "x.did";',
    ]) {
      const error = failure(text);
      expect(error.code).toBe('CLI_CANDID_IMPORT_UNSUPPORTED');
      expect(error.message).toMatch(/^candid:\d+:\d+: `import` is not supported/);
    }
    expect(failure('type A = nat;\n  import service "x.did";').details).toMatchObject({
      line: 2,
      column: 3,
    });
  });

  it('report types that do not hold together as CLI_CANDID_TYPE_INVALID', () => {
    const cases: [string, string, string][] = [
      ['type A = opt B;', '1:14', 'unknown type `B`'],
      ['service : { f : (Missing) -> () }', '1:18', 'unknown type `Missing`'],
      ['type A = nat;\ntype A = text;', '2:6', 'type `A` is defined twice (first at 1:6)'],
      ['type A = A;', '1:6', 'type `A` only names itself'],
      [
        'type A = B; type B = C; type C = A;',
        '1:6',
        'only names itself, describing no values: A = B = C = A',
      ],
      ['type A = record { a : nat; a : text };', '1:28', 'has the same id'],
      ['type A = variant { a; 97 : nat };', '1:23', 'variant field 97 has the same id (97) as "a"'],
      ['service : { f : () -> (); f : () -> () }', '1:27', 'method `f` is declared twice'],
      ['type F = nat; service : { f : F }', '1:31', '`F` is not a func type'],
      ['type S = record {}; service : S', '1:31', 'is not a service type'],
      ['type F = func () -> (nat) oneway;', '1:27', 'a oneway function returns nothing'],
    ];
    for (const [text, at, reason] of cases) {
      const error = failure(text);
      expect(error.code, text).toBe('CLI_CANDID_TYPE_INVALID');
      expect(error.message.startsWith(`candid:${at}: `), error.message).toBe(true);
      expect(error.message, text).toContain(reason);
    }
  });
});
