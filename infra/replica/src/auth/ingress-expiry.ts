import { IngressError, IngressErrorCode } from './errors.js';

/** How far ahead an ingress expiry may lie: MAX_INGRESS_TTL, 5 minutes (IC ic_limits). */
export const MAX_INGRESS_TTL_NS = 5n * 60n * 1_000_000_000n;
/** Extra tolerance for client clocks ahead of the replica: PERMITTED_DRIFT_AT_VALIDATOR, 30 s. */
export const PERMITTED_DRIFT_NS = 30n * 1_000_000_000n;

/**
 * Accepts `ingressExpiryNs` iff `now ≤ expiry ≤ now + 5 min + 30 s` (IC validator
 * `validate_ingress_expiry`; digest §2.3). The message keeps the IC's exact prefix
 * `Invalid request expiry: ` — agent 3.4.3 answers it by syncing its clock and resending.
 */
export function assertIngressExpiry(ingressExpiryNs: bigint, nowNs: bigint): void {
  const maxNs = nowNs + MAX_INGRESS_TTL_NS + PERMITTED_DRIFT_NS;
  if (nowNs <= ingressExpiryNs && ingressExpiryNs <= maxNs) {
    return;
  }
  throw new IngressError(
    'input',
    IngressErrorCode.EXPIRY,
    `Invalid request expiry: Specified ingress_expiry not within expected range: Minimum allowed expiry: ${formatTimeNs(nowNs)}, Maximum allowed expiry: ${formatTimeNs(maxNs)}, Provided expiry: ${formatTimeNs(ingressExpiryNs)}`,
    { ingressExpiryNs, nowNs },
  );
}

/** `2024-05-01 12:00:00.123456789 UTC`, the IC's `Time` display. */
export function formatTimeNs(timeNs: bigint): string {
  const seconds = timeNs / 1_000_000_000n;
  const nanos = (timeNs % 1_000_000_000n).toString().padStart(9, '0');
  const iso = new Date(Number(seconds) * 1000).toISOString(); // 2024-05-01T12:00:00.000Z
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}.${nanos} UTC`;
}
