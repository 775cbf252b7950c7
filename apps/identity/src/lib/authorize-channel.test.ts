import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createFakeWindow, DAPP_ORIGIN, II_ORIGIN } from '../testing/fake-window';
import { REQUEST_TIMEOUT_MS, waitForAuthorizeRequest } from './authorize-channel';
import { createSuccessMessage } from './authorize-protocol';

const SESSION_KEY = Uint8Array.of(0x30, 0x59, 1, 2, 3);
const REQUEST = { kind: 'authorize-client', sessionPublicKey: SESSION_KEY, maxTimeToLive: 5n };

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

describe('waitForAuthorizeRequest', () => {
  it('posts authorize-ready to the opener at any origin, then resolves with the request', async () => {
    const window = createFakeWindow();
    const outcome = waitForAuthorizeRequest({ window });
    expect(window.opener?.postMessage).toHaveBeenCalledExactlyOnceWith(
      { kind: 'authorize-ready' },
      '*',
    );
    window.receive(REQUEST, DAPP_ORIGIN);
    await expect(outcome).resolves.toMatchObject({
      status: 'request',
      origin: DAPP_ORIGIN,
      request: { sessionPublicKey: SESSION_KEY, maxTimeToLive: 5n },
    });
    expect(window.listenerCount()).toBe(0);
  });

  it('ignores messages from its own origin and keeps waiting', async () => {
    const window = createFakeWindow();
    const outcome = waitForAuthorizeRequest({ window });
    window.receive({ kind: 'extension-noise' }, II_ORIGIN);
    window.receive(REQUEST, II_ORIGIN);
    expect(window.listenerCount()).toBe(1);
    window.receive(REQUEST, DAPP_ORIGIN);
    await expect(outcome).resolves.toMatchObject({ status: 'request', origin: DAPP_ORIGIN });
  });

  it('answers success and failure at the origin the request came from, never at *', async () => {
    const window = createFakeWindow();
    const outcome = waitForAuthorizeRequest({ window });
    window.receive(REQUEST, DAPP_ORIGIN);
    const result = await outcome;
    if (result.status !== 'request') {
      throw new Error(`expected a request, got ${result.status}`);
    }
    const success = createSuccessMessage({
      pubkey: SESSION_KEY,
      expiration: 1n,
      signature: Uint8Array.of(1),
      userPublicKey: Uint8Array.of(2),
    });
    result.reply.succeed(success);
    result.reply.fail('UserInterrupt');
    expect(window.opener?.postMessage.mock.calls.slice(1)).toEqual([
      [success, DAPP_ORIGIN],
      [{ kind: 'authorize-client-failure', text: 'UserInterrupt' }, DAPP_ORIGIN],
    ]);
  });

  it('reports a malformed request without answering it, and stops listening', async () => {
    const window = createFakeWindow();
    const outcome = waitForAuthorizeRequest({ window });
    window.receive({ kind: 'authorize-client', sessionPublicKey: 'abc' }, DAPP_ORIGIN);
    await expect(outcome).resolves.toEqual({
      status: 'invalid',
      origin: DAPP_ORIGIN,
      problem: 'sessionPublicKey is "abc", not a Uint8Array',
    });
    expect(window.opener?.postMessage).toHaveBeenCalledTimes(1);
    expect(window.listenerCount()).toBe(0);
  });

  it(`times out when no request comes within ${REQUEST_TIMEOUT_MS} ms`, async () => {
    const window = createFakeWindow();
    const outcome = waitForAuthorizeRequest({ window });
    await vi.advanceTimersByTimeAsync(REQUEST_TIMEOUT_MS - 1);
    window.receive(REQUEST, II_ORIGIN);
    await vi.advanceTimersByTimeAsync(1);
    await expect(outcome).resolves.toEqual({ status: 'timeout' });
    expect(window.listenerCount()).toBe(0);
  });

  it('reports an orphan page (opened directly, with history) and a closed opener', async () => {
    await expect(
      waitForAuthorizeRequest({ window: createFakeWindow({ opener: false, historyLength: 3 }) }),
    ).resolves.toEqual({ status: 'no-opener', reason: 'orphan' });
    await expect(
      waitForAuthorizeRequest({ window: createFakeWindow({ opener: false, historyLength: 1 }) }),
    ).resolves.toEqual({ status: 'no-opener', reason: 'closed' });
  });

  it('stops listening when aborted', async () => {
    const window = createFakeWindow();
    const controller = new AbortController();
    const outcome = waitForAuthorizeRequest({ window, signal: controller.signal });
    controller.abort(new Error('unmounted'));
    await expect(outcome).rejects.toThrow('unmounted');
    expect(window.listenerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(REQUEST_TIMEOUT_MS);
  });
});
