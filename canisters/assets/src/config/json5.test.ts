import { CitadelError } from '@citadel/protocol';
import { describe, expect, it } from 'vitest';
import { AssetsConfigErrorCode } from './errors.js';
import { JSON5_MAX_DEPTH, parseJson5, parseJson5Document } from './json5.js';

/** The error a parse fails with. */
function failure(text: string, file?: string): CitadelError {
  try {
    parseJson5(text, { file });
  } catch (error) {
    if (error instanceof CitadelError) {
      return error;
    }
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(text)} to be refused`);
}

/** `line:column` of the syntax error a text fails with. */
function syntaxErrorAt(text: string): string {
  const error = failure(text);
  expect(error.code).toBe(AssetsConfigErrorCode.JSON5_SYNTAX);
  return `${error.details.line}:${error.details.column}`;
}

describe('parseJson5', () => {
  it('parses plain JSON the way JSON.parse does', () => {
    const text = '{"a": [1, -2.5e3, true, false, null, "x\\n\\u00e9"], "b": {}}';
    expect(parseJson5(text)).toEqual(JSON.parse(text));
  });

  it('accepts comments and trailing commas, as in ic-asset’s json5_config_file_with_comments', () => {
    const text = `[
// comment
  {
    "match": "*",
    /*
    look at this key below, not wrapped in quotes
*/  cache: { max_age: 999 }, },
]`;
    expect(parseJson5(text)).toEqual([{ match: '*', cache: { max_age: 999 } }]);
  });

  it('accepts unquoted keys made of letters, digits, $, _, marks and \\u escapes', () => {
    expect(parseJson5('{ $a: 1, _b2: 2, ключ: 3, a\\u0062c: 4, null: 5, é\u0301: 6 }')).toEqual({
      $a: 1,
      _b2: 2,
      ключ: 3,
      abc: 4,
      null: 5,
      'é\u0301': 6,
    });
  });

  it('accepts single-quoted strings and every JSON5 escape', () => {
    expect(parseJson5(`'say "hi"'`)).toBe('say "hi"');
    expect(parseJson5(`'it\\'s'`)).toBe("it's");
    expect(parseJson5(`"\\b\\f\\n\\r\\t\\v\\0\\x41\\u00e9\\/\\a"`)).toBe('\b\f\n\r\t\v\0Aé/a');
    expect(parseJson5('"\\uD83D\\uDE00"')).toBe('😀');
  });

  it('joins multi-line strings at a backslash before LF, CRLF, CR, U+2028 or U+2029', () => {
    expect(parseJson5('"one \\\ntwo \\\r\nthree \\\rfour \\\u2028five \\\u2029six"')).toBe(
      'one two three four five six',
    );
  });

  it('accepts U+2028 and U+2029 unescaped inside strings', () => {
    expect(parseJson5('"a\u2028b\u2029c"')).toBe('a\u2028b\u2029c');
  });

  it('parses hexadecimal, signed, dotted, exponent and non-finite numbers', () => {
    expect(
      parseJson5(
        '[0x1F, 0XfF, -0x10, +1, .5, 5., -.5e1, 1E+2, 2e-1, Infinity, -Infinity, +Infinity, 0]',
      ),
    ).toEqual([31, 255, -16, 1, 0.5, 5, -5, 100, 0.2, Infinity, -Infinity, Infinity, 0]);
    expect(parseJson5('NaN')).toBeNaN();
    expect(parseJson5('-NaN')).toBeNaN();
  });

  it('accepts any top-level value and the JSON5 white space, BOM and non-breaking spaces included', () => {
    expect(parseJson5('\uFEFF\u00A0\u2003\t\v\f 42 // done')).toBe(42);
    expect(parseJson5("'top'")).toBe('top');
  });

  it('keeps the last value of a repeated key, as JSON.parse does', () => {
    expect(parseJson5('{ a: 1, a: 2 }')).toEqual({ a: 2 });
  });

  it('makes __proto__ an own property without touching the prototype', () => {
    const value = parseJson5('{ "__proto__": { "polluted": true } }') as Record<string, unknown>;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.keys(value)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('nests up to JSON5_MAX_DEPTH levels and refuses deeper input as a limit error', () => {
    const ok = '['.repeat(JSON5_MAX_DEPTH) + ']'.repeat(JSON5_MAX_DEPTH);
    expect(() => parseJson5(ok)).not.toThrow();
    const error = failure('['.repeat(JSON5_MAX_DEPTH + 1) + ']'.repeat(JSON5_MAX_DEPTH + 1));
    expect(error.code).toBe(AssetsConfigErrorCode.JSON5_MAX_DEPTH);
    expect(error.kind).toBe('limit');
    expect(error.details.column).toBe(JSON5_MAX_DEPTH + 1);
  });
});

describe('parseJson5 refuses', () => {
  it.each([
    ['an empty text (ic-asset no_content_config_file)', '', '1:1'],
    ['only a comment', '// nothing', '1:11'],
    ['the "[[[{{{" text of ic-asset invalid_json_config_file', '[[[{{{', '1:5'],
    ['a doubled comma', '{a: 1,, }', '1:7'],
    ['a leading comma', '[, 1]', '1:2'],
    ['a lone comma in an object', '{,}', '1:2'],
    ['an unclosed array', '[1, 2', '1:6'],
    ['a missing colon', '{ a 1 }', '1:5'],
    ['a number as a key', '{ 1: 2 }', '1:3'],
    ['a bare word as a value', '[\n  1,\n  undefined\n]', '3:3'],
    ['an escaped word as a value', '\\u006eull', '1:1'],
    ['leading zeros', '{ a: 01 }', '1:7'],
    ['0x without digits', '0x', '1:3'],
    ['an exponent without digits', '1e', '1:3'],
    ['a sign without digits', '+-1', '1:2'],
    ['a lone dot', '.', '1:2'],
    ['a sign before a word', '-Infinit', '1:2'],
    ['a letter right after a number', '[1a]', '1:3'],
    ['text after the value', '[1] 2', '1:5'],
    ['an unterminated string', "'abc", '1:5'],
    ['a raw line feed inside a string', '"a\nb"', '1:3'],
    ['a raw carriage return inside a string', '"a\rb"', '1:3'],
    ['a \\1 escape', '"\\1"', '1:2'],
    ['\\0 before a digit', '"\\01"', '1:2'],
    ['a short \\x escape', '"\\x4"', '1:2'],
    ['a short \\u escape', '"\\u12G4"', '1:2'],
    ['an identifier escape that is not a letter', '{ \\u0031: 1 }', '1:3'],
    ['an unterminated block comment, at its start', '[1, /* never closed', '1:5'],
    ['a single slash', '[1 / 2]', '1:4'],
    ['a JavaScript-only value', '[undefined]', '1:2'],
  ])('%s', (_name, text, at) => {
    expect(syntaxErrorAt(text)).toBe(at);
  });

  it('counts LF, CR, CRLF, U+2028 and U+2029 as line ends and columns in code points', () => {
    expect(syntaxErrorAt('[\r\n1,\r\n  x]')).toBe('3:3');
    expect(syntaxErrorAt('[\r1,\rx]')).toBe('3:1');
    expect(syntaxErrorAt('[\u20281,\u2029x]')).toBe('3:1');
    expect(syntaxErrorAt('["😀", x]')).toBe('1:7');
  });

  it('reports a typed input error with the file, position and reason', () => {
    const error = failure('[\n  { match: "*" }\n  { match: "x" }\n]', 'dist/.ic-assets.json5');
    expect(error).toBeInstanceOf(CitadelError);
    expect(error.kind).toBe('input');
    expect(error.code).toBe('ASSETS_CONFIG_JSON5_SYNTAX');
    expect(error.details).toEqual({
      file: 'dist/.ic-assets.json5',
      line: 3,
      column: 3,
      offset: 21,
      reason: "invalid character '{': expected ',' or ']'",
    });
    expect(error.message).toBe(
      "dist/.ic-assets.json5:3:3: invalid character '{': expected ',' or ']'",
    );
  });

  it('names invisible characters by code point', () => {
    expect(failure('[1\u0007]').message).toBe("1:3: invalid character U+0007: expected ',' or ']'");
  });
});

describe('parseJson5Document', () => {
  it('keeps the position of every value and key, and the raw text of numbers', () => {
    const document = parseJson5Document("{\n  'a': 0x10,\n  b: [+.5]\n}");
    expect(document.kind).toBe('object');
    if (document.kind !== 'object') {
      return;
    }
    const [a, b] = document.members;
    expect(a?.keyStart).toEqual({ line: 2, column: 3, offset: 4 });
    expect(a?.value).toEqual({
      kind: 'number',
      value: 16,
      raw: '0x10',
      start: { line: 2, column: 8, offset: 9 },
    });
    expect(b?.value.kind === 'array' && b.value.items[0]).toEqual({
      kind: 'number',
      value: 0.5,
      raw: '+.5',
      start: { line: 3, column: 7, offset: 21 },
    });
  });

  it('keeps every occurrence of a repeated key', () => {
    const document = parseJson5Document('{ a: 1, a: 2 }');
    expect(document.kind === 'object' && document.members.map((m) => m.key)).toEqual(['a', 'a']);
  });
});
