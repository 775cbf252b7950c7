import {
  ResponseVerificationErrorCode,
  verifyRequestResponsePair,
} from '@dfinity/response-verification';
import { GatewayErrorCode, gatewayError } from '../errors.js';
import type { HeaderField } from '../canister/http-interface.js';

/**
 * One response checked by the unmodified `@dfinity/response-verification` (the library
 * DFINITY's gateways use) against the network's root key: the certificate's BLS signature and
 * time, the canister's certified data, the witness, and for v2 the expression, status,
 * certified headers and body (and the request, when the canister certifies it).
 */

export interface RequestToVerify {
  readonly url: string;
  readonly method: string;
  readonly headers: HeaderField[];
  readonly body: Uint8Array;
}

export interface ResponseToVerify {
  readonly status: number;
  readonly headers: HeaderField[];
  readonly body: Uint8Array;
}

export interface VerifiedResponse {
  /** 2 for v2; 1 for v1, which certifies the body only. */
  readonly version: number;
  readonly status: number;
  /**
   * v2: the certified headers only. v1 (when accepted): the canister's headers, which nothing
   * vouches for; the gateway marks such answers.
   */
  readonly headers: HeaderField[];
  readonly body: Uint8Array;
}

export interface VerificationContext {
  readonly canisterId: Uint8Array;
  /** The network's root public key, DER. */
  readonly rootKey: Uint8Array;
  readonly nowNs: bigint;
  /** How far a certificate's time may be from now. @default 5 minutes */
  readonly maxCertificateAgeNs?: bigint;
  /**
   * Accept v1 answers (body only certified) from canisters that know nothing newer. Off by
   * default: the gateway asks for v2, and a v1 answer in reply is what a proxy would send to
   * choose the status and headers itself. @default false
   */
  readonly acceptV1?: boolean;
}

const FIVE_MINUTES_NS = 300_000_000_000n;

export function verifyResponse(
  request: RequestToVerify,
  response: ResponseToVerify,
  context: VerificationContext,
): VerifiedResponse {
  let info: ReturnType<typeof verifyRequestResponsePair>;
  try {
    info = verifyRequestResponsePair(
      { ...request, certificate_version: [2] },
      { status_code: response.status, headers: response.headers, body: response.body },
      context.canisterId,
      context.nowNs,
      context.maxCertificateAgeNs ?? FIVE_MINUTES_NS,
      context.rootKey,
      context.acceptV1 === true ? 1 : 2,
    );
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    const reason =
      typeof code === 'number'
        ? (ResponseVerificationErrorCode[code] ?? `error ${code}`)
        : String(error);
    throw gatewayError(
      GatewayErrorCode.VERIFICATION_FAILED,
      `The response could not be verified against the network's certificate: ${reason}.`,
      { reason, verifierCode: code, message: (error as { message?: unknown }).message },
      error,
    );
  }
  const verified = info.response;
  if (info.verificationVersion >= 2 && verified !== undefined) {
    return {
      version: info.verificationVersion,
      status: verified.statusCode ?? response.status,
      headers: verified.headers.map(([name, value]) => [name, value]),
      body: new Uint8Array(verified.body),
    };
  }
  return { version: info.verificationVersion, ...response };
}
