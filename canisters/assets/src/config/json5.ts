/**
 * A small, strict JSON5 parser (https://spec.json5.org/, version 1.0.0): comments, trailing
 * commas, unquoted keys, single-quoted and multi-line strings, hexadecimal numbers, leading or
 * trailing decimal points, an explicit `+`, `Infinity` and `NaN`. Anything else is refused with
 * `ASSETS_CONFIG_JSON5_SYNTAX` and the 1-based line and column of the offending character.
 *
 * Lines end at LF, CR, CRLF, U+2028 and U+2029 (spec §5.2); columns count code points.
 */
import {
  AssetsConfigErrorCode,
  type TextPosition,
  assetsConfigError,
  locationPrefix,
} from './errors.js';

/** The deepest nesting of objects and arrays accepted; `.ic-assets.json5` needs 3. */
export const JSON5_MAX_DEPTH = 128;

/** What a JSON5 text denotes, as `JSON.parse` would build it. */
export type Json5Value = null | boolean | number | string | Json5Value[] | Json5Object;
export interface Json5Object {
  [key: string]: Json5Value;
}

/** One parsed value with where it starts, for callers that report positions of their own. */
export type Json5Node =
  | { readonly kind: 'null'; readonly start: TextPosition }
  | { readonly kind: 'boolean'; readonly value: boolean; readonly start: TextPosition }
  | { readonly kind: 'string'; readonly value: string; readonly start: TextPosition }
  | {
      readonly kind: 'number';
      readonly value: number;
      /** The literal as written (`0x1F`, `+.5e3`, `-Infinity`), for callers that care. */
      readonly raw: string;
      readonly start: TextPosition;
    }
  | { readonly kind: 'array'; readonly items: readonly Json5Node[]; readonly start: TextPosition }
  | {
      readonly kind: 'object';
      /** In text order; a repeated key appears once per occurrence. */
      readonly members: readonly Json5Member[];
      readonly start: TextPosition;
    };

export interface Json5Member {
  readonly key: string;
  readonly keyStart: TextPosition;
  readonly value: Json5Node;
}

export interface Json5ParseOptions {
  /** The text's file name, prefixed to messages and kept in the error's `details.file`. */
  readonly file?: string;
}

/**
 * Parses a JSON5 text into plain values. A key given twice keeps its last value, as in
 * `JSON.parse`; `__proto__` becomes an ordinary own property.
 *
 * @example parseJson5("[{ match: '*.html', cache: { max_age: 0x3C, }, }, // one minute\n]")
 * @throws CitadelError `ASSETS_CONFIG_JSON5_SYNTAX`, `ASSETS_CONFIG_JSON5_MAX_DEPTH`
 */
export function parseJson5(text: string, options: Json5ParseOptions = {}): Json5Value {
  return toValue(parseJson5Document(text, options));
}

/**
 * Parses a JSON5 text into nodes that keep their positions and the raw text of numbers.
 *
 * @throws CitadelError `ASSETS_CONFIG_JSON5_SYNTAX`, `ASSETS_CONFIG_JSON5_MAX_DEPTH`
 */
export function parseJson5Document(text: string, options: Json5ParseOptions = {}): Json5Node {
  const parser = new Parser(text, options.file);
  const value = parser.value(0);
  parser.end();
  return value;
}

function toValue(node: Json5Node): Json5Value {
  switch (node.kind) {
    case 'null':
      return null;
    case 'array':
      return node.items.map(toValue);
    case 'object': {
      const object: Json5Object = {};
      for (const member of node.members) {
        // defineProperty, not assignment: a `__proto__` key must not replace the prototype.
        Object.defineProperty(object, member.key, {
          value: toValue(member.value),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      return object;
    }
    default:
      return node.value;
  }
}

const LF = 0x0a;
const CR = 0x0d;
const LS = 0x2028;
const PS = 0x2029;

const SPACE_SEPARATOR = /\p{Zs}/u;
const ID_START = /[\p{L}\p{Nl}$_]/u;
const ID_PART = /[\p{L}\p{Nl}$_\p{Mn}\p{Mc}\p{Nd}\p{Pc}\u200C\u200D]/u;

function isLineTerminator(cp: number): boolean {
  return cp === LF || cp === CR || cp === LS || cp === PS;
}

/** JSON5 spec §5.2 (white space) plus the line terminators. */
function isWhitespace(cp: number): boolean {
  switch (cp) {
    case 0x09:
    case 0x0b:
    case 0x0c:
    case 0x20:
    case 0xa0:
    case 0xfeff:
      return true;
    default:
      return isLineTerminator(cp) || SPACE_SEPARATOR.test(String.fromCodePoint(cp));
  }
}

function isDigit(cp: number | undefined): cp is number {
  return cp !== undefined && cp >= 0x30 && cp <= 0x39;
}

function isHexDigit(cp: number | undefined): cp is number {
  return (
    cp !== undefined &&
    ((cp >= 0x30 && cp <= 0x39) || (cp >= 0x41 && cp <= 0x46) || (cp >= 0x61 && cp <= 0x66))
  );
}

function describe(cp: number): string {
  const visible = cp > 0x20 && !(cp >= 0x7f && cp <= 0xa0) && !isWhitespace(cp);
  return visible
    ? `'${String.fromCodePoint(cp)}'`
    : `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
}

const SINGLE_ESCAPES: Readonly<Record<string, string>> = {
  "'": "'",
  '"': '"',
  '\\': '\\',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
};

class Parser {
  private offset = 0;
  private line = 1;
  private column = 1;

  constructor(
    private readonly text: string,
    private readonly file: string | undefined,
  ) {}

  /** One value, with the white space and comments before it. */
  value(depth: number): Json5Node {
    this.skipBlank();
    const start = this.here();
    const cp = this.peek();
    if (cp === undefined) {
      throw this.syntaxError('unexpected end of input: a value was expected', start);
    }
    switch (cp) {
      case 0x7b: // {
        return this.object(depth + 1, start);
      case 0x5b: // [
        return this.array(depth + 1, start);
      case 0x22: // "
      case 0x27: // '
        return { kind: 'string', value: this.string(), start };
      case 0x2b: // +
      case 0x2d: // -
      case 0x2e: // .
        return this.number(start);
      default:
        if (isDigit(cp)) {
          return this.number(start);
        }
        if (ID_START.test(String.fromCodePoint(cp))) {
          return this.word(start);
        }
        throw this.unexpected(cp);
    }
  }

  /** Accepts only white space and comments after the top-level value. */
  end(): void {
    this.skipBlank();
    const cp = this.peek();
    if (cp !== undefined) {
      throw this.unexpected(cp, 'after the end of the value');
    }
  }

  private object(depth: number, start: TextPosition): Json5Node {
    this.checkDepth(depth, start);
    this.advance(); // {
    const members: Json5Member[] = [];
    for (;;) {
      this.skipBlank();
      if (this.peek() === 0x7d) {
        this.advance();
        return { kind: 'object', members, start };
      }
      const keyStart = this.here();
      const key = this.key();
      this.skipBlank();
      this.expect(0x3a, "':' after the key");
      const value = this.value(depth);
      members.push({ key, keyStart, value });
      this.skipBlank();
      const cp = this.peek();
      if (cp === 0x2c) {
        this.advance();
      } else if (cp === 0x7d) {
        this.advance();
        return { kind: 'object', members, start };
      } else {
        throw this.unexpectedOrEnd(cp, "',' or '}'");
      }
    }
  }

  private array(depth: number, start: TextPosition): Json5Node {
    this.checkDepth(depth, start);
    this.advance(); // [
    const items: Json5Node[] = [];
    for (;;) {
      this.skipBlank();
      if (this.peek() === 0x5d) {
        this.advance();
        return { kind: 'array', items, start };
      }
      items.push(this.value(depth));
      this.skipBlank();
      const cp = this.peek();
      if (cp === 0x2c) {
        this.advance();
      } else if (cp === 0x5d) {
        this.advance();
        return { kind: 'array', items, start };
      } else {
        throw this.unexpectedOrEnd(cp, "',' or ']'");
      }
    }
  }

  private key(): string {
    const cp = this.peek();
    if (cp === 0x22 || cp === 0x27) {
      return this.string();
    }
    if (cp !== undefined && (cp === 0x5c || ID_START.test(String.fromCodePoint(cp)))) {
      return this.identifier();
    }
    throw this.unexpectedOrEnd(cp, "a key or '}'");
  }

  /** An IdentifierName (ES5.1 §7.6), with `\uXXXX` escapes. */
  private identifier(): string {
    let name = '';
    for (;;) {
      const at = this.here();
      const cp = this.peek();
      if (cp === 0x5c) {
        this.advance();
        if (this.peek() !== 0x75) {
          throw this.syntaxError("only '\\u' escapes are allowed in identifiers", at);
        }
        this.advance();
        const escaped = String.fromCharCode(this.hexDigits(4, at));
        const allowed = name === '' ? ID_START : ID_PART;
        if (!allowed.test(escaped)) {
          throw this.syntaxError(
            `the escape denotes ${describe(escaped.charCodeAt(0))}, which is not allowed in an identifier`,
            at,
          );
        }
        name += escaped;
        continue;
      }
      if (cp === undefined) {
        return name;
      }
      const char = String.fromCodePoint(cp);
      if (!(name === '' ? ID_START : ID_PART).test(char)) {
        return name;
      }
      this.advance();
      name += char;
    }
  }

  /** `null`, `true`, `false`, `Infinity` or `NaN`; any other bare word is an error. */
  private word(start: TextPosition): Json5Node {
    const word = this.identifier();
    switch (word) {
      case 'null':
        return { kind: 'null', start };
      case 'true':
      case 'false':
        return { kind: 'boolean', value: word === 'true', start };
      case 'Infinity':
        return { kind: 'number', value: Infinity, raw: word, start };
      case 'NaN':
        return { kind: 'number', value: NaN, raw: word, start };
      default:
        throw this.syntaxError(`unexpected word '${word}' (strings need quotes)`, start);
    }
  }

  private string(): string {
    const open = this.here();
    const quote = this.advance();
    let value = '';
    for (;;) {
      const at = this.here();
      const cp = this.peek();
      if (cp === undefined) {
        throw this.syntaxError(
          `unterminated string (opened at ${open.line}:${open.column})`,
          this.here(),
        );
      }
      if (cp === quote) {
        this.advance();
        return value;
      }
      if (cp === LF || cp === CR) {
        throw this.syntaxError(
          'line break inside a string: write \\n, or end the line with \\ to continue it',
          at,
        );
      }
      this.advance();
      value += cp === 0x5c ? this.escape(at) : String.fromCodePoint(cp);
    }
  }

  /** After a backslash in a string (spec §5.1, JSON5EscapeSequence and LineContinuation). */
  private escape(at: TextPosition): string {
    const cp = this.peek();
    if (cp === undefined) {
      throw this.syntaxError('unterminated string', this.here());
    }
    this.advance();
    const char = String.fromCodePoint(cp);
    const single = SINGLE_ESCAPES[char];
    if (single !== undefined) {
      return single;
    }
    switch (cp) {
      case 0x30: // 0
        if (isDigit(this.peek())) {
          throw this.syntaxError("'\\0' may not be followed by a digit", at);
        }
        return '\0';
      case 0x78: // x
        return String.fromCharCode(this.hexDigits(2, at));
      case 0x75: // u
        return String.fromCharCode(this.hexDigits(4, at));
      case CR:
        if (this.peek() === LF) {
          this.advance();
        }
        return '';
      case LF:
      case LS:
      case PS:
        return '';
      default:
        if (isDigit(cp)) {
          throw this.syntaxError(`invalid escape '\\${char}'`, at);
        }
        // A NonEscapeCharacter stands for itself ('\a' is 'a').
        return char;
    }
  }

  private hexDigits(count: number, at: TextPosition): number {
    let value = 0;
    for (let i = 0; i < count; i++) {
      const cp = this.peek();
      if (!isHexDigit(cp)) {
        throw this.syntaxError(`invalid escape: expected ${count} hexadecimal digits`, at);
      }
      this.advance();
      value = value * 16 + Number.parseInt(String.fromCharCode(cp), 16);
    }
    return value;
  }

  /** JSON5Number (spec §6): a sign, then a hexadecimal, decimal, `Infinity` or `NaN` literal. */
  private number(start: TextPosition): Json5Node {
    const from = this.offset;
    let negative = false;
    if (this.peek() === 0x2b || this.peek() === 0x2d) {
      negative = this.advance() === 0x2d;
    }
    const cp = this.peek();
    if (cp === 0x49 || cp === 0x4e) {
      // I or N
      const wordStart = this.here();
      const word = this.identifier();
      if (word !== 'Infinity' && word !== 'NaN') {
        throw this.syntaxError(`unexpected word '${word}' after a sign`, wordStart);
      }
      const value = word === 'NaN' ? NaN : negative ? -Infinity : Infinity;
      return { kind: 'number', value, raw: this.text.slice(from, this.offset), start };
    }
    if (cp === 0x30 && (this.peekAt(1) === 0x78 || this.peekAt(1) === 0x58)) {
      this.advance();
      this.advance();
      const digitsFrom = this.offset;
      if (!isHexDigit(this.peek())) {
        throw this.unexpectedOrEnd(this.peek(), 'a hexadecimal digit');
      }
      while (isHexDigit(this.peek())) {
        this.advance();
      }
      const magnitude = Number.parseInt(this.text.slice(digitsFrom, this.offset), 16);
      return {
        kind: 'number',
        value: negative ? -magnitude : magnitude,
        raw: this.text.slice(from, this.offset),
        start,
      };
    }
    let integerDigits = 0;
    if (cp === 0x30) {
      this.advance();
      integerDigits = 1;
      if (isDigit(this.peek())) {
        throw this.syntaxError('a number may not have leading zeros', this.here());
      }
    } else {
      while (isDigit(this.peek())) {
        this.advance();
        integerDigits++;
      }
    }
    let fractionDigits = 0;
    if (this.peek() === 0x2e) {
      this.advance();
      while (isDigit(this.peek())) {
        this.advance();
        fractionDigits++;
      }
    }
    if (integerDigits === 0 && fractionDigits === 0) {
      throw this.unexpectedOrEnd(this.peek(), 'a digit');
    }
    if (this.peek() === 0x65 || this.peek() === 0x45) {
      this.advance();
      if (this.peek() === 0x2b || this.peek() === 0x2d) {
        this.advance();
      }
      if (!isDigit(this.peek())) {
        throw this.unexpectedOrEnd(this.peek(), 'a digit in the exponent');
      }
      while (isDigit(this.peek())) {
        this.advance();
      }
    }
    const raw = this.text.slice(from, this.offset);
    // Number() accepts every decimal form JSON5 allows ("5.", ".5", "+1e3").
    return { kind: 'number', value: Number(raw), raw, start };
  }

  /** Skips white space and comments (spec §5.1, Comment). */
  private skipBlank(): void {
    for (;;) {
      const cp = this.peek();
      if (cp === undefined) {
        return;
      }
      if (isWhitespace(cp)) {
        this.advance();
        continue;
      }
      if (cp !== 0x2f) {
        return;
      }
      const open = this.here();
      const next = this.peekAt(1);
      if (next === 0x2f) {
        while (this.peek() !== undefined && !isLineTerminator(this.peek() as number)) {
          this.advance();
        }
      } else if (next === 0x2a) {
        this.advance();
        this.advance();
        for (;;) {
          if (this.peek() === undefined) {
            throw this.syntaxError('unterminated block comment', open);
          }
          if (this.advance() === 0x2a && this.peek() === 0x2f) {
            this.advance();
            break;
          }
        }
      } else {
        throw this.unexpected(cp);
      }
    }
  }

  private checkDepth(depth: number, at: TextPosition): void {
    if (depth > JSON5_MAX_DEPTH) {
      throw assetsConfigError(
        AssetsConfigErrorCode.JSON5_MAX_DEPTH,
        `${locationPrefix(this.file, at)}objects and arrays nested deeper than ${JSON5_MAX_DEPTH}`,
        { file: this.file, line: at.line, column: at.column, offset: at.offset },
      );
    }
  }

  private expect(cp: number, what: string): void {
    if (this.peek() !== cp) {
      throw this.unexpectedOrEnd(this.peek(), what);
    }
    this.advance();
  }

  private unexpected(cp: number, context?: string): Error {
    return this.syntaxError(
      `invalid character ${describe(cp)}${context === undefined ? '' : ` ${context}`}`,
      this.here(),
    );
  }

  private unexpectedOrEnd(cp: number | undefined, expected: string): Error {
    if (cp === undefined) {
      return this.syntaxError(`unexpected end of input: expected ${expected}`, this.here());
    }
    return this.syntaxError(`invalid character ${describe(cp)}: expected ${expected}`, this.here());
  }

  private syntaxError(message: string, at: TextPosition): Error {
    return assetsConfigError(
      AssetsConfigErrorCode.JSON5_SYNTAX,
      `${locationPrefix(this.file, at)}${message}`,
      { file: this.file, line: at.line, column: at.column, offset: at.offset, reason: message },
    );
  }

  private here(): TextPosition {
    return { line: this.line, column: this.column, offset: this.offset };
  }

  private peek(): number | undefined {
    return this.text.codePointAt(this.offset);
  }

  /** The code point `units` UTF-16 units ahead; only used to look past ASCII. */
  private peekAt(units: number): number | undefined {
    return this.text.codePointAt(this.offset + units);
  }

  private advance(): number {
    const cp = this.text.codePointAt(this.offset) as number;
    this.offset += cp > 0xffff ? 2 : 1;
    if (cp === LF || cp === LS || cp === PS || (cp === CR && this.peek() !== LF)) {
      this.line++;
      this.column = 1;
    } else {
      this.column++;
    }
    return cp;
  }
}
