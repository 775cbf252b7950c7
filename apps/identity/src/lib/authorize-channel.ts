/**
 * The II window's side of the client authentication protocol (§1.2, §1.3): tell the opener
 * we are ready, wait for its request, and answer it at the origin it came from.
 */
import {
  AUTHORIZE_READY,
  createFailureMessage,
  isIgnoredMessageOrigin,
  parseAuthorizeRequest,
  type AuthorizeRequest,
  type AuthorizeSuccessMessage,
} from './authorize-protocol';

/** How long II waits for the request after announcing itself: 10 s, as the reference II. */
export const REQUEST_TIMEOUT_MS = 10_000;

/** The window that opened II: the dApp's. */
export interface OpenerWindow {
  postMessage(message: unknown, targetOrigin: string): void;
}

/** The parts of `window` the channel uses. */
export interface AuthorizeWindow {
  readonly opener: OpenerWindow | null;
  readonly location: { readonly origin: string };
  readonly history: { readonly length: number };
  addEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
  removeEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
}

/** Answers the dApp's request; both post to the request's origin only. */
export interface AuthorizeReply {
  succeed(message: AuthorizeSuccessMessage): void;
  /** Posts `authorize-client-failure` with `text` (pitfall 7.11: never without an origin). */
  fail(text: string): void;
}

/** How waiting for the request ended. */
export type AuthorizeChannelOutcome =
  /**
   * No opener: the page was opened directly (`orphan`, it has history) or the opener is gone
   * or was cut off by `noopener` / `Cross-Origin-Opener-Policy` (`closed`).
   */
  | { readonly status: 'no-opener'; readonly reason: 'orphan' | 'closed' }
  /** No request within the timeout; nobody can be answered. */
  | { readonly status: 'timeout' }
  /** The first message was not a valid request; the reference II answers nothing (§1.3). */
  | { readonly status: 'invalid'; readonly origin: string; readonly problem: string }
  | {
      readonly status: 'request';
      /** The dApp's origin (`event.origin`): where answers go, and the default frontend. */
      readonly origin: string;
      readonly request: AuthorizeRequest;
      readonly reply: AuthorizeReply;
    };

/** What {@link waitForAuthorizeRequest} takes. */
export interface WaitForAuthorizeRequestParams {
  readonly window: AuthorizeWindow;
  /** @default REQUEST_TIMEOUT_MS */
  readonly timeoutMs?: number;
  /** Stops listening; the promise then rejects with the signal's reason. */
  readonly signal?: AbortSignal;
}

/**
 * Posts `authorize-ready` to the opener (to `'*'`: II cannot know the opener's origin) and
 * resolves with the first message from another origin, validated. Messages from the page's
 * own origin are ignored.
 */
export function waitForAuthorizeRequest({
  window,
  timeoutMs = REQUEST_TIMEOUT_MS,
  signal,
}: WaitForAuthorizeRequestParams): Promise<AuthorizeChannelOutcome> {
  const opener = window.opener;
  if (opener === null) {
    return Promise.resolve({
      status: 'no-opener',
      reason: window.history.length > 1 ? 'orphan' : 'closed',
    });
  }
  return new Promise((resolve, reject) => {
    if (signal?.aborted === true) {
      reject(signal.reason);
      return;
    }
    const onMessage = (event: MessageEvent) => {
      if (isIgnoredMessageOrigin(event.origin, window.location.origin)) {
        return;
      }
      stop();
      const { origin } = event;
      const parsed = parseAuthorizeRequest(event.data);
      if (!parsed.ok) {
        resolve({ status: 'invalid', origin, problem: parsed.problem });
        return;
      }
      resolve({
        status: 'request',
        origin,
        request: parsed.request,
        reply: {
          succeed: (message) => opener.postMessage(message, origin),
          fail: (text) => opener.postMessage(createFailureMessage(text), origin),
        },
      });
    };
    const onAbort = () => {
      stop();
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort);
    window.addEventListener('message', onMessage);
    const timer = setTimeout(() => {
      stop();
      resolve({ status: 'timeout' });
    }, timeoutMs);
    // Only ever called from the handlers above, once everything it clears exists.
    function stop() {
      clearTimeout(timer);
      window.removeEventListener('message', onMessage);
      signal?.removeEventListener('abort', onAbort);
    }
    opener.postMessage(AUTHORIZE_READY, '*');
  });
}
