'use client';

import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { checkDraft, isDraftValid } from '../lib/draft';
import type { Note, NoteDraft, NoteLimits } from '../lib/note';
import { useNotesApi } from '../lib/notes-api-context';
import { describeNotesError, type NotesError } from '../lib/notes-error';
import { shortenPrincipal } from '../lib/principal';
import { buttonClass } from './button-styles';
import { ErrorBanner } from './error-banner';
import { NoteFields } from './note-fields';
import { NoteTimestamp } from './note-timestamp';

/** What {@link NoteCard} shows and reports. */
export interface NoteCardProps {
  readonly note: Note;
  /** The viewer's principal: their own notes get edit and delete. */
  readonly viewer: string;
  readonly limits: NoteLimits | undefined;
  readonly nowMs: number;
  /** The note changed (saved here, or reloaded after a conflict). */
  readonly onSaved: (note: Note) => void;
  /** The note is gone (deleted here, or found deleted). */
  readonly onDeleted: (id: bigint) => void;
}

type Mode = 'view' | 'edit' | 'confirm-delete';

/** A note changed elsewhere while this card was editing or deleting it. */
interface Conflict {
  readonly current: Note;
  readonly during: 'save' | 'delete';
}

/**
 * One note. The owner edits it in place and deletes it after confirming; both send the
 * version the card shows, and a `version_conflict` answer offers to reload or to go ahead.
 */
export function NoteCard({ note, viewer, limits, nowMs, onSaved, onDeleted }: NoteCardProps) {
  const api = useNotesApi();
  const titleId = useId();
  const owned = note.owner === viewer;
  const [mode, setMode] = useState<Mode>('view');
  const [draft, setDraft] = useState<NoteDraft>(() => toDraft(note));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<NotesError | undefined>(undefined);
  const [conflict, setConflict] = useState<Conflict | undefined>(undefined);
  const editButtonRef = useRef<HTMLButtonElement>(null);
  const titleInputRef = useRef<HTMLInputElement>(null);
  const returnFocus = useRef(false);

  useEffect(() => {
    if (mode === 'edit') {
      titleInputRef.current?.focus();
    } else if (mode === 'view' && returnFocus.current) {
      returnFocus.current = false;
      editButtonRef.current?.focus();
    }
  }, [mode]);

  function enter(next: Mode): void {
    setDraft(toDraft(note));
    setError(undefined);
    setConflict(undefined);
    setMode(next);
  }

  function leave(): void {
    returnFocus.current = true;
    setError(undefined);
    setConflict(undefined);
    setMode('view');
  }

  async function save(expectedVersion: bigint): Promise<void> {
    setBusy(true);
    setError(undefined);
    setConflict(undefined);
    const result = await api.updateNote(note.id, expectedVersion, {
      ...draft,
      title: draft.title.trim(),
    });
    setBusy(false);
    if (result.ok) {
      onSaved(result.value);
      leave();
    } else if (result.error.kind === 'version_conflict') {
      setConflict({ current: result.error.current, during: 'save' });
    } else {
      setError(result.error);
    }
  }

  async function remove(expectedVersion: bigint): Promise<void> {
    setBusy(true);
    setError(undefined);
    setConflict(undefined);
    const result = await api.deleteNote(note.id, expectedVersion);
    setBusy(false);
    // Not found: someone deleted it first, which is what the user asked for.
    if (result.ok || result.error.kind === 'not_found') {
      onDeleted(note.id);
    } else if (result.error.kind === 'version_conflict') {
      setConflict({ current: result.error.current, during: 'delete' });
    } else {
      setError(result.error);
    }
  }

  /** Takes the version from elsewhere, dropping this card's edit or delete. */
  function reload(current: Note): void {
    onSaved(current);
    leave();
  }

  const problems = checkDraft(draft, limits);

  function submitEdit(event: FormEvent<HTMLFormElement>): void {
    event.preventDefault();
    if (isDraftValid(problems)) {
      void save(note.version);
    } else {
      titleInputRef.current?.focus();
    }
  }

  return (
    <article
      data-testid="note-card"
      data-note-id={note.id.toString()}
      data-owned={owned}
      data-visibility={note.visibility}
      aria-labelledby={titleId}
      className="rounded-2xl border border-slate-200 bg-white p-5 shadow-sm dark:border-slate-800 dark:bg-slate-900"
      onKeyDown={(event) => {
        if (event.key === 'Escape' && mode !== 'view' && !busy) {
          leave();
        }
      }}
    >
      {mode === 'edit' ? (
        <form onSubmit={submitEdit} noValidate className="space-y-4">
          <h3 id={titleId} className="sr-only">
            Editing “{note.title}”
          </h3>
          <NoteFields
            draft={draft}
            onChange={setDraft}
            limits={limits}
            problems={problems}
            disabled={busy}
            titleRef={titleInputRef}
            bodyRows={6}
          />
          {conflict === undefined ? null : (
            <ConflictPanel
              conflict={conflict}
              busy={busy}
              onReload={() => reload(conflict.current)}
              onProceed={() => void save(conflict.current.version)}
            />
          )}
          {error === undefined ? null : (
            <ErrorBanner title="The note was not saved" error={error} />
          )}
          <div className="flex justify-end gap-2">
            <button
              type="button"
              data-testid="cancel"
              disabled={busy}
              onClick={leave}
              className={buttonClass('ghost')}
            >
              Cancel
            </button>
            <button
              type="submit"
              data-testid="save"
              disabled={busy || conflict !== undefined}
              className={buttonClass('primary')}
            >
              {busy ? 'Saving…' : 'Save'}
            </button>
          </div>
        </form>
      ) : (
        <>
          <div className="flex items-start justify-between gap-3">
            <h3
              id={titleId}
              data-testid="note-title"
              className="min-w-0 text-lg font-semibold break-words text-slate-900 dark:text-white"
            >
              {note.title}
            </h3>
            {note.visibility === 'private' ? (
              <span
                data-testid="private-badge"
                className="inline-flex shrink-0 items-center gap-1 rounded-full bg-amber-100 px-2.5 py-0.5 text-xs font-medium text-amber-900 dark:bg-amber-900/40 dark:text-amber-200"
              >
                <svg aria-hidden="true" viewBox="0 0 16 16" className="h-3 w-3 fill-current">
                  <path d="M5 7V5a3 3 0 1 1 6 0v2h.5A1.5 1.5 0 0 1 13 8.5v5a1.5 1.5 0 0 1-1.5 1.5h-7A1.5 1.5 0 0 1 3 13.5v-5A1.5 1.5 0 0 1 4.5 7H5Zm1.5 0h3V5a1.5 1.5 0 0 0-3 0v2Z" />
                </svg>
                Private
              </span>
            ) : null}
          </div>
          <p
            data-testid="note-body"
            className="mt-2 whitespace-pre-wrap break-words text-slate-700 empty:hidden dark:text-slate-300"
          >
            {note.body}
          </p>
          <div className="mt-4 flex flex-wrap items-center justify-between gap-3 text-sm">
            <p className="text-slate-500 dark:text-slate-400">
              <span title={note.owner} className="font-medium text-slate-700 dark:text-slate-200">
                {owned ? 'You' : shortenPrincipal(note.owner)}
              </span>
              {' · '}
              <NoteTimestamp createdAt={note.createdAt} updatedAt={note.updatedAt} nowMs={nowMs} />
            </p>
            {owned && mode === 'view' ? (
              <div className="flex gap-1">
                <button
                  ref={editButtonRef}
                  type="button"
                  data-testid="edit"
                  aria-label={`Edit “${note.title}”`}
                  onClick={() => enter('edit')}
                  className={buttonClass('ghost')}
                >
                  Edit
                </button>
                <button
                  type="button"
                  data-testid="delete"
                  aria-label={`Delete “${note.title}”`}
                  onClick={() => enter('confirm-delete')}
                  className={`${buttonClass('ghost')} text-rose-700 hover:text-rose-800 dark:text-rose-300 dark:hover:text-rose-200`}
                >
                  Delete
                </button>
              </div>
            ) : null}
          </div>
          {mode === 'confirm-delete' ? (
            <div
              role="group"
              aria-label="Confirm deletion"
              className="mt-4 space-y-3 rounded-xl border border-rose-200 bg-rose-50/60 p-4 dark:border-rose-900/60 dark:bg-rose-950/30"
            >
              {conflict === undefined ? (
                <p className="text-sm text-slate-800 dark:text-slate-200">
                  Delete this note? This cannot be undone.
                </p>
              ) : (
                <ConflictPanel
                  conflict={conflict}
                  busy={busy}
                  onReload={() => reload(conflict.current)}
                  onProceed={() => void remove(conflict.current.version)}
                />
              )}
              {error === undefined ? null : (
                <ErrorBanner title="The note was not deleted" error={error} />
              )}
              {conflict === undefined ? (
                <div className="flex justify-end gap-2">
                  <button
                    type="button"
                    data-testid="cancel"
                    disabled={busy}
                    onClick={leave}
                    className={buttonClass('ghost')}
                    autoFocus
                  >
                    Cancel
                  </button>
                  <button
                    type="button"
                    data-testid="confirm-delete"
                    disabled={busy}
                    onClick={() => void remove(note.version)}
                    className={buttonClass('danger')}
                  >
                    {busy ? 'Deleting…' : 'Delete note'}
                  </button>
                </div>
              ) : null}
            </div>
          ) : null}
        </>
      )}
    </article>
  );
}

/**
 * The note was changed elsewhere: shows the version the canister has now, and offers to
 * take it (reload) or to go ahead against it (overwrite the edit, or delete anyway).
 */
function ConflictPanel({
  conflict,
  busy,
  onReload,
  onProceed,
}: {
  conflict: Conflict;
  busy: boolean;
  onReload: () => void;
  onProceed: () => void;
}) {
  const { current, during } = conflict;
  return (
    <div
      role="alert"
      data-testid="conflict"
      className="space-y-3 rounded-xl border border-amber-300 bg-amber-50 p-4 text-sm text-amber-950 dark:border-amber-700/60 dark:bg-amber-950/40 dark:text-amber-100"
    >
      <p className="font-semibold">Changed elsewhere</p>
      <p>
        {describeNotesError({ kind: 'version_conflict', current })}{' '}
        {during === 'save'
          ? 'Reload to take that version (your edit is dropped), or overwrite it with yours.'
          : 'Reload to see that version, or delete it anyway.'}
      </p>
      <figure className="rounded-lg border border-amber-200 bg-white p-3 dark:border-amber-800/60 dark:bg-slate-900">
        <figcaption className="text-xs font-medium text-amber-800 dark:text-amber-300">
          Current version (v{current.version.toString()})
        </figcaption>
        <p
          data-testid="conflict-title"
          className="mt-1 font-semibold break-words text-slate-900 dark:text-white"
        >
          {current.title}
        </p>
        <p
          data-testid="conflict-body"
          className="mt-1 whitespace-pre-wrap break-words text-slate-700 dark:text-slate-300"
        >
          {current.body}
        </p>
      </figure>
      <div className="flex justify-end gap-2">
        <button
          type="button"
          data-testid="conflict-reload"
          disabled={busy}
          onClick={onReload}
          className={buttonClass('secondary')}
        >
          Reload
        </button>
        <button
          type="button"
          data-testid={during === 'save' ? 'conflict-overwrite' : 'conflict-delete'}
          disabled={busy}
          onClick={onProceed}
          className={buttonClass(during === 'save' ? 'primary' : 'danger')}
        >
          {during === 'save' ? 'Overwrite' : 'Delete anyway'}
        </button>
      </div>
    </div>
  );
}

function toDraft(note: Note): NoteDraft {
  return { title: note.title, body: note.body, visibility: note.visibility };
}
