import { CliErrorCode, createCliError } from '../errors.js';
import type { CliErrorCodeValue } from '../errors.js';
import type {
  CandidActor,
  CandidArgument,
  CandidField,
  CandidFuncMode,
  CandidFuncType,
  CandidLabel,
  CandidMethod,
  CandidPosition,
  CandidPrimitiveName,
  CandidProgram,
  CandidReference,
  CandidServiceType,
  CandidType,
  CandidTypeDefinition,
} from './ast.js';
import { CANDID_PRIMITIVES, candidFieldHash } from './ast.js';
import { resolveCandidType } from './type-env.js';

/**
 * A parser of Candid interface descriptions (`.did`), following the Candid specification's
 * grammar: comments, `type` definitions, one `service` (with or without install arguments, as
 * a body or a type name), and every type constructor. `import` is refused: a `.did` must be
 * self-contained.
 *
 * Beyond the grammar it checks what a binding generator relies on: every referenced type is
 * defined exactly once, no type is only an alias of itself, labels and method names are unique,
 * a method's type is a function, the service's type is a service, oneway functions return
 * nothing. Each failure is a `CitadelError` whose message and details name the line and column.
 */

export interface ParseCandidOptions {
  /** What to call the text in error messages (a file name); `candid` when absent. */
  readonly source?: string;
}

/** Words that are not type names (the keywords and primitive types). */
const RESERVED = new Set<string>([
  'type',
  'import',
  'service',
  'func',
  'opt',
  'vec',
  'record',
  'variant',
  'blob',
  'principal',
  'query',
  'composite_query',
  'oneway',
  ...CANDID_PRIMITIVES,
]);
const PRIMITIVES = new Set<string>(CANDID_PRIMITIVES);
const FUNC_MODES = new Set<string>(['query', 'composite_query', 'oneway']);
const MAX_ID = 2n ** 32n - 1n;
const SIMPLE_ESCAPES = new Map([
  ['n', '\n'],
  ['r', '\r'],
  ['t', '\t'],
  ['\\', '\\'],
  ['"', '"'],
  ["'", "'"],
]);

type Punctuation = '(' | ')' | '{' | '}' | ';' | ':' | ',' | '=' | '->';

type Token =
  | { readonly kind: 'id'; readonly value: string; readonly position: CandidPosition }
  | { readonly kind: 'text'; readonly value: string; readonly position: CandidPosition }
  | { readonly kind: 'nat'; readonly value: bigint; readonly position: CandidPosition }
  | { readonly kind: 'punct'; readonly value: Punctuation; readonly position: CandidPosition }
  | { readonly kind: 'eof'; readonly position: CandidPosition };

/** Parses a `.did` text into its syntax tree, or throws a `CLI_CANDID_*` error. */
export function parseCandid(text: string, options: ParseCandidOptions = {}): CandidProgram {
  const fail = failure(options.source);
  const parser = new Parser(tokenize(text, fail), fail);
  const program = parser.program();
  validate(program, fail);
  return program;
}

type Fail = (code: CliErrorCodeValue, position: CandidPosition, reason: string) => never;

function failure(source: string | undefined): Fail {
  return (code, position, reason) => {
    throw createCliError(
      code,
      `${source ?? 'candid'}:${position.line}:${position.column}: ${reason}`,
      { line: position.line, column: position.column, ...(source ? { source } : {}) },
    );
  };
}

// ---------------------------------------------------------------------------------------------
// Lexer

function tokenize(text: string, fail: Fail): Token[] {
  const tokens: Token[] = [];
  let index = 0;
  let line = 1;
  let lineStart = 0;
  const here = (): CandidPosition => ({ line, column: index - lineStart + 1 });
  const syntax = (position: CandidPosition, reason: string): never =>
    fail(CliErrorCode.CANDID_SYNTAX, position, reason);
  /** Advances over one character, keeping line and column. */
  const advance = (): void => {
    if (text[index] === '\n') {
      line += 1;
      lineStart = index + 1;
    }
    index += 1;
  };

  while (index < text.length) {
    const char = text[index] as string;
    if (char === ' ' || char === '\t' || char === '\r' || char === '\n') {
      advance();
      continue;
    }
    if (text.startsWith('//', index)) {
      while (index < text.length && text[index] !== '\n') {
        advance();
      }
      continue;
    }
    if (text.startsWith('/*', index)) {
      // Block comments nest, as in the Candid reference implementation.
      const start = here();
      let depth = 0;
      do {
        if (text.startsWith('/*', index)) {
          depth += 1;
          advance();
          advance();
        } else if (text.startsWith('*/', index)) {
          depth -= 1;
          advance();
          advance();
        } else if (index >= text.length) {
          syntax(start, 'unterminated block comment');
        } else {
          advance();
        }
      } while (depth > 0);
      continue;
    }
    const position = here();
    if (text.startsWith('->', index)) {
      tokens.push({ kind: 'punct', value: '->', position });
      advance();
      advance();
      continue;
    }
    if ('(){};:,='.includes(char)) {
      tokens.push({ kind: 'punct', value: char as Punctuation, position });
      advance();
      continue;
    }
    const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(index, index + 256));
    if (word) {
      if (word[0].length === 256) {
        syntax(position, 'identifier longer than 255 characters');
      }
      tokens.push({ kind: 'id', value: word[0], position });
      index += word[0].length;
      continue;
    }
    const number = /^(?:0x[0-9a-fA-F][0-9a-fA-F_]*|[0-9][0-9_]*)/.exec(text.slice(index));
    if (number) {
      const digits = number[0].replaceAll('_', '');
      const end = text[index + number[0].length];
      if (end !== undefined && /[A-Za-z0-9_]/.test(end)) {
        syntax(position, `malformed number \`${number[0]}${end}\``);
      }
      tokens.push({ kind: 'nat', value: BigInt(digits), position });
      index += number[0].length;
      continue;
    }
    if (char === '"') {
      tokens.push({ kind: 'text', value: readText(), position });
      continue;
    }
    const codePoint = text.codePointAt(index) ?? 0;
    syntax(position, `unexpected character ${JSON.stringify(String.fromCodePoint(codePoint))}`);
  }
  tokens.push({ kind: 'eof', position: here() });
  return tokens;

  /** Reads a `"…"` literal at `index`, decoding its escapes (`\n`, `\u{…}`, `\HH` bytes, …). */
  function readText(): string {
    const start = here();
    advance();
    const bytes: number[] = [];
    const encoder = new TextEncoder();
    for (;;) {
      if (index >= text.length || text[index] === '\n') {
        syntax(start, 'unterminated text literal');
      }
      const char = text[index] as string;
      if (char === '"') {
        advance();
        break;
      }
      if (char !== '\\') {
        const codePoint = text.codePointAt(index) as number;
        const literal = String.fromCodePoint(codePoint);
        bytes.push(...encoder.encode(literal));
        index += literal.length;
        continue;
      }
      const escape = here();
      advance();
      const next = text[index];
      const simple = next === undefined ? undefined : SIMPLE_ESCAPES.get(next);
      if (simple !== undefined) {
        bytes.push(...encoder.encode(simple));
        advance();
        continue;
      }
      const unicode = /^u\{([0-9a-fA-F_]{1,8})\}/.exec(text.slice(index, index + 12));
      if (unicode) {
        const value = Number.parseInt((unicode[1] as string).replaceAll('_', ''), 16);
        if (!(value <= 0x10ffff) || (value >= 0xd800 && value <= 0xdfff)) {
          syntax(escape, `\\u{${unicode[1]}} is not a Unicode scalar value`);
        }
        bytes.push(...encoder.encode(String.fromCodePoint(value)));
        index += unicode[0].length;
        continue;
      }
      const byte = /^[0-9a-fA-F]{2}/.exec(text.slice(index, index + 2));
      if (byte) {
        bytes.push(Number.parseInt(byte[0], 16));
        index += 2;
        continue;
      }
      syntax(escape, `unknown escape \\${next ?? ''}`);
    }
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(new Uint8Array(bytes));
    } catch {
      return syntax(start, 'text literal is not valid UTF-8');
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Parser

function describe(token: Token): string {
  switch (token.kind) {
    case 'eof':
      return 'the end of the text';
    case 'text':
      return `text ${JSON.stringify(token.value)}`;
    case 'nat':
      return `number ${token.value}`;
    default:
      return `\`${token.value}\``;
  }
}

class Parser {
  private index = 0;

  constructor(
    private readonly tokens: readonly Token[],
    private readonly fail: Fail,
  ) {}

  program(): CandidProgram {
    const types: CandidTypeDefinition[] = [];
    let actor: CandidActor | undefined;
    while (this.peek().kind !== 'eof') {
      const token = this.peek();
      if (this.isWord('type')) {
        this.next();
        const nameToken = this.expectId('a type name');
        if (RESERVED.has(nameToken.value)) {
          this.syntax(nameToken, `\`${nameToken.value}\` is a reserved word, not a type name`);
        }
        this.expect('=');
        types.push({ name: nameToken.value, type: this.datatype(), position: nameToken.position });
        this.expect(';');
      } else if (this.isWord('import')) {
        this.fail(
          CliErrorCode.CANDID_IMPORT_UNSUPPORTED,
          token.position,
          '`import` is not supported: put every type the interface uses in this one .did file',
        );
      } else if (this.isWord('service')) {
        actor = this.actor();
        if (this.isPunct(';')) {
          this.next();
        }
        if (this.peek().kind !== 'eof') {
          this.syntax(
            this.peek(),
            `expected the end of the text after the service, found ${describe(this.peek())}`,
          );
        }
      } else {
        this.syntax(
          token,
          `expected \`type\`, \`import\` or \`service\`, found ${describe(token)}`,
        );
      }
    }
    return actor === undefined ? { types } : { types, actor };
  }

  private actor(): CandidActor {
    const position = this.next().position;
    let name: string | undefined;
    if (this.peek().kind === 'id') {
      name = this.expectId('a service name').value;
    }
    this.expect(':');
    let init: CandidArgument[] | undefined;
    if (this.isPunct('(')) {
      init = this.tuple();
      this.expect('->');
    }
    const type: CandidServiceType | CandidReference = this.isPunct('{')
      ? { kind: 'service', methods: this.methods() }
      : this.reference('a service type `{ … }` or the name of one');
    return {
      ...(name === undefined ? {} : { name }),
      ...(init === undefined ? {} : { init }),
      type,
      position,
    };
  }

  private datatype(): CandidType {
    const token = this.peek();
    if (token.kind !== 'id') {
      return this.syntax(token, `expected a type, found ${describe(token)}`);
    }
    const word = token.value;
    if (PRIMITIVES.has(word)) {
      this.next();
      return { kind: 'primitive', name: word as CandidPrimitiveName };
    }
    switch (word) {
      case 'principal':
        this.next();
        return { kind: 'principal' };
      case 'blob':
        this.next();
        return { kind: 'blob' };
      case 'opt':
        this.next();
        return { kind: 'opt', type: this.datatype() };
      case 'vec':
        this.next();
        return { kind: 'vec', type: this.datatype() };
      case 'record':
        this.next();
        return { kind: 'record', fields: this.fields('record') };
      case 'variant':
        this.next();
        return { kind: 'variant', fields: this.fields('variant') };
      case 'func':
        this.next();
        return { kind: 'func', func: this.funcType() };
      case 'service':
        this.next();
        return { kind: 'service', methods: this.methods() };
      default:
        if (RESERVED.has(word)) {
          return this.syntax(token, `expected a type, found \`${word}\``);
        }
        return this.reference('a type');
    }
  }

  private reference(what: string): CandidReference {
    const token = this.peek();
    if (token.kind !== 'id' || RESERVED.has(token.value)) {
      return this.syntax(token, `expected ${what}, found ${describe(token)}`);
    }
    this.next();
    return { kind: 'reference', name: token.value, position: token.position };
  }

  /** `{ field; … }` of a record or variant, with each field's Candid id. */
  private fields(kind: 'record' | 'variant'): CandidField[] {
    this.expect('{');
    const fields: CandidField[] = [];
    let nextId = 0;
    while (!this.isPunct('}')) {
      const token = this.peek();
      const after = this.peekAt(1);
      const labelled = after.kind === 'punct' && after.value === ':';
      let label: CandidLabel;
      let type: CandidType;
      if (labelled && (token.kind === 'id' || token.kind === 'text' || token.kind === 'nat')) {
        this.next();
        this.next();
        label = this.label(token);
        type = this.datatype();
      } else if (
        kind === 'variant' &&
        (token.kind === 'id' || token.kind === 'text' || token.kind === 'nat')
      ) {
        // `variant { A }`: a tag without data, short for `A : null`.
        this.next();
        label = this.label(token);
        type = { kind: 'primitive', name: 'null' };
      } else if (kind === 'record' && token.kind === 'id') {
        // `record { nat; text }`: fields numbered on from the previous field's id.
        label = { kind: 'unnamed', id: nextId };
        type = this.datatype();
      } else {
        return this.syntax(
          token,
          kind === 'record'
            ? `expected a field (\`name : type\` or a type), found ${describe(token)}`
            : `expected a tag (\`name\` or \`name : type\`), found ${describe(token)}`,
        );
      }
      const id = label.kind === 'name' ? candidFieldHash(label.name) : label.id;
      if (id > Number(MAX_ID)) {
        this.syntax(token, `field id ${id} is larger than 2^32 - 1`);
      }
      fields.push({ label, id, type, position: token.position });
      nextId = id + 1;
      if (!this.separator(';', '}')) {
        break;
      }
    }
    this.expect('}');
    return fields;
  }

  private label(token: Token): CandidLabel {
    if (token.kind === 'nat') {
      if (token.value > MAX_ID) {
        return this.syntax(token, `field id ${token.value} is larger than 2^32 - 1`);
      }
      return { kind: 'id', id: Number(token.value) };
    }
    return { kind: 'name', name: (token as { value: string }).value };
  }

  /** `(args) -> (results) modes`. */
  private funcType(): CandidFuncType {
    const args = this.tuple();
    this.expect('->');
    const results = this.tuple();
    const modes: CandidFuncMode[] = [];
    for (
      let token = this.peek();
      token.kind === 'id' && FUNC_MODES.has(token.value);
      token = this.peek()
    ) {
      if (modes.length > 0) {
        this.syntax(
          token,
          `a function takes one annotation, found \`${modes[0]}\` and \`${token.value}\``,
        );
      }
      modes.push(token.value as CandidFuncMode);
      this.next();
      if (token.value === 'oneway' && results.length > 0) {
        this.fail(
          CliErrorCode.CANDID_TYPE_INVALID,
          token.position,
          'a oneway function returns nothing: its results must be `()`',
        );
      }
    }
    return { args, results, modes };
  }

  /** `(type, name : type, …)`. */
  private tuple(): CandidArgument[] {
    this.expect('(');
    const items: CandidArgument[] = [];
    while (!this.isPunct(')')) {
      const token = this.peek();
      const next = this.peekAt(1);
      if (
        (token.kind === 'id' || token.kind === 'text') &&
        next.kind === 'punct' &&
        next.value === ':'
      ) {
        this.next();
        this.next();
        items.push({ name: token.value, type: this.datatype() });
      } else {
        items.push({ type: this.datatype() });
      }
      if (!this.separator(',', ')')) {
        break;
      }
    }
    this.expect(')');
    return items;
  }

  /** `{ name : (…) -> (…); name : FuncType; … }`. */
  private methods(): CandidMethod[] {
    this.expect('{');
    const methods: CandidMethod[] = [];
    while (!this.isPunct('}')) {
      const token = this.peek();
      if (token.kind !== 'id' && token.kind !== 'text') {
        return this.syntax(token, `expected a method name, found ${describe(token)}`);
      }
      this.next();
      this.expect(':');
      const type = this.isPunct('(')
        ? { kind: 'func' as const, func: this.funcType() }
        : this.reference('a function type `(…) -> (…)` or the name of one');
      methods.push({ name: token.value, type, position: token.position });
      if (!this.separator(';', '}')) {
        break;
      }
    }
    this.expect('}');
    return methods;
  }

  /** After a list item: consumes `separator` and says whether another item may follow. */
  private separator(separator: Punctuation, close: Punctuation): boolean {
    if (this.isPunct(separator)) {
      this.next();
      return true;
    }
    if (!this.isPunct(close)) {
      this.syntax(
        this.peek(),
        `expected \`${separator}\` or \`${close}\`, found ${describe(this.peek())}`,
      );
    }
    return false;
  }

  private peek(): Token {
    return this.peekAt(0);
  }

  private peekAt(offset: number): Token {
    return this.tokens[Math.min(this.index + offset, this.tokens.length - 1)] as Token;
  }

  private next(): Token {
    const token = this.peek();
    if (token.kind !== 'eof') {
      this.index += 1;
    }
    return token;
  }

  private isPunct(value: Punctuation): boolean {
    const token = this.peek();
    return token.kind === 'punct' && token.value === value;
  }

  private isWord(value: string): boolean {
    const token = this.peek();
    return token.kind === 'id' && token.value === value;
  }

  private expect(value: Punctuation): Token {
    if (!this.isPunct(value)) {
      this.syntax(this.peek(), `expected \`${value}\`, found ${describe(this.peek())}`);
    }
    return this.next();
  }

  private expectId(what: string): Extract<Token, { kind: 'id' }> {
    const token = this.peek();
    if (token.kind !== 'id') {
      return this.syntax(token, `expected ${what}, found ${describe(token)}`);
    }
    this.next();
    return token;
  }

  private syntax(token: Token, reason: string): never {
    return this.fail(CliErrorCode.CANDID_SYNTAX, token.position, reason);
  }
}

// ---------------------------------------------------------------------------------------------
// Validation

function validate(program: CandidProgram, fail: Fail): void {
  const invalid = (position: CandidPosition, reason: string): never =>
    fail(CliErrorCode.CANDID_TYPE_INVALID, position, reason);
  const definitions = new Map<string, CandidTypeDefinition>();
  for (const definition of program.types) {
    const previous = definitions.get(definition.name);
    if (previous) {
      invalid(
        definition.position,
        `type \`${definition.name}\` is defined twice (first at ${previous.position.line}:${previous.position.column})`,
      );
    }
    definitions.set(definition.name, definition);
  }

  // A type that is only a name for itself (`type A = B; type B = A;`) describes no values.
  for (const definition of program.types) {
    const seen = new Set<string>([definition.name]);
    for (let type = definition.type; type.kind === 'reference';) {
      const target = definitions.get(type.name);
      if (!target) {
        break; // reported below
      }
      if (seen.has(target.name)) {
        invalid(
          definition.position,
          `type \`${definition.name}\` only names itself, describing no values: ${[...seen, target.name].join(' = ')}`,
        );
      }
      seen.add(target.name);
      type = target.type;
    }
  }

  const resolve = (type: CandidType): CandidType => resolveCandidType(definitions, type);
  const visit = (type: CandidType): void => {
    switch (type.kind) {
      case 'reference':
        if (!definitions.has(type.name)) {
          invalid(type.position, `unknown type \`${type.name}\``);
        }
        return;
      case 'opt':
      case 'vec':
        visit(type.type);
        return;
      case 'record':
      case 'variant': {
        const seen = new Map<number, CandidField>();
        for (const field of type.fields) {
          const previous = seen.get(field.id);
          if (previous) {
            invalid(
              field.position,
              `${type.kind} field ${labelText(field.label)} has the same id (${field.id}) as ${labelText(previous.label)}`,
            );
          }
          seen.set(field.id, field);
          visit(field.type);
        }
        return;
      }
      case 'func':
        visitFunc(type.func);
        return;
      case 'service':
        visitMethods(type.methods);
        return;
      default:
        return;
    }
  };
  const visitFunc = (func: CandidFuncType): void => {
    for (const item of [...func.args, ...func.results]) {
      visit(item.type);
    }
  };
  const visitMethods = (methods: readonly CandidMethod[]): void => {
    const names = new Set<string>();
    for (const method of methods) {
      if (names.has(method.name)) {
        invalid(method.position, `method \`${method.name}\` is declared twice`);
      }
      names.add(method.name);
      if (method.type.kind === 'func') {
        visitFunc(method.type.func);
      } else {
        visit(method.type);
        if (resolve(method.type).kind !== 'func') {
          invalid(
            method.type.position,
            `method \`${method.name}\`: \`${method.type.name}\` is not a func type`,
          );
        }
      }
    }
  };

  for (const definition of program.types) {
    visit(definition.type);
  }
  const actor = program.actor;
  if (actor) {
    for (const item of actor.init ?? []) {
      visit(item.type);
    }
    visit(actor.type);
    if (actor.type.kind === 'reference' && resolve(actor.type).kind !== 'service') {
      invalid(
        actor.type.position,
        `the service's type \`${actor.type.name}\` is not a service type`,
      );
    }
  }
}

function labelText(label: CandidLabel): string {
  return label.kind === 'name' ? JSON.stringify(label.name) : String(label.id);
}
