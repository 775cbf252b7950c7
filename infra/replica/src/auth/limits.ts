/** Most paths in one read_state request (IC validator ingress_validation.rs). */
export const MAX_READ_STATE_PATHS = 1000;
/** Most labels in one read_state path (same source). */
export const MAX_LABELS_PER_PATH = 127;
