// @vitest-environment jsdom
import { act, cleanup, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ConsoleServices } from '../lib/console-services';
import { ConsoleServicesProvider } from '../lib/console-services-context';
import type { PageLocation } from '../lib/dapp-url';
import { createFakeServices, err, ok } from '../testing/fake-services';
import {
  BACKEND,
  FRONTEND,
  makeRelease,
  makeStatus,
  MODULE_HASH,
  OWNER,
} from '../testing/make-listing';
import { DappDetail } from './dapp-detail';

afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

const LOCATION: PageLocation = {
  protocol: 'http:',
  hostname: 'localhost',
  port: '4943',
  search: `?dapp=${FRONTEND}`,
};

function renderDetail(services: ConsoleServices, refreshMs?: number) {
  render(
    <ConsoleServicesProvider services={services}>
      <DappDetail frontend={FRONTEND} location={LOCATION} refreshMs={refreshMs} />
    </ConsoleServicesProvider>,
  );
}

function canister(id: string): HTMLElement {
  const panel = screen
    .getAllByTestId('canister')
    .find((element) => element.getAttribute('data-canister-id') === id);
  if (panel === undefined) {
    throw new Error(`no panel for ${id}`);
  }
  return panel;
}

describe('DappDetail', () => {
  it('links to the dApp through the gateway, never the raw domain', async () => {
    renderDetail(createFakeServices());
    const link = await screen.findByTestId('dapp-link');
    expect(link.getAttribute('href')).toBe(`http://${FRONTEND}.localhost:4943/`);
    expect(screen.getByTestId('dapp-detail').getAttribute('data-frontend-id')).toBe(FRONTEND);
    expect(await screen.findByRole('heading', { name: 'Citadel Notes' })).toBeTruthy();
  });

  it('shows the certified module hash and controllers of the frontend and each backend', async () => {
    const backendHash = 'ab'.repeat(32);
    const services = createFakeServices({
      readCanisterStatus: async (id) =>
        ok(
          id === BACKEND ? makeStatus({ moduleHash: backendHash, controllers: [] }) : makeStatus(),
        ),
    });
    renderDetail(services);
    await waitFor(() => expect(screen.getAllByTestId('module-hash')).toHaveLength(2));
    expect(within(canister(FRONTEND)).getByTestId('module-hash').textContent).toBe(MODULE_HASH);
    expect(within(canister(FRONTEND)).getByTestId('controllers').textContent).toBe(OWNER);
    expect(within(canister(BACKEND)).getByTestId('module-hash').textContent).toBe(backendHash);
    expect(within(canister(BACKEND)).getByTestId('controllers').textContent).toMatch(/None/);
    expect(services.readCanisterStatus.mock.calls.map(([id]) => id).sort()).toEqual(
      [FRONTEND, BACKEND].sort(),
    );
  });

  it('says when a canister has no module installed', async () => {
    const services = createFakeServices({
      readCanisterStatus: async () => ok(makeStatus({ moduleHash: undefined })),
    });
    renderDetail(services);
    await waitFor(() => expect(screen.getAllByTestId('module-hash')).toHaveLength(2));
    expect(within(canister(FRONTEND)).getByTestId('module-hash').textContent).toBe(
      'No module installed',
    );
  });

  it('warns about a canister the certificate holds no state for', async () => {
    const services = createFakeServices({
      readCanisterStatus: async () =>
        ok(makeStatus({ moduleHash: undefined, controllers: undefined })),
    });
    renderDetail(services);
    await waitFor(() => expect(screen.getAllByTestId('canister-missing')).toHaveLength(2));
    expect(within(canister(FRONTEND)).getByTestId('controllers').textContent).toBe(
      'Not in the certificate',
    );
  });

  it('reports a canister whose state could not be certified, and reads it again on retry', async () => {
    const services = createFakeServices();
    services.readCanisterStatus.mockImplementation(async (id) =>
      id === BACKEND ? err({ kind: 'uncertified', detail: 'no time' }) : ok(makeStatus()),
    );
    renderDetail(services);
    const banner = await within(await waitForPanel(BACKEND)).findByTestId('error');
    expect(banner.getAttribute('data-error-kind')).toBe('uncertified');
    services.readCanisterStatus.mockResolvedValue(ok(makeStatus()));
    await userEvent
      .setup()
      .click(within(canister(BACKEND)).getByRole('button', { name: 'Try again' }));
    expect(await within(canister(BACKEND)).findByTestId('module-hash')).toBeTruthy();
  });

  it('lists the releases newest first and marks the current one and rollbacks', async () => {
    const services = createFakeServices({
      listReleases: async () =>
        ok([
          makeRelease({ id: 3n, current: true, rollbackOf: 1n }),
          makeRelease({ id: 2n }),
          makeRelease({ id: 1n }),
        ]),
    });
    renderDetail(services);
    const history = await screen.findByTestId('release-history');
    await waitFor(() => expect(within(history).getAllByTestId('release')).toHaveLength(3));
    const [first] = within(history).getAllByTestId('release');
    expect(first?.getAttribute('data-release-id')).toBe('3');
    expect(first?.textContent).toMatch(/current/);
    expect(first?.textContent).toMatch(/rollback to #1/);
    expect(first?.textContent).toMatch(/12 files · 338 KiB/);
    // The listing names release 2; the canister's current one is 3.
    expect(within(history).getByTestId('release-mismatch').textContent).toMatch(/#2.*#3/);
  });

  it('says when the frontend has no releases, and reports a canister without the method', async () => {
    renderDetail(createFakeServices({ listReleases: async () => ok([]) }));
    expect((await screen.findByTestId('release-history')).textContent).toMatch(/no releases yet/);
    cleanup();
    renderDetail(
      createFakeServices({
        listReleases: async () => err({ kind: 'rejected', detail: 'no query method' }),
      }),
    );
    const history = await screen.findByTestId('release-history');
    expect((await within(history).findByTestId('error')).textContent).toMatch(
      /Could not load the release history/,
    );
  });

  it('shows the asset count and total size', async () => {
    renderDetail(createFakeServices());
    const stats = await screen.findByTestId('asset-stats');
    await waitFor(() =>
      expect(within(stats).getByTestId('asset-count').textContent).toBe('12 files'),
    );
    expect(within(stats).getByTestId('asset-bytes').getAttribute('data-value')).toBe('345678');
    expect(within(stats).getByTestId('asset-bytes').textContent).toBe('338 KiB');
  });

  it('explains a frontend the directory does not list, and still shows what the network certifies', async () => {
    const services = createFakeServices({
      directory: { getListing: async () => err({ kind: 'not_found', frontend: FRONTEND }) },
    });
    renderDetail(services);
    expect(await screen.findByRole('heading', { name: 'dApp not listed' })).toBeTruthy();
    expect(screen.getByText(/No dApp is listed with the frontend canister/)).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Try again' })).toBeNull();
    expect(await within(canister(FRONTEND)).findByTestId('module-hash')).toBeTruthy();
  });
});

describe('DappDetail verification status', () => {
  it('is checking, then verified with the certificate’s signing time', async () => {
    let answer: (value: Awaited<ReturnType<ConsoleServices['verifyCertificate']>>) => void = () =>
      undefined;
    const services = createFakeServices({
      verifyCertificate: () => new Promise((resolve) => (answer = resolve)),
    });
    renderDetail(services);
    const status = screen.getByTestId('verification-status');
    expect(status.getAttribute('data-state')).toBe('checking');
    const signedAt = new Date(Date.UTC(2025, 2, 4, 14, 5, 9));
    await act(async () => answer(ok(signedAt)));
    expect(status.getAttribute('data-state')).toBe('verified');
    expect(within(status).getByTestId('signed-at').querySelector('time')?.dateTime).toBe(
      signedAt.toISOString(),
    );
    expect(services.verifyCertificate).toHaveBeenCalledWith(FRONTEND);
  });

  it('fails clearly when the certificate does not verify', async () => {
    const services = createFakeServices({
      verifyCertificate: async () =>
        err({ kind: 'untrusted', detail: 'Invalid certificate: Signature verification failed' }),
    });
    renderDetail(services);
    const status = screen.getByTestId('verification-status');
    await waitFor(() => expect(status.getAttribute('data-state')).toBe('failed'));
    expect(status.textContent).toMatch(/Verification failed/);
    expect(status.textContent).toMatch(/could not be verified against its root key/);
    expect(status.textContent).toMatch(/Do not trust/);
    expect(status.textContent).toMatch(/Signature verification failed/);
  });

  it('checks again after the refresh interval and turns failed when a later check fails', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    const services = createFakeServices();
    services.verifyCertificate
      .mockResolvedValueOnce(ok(new Date(Date.UTC(2025, 2, 4, 14, 5, 9))))
      .mockResolvedValueOnce(err({ kind: 'unreachable', detail: '' }));
    renderDetail(services, 30_000);
    const status = screen.getByTestId('verification-status');
    await waitFor(() => expect(status.getAttribute('data-state')).toBe('verified'));
    await act(async () => {
      await vi.advanceTimersByTimeAsync(30_000);
    });
    await waitFor(() => expect(status.getAttribute('data-state')).toBe('failed'));
    expect(services.verifyCertificate).toHaveBeenCalledTimes(2);
  });

  it('checks now on request', async () => {
    const services = createFakeServices();
    renderDetail(services);
    const status = screen.getByTestId('verification-status');
    await waitFor(() => expect(status.getAttribute('data-state')).toBe('verified'));
    await userEvent.setup().click(within(status).getByRole('button', { name: 'Check now' }));
    await waitFor(() => expect(services.verifyCertificate).toHaveBeenCalledTimes(2));
  });
});

async function waitForPanel(id: string): Promise<HTMLElement> {
  await waitFor(() => canister(id));
  return canister(id);
}
