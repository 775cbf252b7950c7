import { describe, expect, it } from 'vitest';
import { checkDraft, countChars, isDraftValid } from './draft';
import type { NoteDraft, NoteLimits } from './note';

const LIMITS: NoteLimits = { titleChars: 5, bodyChars: 10, notesPerOwner: 3 };

function draft(overrides: Partial<NoteDraft> = {}): NoteDraft {
  return { title: 'Hi', body: '', visibility: 'public', ...overrides };
}

describe('countChars', () => {
  it('counts code points, so an emoji is one character', () => {
    expect(countChars('abc')).toBe(3);
    expect(countChars('🙂é')).toBe(2);
    expect(countChars('')).toBe(0);
  });
});

describe('checkDraft', () => {
  it('passes a draft within the limits', () => {
    expect(isDraftValid(checkDraft(draft({ title: '12345', body: '1234567890' }), LIMITS))).toBe(
      true,
    );
  });

  it('measures the title once trimmed, as the canister stores it', () => {
    expect(checkDraft(draft({ title: '  12345  ' }), LIMITS)).toEqual({});
  });

  it('fails when the title is empty or blank', () => {
    expect(checkDraft(draft({ title: '   ' }), LIMITS).title).toBe('A title is required.');
  });

  it('fails each field over its limit, saying by how much', () => {
    const problems = checkDraft(draft({ title: '123456', body: '123456789012' }), LIMITS);
    expect(problems).toEqual({
      title: '1 character too long.',
      body: '2 characters too long.',
    });
    expect(isDraftValid(problems)).toBe(false);
  });

  it('checks only the title while the limits are unknown', () => {
    expect(checkDraft(draft({ body: 'x'.repeat(10_000) }), undefined)).toEqual({});
    expect(checkDraft(draft({ title: '' }), undefined).title).toBeDefined();
  });
});
