/**
 * Citadel Notes as a page object for specs beyond notes.spec.ts: its header (who the user
 * is, Log in / Log out) and the few note actions they need, through the test hooks of
 * apps/web/README.md.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { type Locator, type Page, expect } from '@playwright/test';
import { REPO_ROOT } from './citadel.js';

/** Screenshots of the main pages, kept as artifacts of the run. */
export const SCREENSHOTS = join(REPO_ROOT, 'test-results', 'e2e-screenshots');

/** Saves a full-page screenshot of `page` as `<name>.png`. */
export async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** Which identity the app signs with, as its header says. */
export type SignedAs = 'guest' | 'internet-identity';

/** The app at `page`, once it has connected. */
export class NotesPage {
  constructor(readonly page: Page) {}

  /** Waits until the app has connected, signing as `kind`, and returns its principal. */
  async connectedAs(kind: SignedAs): Promise<string> {
    await expect(this.page.getByTestId('identity-kind')).toHaveAttribute(
      'data-identity-kind',
      kind,
    );
    await expect(this.page.getByTestId('identity-kind')).toHaveText(
      kind === 'guest' ? 'Guest key' : 'Internet Identity',
    );
    const principal = this.page.getByTestId('principal');
    await expect(principal).toBeVisible();
    await expect(this.page.getByTestId('loading')).toHaveCount(0);
    const text = (await principal.textContent()) ?? '';
    // The element's text is the whole principal; the attribute says the same.
    await expect(principal).toHaveAttribute('data-principal', text);
    return text;
  }

  /** Shows the Public or Mine tab, once loaded. */
  async showTab(tab: 'public' | 'mine'): Promise<void> {
    await this.page.getByTestId(`tab-${tab}`).click();
    await expect(this.page.getByTestId(`tab-${tab}`)).toHaveAttribute('aria-selected', 'true');
    await expect(this.page.getByTestId('loading')).toHaveCount(0);
  }

  /** Writes a note with the composer and waits for its card. */
  async addNote(note: {
    title: string;
    body: string;
    visibility: 'public' | 'private';
  }): Promise<void> {
    const form = this.page.getByTestId('compose');
    await form.getByLabel('Title').fill(note.title);
    await form.getByLabel('Body').fill(note.body);
    await form.getByRole('switch', { name: 'Public' }).setChecked(note.visibility === 'public');
    await form.getByRole('button', { name: 'Add note' }).click();
    await expect(this.card(note.title)).toBeVisible();
    await expect(form.getByLabel('Title')).toHaveValue('');
  }

  /** The card of the note titled `title`. */
  card(title: string): Locator {
    return this.page
      .getByTestId('note-card')
      .filter({ has: this.page.getByTestId('note-title').getByText(title, { exact: true }) });
  }
}
