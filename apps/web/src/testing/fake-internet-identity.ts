/**
 * A stand-in for auth-client's `AuthClient`, for component tests: no window opens; the test
 * ends each login as II would, with {@link FakeInternetIdentityClient.finishLogin}.
 */
import { AnonymousIdentity, type Identity } from '@dfinity/agent';
import type { AuthClientLoginOptions } from '@dfinity/auth-client';
import { Ed25519KeyIdentity } from '@dfinity/identity';
import { vi, type Mock } from 'vitest';
import type {
  CreateInternetIdentityClient,
  InternetIdentityClient,
} from '../lib/internet-identity';

/** The identity the fake II logs in as: a fixed key, so a self-authenticating principal. */
const II_IDENTITY = Ed25519KeyIdentity.generate(new Uint8Array(32).fill(7));

/** The user's principal at this app once logged in with the fake II. */
export const II_PRINCIPAL = II_IDENTITY.getPrincipal().toText();

/** A fake client: `login` and `logout` are mocks; the test ends a login itself. */
export interface FakeInternetIdentityClient extends InternetIdentityClient {
  readonly login: Mock<InternetIdentityClient['login']>;
  readonly logout: Mock<InternetIdentityClient['logout']>;
  /**
   * Ends the latest login as II would: success (the client then holds the II identity), or
   * auth-client's error text (`'UserInterrupt'` for a closed window).
   */
  finishLogin(
    outcome: { readonly ok: true } | { readonly ok: false; readonly reason: string },
  ): void;
}

/** A {@link CreateInternetIdentityClient} that records the clients it made. */
export interface FakeInternetIdentity {
  readonly create: Mock<CreateInternetIdentityClient>;
  readonly clients: FakeInternetIdentityClient[];
}

/**
 * Fake II clients. The first one restores a session (as {@link II_PRINCIPAL}) when
 * `restored`; every later one (after a logout) starts logged out, as auth-client's does.
 */
export function createFakeInternetIdentity(
  options: { readonly restored?: boolean } = {},
): FakeInternetIdentity {
  const clients: FakeInternetIdentityClient[] = [];
  const create = vi.fn<CreateInternetIdentityClient>(async () => {
    const client = makeClient(clients.length === 0 && options.restored === true);
    clients.push(client);
    return client;
  });
  return { create, clients };
}

function makeClient(restored: boolean): FakeInternetIdentityClient {
  let identity: Identity = restored ? II_IDENTITY : new AnonymousIdentity();
  let pending: AuthClientLoginOptions | undefined;
  return {
    isAuthenticated: async () => !identity.getPrincipal().isAnonymous(),
    getIdentity: () => identity,
    login: vi.fn(async (loginOptions?: AuthClientLoginOptions) => {
      pending = loginOptions;
    }),
    logout: vi.fn(async () => {
      identity = new AnonymousIdentity();
    }),
    finishLogin(outcome) {
      if (pending === undefined) {
        throw new Error('finishLogin() needs a login() first');
      }
      const { onSuccess, onError } = pending;
      pending = undefined;
      if (outcome.ok) {
        identity = II_IDENTITY;
        void (onSuccess as (() => void) | undefined)?.();
      } else {
        void onError?.(outcome.reason);
      }
    },
  };
}
