export { SAVE_ATTEMPTS, saveSnapshot } from './save-snapshot.js';
export type { SaveSnapshotParams, SaveSnapshotResult } from './save-snapshot.js';
export { restoreSnapshot } from './restore-snapshot.js';
export type { RestoreSnapshotParams, RestoreSnapshotResult } from './restore-snapshot.js';
export { readSnapshotFile } from './read-snapshot.js';
export {
  DEFAULT_SNAPSHOT_LIMITS,
  SNAPSHOT_FORMAT_VERSION,
  SNAPSHOT_MAGIC,
} from './snapshot-format.js';
export type { SnapshotEntry, SnapshotLimits, SnapshotSummary } from './snapshot-format.js';
