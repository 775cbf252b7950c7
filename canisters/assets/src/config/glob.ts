/**
 * Glob patterns with the semantics of the Rust `globset` crate (0.4.18) as `ic-asset` builds
 * them: `Glob::new(pattern).compile_matcher()`, i.e. the default options.
 *
 * - `literal_separator` is off: `*` and `?` match `/` too, so `*.js` matches `a/b.js`.
 * - `**` is recursive only next to separators: `**` then `/` at the start, `/` then `**` at
 *   the end, or between two `/`; anywhere else it is two `*`. A pattern that is only `**`
 *   matches everything.
 * - `[abc]`, `[a-z]`, `[!a]` / `[^a]`; `]` first in a class and `-` first or last are literal.
 * - `{a,b}` alternation, nested allowed; empty alternatives are dropped (`foo{,.txt}` does not
 *   match `foo`).
 * - `\` escapes the next character; matching is case-sensitive and over the whole path.
 *
 * Like globset, matching works on UTF-8 bytes: `?` and classes consume one byte, so `?` does not
 * match `é`. The matcher runs a Thompson NFA, so no pattern can make it backtrack exponentially.
 */
import { AssetsConfigErrorCode, assetsConfigError } from './errors.js';

/** A compiled pattern. */
export interface GlobMatcher {
  /** The pattern as written. */
  readonly glob: string;
  /** Whether the whole of `path` matches. */
  isMatch(path: string): boolean;
}

/** Why globset refuses a pattern (its `ErrorKind`), kept in the error's `details.reason`. */
export type GlobErrorReason =
  | 'unclosed-class'
  | 'invalid-range'
  | 'unopened-alternates'
  | 'unclosed-alternates'
  | 'dangling-escape';

/**
 * Compiles a glob.
 *
 * @example compileGlob('assets/*.{js,css}').isMatch('assets/app.css') // true
 * @throws CitadelError `ASSETS_CONFIG_INVALID_GLOB` with `details.glob` and `details.reason`
 */
export function compileGlob(glob: string): GlobMatcher {
  const tokens = new GlobParser(glob).parse();
  const nfa = compileNfa(toNode(tokens));
  return { glob, isMatch: (path) => nfa.matches(UTF8.encode(path)) };
}

/** Escapes `text` so that a glob matches it literally. */
export function escapeGlob(text: string): string {
  return text.replace(/[\\?*[\]{},]/g, (char) => `\\${char}`);
}

// ---- parsing ----------------------------------------------------------------------------------

type Token =
  | { readonly type: 'literal'; readonly char: string }
  | { readonly type: 'any' }
  | { readonly type: 'zero-or-more' }
  /** `**` then `/` at the start: nothing, one `/`, or anything that ends with `/`. */
  | { readonly type: 'recursive-prefix' }
  /** `/` then `**` at the end: a `/` and then anything. */
  | { readonly type: 'recursive-suffix' }
  /** `**` between two `/`: one `/`, or `/`, anything, `/`. */
  | { readonly type: 'recursive-zero-or-more' }
  | { readonly type: 'class'; readonly negated: boolean; readonly ranges: [string, string][] }
  | { readonly type: 'alternates'; readonly branches: Token[][] };

const ZERO_OR_MORE: Token = { type: 'zero-or-more' };

/** A port of the behaviour of globset's parser, token for token (see the module comment). */
class GlobParser {
  private readonly chars: string[];
  private index = 0;
  private prev: string | undefined;
  private cur: string | undefined;
  /** The open alternatives; tokens go to the last one. The first is the pattern itself. */
  private readonly branches: Token[][] = [[]];
  /** For each open `{`, the index in `branches` of its first alternative. */
  private readonly alternates: number[] = [];

  constructor(private readonly glob: string) {
    this.chars = Array.from(glob);
  }

  parse(): Token[] {
    for (let c = this.bump(); c !== undefined; c = this.bump()) {
      switch (c) {
        case '?':
          this.push({ type: 'any' });
          break;
        case '*':
          this.star();
          break;
        case '[':
          this.charClass();
          break;
        case '{':
          this.alternates.push(this.branches.length);
          this.branches.push([]);
          break;
        case '}': {
          const first = this.alternates.pop();
          if (first === undefined) {
            throw this.error('unopened-alternates', "'}' without a matching '{'");
          }
          this.push({ type: 'alternates', branches: this.branches.splice(first) });
          break;
        }
        case ',':
          if (this.alternates.length === 0) {
            this.push({ type: 'literal', char: ',' });
          } else {
            this.branches.push([]);
          }
          break;
        case '\\': {
          const escaped = this.bump();
          if (escaped === undefined) {
            throw this.error('dangling-escape', "'\\' at the end of the pattern");
          }
          this.push({ type: 'literal', char: escaped });
          break;
        }
        default:
          this.push({ type: 'literal', char: c });
      }
    }
    if (this.branches.length > 1) {
      throw this.error('unclosed-alternates', "'{' without a matching '}'");
    }
    return this.branches[0] as Token[];
  }

  /** After a `*`: decides between `*`, `**` as two stars, and the three recursive forms. */
  private star(): void {
    const prev = this.prev;
    if (this.peek() !== '*') {
      this.push(ZERO_OR_MORE);
      return;
    }
    this.bump();
    if (this.current().length === 0) {
      const next = this.peek();
      if (next !== undefined && next !== '/') {
        this.push(ZERO_OR_MORE, ZERO_OR_MORE);
      } else {
        this.push({ type: 'recursive-prefix' });
        this.bump();
      }
      return;
    }
    if (prev !== '/' && (this.branches.length <= 1 || (prev !== ',' && prev !== '{'))) {
      this.push(ZERO_OR_MORE, ZERO_OR_MORE);
      return;
    }
    const next = this.peek();
    let isSuffix: boolean;
    if (next === undefined) {
      isSuffix = true;
    } else if ((next === ',' || next === '}') && this.branches.length >= 2) {
      isSuffix = true;
    } else if (next === '/') {
      this.bump();
      isSuffix = false;
    } else {
      this.push(ZERO_OR_MORE, ZERO_OR_MORE);
      return;
    }
    // The `/` before `**` becomes part of the recursive token; a second `**` after a recursive token adds nothing.
    const replaced = this.current().pop() as Token;
    if (replaced.type === 'recursive-prefix' || replaced.type === 'recursive-suffix') {
      this.push(replaced);
    } else {
      this.push({ type: isSuffix ? 'recursive-suffix' : 'recursive-zero-or-more' });
    }
  }

  private charClass(): void {
    const ranges: [string, string][] = [];
    let negated = false;
    if (this.peek() === '!' || this.peek() === '^') {
      this.bump();
      negated = true;
    }
    let first = true;
    let inRange = false;
    for (;;) {
      const c = this.bump();
      if (c === undefined) {
        throw this.error('unclosed-class', "'[' without a matching ']'");
      }
      if (c === ']' && !first) {
        break;
      }
      if (c === '-' && !first && !inRange) {
        inRange = true;
      } else if (inRange) {
        const last = ranges[ranges.length - 1] as [string, string];
        last[1] = c;
        if ((last[1].codePointAt(0) as number) < (last[0].codePointAt(0) as number)) {
          throw this.error('invalid-range', `the range ${last[0]}-${last[1]} is backwards`);
        }
        inRange = false;
      } else {
        ranges.push([c, c]);
      }
      first = false;
    }
    if (inRange) {
      ranges.push(['-', '-']);
    }
    this.push({ type: 'class', negated, ranges });
  }

  private current(): Token[] {
    return this.branches[this.branches.length - 1] as Token[];
  }

  private push(...tokens: Token[]): void {
    this.current().push(...tokens);
  }

  private bump(): string | undefined {
    this.prev = this.cur;
    this.cur = this.chars[this.index];
    if (this.cur !== undefined) {
      this.index++;
    }
    return this.cur;
  }

  private peek(): string | undefined {
    return this.chars[this.index];
  }

  private error(reason: GlobErrorReason, message: string): Error {
    return assetsConfigError(
      AssetsConfigErrorCode.INVALID_GLOB,
      `invalid glob ${JSON.stringify(this.glob)}: ${message}`,
      { glob: this.glob, reason },
    );
  }
}

// ---- the regular language, over bytes ---------------------------------------------------------

type ByteSet = Uint8Array; // 256 flags

type Node =
  | { readonly type: 'byte'; readonly set: ByteSet }
  | { readonly type: 'sequence'; readonly items: readonly Node[] }
  | { readonly type: 'either'; readonly items: readonly Node[] }
  | { readonly type: 'optional'; readonly item: Node }
  | { readonly type: 'any-bytes' };

const UTF8 = new TextEncoder();
const ANY_BYTE: ByteSet = new Uint8Array(256).fill(1);
const SLASH: Node = byteNode([0x2f]);
const ANY_BYTES: Node = { type: 'any-bytes' };

function byteNode(bytes: Iterable<number>): Node {
  const set = new Uint8Array(256);
  for (const byte of bytes) {
    set[byte] = 1;
  }
  return { type: 'byte', set };
}

function literalNode(char: string): Node {
  return { type: 'sequence', items: Array.from(UTF8.encode(char), (byte) => byteNode([byte])) };
}

/**
 * globset writes each class item as the escaped UTF-8 bytes of its characters inside a byte
 * regex, so `[a-é]` is the items `a-\xc3` and `\xa9`. This reproduces that reading.
 */
function classSet(negated: boolean, ranges: readonly [string, string][]): ByteSet {
  const set = new Uint8Array(256);
  for (const [low, high] of ranges) {
    const lowBytes = UTF8.encode(low);
    const highBytes = UTF8.encode(high);
    if (low === high) {
      lowBytes.forEach((byte) => (set[byte] = 1));
      continue;
    }
    lowBytes.subarray(0, -1).forEach((byte) => (set[byte] = 1));
    for (
      let byte = lowBytes[lowBytes.length - 1] as number;
      byte <= (highBytes[0] as number);
      byte++
    ) {
      set[byte] = 1;
    }
    highBytes.subarray(1).forEach((byte) => (set[byte] = 1));
  }
  if (negated) {
    set.forEach((flag, byte) => (set[byte] = flag ^ 1));
  }
  return set;
}

/** Whether globset would write no regex at all for these tokens (only empty alternations). */
function writesNothing(tokens: readonly Token[]): boolean {
  return tokens.every(
    (token) =>
      token.type === 'alternates' && token.branches.every((branch) => writesNothing(branch)),
  );
}

function toNode(tokens: readonly Token[]): Node {
  // globset: a pattern that is only `**` matches everything, even the empty path.
  if (tokens.length === 1 && tokens[0]?.type === 'recursive-prefix') {
    return ANY_BYTES;
  }
  return sequenceOf(tokens);
}

function sequenceOf(tokens: readonly Token[]): Node {
  return { type: 'sequence', items: tokens.map(tokenNode) };
}

function tokenNode(token: Token): Node {
  switch (token.type) {
    case 'literal':
      return literalNode(token.char);
    case 'any':
      return { type: 'byte', set: ANY_BYTE };
    case 'zero-or-more':
      return ANY_BYTES;
    case 'recursive-prefix':
      return {
        type: 'either',
        items: [
          { type: 'optional', item: SLASH },
          { type: 'sequence', items: [ANY_BYTES, SLASH] },
        ],
      };
    case 'recursive-suffix':
      return { type: 'sequence', items: [SLASH, ANY_BYTES] };
    case 'recursive-zero-or-more':
      return {
        type: 'either',
        items: [SLASH, { type: 'sequence', items: [SLASH, ANY_BYTES, SLASH] }],
      };
    case 'class':
      return { type: 'byte', set: classSet(token.negated, token.ranges) };
    case 'alternates': {
      // empty_alternates is off: an alternative that writes nothing is dropped, and an
      // alternation left with none writes nothing.
      const kept = token.branches.filter((branch) => !writesNothing(branch));
      return kept.length === 0
        ? { type: 'sequence', items: [] }
        : { type: 'either', items: kept.map(sequenceOf) };
    }
  }
}

// ---- Thompson NFA -----------------------------------------------------------------------------

type State =
  | { readonly type: 'byte'; readonly set: ByteSet; readonly next: number }
  | { readonly type: 'split'; next: number[] }
  | { readonly type: 'accept' };

interface Nfa {
  matches(bytes: Uint8Array): boolean;
}

function compileNfa(root: Node): Nfa {
  const states: State[] = [{ type: 'accept' }];
  /** Adds the states for `node` in front of state `next`; returns the entry state. */
  const build = (node: Node, next: number): number => {
    switch (node.type) {
      case 'byte':
        return states.push({ type: 'byte', set: node.set, next }) - 1;
      case 'sequence':
        return node.items.reduceRight((after, item) => build(item, after), next);
      case 'either':
        return (
          states.push({ type: 'split', next: node.items.map((item) => build(item, next)) }) - 1
        );
      case 'optional':
        return states.push({ type: 'split', next: [build(node.item, next), next] }) - 1;
      case 'any-bytes': {
        const loop: State = { type: 'split', next: [] };
        const entry = states.push(loop) - 1;
        const byte = states.push({ type: 'byte', set: ANY_BYTE, next: entry }) - 1;
        loop.next = [byte, next];
        return entry;
      }
    }
  };
  const start = build(root, 0);
  const seen = new Uint32Array(states.length);
  let generation = 0;

  /** The byte and accept states reachable from `from` without reading a byte. */
  const closure = (from: readonly number[]): number[] => {
    generation++;
    const out: number[] = [];
    const stack = [...from];
    while (stack.length > 0) {
      const id = stack.pop() as number;
      if (seen[id] === generation) {
        continue;
      }
      seen[id] = generation;
      const state = states[id] as State;
      if (state.type === 'split') {
        for (let i = state.next.length - 1; i >= 0; i--) {
          stack.push(state.next[i] as number);
        }
      } else {
        out.push(id);
      }
    }
    return out;
  };

  return {
    matches(bytes) {
      let active = closure([start]);
      for (const byte of bytes) {
        const next: number[] = [];
        for (const id of active) {
          const state = states[id] as State;
          if (state.type === 'byte' && state.set[byte] === 1) {
            next.push(state.next);
          }
        }
        if (next.length === 0) {
          return false;
        }
        active = closure(next);
      }
      return active.includes(0);
    },
  };
}
