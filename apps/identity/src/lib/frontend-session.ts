/**
 * How the II frontend signs its own calls (§4.7): one passkey assertion delegates, for ten
 * minutes and to the II canister only, to a fresh session key that signs every call after
 * it, read_state polls included. The canister sees the passkey's principal as the caller.
 */
import type { SignIdentity } from '@dfinity/agent';
import { DelegationChain, DelegationIdentity, ECDSAKeyIdentity } from '@dfinity/identity';
import { Principal } from '@dfinity/principal';

/** How long the frontend's own session lasts: 10 minutes, as the reference II's (§5.3). */
export const FRONTEND_SESSION_TTL_MS = 10 * 60 * 1000;

/** What {@link createFrontendSession} takes. */
export interface FrontendSessionParams {
  /** The passkey identity; it signs the delegation (one WebAuthn assertion). */
  readonly passkey: SignIdentity;
  /** The II canister: the only target of the delegation. */
  readonly iiCanisterId: string;
  /** @default Date.now */
  readonly nowMs?: () => number;
  /** @default a non-extractable ECDSA P-256 key (`ECDSAKeyIdentity.generate`) */
  readonly generateSessionKey?: () => Promise<SignIdentity>;
}

/** An identity that signs as the passkey's principal, through a fresh session key. */
export async function createFrontendSession({
  passkey,
  iiCanisterId,
  nowMs = Date.now,
  generateSessionKey = () => ECDSAKeyIdentity.generate({ extractable: false }),
}: FrontendSessionParams): Promise<DelegationIdentity> {
  const sessionKey = await generateSessionKey();
  const chain = await DelegationChain.create(
    passkey,
    sessionKey.getPublicKey(),
    new Date(nowMs() + FRONTEND_SESSION_TTL_MS),
    { targets: [Principal.fromText(iiCanisterId)] },
  );
  return DelegationIdentity.fromDelegation(sessionKey, chain);
}
