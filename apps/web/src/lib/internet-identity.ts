/**
 * Logging in with Internet Identity through unmodified `@dfinity/auth-client`. The client
 * keeps a session key and, once logged in, the delegation II signed for it (IndexedDB,
 * reference §1.5), so a reload restores the session; its identity is a `DelegationIdentity`
 * whose principal is the user's principal for this app's origin.
 */
import {
  AuthClient,
  ERROR_USER_INTERRUPT,
  type AuthClientLoginOptions,
} from '@dfinity/auth-client';

/** The part of auth-client's `AuthClient` the app uses; tests pass a fake. */
export type InternetIdentityClient = Pick<
  AuthClient,
  'isAuthenticated' | 'getIdentity' | 'login' | 'logout'
>;

/** Creates a client, restoring a session kept from an earlier visit. */
export type CreateInternetIdentityClient = () => Promise<InternetIdentityClient>;

/** Why a login did not happen. */
export type LoginError =
  /** The II window was closed before it answered (auth-client's `UserInterrupt`). */
  | { readonly kind: 'interrupted' }
  /** II answered with a failure, or its answer could not be used. */
  | { readonly kind: 'failed'; readonly detail: string }
  /** This browser cannot keep a session (storage blocked), so there is no client. */
  | { readonly kind: 'unavailable'; readonly detail: string };

/** A login's outcome. */
export type LoginResult =
  | { readonly ok: true }
  | { readonly ok: false; readonly error: Exclude<LoginError, { kind: 'unavailable' }> };

/**
 * The II window as a popup beside the app rather than a tab over it; auth-client opens it
 * with `window.open`, so it keeps `window.opener` (reference §1.1).
 */
export const LOGIN_WINDOW_FEATURES = 'toolbar=0,location=0,menubar=0,width=500,height=720';

/**
 * The browser's client. Idle logout is off: auth-client's default reloads the page after
 * ten idle minutes (reference §1.6); the session ends when the delegation expires (after
 * auth-client's default 8 hours) or at log out.
 */
export const createBrowserInternetIdentityClient: CreateInternetIdentityClient = () =>
  AuthClient.create({ idleOptions: { disableIdle: true } });

/**
 * Opens II at `identityProvider` and settles once it answers or its window closes. Call it
 * straight from the click handler: `login()` opens the window before its first `await`, so
 * the browser still counts the click as the user's gesture and lets the popup through
 * (reference §7.13).
 */
export function logIn(
  client: InternetIdentityClient,
  identityProvider: string,
  options: Pick<AuthClientLoginOptions, 'windowOpenerFeatures' | 'maxTimeToLive'> = {},
): Promise<LoginResult> {
  return new Promise((resolvePromise) => {
    client
      .login({
        identityProvider,
        windowOpenerFeatures: LOGIN_WINDOW_FEATURES,
        ...options,
        onSuccess: () => resolvePromise({ ok: true }),
        onError: (reason) => resolvePromise({ ok: false, error: toLoginError(reason) }),
      })
      .catch((error: unknown) =>
        resolvePromise({ ok: false, error: { kind: 'failed', detail: messageOf(error) } }),
      );
  });
}

/** What to tell the user about a login that did not happen; they stay on the guest key. */
export function describeLoginError(error: LoginError): string {
  switch (error.kind) {
    case 'interrupted':
      return 'The Internet Identity window was closed before you logged in. You are still using the guest key.';
    case 'failed':
      return 'Internet Identity could not log you in. You are still using the guest key.';
    case 'unavailable':
      return 'This browser cannot keep an Internet Identity session (its storage may be blocked), so you are using the guest key.';
  }
}

/** The technical detail worth showing under the message, if any. */
export function detailOfLoginError(error: LoginError): string | undefined {
  return 'detail' in error && error.detail !== '' ? error.detail : undefined;
}

/** The unavailable-client error for whatever creating the client threw. */
export function unavailableError(error: unknown): LoginError {
  return { kind: 'unavailable', detail: messageOf(error) };
}

function toLoginError(reason: string | undefined): Exclude<LoginError, { kind: 'unavailable' }> {
  return reason === ERROR_USER_INTERRUPT
    ? { kind: 'interrupted' }
    : { kind: 'failed', detail: reason ?? '' };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
