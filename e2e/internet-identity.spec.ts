/**
 * Logging in to Citadel Notes with Citadel's own Internet Identity, in real Chromium with a
 * virtual passkey (CDP WebAuthn): unmodified `@dfinity/auth-client` in the app opens II at
 * `rdmx6-jaaaa-aaaaa-aaadq-cai.localhost`, which `citadel start` installed, and the replica
 * checks II's canister signature on every call the app makes as the user. The specs run in
 * order and share one browser profile, its passkey and its identity number.
 *
 * Reference: /work/shared/reference/internet-identity.md (§n below).
 */
import { type BrowserContext, type Page, expect, test } from '@playwright/test';
import { AgentError, HttpErrorCode } from '@dfinity/agent';
import { DelegationChain, DelegationIdentity, Ed25519KeyIdentity } from '@dfinity/identity';
import { Principal } from '@dfinity/principal';
import { backendAs } from './support/backend.js';
import { collectPageErrors } from './support/console-errors.js';
import {
  AuthorizePage,
  addVirtualAuthenticator,
  pageSessionSigner,
  readStoredDelegation,
  requestDelegation,
  type VirtualCredential,
} from './support/internet-identity.js';
import { type DeployedApp, deployedApp } from './support/network.js';
import { NotesPage, screenshot } from './support/notes-page.js';

/** The id `citadel start` serves II's frontend at. */
const II_FRONTEND_ID = 'rdmx6-jaaaa-aaaaa-aaadq-cai';

/** A self-authenticating principal's text: 29 bytes, so ten groups of five and one of three. */
const SELF_AUTHENTICATING = /^(?:[a-z2-7]{5}-){10}[a-z2-7]{3}$/;

/** The private note the user writes once logged in. */
const NOTE = {
  title: 'Passkey diary',
  body: 'Written as my II principal.',
  visibility: 'private',
} as const;

/**
 * The lifetime asked of II for a delegation meant to expire during the spec: long enough
 * to be used once first (II signs it, then the popup answers within a few seconds).
 */
const SHORT_TTL_NS = 15_000_000_000n;

/** What the replica answered to a call it refused, read from the agent's error. */
interface Refusal {
  readonly status: number;
  /** `x-citadel-error-code`. */
  readonly code: string | undefined;
  readonly body: string;
}

/** The refusal `call` ends with; fails the spec when the call succeeds. */
async function refusalOf(call: Promise<unknown>): Promise<Refusal> {
  const outcome = await call.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
  if (outcome.ok) {
    throw new Error(`E2E_NOT_REFUSED: the replica answered ${String(outcome.value)}`);
  }
  const { error } = outcome;
  if (!(error instanceof AgentError) || !(error.cause.code instanceof HttpErrorCode)) {
    throw error;
  }
  const { status, headers, bodyText } = error.cause.code;
  const code = headers.find(([name]) => name.toLowerCase() === 'x-citadel-error-code')?.[1];
  return { status, code, body: bodyText ?? '' };
}

/** `chainJson` (`DelegationChain.toJSON()` as text) with its one delegation changed. */
function alterDelegation(
  chainJson: string,
  change: (signed: { delegation: { expiration: string }; signature: string }) => void,
): DelegationChain {
  const chain = JSON.parse(chainJson) as {
    delegations: { delegation: { expiration: string }; signature: string }[];
  };
  const [signed] = chain.delegations;
  if (signed === undefined || chain.delegations.length !== 1) {
    throw new Error(
      `E2E_UNEXPECTED_CHAIN: II gives one delegation, not ${chain.delegations.length}`,
    );
  }
  change(signed);
  return DelegationChain.fromJSON(JSON.stringify(chain));
}

/**
 * The CBOR of the key `signature` (text of 9 bytes) and the head of a 48-byte byte string:
 * in a canister signature, only the embedded certificate's BLS signature looks so (§3.2).
 */
const BLS_SIGNATURE_FIELD = `69${toHex(new TextEncoder().encode('signature'))}5830`;

/**
 * `canisterSignatureHex` (II's CBOR `{certificate, tree}`) with one bit flipped in the first
 * byte of its certificate's BLS signature: still well-formed CBOR, no longer a valid
 * signature.
 */
function flipBlsSignatureBit(canisterSignatureHex: string): string {
  const at = canisterSignatureHex.indexOf(BLS_SIGNATURE_FIELD);
  if (at < 0 || at !== canisterSignatureHex.lastIndexOf(BLS_SIGNATURE_FIELD)) {
    throw new Error('E2E_UNEXPECTED_SIGNATURE: no single BLS signature in the canister signature');
  }
  const byteAt = at + BLS_SIGNATURE_FIELD.length;
  const flipped = parseInt(canisterSignatureHex.slice(byteAt, byteAt + 2), 16) ^ 0x01;
  return `${canisterSignatureHex.slice(0, byteAt)}${flipped.toString(16).padStart(2, '0')}${canisterSignatureHex.slice(byteAt + 2)}`;
}

function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** Nanoseconds since the epoch, `offsetMs` from now, in the chain JSON's hex. */
function expirationHex(offsetMs: number): string {
  return (BigInt(Date.now() + offsetMs) * 1_000_000n).toString(16);
}

test.describe.serial('Internet Identity', () => {
  let app: DeployedApp;
  let context: BrowserContext;
  /** The II page every login opens: `http://rdmx6-….localhost:<port>/`. */
  let identityProvider: string;
  /** This browser's guest key's principal at the app. */
  let guestPrincipal: string;
  /** The identity number the passkey belongs to, and the user's principal at the app. */
  let anchor: string;
  let userPrincipal: string;
  /** The passkey, kept to hand to each new II window (§6.4). */
  let passkeys: VirtualCredential[] = [];
  const watched: { readonly page: Page; readonly errors: string[] }[] = [];

  function watch(page: Page): Page {
    watched.push({ page, errors: collectPageErrors(page) });
    return page;
  }

  async function openApp(url = app.webUrl): Promise<NotesPage> {
    const page = watch(await context.newPage());
    await page.goto(url);
    return new NotesPage(page);
  }

  /** Clicks Log in and returns II's window, with an authenticator holding the passkeys. */
  async function openLogin(notes: NotesPage) {
    const opened = notes.page.waitForEvent('popup');
    await notes.page.getByTestId('login').click();
    return attachedIi(await opened);
  }

  async function attachedIi(popup: Page) {
    watch(popup);
    const authenticator = await addVirtualAuthenticator(popup, passkeys);
    return { ii: new AuthorizePage(popup), authenticator };
  }

  test.beforeAll(async ({ browser }) => {
    app = await deployedApp();
    context = await browser.newContext();
    const url = new URL(app.webUrl);
    url.hostname = `${II_FRONTEND_ID}.localhost`;
    identityProvider = url.href;
  });

  test.afterEach(() => {
    const errors = watched.flatMap(({ errors }) => errors.splice(0));
    expect(errors, 'the browser reported errors').toEqual([]);
  });

  test.afterAll(async () => {
    await context?.close();
  });

  test('a new passkey logs in; the app signs as its principal, also after a reload', async () => {
    const notes = await openApp();
    guestPrincipal = await notes.connectedAs('guest');

    const { ii, authenticator } = await openLogin(notes);
    await ii.waitForChoice(new URL(app.webUrl).origin);
    await screenshot(ii.page, 'ii-authorize');
    anchor = await ii.createIdentity();
    passkeys = await authenticator.credentials();
    expect(passkeys).toHaveLength(1);
    expect(passkeys[0]?.rpId).toBe(`${II_FRONTEND_ID}.localhost`);
    await ii.continueToApp();

    userPrincipal = await notes.connectedAs('internet-identity');
    expect(userPrincipal).toMatch(SELF_AUTHENTICATING);
    expect(userPrincipal).not.toBe(guestPrincipal);
    await expect(notes.page.getByTestId('logout')).toBeVisible();
    await expect(notes.page.getByTestId('login')).toHaveCount(0);

    await notes.showTab('mine');
    await expect(notes.page.getByTestId('empty-state')).toBeVisible();
    await notes.addNote(NOTE);
    await expect(notes.card(NOTE.title)).toHaveAttribute('data-owned', 'true');

    // auth-client restores the session from IndexedDB (§1.5).
    await notes.page.reload();
    expect(await notes.connectedAs('internet-identity')).toBe(userPrincipal);
    await notes.showTab('mine');
    await expect(notes.card(NOTE.title).getByTestId('private-badge')).toBeVisible();
    await screenshot(notes.page, 'ii-logged-in');
  });

  test('log out returns to the guest key; the same passkey logs in as the same principal', async () => {
    const notes = await openApp();
    expect(await notes.connectedAs('internet-identity')).toBe(userPrincipal);

    await notes.page.getByTestId('logout').click();
    expect(await notes.connectedAs('guest')).toBe(guestPrincipal);
    await notes.showTab('mine');
    await expect(notes.card(NOTE.title)).toHaveCount(0);
    await notes.page.reload();
    expect(await notes.connectedAs('guest')).toBe(guestPrincipal);

    const { ii } = await openLogin(notes);
    await ii.waitForChoice(new URL(app.webUrl).origin);
    await ii.signInRemembered(anchor);
    expect(await notes.connectedAs('internet-identity')).toBe(userPrincipal);
    await notes.showTab('mine');
    const card = notes.card(NOTE.title);
    await expect(card).toHaveAttribute('data-owned', 'true');
    await expect(card.getByTestId('edit')).toBeVisible();
    await expect(card.getByTestId('delete')).toBeVisible();
  });

  test('another origin of the app gets another principal for the same identity', async () => {
    // The same frontend canister through the gateway's raw domain: another origin, so II
    // derives another principal (§3.5, §7.1), while the login still opens the certified II.
    const rawUrl = new URL(app.webUrl);
    rawUrl.hostname = `${app.frontendId}.raw.localhost`;
    const notes = await openApp(rawUrl.href);
    const rawGuest = await notes.connectedAs('guest');

    const { ii } = await openLogin(notes);
    await ii.waitForChoice(rawUrl.origin);
    await ii.signInRemembered(anchor);
    const otherPrincipal = await notes.connectedAs('internet-identity');
    expect(otherPrincipal).toMatch(SELF_AUTHENTICATING);
    expect(otherPrincipal).not.toBe(userPrincipal);
    expect(otherPrincipal).not.toBe(rawGuest);
    await notes.showTab('mine');
    await expect(notes.page.getByTestId('empty-state')).toBeVisible();
  });

  test('the replica accepts the browser’s delegation, and refuses it tampered', async () => {
    const notes = await openApp();
    expect(await notes.connectedAs('internet-identity')).toBe(userPrincipal);

    // What auth-client keeps (§1.5): the chain, and the session key it delegates to, which
    // never leaves the browser; the agent here signs through it.
    const chainJson = await readStoredDelegation(notes.page);
    const chain = DelegationChain.fromJSON(chainJson);
    expect(Principal.selfAuthenticating(chain.publicKey).toText()).toBe(userPrincipal);
    const signer = pageSessionSigner(notes.page);
    const asBrowser = await backendAs(app, DelegationIdentity.fromDelegation(signer, chain));
    expect((await asBrowser.whoami()).toText()).toBe(userPrincipal);
    const mine = await asBrowser.list_mine({ cursor: [], limit: [] });
    expect(mine.notes.map((note) => note.title)).toContain(NOTE.title);

    async function callWith(altered: DelegationChain): Promise<Refusal> {
      const identity = DelegationIdentity.fromDelegation(signer, altered);
      const backend = await backendAs(app, identity, { verifyQuerySignatures: false });
      return refusalOf(backend.whoami());
    }

    // One bit flipped in II's canister signature, in its certificate's BLS signature.
    const badSignature = await callWith(
      alterDelegation(chainJson, (signed) => {
        signed.signature = flipBlsSignatureBit(signed.signature);
      }),
    );
    expect(badSignature).toMatchObject({ status: 400, code: 'REPLICA_INGRESS_INVALID_DELEGATION' });
    expect(badSignature.body).toMatch(/canister signature/i);
    expect(badSignature.body).toMatch(/PROTO_CANISTER_SIG_CERTIFICATE_INVALID/);

    // An expiration moved a day later: still in the future, but II never signed it.
    const extended = await callWith(
      alterDelegation(chainJson, (signed) => {
        signed.delegation.expiration = expirationHex(24 * 3_600_000);
      }),
    );
    expect(extended).toMatchObject({ status: 400, code: 'REPLICA_INGRESS_INVALID_DELEGATION' });
    expect(extended.body).toMatch(/PROTO_CANISTER_SIG_NOT_IN_TREE/);

    // An expiration moved an hour back: the replica checks expiry before any signature (in
    // the IC validator's order), so this is refused as expired.
    const backdated = await callWith(
      alterDelegation(chainJson, (signed) => {
        signed.delegation.expiration = expirationHex(-3_600_000);
      }),
    );
    expect(backdated).toMatchObject({ status: 400, code: 'REPLICA_INGRESS_DELEGATION_EXPIRED' });

    // The replica keeps serving, the browser's own chain included.
    expect((await asBrowser.whoami()).toText()).toBe(userPrincipal);
    await notes.page.reload();
    expect(await notes.connectedAs('internet-identity')).toBe(userPrincipal);
  });

  test('a delegation II signed for a short time works, then is refused as expired', async () => {
    test.setTimeout(120_000);
    const notes = await openApp();
    await notes.connectedAs('internet-identity');

    // auth-client's request, made by hand from the app's page (so II derives the app's
    // principal), for a key this test holds and a lifetime of seconds (§1.2, §3.5).
    const sessionKey = Ed25519KeyIdentity.generate();
    const opened = notes.page.waitForEvent('popup');
    const issuing = requestDelegation(notes.page, {
      identityProvider,
      sessionPublicKey: sessionKey.getPublicKey().toDer(),
      maxTimeToLiveNs: SHORT_TTL_NS,
    });
    const { ii } = await attachedIi(await opened);
    await ii.waitForChoice(new URL(app.webUrl).origin);
    await ii.signInRemembered(anchor);
    const issued = await issuing;

    const chain = DelegationChain.fromJSON(issued.chainJson);
    const identity = DelegationIdentity.fromDelegation(sessionKey, chain);
    expect(identity.getPrincipal().toText()).toBe(userPrincipal);
    const backend = await backendAs(app, identity);
    expect((await backend.whoami()).toText()).toBe(userPrincipal);

    const expiresAtMs = Number((chain.delegations[0]?.delegation.expiration ?? 0n) / 1_000_000n);
    expect(expiresAtMs - Date.now()).toBeLessThanOrEqual(Number(SHORT_TTL_NS / 1_000_000n));
    // A second past the expiration, so the replica's clock has passed it too.
    await new Promise((resolvePromise) =>
      setTimeout(resolvePromise, Math.max(0, expiresAtMs - Date.now()) + 1_000),
    );
    const expired = await refusalOf(backend.whoami());
    expect(expired).toMatchObject({ status: 400, code: 'REPLICA_INGRESS_DELEGATION_EXPIRED' });
    expect(expired.body).toMatch(/expired/);

    // The app, with its own 8-hour delegation, keeps working.
    await notes.page.reload();
    expect(await notes.connectedAs('internet-identity')).toBe(userPrincipal);
  });
});
