/**
 * {@link IdentityServices} for component tests: every method a `vi.fn`, with a dApp request
 * from {@link DAPP_ORIGIN} and flows that succeed by default; `overrides` replaces any method.
 */
import { vi, type Mock } from 'vitest';
import { createAnchorStore, type AnchorStore } from '../lib/anchor-storage';
import type { AuthorizeChannelOutcome, AuthorizeReply } from '../lib/authorize-channel';
import {
  createSuccessMessage,
  type AuthorizeRequest,
  type AuthorizeSuccessMessage,
} from '../lib/authorize-protocol';
import type { IiCalls } from '../lib/ii-actor';
import type { IdentityServices } from '../lib/identity-services';
import type { IiSession } from '../lib/passkey-auth';
import { DAPP_ORIGIN } from './fake-window';

type Methods = Omit<IdentityServices, 'anchors'>;

/** Fake services: the methods are mocks, the anchors a real store over no storage. */
export type FakeServices = { readonly [Method in keyof Methods]: Mock<Methods[Method]> } & {
  readonly anchors: AnchorStore;
};

/** The session key every fake request carries. */
export const SESSION_KEY = Uint8Array.from({ length: 91 }, (_, i) => i);

/** A session for `anchor`, with a canister nobody calls. */
export function makeSession(anchor: bigint): IiSession {
  return { anchor, ii: {} as IiCalls };
}

/** The success message the fake `issueClientDelegation` answers with. */
export const SUCCESS: AuthorizeSuccessMessage = createSuccessMessage({
  pubkey: SESSION_KEY,
  expiration: 1_767_225_600_000_000_000n,
  signature: Uint8Array.of(0xd9, 0xd9, 0xf7),
  userPublicKey: Uint8Array.of(0x30, 0x3c),
});

/** A dApp request as the channel resolves it, with a recording reply. */
export function makeRequestOutcome(request: Partial<AuthorizeRequest> = {}): {
  outcome: AuthorizeChannelOutcome;
  reply: { [Method in keyof AuthorizeReply]: Mock<AuthorizeReply[Method]> };
} {
  const reply = {
    succeed: vi.fn<AuthorizeReply['succeed']>(),
    fail: vi.fn<AuthorizeReply['fail']>(),
  };
  return {
    reply,
    outcome: {
      status: 'request',
      origin: DAPP_ORIGIN,
      request: {
        sessionPublicKey: SESSION_KEY,
        maxTimeToLive: 28_800_000_000_000n,
        derivationOrigin: undefined,
        allowPinAuthentication: undefined,
        autoSelectionPrincipal: undefined,
        ...request,
      },
      reply,
    },
  };
}

/**
 * Fake services remembering `rememberedAnchors`. By default the channel resolves
 * `outcome` (a plain request unless given), the frontend origin is the dApp's, signing in
 * works for any anchor, a new anchor is 10 042, and the delegation is {@link SUCCESS}.
 */
export function createFakeServices({
  rememberedAnchors = [],
  outcome = makeRequestOutcome().outcome,
  overrides = {},
}: {
  rememberedAnchors?: readonly bigint[];
  outcome?: AuthorizeChannelOutcome;
  overrides?: Partial<Methods>;
} = {}): FakeServices {
  const anchors = createAnchorStore(undefined);
  for (const anchor of [...rememberedAnchors].reverse()) {
    anchors.remember(anchor);
  }
  return {
    anchors,
    waitForAuthorizeRequest: vi.fn(overrides.waitForAuthorizeRequest ?? (async () => outcome)),
    resolveFrontendOrigin: vi.fn(
      overrides.resolveFrontendOrigin ??
        (async ({ requestOrigin }) => ({ ok: true, frontendOrigin: requestOrigin })),
    ),
    signIn: vi.fn(overrides.signIn ?? (async (anchor) => makeSession(anchor))),
    createAnchor: vi.fn(overrides.createAnchor ?? (async () => makeSession(10_042n))),
    addPasskey: vi.fn(overrides.addPasskey ?? (async () => undefined)),
    listDevices: vi.fn(overrides.listDevices ?? (async () => [])),
    issueClientDelegation: vi.fn(overrides.issueClientDelegation ?? (async () => SUCCESS)),
  };
}
