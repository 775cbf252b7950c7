'use client';

import { useId, type Ref } from 'react';
import { countChars, type DraftProblems } from '../lib/draft';
import type { NoteDraft, NoteLimits } from '../lib/note';

/** What {@link NoteFields} edits and shows. */
export interface NoteFieldsProps {
  readonly draft: NoteDraft;
  readonly onChange: (draft: NoteDraft) => void;
  /** The canister's limits, for the counters; unknown while they load. */
  readonly limits: NoteLimits | undefined;
  /** The problems to show under the fields. */
  readonly problems: DraftProblems;
  readonly disabled?: boolean;
  /** Lets the form focus the title (after a failed submit, or on entering edit mode). */
  readonly titleRef?: Ref<HTMLInputElement>;
  /** The body's height in rows. @default 4 */
  readonly bodyRows?: number;
}

const INPUT =
  'block w-full rounded-lg border bg-white px-3 py-2 text-slate-900 shadow-sm placeholder:text-slate-400 ' +
  'focus:outline-2 focus:outline-offset-0 focus:outline-indigo-500 disabled:opacity-60 ' +
  'dark:bg-slate-950 dark:text-slate-100 dark:placeholder:text-slate-500';
/** Counts with the browser's digit grouping: "10,000". */
const COUNT = new Intl.NumberFormat();

const INPUT_OK = 'border-slate-300 dark:border-slate-700';
const INPUT_BAD = 'border-rose-500 dark:border-rose-400';

/** A note's title, body and visibility, with live character counters against the limits. */
export function NoteFields({
  draft,
  onChange,
  limits,
  problems,
  disabled = false,
  titleRef,
  bodyRows = 4,
}: NoteFieldsProps) {
  const id = useId();
  const titleId = `${id}-title`;
  const bodyId = `${id}-body`;
  const visibilityId = `${id}-visibility`;
  return (
    <div className="space-y-4">
      <div>
        <label
          htmlFor={titleId}
          className="block text-sm font-medium text-slate-700 dark:text-slate-200"
        >
          Title
        </label>
        <input
          ref={titleRef}
          id={titleId}
          name="title"
          type="text"
          autoComplete="off"
          value={draft.title}
          disabled={disabled}
          aria-invalid={problems.title !== undefined}
          aria-describedby={`${titleId}-count${problems.title === undefined ? '' : ` ${titleId}-problem`}`}
          onChange={(event) => onChange({ ...draft, title: event.target.value })}
          className={`mt-1 ${INPUT} ${problems.title === undefined ? INPUT_OK : INPUT_BAD}`}
        />
        <FieldFooter
          countId={`${titleId}-count`}
          problemId={`${titleId}-problem`}
          chars={countChars(draft.title)}
          limit={limits?.titleChars}
          problem={problems.title}
        />
      </div>
      <div>
        <label
          htmlFor={bodyId}
          className="block text-sm font-medium text-slate-700 dark:text-slate-200"
        >
          Body
        </label>
        <textarea
          id={bodyId}
          name="body"
          rows={bodyRows}
          value={draft.body}
          disabled={disabled}
          aria-invalid={problems.body !== undefined}
          aria-describedby={`${bodyId}-count${problems.body === undefined ? '' : ` ${bodyId}-problem`}`}
          onChange={(event) => onChange({ ...draft, body: event.target.value })}
          className={`mt-1 resize-y ${INPUT} ${problems.body === undefined ? INPUT_OK : INPUT_BAD}`}
        />
        <FieldFooter
          countId={`${bodyId}-count`}
          problemId={`${bodyId}-problem`}
          chars={countChars(draft.body)}
          limit={limits?.bodyChars}
          problem={problems.body}
        />
      </div>
      <div className="flex items-center gap-3">
        <input
          id={visibilityId}
          name="public"
          type="checkbox"
          role="switch"
          checked={draft.visibility === 'public'}
          disabled={disabled}
          aria-describedby={`${visibilityId}-hint`}
          onChange={(event) =>
            onChange({ ...draft, visibility: event.target.checked ? 'public' : 'private' })
          }
          className="peer h-5 w-9 shrink-0 cursor-pointer appearance-none rounded-full bg-slate-300 transition-colors before:block before:h-4 before:w-4 before:translate-x-0.5 before:translate-y-0.5 before:rounded-full before:bg-white before:shadow before:transition-transform checked:bg-indigo-600 checked:before:translate-x-4.5 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-500 disabled:cursor-not-allowed dark:bg-slate-600 dark:checked:bg-indigo-500"
        />
        <div className="text-sm">
          <label htmlFor={visibilityId} className="font-medium text-slate-700 dark:text-slate-200">
            Public
          </label>
          <p id={`${visibilityId}-hint`} className="text-slate-500 dark:text-slate-400">
            {draft.visibility === 'public'
              ? 'Everyone can read this note.'
              : 'Only you can read this note.'}
          </p>
        </div>
      </div>
    </div>
  );
}

function FieldFooter({
  countId,
  problemId,
  chars,
  limit,
  problem,
}: {
  countId: string;
  problemId: string;
  chars: number;
  limit: number | undefined;
  problem: string | undefined;
}) {
  const over = limit !== undefined && chars > limit;
  return (
    <div className="mt-1 flex items-start justify-between gap-3 text-xs">
      <p id={problemId} className="text-rose-700 dark:text-rose-300">
        {problem}
      </p>
      <p
        id={countId}
        data-testid="char-count"
        className={`shrink-0 tabular-nums ${over ? 'font-semibold text-rose-700 dark:text-rose-300' : 'text-slate-500 dark:text-slate-400'}`}
      >
        {limit === undefined
          ? `${COUNT.format(chars)} characters`
          : `${COUNT.format(chars)} / ${COUNT.format(limit)}`}
        {limit === undefined ? null : <span className="sr-only"> characters</span>}
      </p>
    </div>
  );
}
