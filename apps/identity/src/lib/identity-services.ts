/**
 * Everything the components do that reaches outside React: the authorize channel, the
 * derivation-origin check, passkeys and the II canister, and the remembered anchors. The
 * components take an {@link IdentityServices} from context, so their tests hand them fakes;
 * {@link createBrowserServices} is the real one.
 */
import { createAnchorStore, type AnchorStore } from './anchor-storage';
import { waitForAuthorizeRequest, type AuthorizeChannelOutcome } from './authorize-channel';
import type { AuthorizeSuccessMessage } from './authorize-protocol';
import { issueClientDelegation } from './client-delegation';
import { resolveFrontendOrigin, type FrontendOriginResult } from './derivation-origin';
import { IdentityError } from './identity-error';
import type { IdentityConfig } from './identity-config';
import { createIiActor } from './ii-actor';
import { createPasskeyAuth, type IiSession, type PasskeyAuth } from './passkey-auth';

/** The request's part of a client delegation. */
export interface ClientDelegationRequest {
  readonly frontendOrigin: string;
  readonly sessionPublicKey: Uint8Array;
  readonly maxTimeToLive: bigint | undefined;
}

/** What the components need from the world. */
export interface IdentityServices extends PasskeyAuth {
  /** The anchors this browser signed in with. */
  readonly anchors: AnchorStore;
  /** Announces the page to its opener and waits for the dApp's request (§1). */
  waitForAuthorizeRequest(signal: AbortSignal): Promise<AuthorizeChannelOutcome>;
  /** The origin to derive the principal for (§5). */
  resolveFrontendOrigin(params: {
    readonly requestOrigin: string;
    readonly derivationOrigin: string | undefined;
  }): Promise<FrontendOriginResult>;
  /** The delegation for the dApp, signed by the canister for `session`'s anchor. */
  issueClientDelegation(
    session: IiSession,
    request: ClientDelegationRequest,
  ): Promise<AuthorizeSuccessMessage>;
}

/**
 * The services of a page in the browser: the agent on the page's own origin (its gateway
 * forwards `/api/*`), `navigator.credentials`, `window.opener`, `localStorage`. Call it in
 * the browser only; nothing here runs while Next.js prerenders.
 */
export function createBrowserServices(config: IdentityConfig): IdentityServices {
  const origin = window.location.origin;
  const auth = createPasskeyAuth({
    iiCanisterId: config.canisterId,
    origin,
    credentials: {
      get: (options) => webAuthn().get(options),
      create: (options) => webAuthn().create(options),
    },
    connect: (identity) =>
      createIiActor({ config, host: origin, ...(identity === undefined ? {} : { identity }) }),
  });
  return {
    ...auth,
    anchors: createAnchorStore(browserStorage()),
    waitForAuthorizeRequest: (signal) => waitForAuthorizeRequest({ window, signal }),
    resolveFrontendOrigin: (params) =>
      resolveFrontendOrigin({ ...params, iiUrl: window.location.href }),
    issueClientDelegation: ({ anchor, ii }, request) =>
      issueClientDelegation({ ii, anchor, ...request }),
  };
}

function webAuthn(): CredentialsContainer {
  // Browsers without WebAuthn, and pages that are not a secure context, have no
  // PublicKeyCredential (§7.2: http is fine on localhost and *.localhost only).
  if (typeof PublicKeyCredential === 'undefined' || navigator.credentials === undefined) {
    throw new IdentityError({
      kind: 'passkey-unsupported',
      detail: window.isSecureContext
        ? 'this browser has no WebAuthn'
        : 'the page is not a secure context',
    });
  }
  return navigator.credentials;
}

function browserStorage(): Storage | undefined {
  try {
    // Reading the property itself throws when the browser blocks storage for the page.
    return window.localStorage;
  } catch {
    return undefined;
  }
}
