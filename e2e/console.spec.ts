/**
 * The console at the gateway's root (`http://localhost:<port>/`), in real Chromium: it lists
 * the dApps `citadel deploy` put in the network's directory — the sample app from global setup
 * and a second one deployed here — finds each by search, shows a dApp's certified facts, and
 * opens it through the verifying gateway.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Page, expect, test } from '@playwright/test';
import { citadel } from './support/citadel.js';
import { collectPageErrors } from './support/console-errors.js';
import { type DeployedApp, deployedApp } from './support/network.js';
import { screenshot } from './support/notes-page.js';

/** The second dApp: a folder of static files with a package.json naming it. */
const GARDEN = {
  productName: 'Garden Planner',
  description: 'Plan beds and sowing dates for the season.',
  heading: 'Your garden, planned',
};

interface SecondApp {
  readonly dir: string;
  readonly frontendId: string;
  readonly url: string;
}

async function deploySecondApp(app: DeployedApp): Promise<SecondApp> {
  const dir = await mkdtemp(join(tmpdir(), 'citadel-e2e-garden-'));
  await mkdir(join(dir, 'public'));
  await writeFile(
    join(dir, 'package.json'),
    JSON.stringify({
      name: 'garden',
      productName: GARDEN.productName,
      description: GARDEN.description,
    }),
  );
  await writeFile(
    join(dir, 'public', 'index.html'),
    `<!doctype html><html lang="en"><title>${GARDEN.productName}</title><link rel="icon" href="/icon.svg"><h1>${GARDEN.heading}</h1></html>`,
  );
  // An icon of its own: the console shows it, and the browser asks for none it lacks.
  await writeFile(
    join(dir, 'public', 'icon.svg'),
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 8 8"><circle cx="4" cy="4" r="4" fill="green"/></svg>',
  );
  const { stdout } = await citadel(
    ['deploy', 'public', '--network', app.apiUrl, '--json'],
    { CITADEL_CONFIG_DIR: app.configDir },
    dir,
  );
  const [frontend] = (JSON.parse(stdout) as { frontends: { canisterId: string; url: string }[] })
    .frontends;
  if (frontend === undefined) {
    throw new Error('E2E_DEPLOY_INCOMPLETE: the second app deployed no frontend');
  }
  return { dir, frontendId: frontend.canisterId, url: frontend.url };
}

function consoleUrl(app: DeployedApp): string {
  return `http://localhost:${new URL(app.apiUrl).port}/`;
}

async function search(page: Page, words: string): Promise<void> {
  await page.getByTestId('search').fill(words);
}

test.describe.serial('the console', () => {
  let app: DeployedApp;
  let garden: SecondApp;

  test.beforeAll(async () => {
    app = await deployedApp();
    garden = await deploySecondApp(app);
  });
  test.afterAll(async () => {
    await rm(garden.dir, { recursive: true, force: true });
  });

  test('lists both deployed dApps and finds each by search', async ({ page }) => {
    const errors = collectPageErrors(page);
    await page.goto(consoleUrl(app));
    const cards = page.getByTestId('dapp-card');
    await expect(cards.filter({ hasText: 'Citadel Notes' })).toHaveCount(1);
    await expect(cards.filter({ hasText: GARDEN.productName })).toHaveCount(1);
    await screenshot(page, 'console');

    await search(page, 'sowing');
    await expect(cards).toHaveCount(1);
    await expect(cards.first()).toHaveAttribute('data-frontend-id', garden.frontendId);
    await search(page, 'notes');
    await expect(cards).toHaveCount(1);
    await expect(cards.first()).toHaveAttribute('data-frontend-id', app.frontendId);
    await search(page, 'no dApp is called this');
    await expect(page.getByTestId('empty-state')).toBeVisible();
    expect(errors).toEqual([]);
  });

  test('shows a dApp’s certified facts and opens it through the verifying gateway', async ({
    page,
  }) => {
    const errors = collectPageErrors(page);
    await page.goto(consoleUrl(app));
    await page
      .getByTestId('dapp-card')
      .filter({ hasText: GARDEN.productName })
      .getByRole('link', { name: GARDEN.productName, exact: true })
      .first()
      .click();
    const detail = page.getByTestId('dapp-detail');
    await expect(detail).toHaveAttribute('data-frontend-id', garden.frontendId);
    await expect(page.getByTestId('verification-status')).toHaveAttribute('data-state', 'verified');
    await expect(
      page.locator(`[data-testid="module-hash"][data-canister-id="${garden.frontendId}"]`),
    ).toHaveText(/^[0-9a-f]{64}$/);
    await expect(page.getByTestId('release-history').getByTestId('release')).toHaveCount(1);
    await expect(page.getByTestId('asset-count')).toHaveAttribute('data-value', '2');
    await screenshot(page, 'console-detail');

    const link = detail.getByTestId('dapp-link').first();
    await expect(link).toHaveAttribute('href', garden.url);
    await link.click();
    await expect(page).toHaveURL(garden.url);
    await expect(page.getByRole('heading', { name: GARDEN.heading })).toBeVisible();
    expect(errors).toEqual([]);
  });
});
