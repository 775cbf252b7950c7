import { ERROR_USER_INTERRUPT, type AuthClientLoginOptions } from '@dfinity/auth-client';
import { describe, expect, it, vi } from 'vitest';
import {
  describeLoginError,
  detailOfLoginError,
  LOGIN_WINDOW_FEATURES,
  logIn,
  unavailableError,
  type InternetIdentityClient,
} from './internet-identity';

const II_URL = 'http://rdmx6-jaaaa-aaaaa-aaadq-cai.localhost:4943/';

/** A client whose `login` answers through `answer`, as auth-client calls back. */
function clientAnswering(answer: (options: AuthClientLoginOptions) => void) {
  const login = vi.fn(async (options?: AuthClientLoginOptions) => answer(options ?? {}));
  const client: InternetIdentityClient = {
    login,
    logout: vi.fn(),
    isAuthenticated: vi.fn(),
    getIdentity: vi.fn(),
  };
  return { client, login };
}

describe('logIn', () => {
  it('opens the given II in a popup, and succeeds when II answers', async () => {
    const { client, login } = clientAnswering((options) => void options.onSuccess?.({} as never));
    expect(await logIn(client, II_URL)).toEqual({ ok: true });
    expect(login).toHaveBeenCalledWith(
      expect.objectContaining({
        identityProvider: II_URL,
        windowOpenerFeatures: LOGIN_WINDOW_FEATURES,
      }),
    );
  });

  it('calls login() before it returns, so the popup opens within the click', () => {
    const { client, login } = clientAnswering(() => undefined);
    void logIn(client, II_URL);
    expect(login).toHaveBeenCalledTimes(1);
  });

  it('fails as interrupted when the II window is closed', async () => {
    const { client } = clientAnswering((options) => void options.onError?.(ERROR_USER_INTERRUPT));
    expect(await logIn(client, II_URL)).toEqual({ ok: false, error: { kind: 'interrupted' } });
  });

  it('fails with II’s text when II refuses', async () => {
    const { client } = clientAnswering((options) => void options.onError?.('Invalid request'));
    expect(await logIn(client, II_URL)).toEqual({
      ok: false,
      error: { kind: 'failed', detail: 'Invalid request' },
    });
  });

  it('fails when login() itself throws', async () => {
    const { client } = clientAnswering(() => {
      throw new TypeError('Invalid URL');
    });
    expect(await logIn(client, 'not a url')).toEqual({
      ok: false,
      error: { kind: 'failed', detail: 'Invalid URL' },
    });
  });
});

describe('describeLoginError', () => {
  it('tells the user they stay on the guest key, whatever went wrong', () => {
    for (const error of [
      { kind: 'interrupted' } as const,
      { kind: 'failed', detail: 'x' } as const,
      unavailableError(new Error('blocked')),
    ]) {
      expect(describeLoginError(error)).toMatch(/guest key/);
    }
  });

  it('keeps the detail of failures, and none for a closed window', () => {
    expect(detailOfLoginError({ kind: 'failed', detail: 'Invalid request' })).toBe(
      'Invalid request',
    );
    expect(detailOfLoginError({ kind: 'failed', detail: '' })).toBeUndefined();
    expect(detailOfLoginError({ kind: 'interrupted' })).toBeUndefined();
    expect(detailOfLoginError(unavailableError('no IndexedDB'))).toBe('no IndexedDB');
  });
});
