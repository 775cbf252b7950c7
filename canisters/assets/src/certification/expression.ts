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

/**
 * The expression of a range response (`206`, one chunk of a large asset): the request is
 * certified too, with its `Range` header when `certifiesRange` (every chunk but the first,
 * which a gateway asks for without one), as DFINITY's ic-asset-certification does.
 */
export function rangeExpression(certifiesRange: boolean, headers: readonly string[]): string {
  const requestHeaders = certifiesRange ? '"range"' : '';
  const names = ['content-type', ...headers].map((name) => JSON.stringify(name)).join(', ');
  return `default_certification(ValidationArgs{certification: Certification{request_certification: RequestCertification{certified_request_headers: [${requestHeaders}], certified_query_parameters: []}, response_certification: ResponseCertification{certified_response_headers: ResponseHeaderList{headers: [${names}]}}}})`;
}
