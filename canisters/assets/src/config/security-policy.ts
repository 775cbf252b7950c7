import type { HeaderField, SecurityPolicy } from './types.js';

/**
 * The headers `security_policy: "standard"` and `"hardened"` add, with the values dfx uses
 * (ic-asset `security_policy.rs`), so that a site deployed by either tool serves the same bytes.
 */
export const SECURITY_POLICY_HEADERS: readonly HeaderField[] = Object.freeze([
  [
    'Content-Security-Policy',
    "default-src 'self';script-src 'self';connect-src 'self' http://localhost:* https://icp0.io https://*.icp0.io https://icp-api.io;img-src 'self' data:;style-src * 'unsafe-inline';style-src-elem * 'unsafe-inline';font-src *;object-src 'none';base-uri 'self';frame-ancestors 'none';form-action 'self';upgrade-insecure-requests;",
  ],
  [
    'Permissions-Policy',
    [
      'accelerometer',
      'ambient-light-sensor',
      'autoplay',
      'battery',
      'camera',
      'cross-origin-isolated',
      'display-capture',
      'document-domain',
      'encrypted-media',
      'execution-while-not-rendered',
      'execution-while-out-of-viewport',
      'fullscreen',
      'geolocation',
      'gyroscope',
      'keyboard-map',
      'magnetometer',
      'microphone',
      'midi',
      'navigation-override',
      'payment',
      'picture-in-picture',
      'publickey-credentials-get',
      'screen-wake-lock',
      'sync-xhr',
      'usb',
      'web-share',
      'xr-spatial-tracking',
      'clipboard-read',
      'clipboard-write',
      'gamepad',
      'speaker-selection',
      'conversion-measurement',
      'focus-without-user-activation',
      'hid',
      'idle-detection',
      'interest-cohort',
      'serial',
      'sync-script',
      'trust-token-redemption',
      'window-placement',
      'vertical-scroll',
    ]
      .map((feature) => `${feature}=()`)
      .join(', '),
  ],
  ['X-Frame-Options', 'DENY'],
  ['Referrer-Policy', 'same-origin'],
  ['Strict-Transport-Security', 'max-age=31536000; includeSubDomains'],
  ['X-Content-Type-Options', 'nosniff'],
  ['X-XSS-Protection', '1; mode=block'],
] as const);

/** The headers a policy adds. */
export function securityPolicyHeaders(policy: SecurityPolicy): readonly HeaderField[] {
  return policy === 'disabled' ? [] : SECURITY_POLICY_HEADERS;
}
