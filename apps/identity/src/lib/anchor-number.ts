/** Anchors (identity numbers) as the user types them: decimal text ↔ `bigint` (Candid `nat64`). */

/** The largest `nat64`. */
const MAX_NAT64 = 2n ** 64n - 1n;

/** An anchor read from text, or why it is not one. */
export type AnchorNumberResult =
  | { readonly ok: true; readonly anchor: bigint }
  | { readonly ok: false; readonly problem: 'empty' | 'not-a-number' | 'too-large' };

/**
 * Reads an anchor typed by the user: decimal digits, surrounding blanks and digit-group
 * spaces allowed (`10 000`).
 */
export function parseAnchorNumber(input: string): AnchorNumberResult {
  const digits = input.trim().replace(/[\s_]/g, '');
  if (digits === '') {
    return { ok: false, problem: 'empty' };
  }
  if (!/^\d+$/.test(digits)) {
    return { ok: false, problem: 'not-a-number' };
  }
  const anchor = BigInt(digits);
  return anchor > MAX_NAT64 ? { ok: false, problem: 'too-large' } : { ok: true, anchor };
}

/** What to tell the user about a rejected anchor. */
export function describeAnchorProblem(
  problem: Extract<AnchorNumberResult, { ok: false }>['problem'],
): string {
  switch (problem) {
    case 'empty':
      return 'Enter your identity number.';
    case 'not-a-number':
      return 'An identity number has digits only.';
    case 'too-large':
      return 'That number is too large to be an identity number.';
  }
}
