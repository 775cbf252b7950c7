// @vitest-environment jsdom
import { HttpFetchErrorCode, TransportError } from '@dfinity/agent';
import { act, cleanup, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { resolveConsoleConfig } from '../lib/console-config';
import { createFakeServices } from '../testing/fake-services';
import { FRONTEND } from '../testing/make-listing';
import { ConsoleApp, type ConnectConsole } from './console-app';

const CONFIGURED = resolveConsoleConfig({
  directoryCanisterId: 'rrkah-fqaaa-aaaaa-aaaaq-cai',
  network: 'local',
});

beforeEach(() => window.history.replaceState(null, '', '/'));
afterEach(cleanup);

describe('ConsoleApp', () => {
  it('explains a build without a directory canister id, and does not connect', () => {
    const connect = vi.fn<ConnectConsole>();
    render(
      <ConsoleApp
        config={resolveConsoleConfig({ directoryCanisterId: undefined, network: undefined })}
        connect={connect}
      />,
    );
    expect(screen.getByTestId('error').textContent).toMatch(/NEXT_PUBLIC_CANISTER_ID_DIRECTORY/);
    expect(connect).not.toHaveBeenCalled();
  });

  it('connects with the config (fetching the root key locally) and lists the dApps', async () => {
    const connect = vi.fn<ConnectConsole>(async () => createFakeServices());
    render(<ConsoleApp config={CONFIGURED} connect={connect} />);
    expect(await screen.findAllByTestId('dapp-card')).toHaveLength(1);
    expect(connect).toHaveBeenCalledWith(expect.objectContaining({ fetchRootKey: true }));
    expect(screen.getByText('network: local')).toBeTruthy();
  });

  it('reports a network that cannot be reached, and connects again on retry', async () => {
    const connect = vi
      .fn<ConnectConsole>()
      .mockRejectedValueOnce(TransportError.fromCode(new HttpFetchErrorCode(new Error('down'))))
      .mockResolvedValueOnce(createFakeServices());
    render(<ConsoleApp config={CONFIGURED} connect={connect} />);
    expect((await screen.findByTestId('error')).textContent).toMatch(/Could not connect/);
    await userEvent.setup().click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findAllByTestId('dapp-card')).toHaveLength(1);
  });

  it('opens the detail view named by ?dapp= directly', async () => {
    window.history.replaceState(null, '', `/?dapp=${FRONTEND}`);
    render(<ConsoleApp config={CONFIGURED} connect={async () => createFakeServices()} />);
    expect((await screen.findByTestId('dapp-detail')).getAttribute('data-frontend-id')).toBe(
      FRONTEND,
    );
  });

  it('shows a dApp’s details from its card, and the list again on Back', async () => {
    render(<ConsoleApp config={CONFIGURED} connect={async () => createFakeServices()} />);
    const card = (await screen.findAllByTestId('dapp-card'))[0] as HTMLElement;
    await userEvent.setup().click(within(card).getByRole('link', { name: 'Citadel Notes' }));
    expect(await screen.findByTestId('dapp-detail')).toBeTruthy();
    expect(window.location.search).toBe(`?dapp=${FRONTEND}`);
    act(() => {
      window.history.back();
    });
    await waitFor(() => expect(screen.queryByTestId('dapp-detail')).toBeNull());
    expect(screen.getByTestId('dapp-card')).toBeTruthy();
  });

  it('goes back to the list from the breadcrumb', async () => {
    window.history.replaceState(null, '', `/?dapp=${FRONTEND}`);
    render(<ConsoleApp config={CONFIGURED} connect={async () => createFakeServices()} />);
    await screen.findByTestId('dapp-detail');
    await userEvent.setup().click(screen.getByRole('link', { name: '← All dApps' }));
    expect(screen.queryByTestId('dapp-detail')).toBeNull();
    expect(window.location.search).toBe('');
    expect(await screen.findByTestId('dapp-card')).toBeTruthy();
  });
});
