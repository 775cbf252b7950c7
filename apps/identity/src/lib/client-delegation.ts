/**
 * The delegation II hands a dApp (§1.2 message 3, §4.4): the canister prepares and certifies
 * a signature from the user's key for this frontend to the dApp's session key, then the
 * frontend fetches it with a query and wraps it in the success message.
 */
import { createSuccessMessage, type AuthorizeSuccessMessage } from './authorize-protocol';
import { equalBytes } from './bytes';
import { fetchSignedDelegation } from './delegation-retrieval';
import { IdentityError } from './identity-error';
import type { IiCalls } from './ii-actor';

/** What {@link issueClientDelegation} takes. */
export interface IssueClientDelegationParams {
  /** The II canister, signed in as a device of `anchor`. */
  readonly ii: Pick<IiCalls, 'prepare_delegation' | 'get_delegation'>;
  readonly anchor: bigint;
  /** The origin the principal is derived for (see `derivation-origin.ts`). */
  readonly frontendOrigin: string;
  /** The dApp's session key, exactly as received: the canister signs over these bytes (§7.6). */
  readonly sessionPublicKey: Uint8Array;
  /** The session length the dApp asked for, in ns; the canister caps it at 30 days. */
  readonly maxTimeToLive: bigint | undefined;
  /** Passed to `fetchSignedDelegation`. */
  readonly delaysMs?: readonly number[];
  readonly sleep?: (ms: number) => Promise<void>;
}

/**
 * `prepare_delegation`, then `get_delegation` with the same origin, key and expiration
 * (retried), as the success message for the dApp.
 * @throws IdentityError (`no-delegation`) when the canister never hands the signature out,
 *   or hands out one for another key or expiration
 */
export async function issueClientDelegation({
  ii,
  anchor,
  frontendOrigin,
  sessionPublicKey,
  maxTimeToLive,
  delaysMs,
  sleep,
}: IssueClientDelegationParams): Promise<AuthorizeSuccessMessage> {
  const [userPublicKey, expiration] = await ii.prepare_delegation(
    anchor,
    frontendOrigin,
    sessionPublicKey,
    maxTimeToLive === undefined ? [] : [maxTimeToLive],
  );
  const signed = await fetchSignedDelegation({
    getDelegation: () => ii.get_delegation(anchor, frontendOrigin, sessionPublicKey, expiration),
    ...(delaysMs === undefined ? {} : { delaysMs }),
    ...(sleep === undefined ? {} : { sleep }),
  });
  const { delegation } = signed;
  // The dApp will present this delegation as signed over exactly these fields (§7.6).
  if (!equalBytes(delegation.pubkey, sessionPublicKey) || delegation.expiration !== expiration) {
    throw new IdentityError({ kind: 'no-delegation' });
  }
  return createSuccessMessage({
    pubkey: delegation.pubkey,
    expiration: delegation.expiration,
    signature: signed.signature,
    userPublicKey,
  });
}
