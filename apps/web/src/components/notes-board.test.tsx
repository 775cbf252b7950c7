// @vitest-environment jsdom
import { cleanup, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import type { Feed } from '../lib/note';
import type { NotePage } from '../lib/notes-api';
import { NotesApiProvider } from '../lib/notes-api-context';
import { createFakeNotesApi, err, ok, type FakeNotesApi } from '../testing/fake-notes-api';
import { makeNote, ME, SOMEONE_ELSE } from '../testing/make-note';
import { NotesBoard } from './notes-board';

afterEach(cleanup);

function renderBoard(api: FakeNotesApi) {
  render(
    <NotesApiProvider api={api}>
      <NotesBoard viewer={ME} />
    </NotesApiProvider>,
  );
  return { user: userEvent.setup() };
}

/** A fake whose feeds answer from `pages`, keyed by feed and cursor (`first` for none). */
function withPages(pages: Partial<Record<`${Feed}:${string}`, NotePage>>): FakeNotesApi {
  return createFakeNotesApi({
    listNotes: async (feed, cursor) =>
      ok(pages[`${feed}:${cursor ?? 'first'}`] ?? { notes: [], nextCursor: undefined }),
  });
}

function cardTitles(): string[] {
  return screen.getAllByTestId('note-title').map((element) => element.textContent ?? '');
}

describe('NotesBoard', () => {
  it('shows skeletons, then everyone’s public notes on the Public tab', async () => {
    const api = withPages({
      'public:first': {
        notes: [makeNote({ id: 2n, title: 'Theirs', owner: SOMEONE_ELSE }), makeNote({ id: 1n })],
        nextCursor: undefined,
      },
    });
    renderBoard(api);
    expect(screen.getByTestId('loading')).toBeTruthy();
    expect(await screen.findAllByTestId('note-card')).toHaveLength(2);
    expect(screen.getByTestId('tab-public').getAttribute('aria-selected')).toBe('true');
    expect(cardTitles()).toEqual(['Theirs', 'First note']);
    expect(api.listNotes).toHaveBeenCalledWith('public');
    expect(api.listNotes).not.toHaveBeenCalledWith('mine');
  });

  it('loads the Mine tab when it is first opened, with private notes badged', async () => {
    const api = withPages({
      'mine:first': { notes: [makeNote({ visibility: 'private' })], nextCursor: undefined },
    });
    const { user } = renderBoard(api);
    await screen.findByTestId('empty-state');
    await user.click(screen.getByRole('tab', { name: 'Mine' }));
    expect(screen.getByTestId('tab-mine').getAttribute('aria-selected')).toBe('true');
    expect(await screen.findByTestId('private-badge')).toBeTruthy();
    expect(screen.getByRole('tabpanel', { name: 'Mine' })).toBeTruthy();
  });

  it('switches tabs with the arrow keys', async () => {
    const { user } = renderBoard(createFakeNotesApi());
    await screen.findByTestId('empty-state');
    screen.getByTestId('tab-public').focus();
    await user.keyboard('{ArrowRight}');
    expect(document.activeElement).toBe(screen.getByTestId('tab-mine'));
    expect(screen.getByTestId('tab-mine').getAttribute('aria-selected')).toBe('true');
  });

  it('says when a feed is empty, per feed', async () => {
    const { user } = renderBoard(createFakeNotesApi());
    expect((await screen.findByTestId('empty-state')).textContent).toMatch(/No public notes yet/);
    await user.click(screen.getByTestId('tab-mine'));
    expect((await screen.findByTestId('empty-state')).textContent).toMatch(/no notes yet/);
  });

  it('shows a load failure with a retry that loads again', async () => {
    const api = createFakeNotesApi();
    api.listNotes.mockResolvedValueOnce(err({ kind: 'unreachable', detail: 'offline' }));
    const { user } = renderBoard(api);
    const banner = await screen.findByTestId('error');
    expect(banner.textContent).toMatch(/Cannot reach the network/);
    await user.click(within(banner).getByRole('button', { name: 'Try again' }));
    expect(await screen.findByTestId('empty-state')).toBeTruthy();
    expect(api.listNotes).toHaveBeenCalledTimes(2);
  });

  it('loads more with the cursor until the last page', async () => {
    const api = withPages({
      'public:first': { notes: [makeNote({ id: 9n, title: 'Nine' })], nextCursor: 9n },
      'public:9': { notes: [makeNote({ id: 4n, title: 'Four' })], nextCursor: undefined },
    });
    const { user } = renderBoard(api);
    await user.click(await screen.findByTestId('load-more'));
    expect(api.listNotes).toHaveBeenLastCalledWith('public', 9n);
    expect(await screen.findByText('Four')).toBeTruthy();
    expect(cardTitles()).toEqual(['Nine', 'Four']);
    expect(screen.queryByTestId('load-more')).toBeNull();
  });

  it('keeps the loaded notes when a later page fails, and retries it', async () => {
    const api = withPages({
      'public:first': { notes: [makeNote({ id: 9n, title: 'Nine' })], nextCursor: 9n },
      'public:9': { notes: [makeNote({ id: 4n, title: 'Four' })], nextCursor: undefined },
    });
    const { user } = renderBoard(api);
    const loadMore = await screen.findByTestId('load-more');
    api.listNotes.mockResolvedValueOnce(err({ kind: 'rejected', detail: 'trap' }));
    await user.click(loadMore);
    const banner = await screen.findByTestId('error');
    expect(banner.textContent).toMatch(/could not handle the request/);
    expect(cardTitles()).toEqual(['Nine']);
    await user.click(within(banner).getByRole('button', { name: 'Try again' }));
    expect(api.listNotes).toHaveBeenLastCalledWith('public', 9n);
    expect(await screen.findByText('Four')).toBeTruthy();
    expect(screen.queryByTestId('error')).toBeNull();
  });

  it('puts a new public note at the top of Public and of Mine', async () => {
    const api = withPages({
      'public:first': { notes: [makeNote({ id: 1n, title: 'Old' })], nextCursor: undefined },
      'mine:first': { notes: [makeNote({ id: 1n, title: 'Old' })], nextCursor: undefined },
    });
    api.createNote.mockResolvedValueOnce(ok(makeNote({ id: 2n, title: 'New' })));
    const { user } = renderBoard(api);
    await screen.findByText('Old');
    await user.click(screen.getByTestId('tab-mine'));
    await screen.findByText('Old');
    await user.click(screen.getByTestId('tab-public'));
    await user.type(screen.getByLabelText('Title'), 'New');
    await user.click(screen.getByRole('button', { name: 'Add note' }));
    expect(cardTitles()).toEqual(['New', 'Old']);
    await user.click(screen.getByTestId('tab-mine'));
    expect(cardTitles()).toEqual(['New', 'Old']);
    // Both feeds were patched in place, not loaded again.
    expect(api.listNotes).toHaveBeenCalledTimes(2);
  });

  it('keeps a new private note out of Public', async () => {
    const api = withPages({
      'public:first': { notes: [makeNote({ id: 1n, title: 'Old' })], nextCursor: undefined },
    });
    api.createNote.mockResolvedValueOnce(
      ok(makeNote({ id: 2n, title: 'Secret', visibility: 'private' })),
    );
    const { user } = renderBoard(api);
    await screen.findByText('Old');
    await user.type(screen.getByLabelText('Title'), 'Secret');
    await user.click(screen.getByRole('switch', { name: 'Public' }));
    await user.click(screen.getByRole('button', { name: 'Add note' }));
    expect(cardTitles()).toEqual(['Old']);
  });

  it('drops a deleted note from the list', async () => {
    const api = withPages({
      'public:first': { notes: [makeNote({ id: 1n, title: 'Doomed' })], nextCursor: undefined },
    });
    const { user } = renderBoard(api);
    await screen.findByText('Doomed');
    await user.click(screen.getByTestId('delete'));
    await user.click(screen.getByTestId('confirm-delete'));
    expect(await screen.findByTestId('empty-state')).toBeTruthy();
  });
});
