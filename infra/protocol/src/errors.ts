/**
 * The small set of error kinds callers switch on. The code (a stable string such as
 * `PROTO_CBOR_TRUNCATED`) names the exact failure; see docs/errors.md for the registry.
 */
export type ErrorKind = 'trust' | 'protocol' | 'transport' | 'input' | 'limit' | 'unknown';

/**
 * Base class of every error Citadel throws across a module boundary.
 * Callers branch on `kind` or `code`, never on `message`.
 */
export class CitadelError extends Error {
  readonly kind: ErrorKind;
  readonly code: string;
  /** The offending values, kept for logs and for callers that render their own messages. */
  readonly details: Readonly<Record<string, unknown>>;

  constructor(
    kind: ErrorKind,
    code: string,
    message: string,
    details: Record<string, unknown> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'CitadelError';
    this.kind = kind;
    this.code = code;
    this.details = Object.freeze({ ...details });
  }
}

/** Narrows an unknown thrown value to a CitadelError, optionally of one code. */
export function isCitadelError(error: unknown, code?: string): error is CitadelError {
  return error instanceof CitadelError && (code === undefined || error.code === code);
}
