/**
 * The e2e suite: the sample app in real Chromium (Debian's, never a downloaded browser),
 * served by the gateway of a real local network that global setup starts and deploys to.
 */
import { existsSync } from 'node:fs';
import { defineConfig } from '@playwright/test';

/** Debian's chromium package; CHROMIUM_PATH names another build. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (!existsSync(CHROMIUM)) {
  throw new Error(
    `E2E_CHROMIUM_MISSING: no Chromium at ${CHROMIUM}. Install Debian's (apt-get install -y chromium) or set CHROMIUM_PATH.`,
  );
}

export default defineConfig({
  testDir: '.',
  testMatch: '**/*.spec.ts',
  outputDir: '../test-results/e2e',
  globalSetup: './global-setup.ts',
  // One network and one browser: the specs share the deployed app, and this machine has 2 cores.
  workers: 1,
  fullyParallel: false,
  forbidOnly: process.env.CI !== undefined,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  reporter:
    process.env.CI === undefined
      ? 'list'
      : [['list'], ['html', { open: 'never', outputFolder: '../playwright-report' }]],
  use: {
    browserName: 'chromium',
    launchOptions: { executablePath: CHROMIUM },
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
  },
});
