import { describe, expect, it } from 'vitest';
import { makeInput } from '../../testing/notes.js';
import { NOTE_LIMITS } from './limits.js';
import type { NoteInput } from './types.js';
import { countCodePoints, validateNoteInput } from './validation.js';

const validate = (overrides: Partial<NoteInput>) =>
  validateNoteInput(makeInput(overrides), NOTE_LIMITS);

/** The `invalid` error of an input, failing the test if the input passes. */
function problem(overrides: Partial<NoteInput>): { field: string; message: string } {
  const result = validate(overrides);
  if (result.ok) {
    throw new Error(`expected ${JSON.stringify(overrides).slice(0, 80)} to be invalid`);
  }
  return { field: result.error.field, message: result.error.message };
}

describe('countCodePoints', () => {
  it('counts code points: astral emoji once, each code point of a sequence', () => {
    expect(countCodePoints('')).toBe(0);
    expect(countCodePoints('abc')).toBe(3);
    expect(countCodePoints('日本語')).toBe(3);
    expect(countCodePoints('🙂')).toBe(1);
    expect(countCodePoints('👍🏽')).toBe(2);
    expect(countCodePoints('👨‍👩‍👧')).toBe(5);
    expect(countCodePoints('e\u0301')).toBe(2);
  });

  it('fails on unpaired surrogates', () => {
    for (const text of ['\ud800', 'a\udc00', '\udc00\ud800', '\ud83d\ud83d\ude42']) {
      expect(countCodePoints(text), JSON.stringify(text)).toBeUndefined();
    }
  });
});

describe('validateNoteInput', () => {
  it('passes an ordinary note and stores the title trimmed', () => {
    expect(validate({ title: '  \t Groceries \n ' })).toEqual({
      ok: true,
      value: { title: 'Groceries', body: 'milk\neggs', visibility: 'public' },
    });
  });

  it('passes a title of exactly 120 characters, counted as code points', () => {
    for (const title of ['x'.repeat(120), '🙂'.repeat(120), '日'.repeat(120)]) {
      expect(validate({ title }).ok, title.slice(0, 4)).toBe(true);
    }
  });

  it('fails a title of 121 characters, naming the limit and the count', () => {
    expect(problem({ title: '🙂'.repeat(121) })).toEqual({
      field: 'title',
      message: 'title must be 1 to 120 characters long once trimmed; it has 121',
    });
  });

  it('fails an empty or blank title', () => {
    for (const title of ['', '   ', '\n\t ', '\u00a0\u2003']) {
      expect(problem({ title })).toEqual({
        field: 'title',
        message: 'title must be 1 to 120 characters long once trimmed; it has 0',
      });
    }
  });

  it('counts a trimmed title: 120 characters inside spaces pass', () => {
    expect(validate({ title: `   ${'x'.repeat(120)}   ` }).ok).toBe(true);
  });

  it('fails a title with a line break, tab or other control character inside it', () => {
    expect(problem({ title: 'two\nlines' }).message).toBe(
      'title must not contain control characters such as line breaks or tabs (found U+000A)',
    );
    expect(problem({ title: 'a\tb' }).message).toContain('(found U+0009)');
    expect(problem({ title: 'bell\u0007' }).message).toContain('(found U+0007)');
    expect(problem({ title: 'del\u007f' }).message).toContain('(found U+007F)');
    expect(problem({ title: 'c1\u0085' }).message).toContain('(found U+0085)');
  });

  it('passes a body of exactly 10,000 characters, and an empty one', () => {
    for (const body of ['', 'x'.repeat(10_000), '🙂'.repeat(10_000), 'a\n'.repeat(5_000)]) {
      expect(validate({ body }).ok).toBe(true);
    }
  });

  it('fails a body of 10,001 characters, with the count grouped', () => {
    expect(problem({ body: 'x'.repeat(10_001) })).toEqual({
      field: 'body',
      message: 'body must be at most 10,000 characters long; it has 10,001',
    });
    expect(problem({ body: '🙂'.repeat(10_001) }).message).toContain('it has 10,001');
  });

  it('fails a huge body without counting it exactly', () => {
    expect(problem({ body: 'x'.repeat(3_000_000) }).message).toBe(
      'body must be at most 10,000 characters long; it has at least 1,500,000',
    );
  });

  it('passes line feeds and tabs in a body, and fails every other control character', () => {
    expect(validate({ body: 'col1\tcol2\nrow' }).ok).toBe(true);
    expect(problem({ body: 'windows\r\nline' })).toEqual({
      field: 'body',
      message:
        'body must not contain control characters other than line feeds and tabs (found U+000D)',
    });
    for (const code of [0x00, 0x08, 0x0b, 0x0c, 0x1f, 0x7f, 0x80, 0x9f]) {
      expect(validate({ body: `x${String.fromCharCode(code)}` }).ok, code.toString(16)).toBe(false);
    }
  });

  it('passes characters next to the control ranges', () => {
    expect(validate({ title: ' ~\u00a0é', body: '\u00a0\u00a1 ~' }).ok).toBe(true);
  });

  it('fails text with an unpaired surrogate', () => {
    expect(problem({ body: 'broken \ud83d' })).toEqual({
      field: 'body',
      message: 'body is not valid Unicode text (it has an unpaired surrogate)',
    });
    expect(problem({ title: '\ude42 broken' }).field).toBe('title');
  });

  it('reports the title before the body when both are wrong', () => {
    expect(problem({ title: '', body: 'x'.repeat(10_001) }).field).toBe('title');
  });

  it('applies the limits it is given', () => {
    const limits = { ...NOTE_LIMITS, titleChars: 3, bodyChars: 2 };
    expect(validateNoteInput(makeInput({ title: 'abcd' }), limits)).toMatchObject({
      ok: false,
      error: { message: 'title must be 1 to 3 characters long once trimmed; it has 4' },
    });
    expect(validateNoteInput(makeInput({ title: 'abc', body: 'xyz' }), limits)).toMatchObject({
      ok: false,
      error: { message: 'body must be at most 2 characters long; it has 3' },
    });
  });
});
