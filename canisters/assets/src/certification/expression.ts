/**
 * The certificate expression the asset canister puts on every response
 * (`IC-CertificateExpression`): no request certification, and the response certified with
 * its status, body and the named headers. The text is hashed exactly as sent, so it is built
 * the way DFINITY's asset canister builds it, one fixed template.
 */

/** Name of the header that carries the expression (and is always certified itself). */
export const CERTIFICATE_EXPRESSION_HEADER = 'ic-certificateexpression';

/**
 * The expression certifying `content-type` plus `headers` (lowercase names, in the order they
 * are sent).
 */
export function responseExpression(headers: readonly string[]): string {
  const names = ['content-type', ...headers].map((name) => JSON.stringify(name)).join(', ');
  return `default_certification(ValidationArgs{certification: Certification{no_request_certification: Empty{}, response_certification: ResponseCertification{certified_response_headers: ResponseHeaderList{headers: [${names}]}}}})`;
}
