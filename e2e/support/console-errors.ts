/**
 * Collects what a page reports as broken: console errors, uncaught exceptions and failed
 * requests. A spec ends by asserting the list is empty, so a regression that only shows in
 * the browser's console (a blocked script, a rejected promise, a 404 chunk) fails the suite.
 */
import type { Page } from '@playwright/test';

/** Starts collecting on `page`; the returned list fills as the page runs. */
export function collectPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') {
      errors.push(`console: ${message.text()} (${message.location().url})`);
    }
  });
  page.on('pageerror', (error) => errors.push(`uncaught: ${error.message}`));
  page.on('requestfailed', (request) =>
    errors.push(`request failed: ${request.url()} (${request.failure()?.errorText ?? 'unknown'})`),
  );
  page.on('response', (response) => {
    if (response.status() >= 400) {
      errors.push(`HTTP ${response.status()}: ${response.url()}`);
    }
  });
  return errors;
}
