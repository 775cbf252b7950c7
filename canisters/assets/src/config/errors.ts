import { CitadelError, type ErrorKind } from '@citadel/protocol';

/**
 * Why an asset configuration (`.ic-assets.json5` / `.ic-assets.json`) is refused. Raised by the
 * upload tooling, never by the canister. `details` always carries `file` (when known) and, for
 * problems inside a file, the 1-based `line` and `column` of the offending text.
 */
export const AssetsConfigErrorCode = {
  JSON5_SYNTAX: 'ASSETS_CONFIG_JSON5_SYNTAX',
  JSON5_MAX_DEPTH: 'ASSETS_CONFIG_JSON5_MAX_DEPTH',
  UNKNOWN_FIELD: 'ASSETS_CONFIG_UNKNOWN_FIELD',
  DUPLICATE_FIELD: 'ASSETS_CONFIG_DUPLICATE_FIELD',
  MISSING_FIELD: 'ASSETS_CONFIG_MISSING_FIELD',
  INVALID_TYPE: 'ASSETS_CONFIG_INVALID_TYPE',
  INVALID_VALUE: 'ASSETS_CONFIG_INVALID_VALUE',
  INVALID_GLOB: 'ASSETS_CONFIG_INVALID_GLOB',
  MULTIPLE_FILES: 'ASSETS_CONFIG_MULTIPLE_FILES',
  READ_FAILED: 'ASSETS_CONFIG_READ_FAILED',
} as const;

export type AssetsConfigErrorCode =
  (typeof AssetsConfigErrorCode)[keyof typeof AssetsConfigErrorCode];

const KIND: Record<AssetsConfigErrorCode, ErrorKind> = {
  ASSETS_CONFIG_JSON5_SYNTAX: 'input',
  ASSETS_CONFIG_JSON5_MAX_DEPTH: 'limit',
  ASSETS_CONFIG_UNKNOWN_FIELD: 'input',
  ASSETS_CONFIG_DUPLICATE_FIELD: 'input',
  ASSETS_CONFIG_MISSING_FIELD: 'input',
  ASSETS_CONFIG_INVALID_TYPE: 'input',
  ASSETS_CONFIG_INVALID_VALUE: 'input',
  ASSETS_CONFIG_INVALID_GLOB: 'input',
  ASSETS_CONFIG_MULTIPLE_FILES: 'input',
  // Same kind as the replica's file-system failures (REPLICA_DATA_DIR_CHECKPOINT_IO_FAILED).
  ASSETS_CONFIG_READ_FAILED: 'transport',
};

/** A 1-based position in a text, as editors show it; `offset` is in UTF-16 code units. */
export interface TextPosition {
  readonly line: number;
  readonly column: number;
  readonly offset: number;
}

export function assetsConfigError(
  code: AssetsConfigErrorCode,
  message: string,
  details: Record<string, unknown> = {},
  options?: { cause?: unknown },
): CitadelError {
  return new CitadelError(KIND[code], code, message, details, options);
}

/** `file:line:column: ` (or less, when the file or position is unknown) to start a message. */
export function locationPrefix(file: string | undefined, at: TextPosition | undefined): string {
  const position = at === undefined ? '' : `${at.line}:${at.column}`;
  if (file === undefined) {
    return position === '' ? '' : `${position}: `;
  }
  return position === '' ? `${file}: ` : `${file}:${position}: `;
}
