/** Showing principals to people. */

/** Principals no longer than this are shown whole. */
const SHORT_ENOUGH_CHARS = 16;

/**
 * `text` shortened to its first five and last three characters, the way IC wallets show
 * principals.
 * @example
 * shortenPrincipal('uxrrr-q7777-77774-qaaaq-cai') // 'uxrrr…cai'
 */
export function shortenPrincipal(text: string): string {
  return text.length <= SHORT_ENOUGH_CHARS ? text : `${text.slice(0, 5)}…${text.slice(-3)}`;
}
