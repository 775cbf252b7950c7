import { type HashTree, encodeCbor } from '@citadel/protocol';

/**
 * The `IC-Certificate` header value (HTTP gateway protocol spec "The `IC-Certificate`
 * header"): the canister's data certificate and the witness of the response, base64 between
 * colons; v2 adds the version and the expression path the response is certified under.
 */
export function certificateHeader(params: {
  readonly certificate: Uint8Array;
  readonly tree: HashTree;
  /** v2 only: `['http_expr', …segments, '<$>' | '<*>']`. */
  readonly expressionPath?: readonly string[];
}): string {
  const fields = [
    `certificate=:${base64(params.certificate)}:`,
    `tree=:${base64(encodeCbor(params.tree))}:`,
  ];
  if (params.expressionPath === undefined) {
    return fields.join(', ');
  }
  return [
    'version=2',
    ...fields,
    `expr_path=:${base64(encodeCbor([...params.expressionPath]))}:`,
  ].join(', ');
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Standard base64 with padding; canisters have no `Buffer` or `btoa` to lean on. */
export function base64(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const a = bytes[i] as number;
    const b = bytes[i + 1];
    const c = bytes[i + 2];
    const triple = (a << 16) | ((b ?? 0) << 8) | (c ?? 0);
    out += ALPHABET[(triple >> 18) & 63];
    out += ALPHABET[(triple >> 12) & 63];
    out += b === undefined ? '=' : ALPHABET[(triple >> 6) & 63];
    out += c === undefined ? '=' : ALPHABET[triple & 63];
  }
  return out;
}
