// @vitest-environment jsdom
import { HttpFetchErrorCode, TransportError } from '@dfinity/agent';
import { ERROR_USER_INTERRUPT } from '@dfinity/auth-client';
import { act, cleanup, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { resolveAppConfig } from '../lib/app-config';
import type { AppUser } from '../lib/app-user';
import type { BackendSession } from '../lib/backend-session';
import { LOGIN_WINDOW_FEATURES } from '../lib/internet-identity';
import {
  createFakeInternetIdentity,
  II_PRINCIPAL,
  type FakeInternetIdentity,
} from '../testing/fake-internet-identity';
import { createFakeNotesApi, type FakeNotesApi } from '../testing/fake-notes-api';
import { ME } from '../testing/make-note';
import { NotesApp, type ConnectBackend } from './notes-app';

afterEach(cleanup);

const CONFIGURED = resolveAppConfig({
  canisterId: 'uxrrr-q7777-77774-qaaaq-cai',
  icHost: 'http://127.0.0.1:4943',
  network: 'local',
});

/** The guest key's principal in these tests. */
const GUEST = ME;

function session(): BackendSession {
  return { api: createFakeNotesApi(), principal: GUEST };
}

/** A connect that signs as the user: the guest principal, or the II identity's. */
function connectAsUser(): {
  connect: ReturnType<typeof vi.fn<ConnectBackend>>;
  apis: FakeNotesApi[];
} {
  const apis: FakeNotesApi[] = [];
  const connect = vi.fn<ConnectBackend>(async (_config, user: AppUser) => {
    const api = createFakeNotesApi();
    apis.push(api);
    return {
      api,
      principal: user.kind === 'guest' ? GUEST : user.identity.getPrincipal().toText(),
    };
  });
  return { connect, apis };
}

function renderApp(ii: FakeInternetIdentity, connect: ConnectBackend) {
  render(<NotesApp config={CONFIGURED} connect={connect} createAuthClient={ii.create} />);
}

/** Waits until the header shows `principal`, signed as `kind`. */
async function expectSignedAs(principal: string, kind: AppUser['kind']): Promise<void> {
  await waitFor(() => {
    expect(screen.getByTestId('principal').textContent).toBe(principal);
    expect(screen.getByTestId('identity-kind').getAttribute('data-identity-kind')).toBe(kind);
  });
}

describe('NotesApp', () => {
  it('explains a build without a backend canister id, and does not connect', () => {
    const connect = vi.fn<ConnectBackend>();
    const ii = createFakeInternetIdentity();
    render(
      <NotesApp
        config={resolveAppConfig({ canisterId: undefined, icHost: undefined, network: undefined })}
        connect={connect}
        createAuthClient={ii.create}
      />,
    );
    const banner = screen.getByTestId('error');
    expect(banner.textContent).toMatch(/not configured/);
    expect(banner.textContent).toMatch(/NEXT_PUBLIC_CANISTER_ID_BACKEND/);
    expect(connect).not.toHaveBeenCalled();
    expect(ii.create).not.toHaveBeenCalled();
    expect(screen.queryByTestId('principal')).toBeNull();
    expect(screen.queryByTestId('login')).toBeNull();
  });

  it('connects with the config as the guest, then shows the whole principal and the notes', async () => {
    const connect = vi.fn<ConnectBackend>(async () => session());
    renderApp(createFakeInternetIdentity(), connect);
    const principal = await screen.findByTestId('principal');
    expect(principal.textContent).toBe(GUEST);
    expect(principal.getAttribute('data-principal')).toBe(GUEST);
    expect(await screen.findByTestId('compose')).toBeTruthy();
    expect(screen.getByTestId('identity-kind').textContent).toBe('Guest key');
    expect(screen.getByTestId('login').textContent).toBe('Log in');
    expect(screen.queryByTestId('logout')).toBeNull();
    expect(connect).toHaveBeenCalledWith(expect.objectContaining({ fetchRootKey: true }), {
      kind: 'guest',
    });
  });

  it('reports a network that cannot be reached, and connects again on retry', async () => {
    const connect = vi
      .fn<ConnectBackend>()
      .mockRejectedValueOnce(TransportError.fromCode(new HttpFetchErrorCode(new Error('down'))))
      .mockResolvedValueOnce(session());
    renderApp(createFakeInternetIdentity(), connect);
    const banner = await screen.findByTestId('error');
    expect(banner.textContent).toMatch(/Could not connect/);
    expect(banner.textContent).toMatch(/Cannot reach the network/);
    await userEvent.setup().click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByTestId('compose')).toBeTruthy();
    expect(connect).toHaveBeenCalledTimes(2);
  });
});

describe('NotesApp with Internet Identity', () => {
  it('restores a kept II session and signs as it from the start', async () => {
    const ii = createFakeInternetIdentity({ restored: true });
    const { connect } = connectAsUser();
    renderApp(ii, connect);
    await expectSignedAs(II_PRINCIPAL, 'internet-identity');
    expect(screen.getByTestId('identity-kind').textContent).toBe('Internet Identity');
    expect(screen.getByTestId('logout')).toBeTruthy();
    expect(screen.queryByTestId('login')).toBeNull();
    // Never the guest key first: the session is restored before connecting.
    expect(connect).toHaveBeenCalledTimes(1);
  });

  it('logs in through the local II of the page’s network, then reconnects as the new principal', async () => {
    const user = userEvent.setup();
    const ii = createFakeInternetIdentity();
    const { connect, apis } = connectAsUser();
    renderApp(ii, connect);
    await expectSignedAs(GUEST, 'guest');
    expect(await screen.findByTestId('compose')).toBeTruthy();

    await user.click(screen.getByTestId('login'));
    const [client] = ii.clients;
    // jsdom's page (localhost:3000) is no gateway page: II on the replica's port.
    expect(client?.login).toHaveBeenCalledWith(
      expect.objectContaining({
        identityProvider: 'http://rdmx6-jaaaa-aaaaa-aaadq-cai.localhost:4943/',
        windowOpenerFeatures: LOGIN_WINDOW_FEATURES,
      }),
    );
    expect(screen.getByText('Continue in the Internet Identity window')).toBeTruthy();
    act(() => client?.finishLogin({ ok: true }));

    await expectSignedAs(II_PRINCIPAL, 'internet-identity');
    expect(connect).toHaveBeenCalledTimes(2);
    expect(connect.mock.calls[1]?.[1]).toMatchObject({ kind: 'internet-identity' });
    // The feeds load again, from the new principal's session.
    expect(await screen.findByTestId('compose')).toBeTruthy();
    expect(apis[1]?.listNotes).toHaveBeenCalledWith('public');
    expect(screen.queryByTestId('error')).toBeNull();
  });

  it('logs out back to the guest key, with a new auth client', async () => {
    const user = userEvent.setup();
    const ii = createFakeInternetIdentity({ restored: true });
    const { connect } = connectAsUser();
    renderApp(ii, connect);
    await expectSignedAs(II_PRINCIPAL, 'internet-identity');

    await user.click(screen.getByTestId('logout'));
    await expectSignedAs(GUEST, 'guest');
    expect(ii.clients[0]?.logout).toHaveBeenCalledTimes(1);
    // auth-client keeps the old session key in memory after logout (reference §7.14).
    expect(ii.create).toHaveBeenCalledTimes(2);
    expect(connect).toHaveBeenCalledTimes(2);
    expect(connect.mock.calls[1]?.[1]).toEqual({ kind: 'guest' });

    // The next login uses the new client.
    await user.click(screen.getByTestId('login'));
    expect(ii.clients[1]?.login).toHaveBeenCalledTimes(1);
    expect(ii.clients[0]?.login).not.toHaveBeenCalled();
  });

  it('says so when the II window is closed, and keeps the guest session', async () => {
    const user = userEvent.setup();
    const ii = createFakeInternetIdentity();
    const { connect } = connectAsUser();
    renderApp(ii, connect);
    await expectSignedAs(GUEST, 'guest');

    await user.click(screen.getByTestId('login'));
    act(() => ii.clients[0]?.finishLogin({ ok: false, reason: ERROR_USER_INTERRUPT }));

    const banner = await screen.findByTestId('error');
    expect(banner.getAttribute('data-error-kind')).toBe('login-interrupted');
    expect(banner.textContent).toMatch(/window was closed/);
    expect(banner.textContent).toMatch(/still using the guest key/);
    await expectSignedAs(GUEST, 'guest');
    expect(connect).toHaveBeenCalledTimes(1);
    expect(screen.getByTestId('compose')).toBeTruthy();

    await user.click(screen.getByRole('button', { name: 'Dismiss' }));
    expect(screen.queryByTestId('error')).toBeNull();
  });

  it('shows II’s failure with its text, and keeps the guest session', async () => {
    const user = userEvent.setup();
    const ii = createFakeInternetIdentity();
    const { connect } = connectAsUser();
    renderApp(ii, connect);
    await expectSignedAs(GUEST, 'guest');

    await user.click(screen.getByTestId('login'));
    act(() =>
      ii.clients[0]?.finishLogin({ ok: false, reason: 'Invalid derivationOrigin "x": refused' }),
    );

    const banner = await screen.findByTestId('error');
    expect(banner.getAttribute('data-error-kind')).toBe('login-failed');
    expect(banner.textContent).toMatch(/could not log you in/);
    expect(banner.textContent).toMatch(/Invalid derivationOrigin/);
    await expectSignedAs(GUEST, 'guest');
    expect(connect).toHaveBeenCalledTimes(1);

    // A new attempt clears the message, and can succeed.
    await user.click(screen.getByTestId('login'));
    expect(screen.queryByTestId('error')).toBeNull();
    act(() => ii.clients[0]?.finishLogin({ ok: true }));
    await expectSignedAs(II_PRINCIPAL, 'internet-identity');
  });

  it('runs on the guest key when no auth client can be made, and says why on Log in', async () => {
    const user = userEvent.setup();
    const create = vi.fn(async () => {
      throw new Error('IndexedDB is blocked');
    });
    const { connect } = connectAsUser();
    render(<NotesApp config={CONFIGURED} connect={connect} createAuthClient={create} />);
    await expectSignedAs(GUEST, 'guest');
    expect(screen.queryByTestId('error')).toBeNull();

    await user.click(screen.getByTestId('login'));
    const banner = await screen.findByTestId('error');
    expect(banner.getAttribute('data-error-kind')).toBe('login-unavailable');
    expect(banner.textContent).toMatch(/IndexedDB is blocked/);
  });
});
