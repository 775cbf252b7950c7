// @vitest-environment jsdom
import { cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { NoteLimits } from '../lib/note';
import { NotesApiProvider } from '../lib/notes-api-context';
import { createFakeNotesApi, err, type FakeNotesApi } from '../testing/fake-notes-api';
import { makeLimits } from '../testing/make-note';
import { Composer } from './composer';

afterEach(cleanup);

function renderComposer(api: FakeNotesApi, limits: NoteLimits | undefined) {
  const onCreated = vi.fn();
  render(
    <NotesApiProvider api={api}>
      <Composer limits={limits} onCreated={onCreated} />
    </NotesApiProvider>,
  );
  return { onCreated, user: userEvent.setup() };
}

function counters(): string[] {
  return screen.getAllByTestId('char-count').map((element) => element.textContent ?? '');
}

describe('Composer', () => {
  it('counts characters against the limits as the user types', async () => {
    const { user } = renderComposer(createFakeNotesApi(), makeLimits());
    expect(counters()).toEqual(['0 / 10 characters', '0 / 20 characters']);
    await user.type(screen.getByLabelText('Title'), 'Hello');
    await user.type(screen.getByLabelText('Body'), 'Hi 🙂');
    expect(counters()).toEqual(['5 / 10 characters', '4 / 20 characters']);
  });

  it('marks a field over its limit and does not send the note', async () => {
    const api = createFakeNotesApi();
    const { user } = renderComposer(api, makeLimits());
    const title = screen.getByLabelText('Title');
    await user.type(title, 'Twelve chars');
    expect(title.getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByText('2 characters too long.')).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Add note' }));
    expect(api.createNote).not.toHaveBeenCalled();
    expect(document.activeElement).toBe(title);
  });

  it('asks for a title only once the user tries to add the note', async () => {
    const api = createFakeNotesApi();
    const { user } = renderComposer(api, makeLimits());
    expect(screen.queryByText('A title is required.')).toBeNull();
    await user.click(screen.getByRole('button', { name: 'Add note' }));
    expect(screen.getByText('A title is required.')).toBeTruthy();
    expect(api.createNote).not.toHaveBeenCalled();
  });

  it('sends a private note, reports it and clears the form', async () => {
    const api = createFakeNotesApi();
    const { user, onCreated } = renderComposer(api, makeLimits());
    await user.type(screen.getByLabelText('Title'), '  Plans ');
    await user.type(screen.getByLabelText('Body'), 'Secret');
    const toggle = screen.getByRole('switch', { name: 'Public' });
    expect((toggle as HTMLInputElement).checked).toBe(true);
    await user.click(toggle);
    await user.click(screen.getByRole('button', { name: 'Add note' }));

    expect(api.createNote).toHaveBeenCalledWith({
      title: 'Plans',
      body: 'Secret',
      visibility: 'private',
    });
    expect(onCreated).toHaveBeenCalledWith(expect.objectContaining({ title: 'Plans' }));
    expect(screen.getByRole('status').textContent).toMatch(/Private note added/);
    expect((screen.getByLabelText('Title') as HTMLInputElement).value).toBe('');
  });

  it('shows a backend refusal and keeps what the user wrote', async () => {
    const api = createFakeNotesApi({
      createNote: async () => err({ kind: 'quota_exceeded', limit: 5n }),
    });
    const { user, onCreated } = renderComposer(api, makeLimits());
    await user.type(screen.getByLabelText('Title'), 'One more');
    await user.click(screen.getByRole('button', { name: 'Add note' }));
    expect(screen.getByTestId('error').textContent).toMatch(/limit of 5 notes/);
    expect(onCreated).not.toHaveBeenCalled();
    expect((screen.getByLabelText('Title') as HTMLInputElement).value).toBe('One more');
  });

  it('counts without a maximum while the limits are unknown', () => {
    renderComposer(createFakeNotesApi(), undefined);
    expect(counters()).toEqual(['0 characters', '0 characters']);
  });
});
