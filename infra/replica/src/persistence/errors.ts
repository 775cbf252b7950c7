import { CitadelError } from '@citadel/protocol';

/** Stable codes of data-directory failures. */
export const DataDirErrorCode = {
  /** `keys.json` cannot be read or parsed. */
  UNREADABLE_KEYS: 'REPLICA_DATA_DIR_UNREADABLE_KEYS',
  /** A checkpoint file is missing, fails its SHA-256 check or does not describe a valid state. */
  CORRUPT_CHECKPOINT: 'REPLICA_DATA_DIR_CORRUPT_CHECKPOINT',
  /** A checkpoint written in a format version this build does not know (a newer Citadel). */
  UNSUPPORTED_CHECKPOINT: 'REPLICA_DATA_DIR_UNSUPPORTED_CHECKPOINT',
  /** The file system refused a checkpoint operation (permissions, disk full, …). */
  CHECKPOINT_IO_FAILED: 'REPLICA_DATA_DIR_CHECKPOINT_IO_FAILED',
  /** A round-log record is damaged in the middle of a segment, or records are out of order. */
  CORRUPT_ROUND_LOG: 'REPLICA_DATA_DIR_CORRUPT_ROUND_LOG',
  /** The file system refused a round-log operation; the round that needed it does not run. */
  ROUND_LOG_IO_FAILED: 'REPLICA_DATA_DIR_ROUND_LOG_IO_FAILED',
} as const;

/** One of the {@link DataDirErrorCode} values. */
export type DataDirErrorCode = (typeof DataDirErrorCode)[keyof typeof DataDirErrorCode];

/** A checkpoint file that cannot be trusted; `path` names the file. */
export function createCorruptCheckpointError(
  path: string,
  reason: string,
  cause?: unknown,
): CitadelError {
  return new CitadelError(
    'input',
    DataDirErrorCode.CORRUPT_CHECKPOINT,
    `The checkpoint file ${path} is damaged: ${reason}. Restore the data directory from a backup or start over with --clean.`,
    { path, reason },
    cause === undefined ? undefined : { cause },
  );
}

/** A checkpoint in a format version this build cannot read. */
export function createUnsupportedCheckpointError(path: string, version: unknown): CitadelError {
  return new CitadelError(
    'input',
    DataDirErrorCode.UNSUPPORTED_CHECKPOINT,
    `The checkpoint ${path} has format version ${String(version)}, which this version of Citadel cannot read; upgrade Citadel or start over with --clean.`,
    { path, version },
  );
}

/** A file-system failure while reading or writing checkpoints. */
export function createCheckpointIoError(
  operation: string,
  path: string,
  cause: unknown,
): CitadelError {
  const errno = (cause as NodeJS.ErrnoException | undefined)?.code;
  return new CitadelError(
    'unknown',
    DataDirErrorCode.CHECKPOINT_IO_FAILED,
    `Could not ${operation} ${path}${errno === undefined ? '' : ` (${errno})`}.`,
    { operation, path, errno },
    { cause },
  );
}

/** A round-log segment that cannot be trusted; `path` names the file. */
export function createCorruptRoundLogError(
  path: string,
  reason: string,
  cause?: unknown,
): CitadelError {
  return new CitadelError(
    'input',
    DataDirErrorCode.CORRUPT_ROUND_LOG,
    `The round log ${path} is damaged: ${reason}. Restore the data directory from a backup or start over with --clean.`,
    { path, reason },
    cause === undefined ? undefined : { cause },
  );
}

/** A file-system failure while reading or writing the round log. */
export function createRoundLogIoError(
  operation: string,
  path: string,
  cause: unknown,
): CitadelError {
  const errno = (cause as NodeJS.ErrnoException | undefined)?.code;
  return new CitadelError(
    'unknown',
    DataDirErrorCode.ROUND_LOG_IO_FAILED,
    `Could not ${operation} the round log ${path}${errno === undefined ? '' : ` (${errno})`}.`,
    { operation, path, errno },
    { cause },
  );
}
