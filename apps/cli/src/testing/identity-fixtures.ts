/**
 * Key files written by OpenSSL 3.0 (and the dfx/ring form built from the same key), with the
 * SubjectPublicKeyInfo `openssl pkey -pubout -outform DER` printed for each and the principal
 * `Principal.selfAuthenticating` computes from it. Test keys only: never use them for anything.
 */

/** `openssl genpkey -algorithm ed25519`: PKCS#8 v1. */
export const OPENSSL_ED25519 = {
  pem: [
    '-----BEGIN PRIVATE KEY-----',
    'MC4CAQAwBQYDK2VwBCIEIHQHP502g7i+w88oJa8EcoMaSPC9b+stLAMWd/gTqU9z',
    '-----END PRIVATE KEY-----',
    '',
  ].join('\n'),
  seedHex: '74073f9d3683b8bec3cf2825af0472831a48f0bd6feb2d2c031677f813a94f73',
  spkiHex:
    '302a300506032b6570032100451fad8fcef39e82065ef18cb532e76e593163317d4f0250015f0cde2bef9141',
  principal: 'erzah-vzmu5-iybyn-p2kvr-3rtw2-mhi5l-eoomc-wujeq-tsi75-4ghdm-yqe',
} as const;

/** The same key as dfx (ring) writes it: PKCS#8 v2, the public key in an explicit `[1]`. */
export const DFX_ED25519_PEM = [
  '-----BEGIN PRIVATE KEY-----',
  'MFMCAQEwBQYDK2VwBCIEIHQHP502g7i+w88oJa8EcoMaSPC9b+stLAMWd/gTqU9z',
  'oSMDIQBFH62PzvOeggZe8Yy1MuduWTFjMX1PAlABXwzeK++RQQ==',
  '-----END PRIVATE KEY-----',
  '',
].join('\n');

/** The same key in RFC 5958's v2 form: the public key as `[1] IMPLICIT BIT STRING`. */
export const RFC5958_ED25519_PEM = [
  '-----BEGIN PRIVATE KEY-----',
  'MFECAQEwBQYDK2VwBCIEIHQHP502g7i+w88oJa8EcoMaSPC9b+stLAMWd/gTqU9z',
  'gSEARR+tj87znoIGXvGMtTLnblkxYzF9TwJQAV8M3ivvkUE=',
  '-----END PRIVATE KEY-----',
  '',
].join('\n');

/** `openssl ecparam -name secp256k1 -genkey`: EC PARAMETERS, then SEC1 (as dfx writes). */
export const OPENSSL_SECP256K1 = {
  pem: [
    '-----BEGIN EC PARAMETERS-----',
    'BgUrgQQACg==',
    '-----END EC PARAMETERS-----',
    '-----BEGIN EC PRIVATE KEY-----',
    'MHQCAQEEIOff6p1aSF5t5RonbZDQBq+grvr6ekKtA9n440faiJjgoAcGBSuBBAAK',
    'oUQDQgAE41nlgrlKJROyaUhnZxxaqfLYp/nmkeH1YEXrhfnVfR1fDD/qmXHZ2lpZ',
    'fs6H6Kj/qGZwpEZGw7S3wDIVI0S9lA==',
    '-----END EC PRIVATE KEY-----',
    '',
  ].join('\n'),
  secretHex: 'e7dfea9d5a485e6de51a276d90d006afa0aefafa7a42ad03d9f8e347da8898e0',
  spkiHex:
    '3056301006072a8648ce3d020106052b8104000a03420004e359e582b94a2513b2694867671c5aa9f2d8a7f9e691e1f56045eb85f9d57d1d5f0c3fea9971d9da5a597ece87e8a8ffa86670a44646c3b4b7c032152344bd94',
  principal: 'rhkl6-efpgf-4oonp-igbi6-u22xc-vrfue-rqbbk-2if2t-f25uc-krwvf-kae',
} as const;

/** The same secp256k1 key, `openssl ec -conv_form compressed`: a compressed public key. */
export const OPENSSL_SECP256K1_COMPRESSED_PEM = [
  '-----BEGIN EC PRIVATE KEY-----',
  'MFQCAQEEIOff6p1aSF5t5RonbZDQBq+grvr6ekKtA9n440faiJjgoAcGBSuBBAAK',
  'oSQDIgAC41nlgrlKJROyaUhnZxxaqfLYp/nmkeH1YEXrhfnVfR0=',
  '-----END EC PRIVATE KEY-----',
  '',
].join('\n');

/** The same secp256k1 key, `openssl ec -no_public`: no public key in it. */
export const OPENSSL_SECP256K1_NO_PUBLIC_PEM = [
  '-----BEGIN EC PRIVATE KEY-----',
  'MC4CAQEEIOff6p1aSF5t5RonbZDQBq+grvr6ekKtA9n440faiJjgoAcGBSuBBAAK',
  '-----END EC PRIVATE KEY-----',
  '',
].join('\n');

/** `openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:secp256k1`: PKCS#8 around SEC1. */
export const OPENSSL_SECP256K1_PKCS8 = {
  pem: [
    '-----BEGIN PRIVATE KEY-----',
    'MIGEAgEAMBAGByqGSM49AgEGBSuBBAAKBG0wawIBAQQgWvfmH0pJsaRgX1C3RLK8',
    'eEy6g9QglYRPNVlLkY31PtehRANCAAQfZq347J4NKmwk3hDlwSB46b7ricMSWQ4o',
    'l08/Mk5WrXuvf3mND1hqB0JWKX1StoS3y5o9hWpeC1qEBwxCPaSr',
    '-----END PRIVATE KEY-----',
    '',
  ].join('\n'),
  spkiHex:
    '3056301006072a8648ce3d020106052b8104000a034200041f66adf8ec9e0d2a6c24de10e5c12078e9beeb89c312590e28974f3f324e56ad7baf7f798d0f586a074256297d52b684b7cb9a3d856a5e0b5a84070c423da4ab',
  principal: 'uaei2-i76ok-mmkza-liw2n-ebxkh-fs5be-hvfue-vy3rm-v6uiy-vw2e2-uqe',
} as const;

/** `openssl ecparam -name prime256v1 -genkey -noout`: a P-256 key, which is refused. */
export const OPENSSL_P256_PEM = [
  '-----BEGIN EC PRIVATE KEY-----',
  'MHcCAQEEILunio3R2AZpFy0AwTQq3kngl3nLCY2K34FnX5tTKTjSoAoGCCqGSM49',
  'AwEHoUQDQgAENntLWHR//q1+H3c+1CdIGRe1fe7Tg/1ygIPAEvrU5XUh4pLhzPzJ',
  'aeOfe6pXRslK36eYk2HrILBGCc8a77Nbpw==',
  '-----END EC PRIVATE KEY-----',
  '',
].join('\n');
