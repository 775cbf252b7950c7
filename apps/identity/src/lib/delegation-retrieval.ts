/**
 * Fetching the signed delegation after `prepare_delegation`. The signature is certified by
 * the update call, but a query can reach a replica that has not caught up yet, so the
 * reference II asks again after 1, 2, 3 and 4 seconds (§4.4).
 */
import { IdentityError } from './identity-error';
import type { WireGetDelegationResponse, WireSignedDelegation } from './ii-idl';

/** The waits before each `get_delegation` attempt, in ms: five attempts over 10 s. */
export const GET_DELEGATION_DELAYS_MS: readonly number[] = Object.freeze([
  0, 1000, 2000, 3000, 4000,
]);

/** What {@link fetchSignedDelegation} takes. */
export interface FetchSignedDelegationParams {
  /** One `get_delegation` query with the prepared arguments. */
  readonly getDelegation: () => Promise<WireGetDelegationResponse>;
  /** @default GET_DELEGATION_DELAYS_MS */
  readonly delaysMs?: readonly number[];
  /** @default a `setTimeout` promise */
  readonly sleep?: (ms: number) => Promise<void>;
}

/**
 * Asks until the canister answers with a signed delegation, waiting `delaysMs[i]` before
 * attempt `i`. A `no_such_delegation` answer is retried; a failed call is not.
 * @throws IdentityError (`no-delegation`) when every attempt answered `no_such_delegation`
 */
export async function fetchSignedDelegation({
  getDelegation,
  delaysMs = GET_DELEGATION_DELAYS_MS,
  sleep = defaultSleep,
}: FetchSignedDelegationParams): Promise<WireSignedDelegation> {
  for (const delayMs of delaysMs) {
    if (delayMs > 0) {
      await sleep(delayMs);
    }
    const response = await getDelegation();
    if ('signed_delegation' in response) {
      return response.signed_delegation;
    }
  }
  throw new IdentityError({ kind: 'no-delegation' });
}

function defaultSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
