'use client';

import { useRef, useState, type FormEvent } from 'react';
import { checkDraft, isDraftValid } from '../lib/draft';
import type { Note, NoteDraft, NoteLimits } from '../lib/note';
import { useNotesApi } from '../lib/notes-api-context';
import type { NotesError } from '../lib/notes-error';
import { buttonClass } from './button-styles';
import { ErrorBanner } from './error-banner';
import { NoteFields } from './note-fields';

const EMPTY_DRAFT: NoteDraft = { title: '', body: '', visibility: 'public' };

/** The form that writes a new note. */
export function Composer({
  limits,
  onCreated,
}: {
  /** The canister's limits; unknown while they load. */
  limits: NoteLimits | undefined;
  onCreated: (note: Note) => void;
}) {
  const api = useNotesApi();
  const [draft, setDraft] = useState<NoteDraft>(EMPTY_DRAFT);
  const [submitted, setSubmitted] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<NotesError | undefined>(undefined);
  const [status, setStatus] = useState('');
  const titleRef = useRef<HTMLInputElement>(null);

  const problems = checkDraft(draft, limits);
  // "A title is required" only after a submit: an empty form is not an error yet.
  const shown = submitted
    ? problems
    : { ...problems, title: draft.title === '' ? undefined : problems.title };

  async function submit(event: FormEvent<HTMLFormElement>): Promise<void> {
    event.preventDefault();
    setSubmitted(true);
    setStatus('');
    if (!isDraftValid(problems)) {
      titleRef.current?.focus();
      return;
    }
    setBusy(true);
    setError(undefined);
    const result = await api.createNote({ ...draft, title: draft.title.trim() });
    setBusy(false);
    if (!result.ok) {
      setError(result.error);
      return;
    }
    onCreated(result.value);
    setDraft({ ...EMPTY_DRAFT, visibility: draft.visibility });
    setSubmitted(false);
    setStatus(
      result.value.visibility === 'public'
        ? 'Note added. It is in Public and in Mine.'
        : 'Private note added. It is in Mine.',
    );
  }

  return (
    <form
      data-testid="compose"
      aria-labelledby="compose-heading"
      noValidate
      onSubmit={(event) => void submit(event)}
      className="space-y-4 rounded-2xl border border-slate-200 bg-white p-5 shadow-sm dark:border-slate-800 dark:bg-slate-900"
    >
      <h2 id="compose-heading" className="text-base font-semibold text-slate-900 dark:text-white">
        New note
      </h2>
      <NoteFields
        draft={draft}
        onChange={(next) => {
          setDraft(next);
          setStatus('');
        }}
        limits={limits}
        problems={shown}
        disabled={busy}
        titleRef={titleRef}
      />
      {error === undefined ? null : <ErrorBanner title="The note was not added" error={error} />}
      <div className="flex items-center justify-end gap-3">
        <p role="status" className="text-sm text-emerald-700 dark:text-emerald-300">
          {status}
        </p>
        <button type="submit" disabled={busy} className={buttonClass('primary')}>
          {busy ? 'Adding…' : 'Add note'}
        </button>
      </div>
    </form>
  );
}
