export { decodeCbor, CBOR_DEFAULT_MAX_DEPTH } from './decode.js';
export type { DecodeCborOptions } from './decode.js';
export { encodeCbor } from './encode.js';
export type { EncodeCborOptions } from './encode.js';
export { CborErrorCode } from './errors.js';
export { CBOR_SELF_DESCRIBE_TAG, CborTag, isCborMap } from './types.js';
export type { CborMap, CborTagged, CborValue } from './types.js';
