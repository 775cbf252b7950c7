import { CitadelError } from '@citadel/protocol';
import { describe, expect, it } from 'vitest';
import { AssetsConfigErrorCode } from './errors.js';
import { compileGlob, escapeGlob } from './glob.js';

const matches = (glob: string, path: string) => compileGlob(glob).isMatch(path);

function globFailure(glob: string): CitadelError {
  try {
    compileGlob(glob);
  } catch (error) {
    if (error instanceof CitadelError) {
      return error;
    }
    throw error;
  }
  throw new Error(`expected ${glob} to be refused`);
}

describe('compileGlob', () => {
  // Cases from globset 0.4.18's own tests (crates/globset/src/glob.rs), default options.
  it.each([
    ['a', 'a'],
    ['a*b', 'a_b'],
    ['a*b*c', 'abc'],
    ['a*b*c', 'a___b___c'],
    ['abc*abc*abc', 'abcabcabcabcabcabcabc'],
    ['a*a*a*a*a*a*a*a*a', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'],
    ['a*b[xyz]c*d', 'abxcdbxcddd'],
    ['*.rs', '.rs'],
    ['☃', '☃'],
    ['some/**/needle.txt', 'some/needle.txt'],
    ['some/**/needle.txt', 'some/one/two/needle.txt'],
    ['some/**/**/needle.txt', 'some/needle.txt'],
    ['**', 'abcde'],
    ['**', ''],
    ['**', '/x/.asdf'],
    ['**/test', 'one/two/test'],
    ['**/test', 'test'],
    ['/**/test', '/one/two/test'],
    ['/**/test', '/test'],
    ['**/.*', '.abc'],
    ['**/.*', 'abc/.abc'],
    ['.*/**', '.abc/abc'],
    ['test/**', 'test/'],
    ['test/**', 'test/one/two'],
    ['a[0-9]b', 'a9b'],
    ['a[!0-9]b', 'a_b'],
    ['a[^0-9]b', 'a_b'],
    ['[a-z123]', '1'],
    ['[abc-]', '-'],
    ['[-abc]', '-'],
    ['[-a-c]', 'b'],
    ['[a-c-]', 'b'],
    ['[-]', '-'],
    ['[]]', ']'],
    ['[!]]', 'a'],
    ['*hello.txt', 'some/path/to/hello.txt'],
    ['*hello.txt', '/an/absolute/path/to/hello.txt'],
    ['_[[]_[]]_[?]_[*]_!_', '_[_]_?_*_!_'],
    ['a,b', 'a,b'],
    [',', ','],
    ['{a,b}', 'b'],
    ['{**/src/**,foo}', 'abc/src/bar'],
    ['{**/src/**,foo}', 'foo'],
    ['{[}],foo}', '}'],
    ['{foo}', 'foo'],
    ['{}', ''],
    ['{,}', ''],
    ['{*.foo,*.bar,*.wat}', 'test.bar'],
    ['foo{,.txt}', 'foo.txt'],
    ['{a,b{c,d}}', 'bd'],
    ['\\[', '['],
    ['\\*', '*'],
    ['\\a', 'a'],
  ])('matches %s against %s', (glob, path) => {
    expect(matches(glob, path)).toBe(true);
  });

  it.each([
    ['a*b*c', 'abcd'],
    ['some/**/needle.txt', 'some/other/notthis.txt'],
    ['/**/test', 'test'],
    ['/**/test', '/notthis'],
    ['**/.*', 'ab.c'],
    ['**/.*', 'abc/ab.c'],
    ['.*/**', 'a.bc'],
    ['.*/**', '.abc'],
    ['a[!0-9]b', 'a0b'],
    ['[!-]', '-'],
    ['*hello.txt', 'hello.txt-and-then-some'],
    ['a', 'foo/a'],
    ['./foo', 'foo'],
    ['**/foo', 'foofoo'],
    ['**/foo/bar', 'foofoo/bar'],
    ['/*.c', 'mozilla-sha1/sha1.c'],
    ['some/*/needle.txt', 'some/needle.txt'],
    ['foo/**', 'foo'],
    ['foo{,.txt}', 'foo'],
    ['\\*', 'a'],
    ['A', 'a'],
  ])('does not match %s against %s', (glob, path) => {
    expect(matches(glob, path)).toBe(false);
  });

  it('lets * and ? cross / because ic-asset leaves literal_separator off', () => {
    expect(matches('/site/nested/*', '/site/nested/deep/the-next-thing.toml')).toBe(true);
    expect(matches('*.js', 'js/deep/app.js')).toBe(true);
    expect(matches('a?b', 'a/b')).toBe(true);
    expect(matches('[!x]', '/')).toBe(true);
  });

  it('reads ** as two stars anywhere but at a path-component boundary', () => {
    expect(matches('a**', 'a/b/c')).toBe(true);
    expect(matches('**a', 'x/y/a')).toBe(true);
    // `a/**/**` collapses to `a/**`, which needs something after `a/`.
    expect(matches('a/**/**', 'a/')).toBe(true);
    expect(matches('a/**/b', 'a/b')).toBe(true);
    expect(matches('a/**/b', 'ab')).toBe(false);
  });

  it('matches bytes, as globset does: ? and classes consume one byte of UTF-8', () => {
    expect(matches('?', 'é')).toBe(false);
    expect(matches('??', 'é')).toBe(true);
    expect(matches('[é]', 'é')).toBe(false);
    expect(matches('[é][é]', 'é')).toBe(true);
    expect(matches('*é*', 'café.txt')).toBe(true);
  });

  it('treats a newline in a path like any other byte', () => {
    expect(matches('a*b', 'a\nb')).toBe(true);
    expect(matches('a?b', 'a\nb')).toBe(true);
  });

  it('does not backtrack exponentially on many stars', () => {
    const started = performance.now();
    expect(matches(`${'a*'.repeat(40)}b`, 'a'.repeat(5_000))).toBe(false);
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it('keeps the pattern as written', () => {
    expect(compileGlob('**/*.js').glob).toBe('**/*.js');
  });
});

describe('compileGlob refuses', () => {
  // The syntax errors of globset's tests.
  it.each([
    ['[', 'unclosed-class'],
    ['[]', 'unclosed-class'],
    ['[!', 'unclosed-class'],
    ['[!]', 'unclosed-class'],
    ['[z-a]', 'invalid-range'],
    ['[z--]', 'invalid-range'],
    ['{a,b', 'unclosed-alternates'],
    ['{a,{b,c}', 'unclosed-alternates'],
    ['a,b}', 'unopened-alternates'],
    ['{a,b}}', 'unopened-alternates'],
    ['a\\', 'dangling-escape'],
  ])('%s (%s)', (glob, reason) => {
    const error = globFailure(glob);
    expect(error.code).toBe(AssetsConfigErrorCode.INVALID_GLOB);
    expect(error.kind).toBe('input');
    expect(error.details).toEqual({ glob, reason });
  });
});

describe('escapeGlob', () => {
  it('makes every special character literal', () => {
    const name = 'a[1]{x,y}*?\\,b';
    const glob = compileGlob(escapeGlob(name));
    expect(glob.isMatch(name)).toBe(true);
    expect(glob.isMatch('a1x')).toBe(false);
  });

  it('leaves a Next.js dynamic-route directory matching itself', () => {
    expect(
      compileGlob(`${escapeGlob('/out/blog/[slug]')}/*`).isMatch('/out/blog/[slug]/a.js'),
    ).toBe(true);
  });
});
