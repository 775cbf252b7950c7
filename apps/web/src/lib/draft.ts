/** Checking a draft against the canister's limits before it is sent. */
import type { NoteDraft, NoteLimits } from './note';

/**
 * The length of `text` in characters (Unicode code points), so that an emoji counts as one,
 * as the canister's `*_chars` limits do.
 */
export function countChars(text: string): number {
  return Array.from(text).length;
}

/** What is wrong with a draft, per field; empty when it can be sent. */
export interface DraftProblems {
  readonly title?: string;
  readonly body?: string;
}

/** The problems of `draft` under `limits` (unknown limits check only that there is a title). */
export function checkDraft(draft: NoteDraft, limits: NoteLimits | undefined): DraftProblems {
  const problems: { title?: string; body?: string } = {};
  // The canister limits the title once trimmed, as it stores it.
  const titleChars = countChars(draft.title.trim());
  const bodyChars = countChars(draft.body);
  if (draft.title.trim() === '') {
    problems.title = 'A title is required.';
  } else if (limits !== undefined && titleChars > limits.titleChars) {
    problems.title = overBy(titleChars - limits.titleChars);
  }
  if (limits !== undefined && bodyChars > limits.bodyChars) {
    problems.body = overBy(bodyChars - limits.bodyChars);
  }
  return problems;
}

/** Whether {@link checkDraft} found nothing. */
export function isDraftValid(problems: DraftProblems): boolean {
  return problems.title === undefined && problems.body === undefined;
}

function overBy(chars: number): string {
  return `${chars} ${chars === 1 ? 'character' : 'characters'} too long.`;
}
