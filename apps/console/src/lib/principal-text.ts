/** Principals (canister ids, owners, controllers) as text, checked and shortened for display. */
import { Principal } from '@dfinity/principal';

/** Whether `text` is a principal in its canonical text form. */
export function isPrincipalText(text: string): boolean {
  try {
    return Principal.fromText(text).toText() === text;
  } catch {
    return false;
  }
}

/**
 * `principal` with its middle left out, for places that have no room for the whole: the first
 * group and the last, which is how people compare ids at a glance. Short ids stay whole.
 * @example
 * shortenPrincipal('2vxsx-fae') // '2vxsx-fae'
 * shortenPrincipal('rrkah-fqaaa-aaaaa-aaaaq-cai') // 'rrkah…q-cai'
 */
export function shortenPrincipal(principal: string): string {
  const groups = principal.split('-');
  if (groups.length <= 3) {
    return principal;
  }
  const first = groups[0] ?? '';
  const tail = principal.slice(-5);
  return `${first}…${tail}`;
}
