/** A stand-in for the II window and its opener, for the authorize channel's tests. */
import { vi, type Mock } from 'vitest';
import type { AuthorizeWindow, OpenerWindow } from '../lib/authorize-channel';

/** The II page's origin in tests. */
export const II_ORIGIN = 'http://rdmx6-jaaaa-aaaaa-aaadq-cai.localhost:4943';
/** The dApp's origin in tests. */
export const DAPP_ORIGIN = 'http://uxrrr-q7777-77774-qaaaq-cai.localhost:4943';

/** A window whose opener records what it was sent, and that can receive messages. */
export interface FakeAuthorizeWindow extends AuthorizeWindow {
  readonly opener: (OpenerWindow & { postMessage: Mock<OpenerWindow['postMessage']> }) | null;
  /** Delivers a message as if posted from `origin`. */
  receive(data: unknown, origin: string): void;
  /** How many message listeners are registered. */
  listenerCount(): number;
}

/** A fake II window; `opener: false` gives one without an opener. */
export function createFakeWindow({
  opener = true,
  historyLength = 1,
}: { opener?: boolean; historyLength?: number } = {}): FakeAuthorizeWindow {
  const listeners = new Set<(event: MessageEvent) => void>();
  return {
    opener: opener ? { postMessage: vi.fn<OpenerWindow['postMessage']>() } : null,
    location: { origin: II_ORIGIN },
    history: { length: historyLength },
    addEventListener: (_type, listener) => void listeners.add(listener),
    removeEventListener: (_type, listener) => void listeners.delete(listener),
    receive(data, origin) {
      const event = new MessageEvent('message', { data, origin });
      for (const listener of [...listeners]) {
        listener(event);
      }
    },
    listenerCount: () => listeners.size,
  };
}
