// @vitest-environment jsdom
import { act, cleanup, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ConsoleServices } from '../lib/console-services';
import { ConsoleServicesProvider } from '../lib/console-services-context';
import type { PageLocation } from '../lib/dapp-url';
import type { ListingPage } from '../lib/listing-pages';
import { createFakeServices, err, ok } from '../testing/fake-services';
import { makeListing, OWNER } from '../testing/make-listing';
import { DappDirectory } from './dapp-directory';

afterEach(cleanup);

const LOCATION: PageLocation = {
  protocol: 'http:',
  hostname: 'localhost',
  port: '4943',
  search: '',
};

const NOTES = makeListing({ frontend: 'qoctq-giaaa-aaaaa-aaaea-cai', name: 'Notes' });
const CHAT = makeListing({ frontend: 'qhbym-qaaaa-aaaaa-aaafq-cai', name: 'Chat' });
const GAME = makeListing({ frontend: 'bkyz2-fmaaa-aaaaa-qaaaq-cai', name: 'Game' });

function renderDirectory(services: ConsoleServices, onOpenDetail = vi.fn()) {
  render(
    <ConsoleServicesProvider services={services}>
      <DappDirectory location={LOCATION} onOpenDetail={onOpenDetail} debounceMs={20} />
    </ConsoleServicesProvider>,
  );
  return onOpenDetail;
}

function page(listings: ListingPage['listings'], nextCursor?: string) {
  return ok<ListingPage>({ listings, nextCursor });
}

describe('DappDirectory', () => {
  it('shows a card per listed dApp with its gateway URL and shortened owner', async () => {
    const services = createFakeServices({
      directory: { listListings: async () => page([NOTES, CHAT]) },
    });
    renderDirectory(services);
    const cards = await screen.findAllByTestId('dapp-card');
    expect(cards.map((card) => card.getAttribute('data-frontend-id'))).toEqual([
      NOTES.frontend,
      CHAT.frontend,
    ]);
    const link = within(cards[0] as HTMLElement).getByTestId('dapp-link');
    expect(link.getAttribute('href')).toBe(`http://${NOTES.frontend}.localhost:4943/`);
    expect(within(cards[0] as HTMLElement).getByTestId('owner').textContent).toBe('fo76k…m-cae');
    expect(
      within(cards[0] as HTMLElement)
        .getByTestId('owner')
        .getAttribute('title'),
    ).toBe(OWNER);
    expect(screen.queryByTestId('load-more')).toBeNull();
  });

  it('asks the directory once typing pauses, with the normalized search', async () => {
    const services = createFakeServices({
      directory: {
        listListings: async ({ search }) => page(search === 'chat' ? [CHAT] : [NOTES, CHAT]),
      },
    });
    renderDirectory(services);
    await screen.findAllByTestId('dapp-card');
    await userEvent.setup().type(screen.getByTestId('search'), '  chat ');
    await waitFor(() => expect(screen.getAllByTestId('dapp-card')).toHaveLength(1));
    expect(services.directory.listListings.mock.calls.map(([params]) => params.search)).toEqual([
      undefined,
      'chat',
    ]);
  });

  it('says so when nothing matches, and when the directory is empty', async () => {
    const services = createFakeServices({
      directory: { listListings: async ({ search }) => page(search === undefined ? [] : []) },
    });
    renderDirectory(services);
    expect((await screen.findByTestId('empty-state')).textContent).toMatch(/No dApps are listed/);
    await userEvent.setup().type(screen.getByTestId('search'), 'zzz');
    await waitFor(() => expect(screen.getByTestId('empty-state').textContent).toMatch(/“zzz”/));
  });

  it('shows placeholders while the first page loads', async () => {
    let answer: (
      value: Awaited<ReturnType<ConsoleServices['directory']['listListings']>>,
    ) => void = () => undefined;
    const services = createFakeServices({
      directory: { listListings: () => new Promise((resolve) => (answer = resolve)) },
    });
    renderDirectory(services);
    expect(screen.getByTestId('loading')).toBeTruthy();
    await act(async () => answer(page([NOTES])));
    expect(screen.queryByTestId('loading')).toBeNull();
    expect(screen.getAllByTestId('dapp-card')).toHaveLength(1);
  });

  it('reports a failed load and loads again on retry', async () => {
    const services = createFakeServices();
    services.directory.listListings
      .mockResolvedValueOnce(err({ kind: 'unreachable', detail: 'ECONNREFUSED' }))
      .mockResolvedValueOnce(page([NOTES]));
    renderDirectory(services);
    const banner = await screen.findByTestId('error');
    expect(banner.getAttribute('data-error-kind')).toBe('unreachable');
    expect(banner.textContent).toMatch(/Cannot reach the network/);
    await userEvent.setup().click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findAllByTestId('dapp-card')).toHaveLength(1);
  });

  it('loads the next page with the cursor and appends it, until the last', async () => {
    const services = createFakeServices({
      directory: {
        listListings: async ({ cursor }) =>
          cursor === undefined ? page([NOTES, CHAT], 'c1') : page([CHAT, GAME]),
      },
    });
    renderDirectory(services);
    await userEvent.setup().click(await screen.findByTestId('load-more'));
    await waitFor(() => expect(screen.getAllByTestId('dapp-card')).toHaveLength(3));
    expect(services.directory.listListings).toHaveBeenLastCalledWith({
      search: undefined,
      cursor: 'c1',
    });
    expect(screen.queryByTestId('load-more')).toBeNull();
  });

  it('keeps the loaded cards when the next page fails, and offers to try again', async () => {
    const services = createFakeServices();
    services.directory.listListings
      .mockResolvedValueOnce(page([NOTES], 'c1'))
      .mockResolvedValueOnce(err({ kind: 'unreachable', detail: '' }))
      .mockResolvedValueOnce(page([CHAT]));
    renderDirectory(services);
    const user = userEvent.setup();
    await user.click(await screen.findByTestId('load-more'));
    expect((await screen.findByTestId('error')).textContent).toMatch(/Could not load more/);
    expect(screen.getAllByTestId('dapp-card')).toHaveLength(1);
    await user.click(screen.getByRole('button', { name: 'Try again' }));
    await waitFor(() => expect(screen.getAllByTestId('dapp-card')).toHaveLength(2));
  });

  it('opens the detail view from the card’s name', async () => {
    const onOpenDetail = renderDirectory(createFakeServices());
    const card = (await screen.findAllByTestId('dapp-card'))[0] as HTMLElement;
    const name = within(card).getByRole('link', { name: 'Citadel Notes' });
    expect(name.getAttribute('href')).toBe(`?dapp=${NOTES.frontend}`);
    await userEvent.setup().click(name);
    expect(onOpenDetail).toHaveBeenCalledWith(NOTES.frontend);
  });
});
