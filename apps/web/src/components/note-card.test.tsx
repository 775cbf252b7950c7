// @vitest-environment jsdom
import { cleanup, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Note } from '../lib/note';
import { NotesApiProvider } from '../lib/notes-api-context';
import { createFakeNotesApi, err, type FakeNotesApi } from '../testing/fake-notes-api';
import { makeLimits, makeNote, ME, SOMEONE_ELSE } from '../testing/make-note';
import { NoteCard } from './note-card';

afterEach(cleanup);

const NOW_MS = Date.UTC(2025, 2, 4, 12, 5, 0);

function renderCard(note: Note, api: FakeNotesApi = createFakeNotesApi()) {
  const onSaved = vi.fn();
  const onDeleted = vi.fn();
  render(
    <NotesApiProvider api={api}>
      <NoteCard
        note={note}
        viewer={ME}
        limits={makeLimits({ titleChars: 50, bodyChars: 200 })}
        nowMs={NOW_MS}
        onSaved={onSaved}
        onDeleted={onDeleted}
      />
    </NotesApiProvider>,
  );
  return {
    api,
    onSaved,
    onDeleted,
    user: userEvent.setup(),
    card: screen.getByTestId('note-card'),
  };
}

describe('NoteCard', () => {
  it('shows a note with its id, title, body, author and time', () => {
    const { card } = renderCard(makeNote({ id: 42n, title: 'Hello', body: 'World' }));
    expect(card.getAttribute('data-note-id')).toBe('42');
    expect(screen.getByRole('article', { name: 'Hello' })).toBe(card);
    expect(screen.getByTestId('note-title').textContent).toBe('Hello');
    expect(screen.getByTestId('note-body').textContent).toBe('World');
    expect(within(card).getByText('You')).toBeTruthy();
    expect(card.querySelector('time')?.getAttribute('dateTime')).toBe('2025-03-04T12:00:00.000Z');
    expect(card.textContent).toContain('5 minutes ago');
  });

  it('offers edit and delete on the viewer’s own note', () => {
    renderCard(makeNote({ owner: ME }));
    expect(screen.getByTestId('edit')).toBeTruthy();
    expect(screen.getByTestId('delete')).toBeTruthy();
  });

  it('never offers edit or delete on someone else’s note', () => {
    const { card } = renderCard(makeNote({ owner: SOMEONE_ELSE }));
    expect(screen.queryByTestId('edit')).toBeNull();
    expect(screen.queryByTestId('delete')).toBeNull();
    expect(card.getAttribute('data-owned')).toBe('false');
    expect(within(card).getByText('ryjl3…cai')).toBeTruthy();
  });

  it('badges a private note', () => {
    renderCard(makeNote({ visibility: 'private' }));
    expect(screen.getByTestId('private-badge').textContent).toContain('Private');
  });

  it('saves an edit with the version it shows and reports the new note', async () => {
    const { api, onSaved, user } = renderCard(makeNote({ id: 3n, version: 2n, title: 'Old' }));
    await user.click(screen.getByTestId('edit'));
    const title = screen.getByLabelText('Title');
    expect(document.activeElement).toBe(title);
    await user.clear(title);
    await user.type(title, 'New');
    await user.click(screen.getByTestId('save'));
    expect(api.updateNote).toHaveBeenCalledWith(3n, 2n, {
      title: 'New',
      body: 'Hello from Citadel.',
      visibility: 'public',
    });
    expect(onSaved).toHaveBeenCalledWith(expect.objectContaining({ title: 'New', version: 3n }));
    expect(screen.queryByLabelText('Title')).toBeNull();
    expect(document.activeElement).toBe(screen.getByTestId('edit'));
  });

  it('cancels an edit without sending anything', async () => {
    const { api, user } = renderCard(makeNote());
    await user.click(screen.getByTestId('edit'));
    await user.type(screen.getByLabelText('Title'), ' changed');
    await user.click(screen.getByTestId('cancel'));
    expect(api.updateNote).not.toHaveBeenCalled();
    expect(screen.getByTestId('note-title').textContent).toBe('First note');
  });

  describe('when the note was changed elsewhere', () => {
    const theirs = makeNote({ id: 3n, version: 5n, title: 'Their title', body: 'Their body' });

    function conflicting(): FakeNotesApi {
      const api = createFakeNotesApi();
      api.updateNote.mockResolvedValueOnce(err({ kind: 'version_conflict', current: theirs }));
      return api;
    }

    it('says so and shows the current text', async () => {
      const { user } = renderCard(makeNote({ id: 3n, version: 2n }), conflicting());
      await user.click(screen.getByTestId('edit'));
      await user.click(screen.getByTestId('save'));
      const conflict = screen.getByTestId('conflict');
      expect(conflict.getAttribute('role')).toBe('alert');
      expect(conflict.textContent).toMatch(/changed elsewhere/);
      expect(within(conflict).getByTestId('conflict-title').textContent).toBe('Their title');
      expect(within(conflict).getByTestId('conflict-body').textContent).toBe('Their body');
    });

    it('reloads: takes their version and drops the edit', async () => {
      const { api, onSaved, user } = renderCard(makeNote({ id: 3n, version: 2n }), conflicting());
      await user.click(screen.getByTestId('edit'));
      await user.type(screen.getByLabelText('Body'), ' mine');
      await user.click(screen.getByTestId('save'));
      await user.click(screen.getByTestId('conflict-reload'));
      expect(onSaved).toHaveBeenCalledWith(theirs);
      expect(api.updateNote).toHaveBeenCalledTimes(1);
      expect(screen.queryByTestId('conflict')).toBeNull();
    });

    it('overwrites: sends the edit again against the current version', async () => {
      const { api, onSaved, user } = renderCard(makeNote({ id: 3n, version: 2n }), conflicting());
      await user.click(screen.getByTestId('edit'));
      await user.type(screen.getByLabelText('Body'), ' mine');
      await user.click(screen.getByTestId('save'));
      await user.click(screen.getByTestId('conflict-overwrite'));
      expect(api.updateNote).toHaveBeenLastCalledWith(3n, 5n, {
        title: 'First note',
        body: 'Hello from Citadel. mine',
        visibility: 'public',
      });
      expect(onSaved).toHaveBeenCalledWith(expect.objectContaining({ version: 6n }));
    });
  });

  it('deletes after confirmation, with the version it shows', async () => {
    const { api, onDeleted, user } = renderCard(makeNote({ id: 8n, version: 4n }));
    await user.click(screen.getByTestId('delete'));
    expect(api.deleteNote).not.toHaveBeenCalled();
    expect(screen.getByText(/cannot be undone/)).toBeTruthy();
    await user.click(screen.getByTestId('confirm-delete'));
    expect(api.deleteNote).toHaveBeenCalledWith(8n, 4n);
    expect(onDeleted).toHaveBeenCalledWith(8n);
  });

  it('keeps the note when the deletion is cancelled', async () => {
    const { api, user } = renderCard(makeNote());
    await user.click(screen.getByTestId('delete'));
    await user.click(screen.getByTestId('cancel'));
    expect(api.deleteNote).not.toHaveBeenCalled();
    expect(screen.queryByTestId('confirm-delete')).toBeNull();
  });

  it('offers to delete anyway when the note changed since it was shown', async () => {
    const theirs = makeNote({ id: 8n, version: 6n, title: 'Edited elsewhere' });
    const api = createFakeNotesApi();
    api.deleteNote.mockResolvedValueOnce(err({ kind: 'version_conflict', current: theirs }));
    const { onDeleted, user } = renderCard(makeNote({ id: 8n, version: 4n }), api);
    await user.click(screen.getByTestId('delete'));
    await user.click(screen.getByTestId('confirm-delete'));
    expect(screen.getByTestId('conflict').textContent).toMatch(/Edited elsewhere/);
    await user.click(screen.getByTestId('conflict-delete'));
    expect(api.deleteNote).toHaveBeenLastCalledWith(8n, 6n);
    expect(onDeleted).toHaveBeenCalledWith(8n);
  });

  it('treats a note already deleted elsewhere as deleted', async () => {
    const api = createFakeNotesApi({ deleteNote: async (id) => err({ kind: 'not_found', id }) });
    const { onDeleted, user } = renderCard(makeNote({ id: 8n }), api);
    await user.click(screen.getByTestId('delete'));
    await user.click(screen.getByTestId('confirm-delete'));
    expect(onDeleted).toHaveBeenCalledWith(8n);
  });

  it('shows other failures in the card and stays in edit mode', async () => {
    const api = createFakeNotesApi({
      updateNote: async () => err({ kind: 'unreachable', detail: 'offline' }),
    });
    const { onSaved, user } = renderCard(makeNote(), api);
    await user.click(screen.getByTestId('edit'));
    await user.click(screen.getByTestId('save'));
    expect(screen.getByTestId('error').textContent).toMatch(/Cannot reach the network/);
    expect(screen.getByLabelText('Title')).toBeTruthy();
    expect(onSaved).not.toHaveBeenCalled();
  });
});
