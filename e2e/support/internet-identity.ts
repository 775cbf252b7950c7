/**
 * Internet Identity in the e2e suite: passkeys from Chromium's CDP virtual authenticator,
 * the II window as a page object, and what a dApp page holds after logging in (auth-client's
 * session in IndexedDB). Reference: /work/shared/reference/internet-identity.md (§n below),
 * and the test hooks in apps/identity/README.md.
 *
 * Functions passed to `page.evaluate` run in the browser: they are serialised on their own,
 * so they reference nothing outside their body, and they describe the few browser APIs they
 * use with local types (the e2e project compiles without the DOM library).
 */
import type { CDPSession, Page } from '@playwright/test';
import type { Signature, SignIdentity } from '@dfinity/agent';

/**
 * One platform authenticator with user verification, as II's tests use (§6.2): it creates
 * resident keys and answers every prompt at once.
 */
const AUTHENTICATOR_OPTIONS = {
  protocol: 'ctap2',
  transport: 'internal',
  hasResidentKey: true,
  hasUserVerification: true,
  isUserVerified: true,
  automaticPresenceSimulation: true,
} as const;

/** A passkey as CDP exports it: its id, its private key (PKCS#8) and its relying party. */
export type VirtualCredential = Awaited<ReturnType<typeof readCredentials>>[number];

/** The virtual authenticator of one page. */
export interface VirtualAuthenticator {
  /** The passkeys it holds now. */
  readonly credentials: () => Promise<VirtualCredential[]>;
}

async function readCredentials(cdp: CDPSession, authenticatorId: string) {
  const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
  return credentials;
}

/**
 * Gives `page` an authenticator holding `credentials`. An authenticator belongs to one tab,
 * and a page that calls WebAuthn without one may be closed by Chromium, so every II window
 * gets its own before the user clicks, and later windows get the passkeys of earlier ones
 * (§6.3, §6.4, §7.18).
 */
export async function addVirtualAuthenticator(
  page: Page,
  credentials: readonly VirtualCredential[] = [],
): Promise<VirtualAuthenticator> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('WebAuthn.enable', { enableUI: false });
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: AUTHENTICATOR_OPTIONS,
  });
  for (const credential of credentials) {
    await cdp.send('WebAuthn.addCredential', { authenticatorId, credential });
  }
  return { credentials: () => readCredentials(cdp, authenticatorId) };
}

/** The II window auth-client (or a test) opened, in its `/#authorize` flow. */
export class AuthorizePage {
  constructor(readonly page: Page) {}

  /** Waits until II shows the ways to sign in, for the app at `origin`. */
  async waitForChoice(origin: string): Promise<void> {
    await this.page.getByTestId('create-passkey').waitFor();
    const shown = await this.page.getByTestId('authorize-origin').textContent();
    if (shown !== origin) {
      throw new Error(`E2E_II_WRONG_ORIGIN: II signs in to ${shown}, not ${origin}`);
    }
  }

  /**
   * Creates a passkey and a new identity, and returns its number; II then waits for
   * {@link continueToApp}.
   */
  async createIdentity(): Promise<string> {
    await this.page.getByTestId('create-passkey').click();
    // Only the "created" step shows a number; the first step has a continue-passkey of its own.
    const anchor = this.page.getByTestId('anchor-number');
    await anchor.waitFor();
    const number = (await anchor.textContent()) ?? '';
    if (!/^\d+$/.test(number)) {
      throw new Error(`E2E_II_NO_ANCHOR: II shows "${number}" as the new identity number`);
    }
    return number;
  }

  /** After {@link createIdentity}: signs in to the app with the new passkey. */
  async continueToApp(): Promise<void> {
    await this.clickThenClose(this.page.getByTestId('continue-passkey'));
  }

  /** Signs in as `anchor`, remembered by II from an earlier sign-in in this browser. */
  async signInRemembered(anchor: string): Promise<void> {
    await this.clickThenClose(
      this.page.locator(`[data-testid="remembered-anchor"][data-anchor-number="${anchor}"]`),
    );
  }

  /** Clicks, then waits for the opener to close the window, which it does once it has the delegation. */
  private async clickThenClose(target: ReturnType<Page['locator']>): Promise<void> {
    const closed = this.page.waitForEvent('close');
    await target.click();
    await closed;
  }
}

/** auth-client's IndexedDB store (§1.5): database, object store, and the chain's key. */
const AUTH_CLIENT_DB = { name: 'auth-client-db', store: 'ic-keyval' } as const;

/**
 * The delegation chain auth-client keeps for the page's origin: `DelegationChain.toJSON()` as
 * a string, under `delegation` in IndexedDB `auth-client-db`/`ic-keyval` (§1.5).
 */
export async function readStoredDelegation(page: Page): Promise<string> {
  return page.evaluate(async ({ name, store }) => {
    const value = await new Promise<unknown>((resolve, reject) => {
      const { indexedDB } = globalThis as unknown as BrowserIndexedDb;
      const opening = indexedDB.open(name);
      opening.onerror = () => reject(opening.error);
      opening.onsuccess = () => {
        const db = opening.result;
        const reading = db.transaction(store).objectStore(store).get('delegation');
        reading.onerror = () => reject(reading.error);
        reading.onsuccess = () => {
          db.close();
          resolve(reading.result);
        };
      };
    });
    if (typeof value !== 'string') {
      throw new Error(
        `E2E_NO_STORED_DELEGATION: auth-client keeps no delegation (${typeof value})`,
      );
    }
    return value;
  }, AUTH_CLIENT_DB);
}

/**
 * A signer that signs with the session key auth-client keeps in the page's IndexedDB. The key
 * is a non-extractable ECDSA P-256 `CryptoKeyPair`, so it never leaves the browser: each
 * signature is made there, as `ECDSAKeyIdentity.sign` does (SHA-256, IEEE P1363 r‖s).
 */
export function pageSessionSigner(page: Page): Pick<SignIdentity, 'sign'> {
  return {
    sign: async (blob) => {
      const bytes = await page.evaluate(
        async ({ name, store, message }) => {
          const { indexedDB, crypto } = globalThis as unknown as BrowserIndexedDb & BrowserCrypto;
          const keyPair = await new Promise<{ privateKey: unknown }>((resolve, reject) => {
            const opening = indexedDB.open(name);
            opening.onerror = () => reject(opening.error);
            opening.onsuccess = () => {
              const db = opening.result;
              const reading = db.transaction(store).objectStore(store).get('identity');
              reading.onerror = () => reject(reading.error);
              reading.onsuccess = () => {
                db.close();
                resolve(reading.result as { privateKey: unknown });
              };
            };
          });
          const signature = await crypto.subtle.sign(
            { name: 'ECDSA', hash: { name: 'SHA-256' } },
            keyPair.privateKey,
            new Uint8Array(message),
          );
          return Array.from(new Uint8Array(signature));
        },
        { ...AUTH_CLIENT_DB, message: Array.from(blob) },
      );
      return Uint8Array.from(bytes) as Signature;
    },
  };
}

/** A delegation II signed, as the success message carries it (§1.2), in JSON-safe form. */
export interface IssuedDelegation {
  /** `DelegationChain.toJSON()` of the chain: hex fields, the expiration in hex ns. */
  readonly chainJson: string;
  /** The user's key for the app's origin: the chain's root, in hex. */
  readonly userPublicKeyHex: string;
}

/**
 * Asks II for a delegation to `sessionPublicKey` the way auth-client does (§1.2), but with
 * this test's key and `maxTimeToLiveNs`: from `page` (so for its origin), it opens II at
 * `identityProvider`, answers `authorize-ready` with the request, and settles with II's
 * answer. The caller drives the II window that opens (`page.waitForEvent('popup')`).
 */
export async function requestDelegation(
  page: Page,
  request: {
    readonly identityProvider: string;
    readonly sessionPublicKey: Uint8Array;
    readonly maxTimeToLiveNs: bigint;
  },
): Promise<IssuedDelegation> {
  return page.evaluate(
    async ({ identityProvider, sessionPublicKey, maxTimeToLiveNs }) => {
      const browser = globalThis as unknown as BrowserWindow;
      const url = new URL(identityProvider);
      url.hash = '#authorize';
      const hex = (bytes: Uint8Array) =>
        Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
      const idp = browser.open(url.href, 'idpWindow', 'width=500,height=720');
      if (idp === null) {
        throw new Error('E2E_II_POPUP_BLOCKED: window.open returned null');
      }
      return new Promise<IssuedDelegation>((resolve, reject) => {
        const onMessage = (event: { origin: string; data: Record<string, unknown> }) => {
          if (event.origin !== url.origin) {
            return;
          }
          const message = event.data;
          if (message.kind === 'authorize-ready') {
            idp.postMessage(
              {
                kind: 'authorize-client',
                sessionPublicKey: new Uint8Array(sessionPublicKey),
                maxTimeToLive: BigInt(maxTimeToLiveNs),
              },
              url.origin,
            );
            return;
          }
          browser.removeEventListener('message', onMessage);
          idp.close();
          if (message.kind !== 'authorize-client-success') {
            reject(new Error(`E2E_II_REFUSED: ${JSON.stringify(message.text ?? message.kind)}`));
            return;
          }
          const success = message as unknown as {
            delegations: {
              delegation: { pubkey: Uint8Array; expiration: bigint; targets?: unknown };
              signature: Uint8Array;
            }[];
            userPublicKey: Uint8Array;
          };
          // DelegationChain.toJSON()'s shape (§2.4), so DelegationChain.fromJSON reads it.
          const chain = {
            delegations: success.delegations.map(({ delegation, signature }) => ({
              delegation: {
                pubkey: hex(delegation.pubkey),
                expiration: delegation.expiration.toString(16),
              },
              signature: hex(signature),
            })),
            publicKey: hex(success.userPublicKey),
          };
          resolve({ chainJson: JSON.stringify(chain), userPublicKeyHex: chain.publicKey });
        };
        browser.addEventListener('message', onMessage);
      });
    },
    {
      identityProvider: request.identityProvider,
      sessionPublicKey: Array.from(request.sessionPublicKey),
      maxTimeToLiveNs: request.maxTimeToLiveNs.toString(),
    },
  );
}

// The browser APIs the evaluated functions use, as far as they use them.

interface BrowserRequest<T> {
  readonly result: T;
  readonly error: unknown;
  onsuccess: (() => void) | null;
  onerror: (() => void) | null;
}

interface BrowserIndexedDb {
  readonly indexedDB: {
    open(name: string): BrowserRequest<{
      transaction(store: string): {
        objectStore(store: string): { get(key: string): BrowserRequest<unknown> };
      };
      close(): void;
    }>;
  };
}

interface BrowserCrypto {
  readonly crypto: {
    readonly subtle: {
      sign(algorithm: unknown, key: unknown, data: Uint8Array): Promise<ArrayBuffer>;
    };
  };
}

interface BrowserWindow {
  open(
    url: string,
    target: string,
    features: string,
  ): { postMessage(message: unknown, targetOrigin: string): void; close(): void } | null;
  addEventListener(
    type: 'message',
    listener: (event: { origin: string; data: Record<string, unknown> }) => void,
  ): void;
  removeEventListener(
    type: 'message',
    listener: (event: { origin: string; data: Record<string, unknown> }) => void,
  ): void;
}
