/** Who the app signs its calls as: the guest key, or the user's Internet Identity. */
import type { Identity } from '@dfinity/agent';
import { getGuestIdentity } from './identity';

/** The signed-in user, or the guest. */
export type AppUser =
  /** This browser's own key (`identity.ts`): works without logging in. */
  | { readonly kind: 'guest' }
  /** Logged in with II: a `DelegationIdentity` for the user's principal at this origin. */
  | { readonly kind: 'internet-identity'; readonly identity: Identity };

/** The identity `user`'s calls are signed with. */
export async function identityOf(user: AppUser): Promise<Identity> {
  return user.kind === 'internet-identity' ? user.identity : getGuestIdentity();
}
