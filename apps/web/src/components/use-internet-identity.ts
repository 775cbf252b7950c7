'use client';

import { useCallback, useEffect, useRef, useState } from 'react';
import type { AppUser } from '../lib/app-user';
import {
  logIn as logInWithClient,
  unavailableError,
  type CreateInternetIdentityClient,
  type InternetIdentityClient,
  type LoginError,
} from '../lib/internet-identity';

/** Who the user is, and logging in and out of Internet Identity. */
export interface InternetIdentityAuth {
  /** Who calls are signed as; undefined while a kept session is being restored. */
  readonly user: AppUser | undefined;
  /** A login (the II window is open) or a logout under way. */
  readonly busy: 'logging-in' | 'logging-out' | undefined;
  /** Why the last login did not happen, until the next attempt or a dismissal. */
  readonly error: LoginError | undefined;
  /** Opens II at `identityProvider`; call it straight from a click handler. */
  readonly logIn: (identityProvider: string) => void;
  readonly logOut: () => void;
  readonly dismissError: () => void;
}

interface AuthState {
  readonly user: AppUser | undefined;
  readonly busy: InternetIdentityAuth['busy'];
  readonly error: LoginError | undefined;
}

/**
 * The session kept by an Internet Identity client from `create`: restored once `enabled`,
 * the guest key otherwise. Each change of user is a new {@link AppUser} object, so whoever
 * connects with it connects again; a failed login keeps the very same guest object.
 */
export function useInternetIdentity(
  create: CreateInternetIdentityClient,
  enabled: boolean,
): InternetIdentityAuth {
  const [state, setState] = useState<AuthState>({
    user: undefined,
    busy: undefined,
    error: undefined,
  });
  const client = useRef<InternetIdentityClient | undefined>(undefined);
  // Why there is no client, shown only when the user tries to log in.
  const clientProblem = useRef<LoginError | undefined>(undefined);
  // One client per mount: StrictMode runs effects twice, and two clients would each store a
  // session key of their own, leaving the kept delegation beside the wrong key.
  const restoring = useRef<Promise<InternetIdentityClient> | undefined>(undefined);
  // Only the latest login counts: a second click reopens the II window, and the first
  // attempt's answer, if any, is stale.
  const loginAttempt = useRef(0);

  useEffect(() => {
    if (!enabled) {
      return undefined;
    }
    let current = true;
    restoring.current ??= create();
    restoring.current
      .then(async (created) => {
        const signedIn = await created.isAuthenticated();
        if (current) {
          client.current = created;
          setState({
            user: signedIn ? iiUser(created) : guestUser(),
            busy: undefined,
            error: undefined,
          });
        }
      })
      .catch((error: unknown) => {
        if (current) {
          clientProblem.current = unavailableError(error);
          setState({ user: guestUser(), busy: undefined, error: undefined });
        }
      });
    return () => {
      current = false;
    };
  }, [create, enabled]);

  const logIn = useCallback((identityProvider: string) => {
    const active = client.current;
    if (active === undefined) {
      setState((previous) => ({ ...previous, error: clientProblem.current }));
      return;
    }
    const attempt = ++loginAttempt.current;
    setState((previous) => ({ ...previous, busy: 'logging-in', error: undefined }));
    void logInWithClient(active, identityProvider).then((result) => {
      if (attempt !== loginAttempt.current || client.current !== active) {
        return;
      }
      setState((previous) =>
        result.ok
          ? { user: iiUser(active), busy: undefined, error: undefined }
          : { ...previous, busy: undefined, error: result.error },
      );
    });
  }, []);

  const logOut = useCallback(() => {
    const active = client.current;
    if (active === undefined) {
      return;
    }
    setState((previous) => ({ ...previous, busy: 'logging-out', error: undefined }));
    void (async () => {
      try {
        await active.logout();
        // logout() keeps the old session key in memory while deleting it from storage, so
        // the next login would store a delegation for a key that no longer exists: start
        // over with a new client (reference §7.14).
        client.current = undefined;
        client.current = await create();
      } catch (error) {
        clientProblem.current = unavailableError(error);
      }
      setState({ user: guestUser(), busy: undefined, error: undefined });
    })();
  }, [create]);

  const dismissError = useCallback(
    () => setState((previous) => ({ ...previous, error: undefined })),
    [],
  );

  return { ...state, logIn, logOut, dismissError };
}

function guestUser(): AppUser {
  return { kind: 'guest' };
}

function iiUser(client: InternetIdentityClient): AppUser {
  return { kind: 'internet-identity', identity: client.getIdentity() };
}
