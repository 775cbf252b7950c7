/**
 * Citadel Notes in real Chromium, through the gateway at the app's `<canister-id>.localhost`
 * URL: every page, script and API call goes over the real network, verified by the gateway.
 * The specs run in order and share the notes they write: one browser profile is the author,
 * a second one (another principal) is a stranger.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { type BrowserContext, type Locator, type Page, expect, test } from '@playwright/test';
import { backendAsNewcomer } from './support/backend.js';
import { REPO_ROOT } from './support/citadel.js';
import { collectPageErrors } from './support/console-errors.js';
import { type DeployedApp, deployedApp } from './support/network.js';

/** Screenshots of the main pages, kept as artifacts of the run. */
const SCREENSHOTS = join(REPO_ROOT, 'test-results', 'e2e-screenshots');

/** A page of the app in `context`, with its errors collected. */
interface AppPage {
  readonly page: Page;
  readonly errors: string[];
}

async function openApp(context: BrowserContext, app: DeployedApp): Promise<AppPage> {
  const page = await context.newPage();
  const errors = collectPageErrors(page);
  await page.goto(app.webUrl);
  await expect(page.getByTestId('principal')).toBeVisible();
  await expect(page.getByTestId('loading')).toHaveCount(0);
  return { page, errors };
}

async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

async function showTab(page: Page, tab: 'public' | 'mine'): Promise<void> {
  await page.getByTestId(`tab-${tab}`).click();
  await expect(page.getByTestId(`tab-${tab}`)).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('loading')).toHaveCount(0);
}

async function addNote(
  page: Page,
  note: { title: string; body: string; visibility: 'public' | 'private' },
): Promise<void> {
  const form = page.getByTestId('compose');
  await form.getByLabel('Title').fill(note.title);
  await form.getByLabel('Body').fill(note.body);
  await form.getByRole('switch', { name: 'Public' }).setChecked(note.visibility === 'public');
  await form.getByRole('button', { name: 'Add note' }).click();
  await expect(card(page, note.title)).toBeVisible();
  await expect(form.getByLabel('Title')).toHaveValue('');
}

/** The card of the note titled `title`. */
function card(page: Page, title: string): Locator {
  return page
    .getByTestId('note-card')
    .filter({ has: page.getByTestId('note-title').getByText(title, { exact: true }) });
}

async function noteId(page: Page, title: string): Promise<bigint> {
  const id = await card(page, title).getAttribute('data-note-id');
  expect(id).not.toBeNull();
  return BigInt(id as string);
}

/** The card of note `id`, whatever it shows (its title is a text field while it is edited). */
function cardById(page: Page, id: bigint): Locator {
  return page.locator(`[data-testid="note-card"][data-note-id="${id}"]`);
}

/** Edits the body of the note titled `title`; the card, found by id, is returned. */
async function editNote(page: Page, title: string, body: string): Promise<Locator> {
  const note = cardById(page, await noteId(page, title));
  await note.getByTestId('edit').click();
  await note.getByLabel('Body').fill(body);
  await note.getByTestId('save').click();
  return note;
}

test.describe.serial('Citadel Notes', () => {
  let app: DeployedApp;
  let author: BrowserContext;
  let stranger: BrowserContext;
  const opened: AppPage[] = [];

  async function open(context: BrowserContext): Promise<Page> {
    const appPage = await openApp(context, app);
    opened.push(appPage);
    return appPage.page;
  }

  test.beforeAll(async ({ browser }) => {
    app = await deployedApp();
    author = await browser.newContext();
    stranger = await browser.newContext();
  });

  test.afterEach(() => {
    // Checked after each spec, so the failure names the spec that caused it.
    const errors = opened.flatMap((appPage) => appPage.errors.splice(0));
    expect(errors, 'the browser reported errors').toEqual([]);
  });

  test.afterAll(async () => {
    await author?.close();
    await stranger?.close();
  });

  test('a first visit gets a principal of its own and empty feeds', async () => {
    const page = await open(author);
    await expect(page.getByTestId('principal')).toHaveAttribute(
      'data-principal',
      /^[a-z0-9-]{20,}$/,
    );
    await showTab(page, 'mine');
    await expect(page.getByTestId('empty-state')).toBeVisible();
    await screenshot(page, 'empty');
  });

  test('notes are created, edited and survive a reload', async () => {
    const page = await open(author);
    await showTab(page, 'mine');
    await addNote(page, {
      title: 'Shopping list',
      body: 'Bread, cheese, olives',
      visibility: 'public',
    });
    await addNote(page, { title: 'Diary', body: 'Only for me.', visibility: 'private' });
    await expect(card(page, 'Diary').getByTestId('private-badge')).toBeVisible();

    await editNote(page, 'Shopping list', 'Bread, cheese, olives, figs');
    await expect(card(page, 'Shopping list').getByTestId('note-body')).toHaveText(
      'Bread, cheese, olives, figs',
    );

    await page.reload();
    await expect(page.getByTestId('loading')).toHaveCount(0);
    await showTab(page, 'mine');
    await expect(card(page, 'Shopping list').getByTestId('note-body')).toHaveText(
      'Bread, cheese, olives, figs',
    );
    await expect(card(page, 'Diary')).toBeVisible();
    await screenshot(page, 'mine');

    await showTab(page, 'public');
    await expect(card(page, 'Shopping list')).toBeVisible();
    await expect(card(page, 'Diary')).toHaveCount(0);
    await screenshot(page, 'public');
  });

  test('an edit from a stale tab is refused as a conflict, not lost', async () => {
    const first = await open(author);
    const second = await open(author);
    for (const page of [first, second]) {
      await showTab(page, 'mine');
    }
    await editNote(first, 'Shopping list', 'Edited in the first tab');
    await expect(card(first, 'Shopping list').getByTestId('note-body')).toHaveText(
      'Edited in the first tab',
    );

    const stale = await editNote(second, 'Shopping list', 'Edited in the second tab');
    const conflict = stale.getByTestId('conflict');
    await expect(conflict).toBeVisible();
    await expect(conflict.getByTestId('conflict-body')).toHaveText('Edited in the first tab');
    await screenshot(second, 'conflict');
    await conflict.getByTestId('conflict-reload').click();
    await expect(card(second, 'Shopping list').getByTestId('note-body')).toHaveText(
      'Edited in the first tab',
    );
  });

  test('another identity reads public notes but cannot change them', async () => {
    const authorPage = await open(author);
    await showTab(authorPage, 'mine');
    const publicId = await noteId(authorPage, 'Shopping list');
    const privateId = await noteId(authorPage, 'Diary');

    const page = await open(stranger);
    await expect(page.getByTestId('principal')).not.toHaveAttribute(
      'data-principal',
      (await authorPage.getByTestId('principal').getAttribute('data-principal')) as string,
    );
    await showTab(page, 'public');
    const shared = card(page, 'Shopping list');
    await expect(shared).toHaveAttribute('data-owned', 'false');
    await expect(shared.getByTestId('edit')).toHaveCount(0);
    await expect(shared.getByTestId('delete')).toHaveCount(0);
    await expect(card(page, 'Diary')).toHaveCount(0);
    await showTab(page, 'mine');
    await expect(page.getByTestId('empty-state')).toBeVisible();

    // The canister itself refuses, whatever a client shows.
    const backend = await backendAsNewcomer(app);
    const change = { title: 'Hijacked', body: '', visibility: { public: null } };
    expect(await backend.update_note(publicId, 2n, change)).toEqual({
      err: { not_owner: { id: publicId } },
    });
    expect(await backend.delete_note(publicId, 2n)).toEqual({
      err: { not_owner: { id: publicId } },
    });
    expect(await backend.get_note(privateId)).toEqual({ err: { not_found: { id: privateId } } });
    expect(await backend.update_note(privateId, 1n, change)).toEqual({
      err: { not_found: { id: privateId } },
    });

    await authorPage.reload();
    await showTab(authorPage, 'mine');
    await expect(card(authorPage, 'Shopping list').getByTestId('note-body')).toHaveText(
      'Edited in the first tab',
    );
  });

  test('a deleted note is gone for good', async () => {
    const page = await open(author);
    await showTab(page, 'mine');
    const note = card(page, 'Diary');
    await note.getByTestId('delete').click();
    await note.getByTestId('confirm-delete').click();
    await expect(card(page, 'Diary')).toHaveCount(0);
    await page.reload();
    await expect(page.getByTestId('loading')).toHaveCount(0);
    await showTab(page, 'mine');
    await expect(card(page, 'Shopping list')).toBeVisible();
    await expect(card(page, 'Diary')).toHaveCount(0);
  });

  test('the public feed pages through many notes with Load more', async () => {
    const backend = await backendAsNewcomer(app);
    const written = 25;
    for (let i = 1; i <= written; i++) {
      const result = await backend.create_note({
        title: `Bulk note ${i}`,
        body: `Written by a script, number ${i}.`,
        visibility: { public: null },
      });
      expect(result).toHaveProperty('ok');
    }

    const page = await open(stranger);
    await showTab(page, 'public');
    const cards = page.getByTestId('note-card');
    // Newest first, 20 to a page: the bulk notes 25 down to 6.
    await expect(cards).toHaveCount(20);
    await expect(cards.first().getByTestId('note-title')).toHaveText(`Bulk note ${written}`);
    await page.getByTestId('load-more').click();
    // The rest of the bulk notes and the author's shopping list, with no duplicate.
    await expect(cards).toHaveCount(written + 1);
    await expect(cards.last().getByTestId('note-title')).toHaveText('Shopping list');
    await expect(page.getByTestId('load-more')).toHaveCount(0);
  });
});
