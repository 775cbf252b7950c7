// @vitest-environment jsdom
import { HttpFetchErrorCode, TransportError } from '@dfinity/agent';
import { cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { resolveAppConfig } from '../lib/app-config';
import type { BackendSession } from '../lib/backend-session';
import { createFakeNotesApi } from '../testing/fake-notes-api';
import { ME } from '../testing/make-note';
import { NotesApp, type ConnectBackend } from './notes-app';

afterEach(cleanup);

const CONFIGURED = resolveAppConfig({
  canisterId: 'uxrrr-q7777-77774-qaaaq-cai',
  icHost: 'http://127.0.0.1:4943',
  network: 'local',
});

function session(): BackendSession {
  return { api: createFakeNotesApi(), principal: ME };
}

describe('NotesApp', () => {
  it('explains a build without a backend canister id, and does not connect', () => {
    const connect = vi.fn<ConnectBackend>();
    render(
      <NotesApp
        config={resolveAppConfig({ canisterId: undefined, icHost: undefined, network: undefined })}
        connect={connect}
      />,
    );
    const banner = screen.getByTestId('error');
    expect(banner.textContent).toMatch(/not configured/);
    expect(banner.textContent).toMatch(/NEXT_PUBLIC_CANISTER_ID_BACKEND/);
    expect(connect).not.toHaveBeenCalled();
    expect(screen.queryByTestId('principal')).toBeNull();
  });

  it('connects with the config, then shows the principal and the notes', async () => {
    const connect = vi.fn<ConnectBackend>(async () => session());
    render(<NotesApp config={CONFIGURED} connect={connect} />);
    const principal = await screen.findByTestId('principal');
    expect(principal.textContent).toBe('rrkah…cai');
    expect(principal.getAttribute('data-principal')).toBe(ME);
    expect(await screen.findByTestId('compose')).toBeTruthy();
    expect(connect).toHaveBeenCalledWith(expect.objectContaining({ fetchRootKey: true }));
  });

  it('reports a network that cannot be reached, and connects again on retry', async () => {
    const connect = vi
      .fn<ConnectBackend>()
      .mockRejectedValueOnce(TransportError.fromCode(new HttpFetchErrorCode(new Error('down'))))
      .mockResolvedValueOnce(session());
    render(<NotesApp config={CONFIGURED} connect={connect} />);
    const banner = await screen.findByTestId('error');
    expect(banner.textContent).toMatch(/Could not connect/);
    expect(banner.textContent).toMatch(/Cannot reach the network/);
    await userEvent.setup().click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByTestId('compose')).toBeTruthy();
    expect(connect).toHaveBeenCalledTimes(2);
  });
});
