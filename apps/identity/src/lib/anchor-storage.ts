/**
 * The anchors this browser signed in with, most recent first, kept in localStorage so the
 * sign-in screen can offer them as buttons. They are only hints: knowing an anchor grants
 * nothing without one of its passkeys.
 */
import { parseAnchorNumber } from './anchor-number';

/** The localStorage key: a JSON array of anchors as decimal strings. */
export const ANCHORS_STORAGE_KEY = 'citadel-identity.anchors.v1';

/** Most anchors remembered; older ones are dropped. */
export const MAX_REMEMBERED_ANCHORS = 10;

/** The part of `Storage` the store needs; tests pass a stand-in. */
export type AnchorStorage = Pick<Storage, 'getItem' | 'setItem'>;

/** The remembered anchors. */
export interface AnchorStore {
  /** The anchors, most recent first. */
  list(): readonly bigint[];
  /** Moves `anchor` to the front (adding it if new). */
  remember(anchor: bigint): void;
  forget(anchor: bigint): void;
}

/**
 * A store over `storage`. Without usable storage (disabled, private mode) it keeps anchors
 * for as long as the page lives; an unreadable stored value counts as none.
 */
export function createAnchorStore(storage: AnchorStorage | undefined): AnchorStore {
  let memory: readonly bigint[] = [];
  const load = (): readonly bigint[] => {
    memory = readStored(storage) ?? memory;
    return memory;
  };
  const save = (anchors: readonly bigint[]) => {
    memory = anchors.slice(0, MAX_REMEMBERED_ANCHORS);
    try {
      storage?.setItem(ANCHORS_STORAGE_KEY, JSON.stringify(memory.map(String)));
    } catch {
      // Quota or a disabled storage: the anchors stay remembered for this page.
    }
  };
  return {
    list: load,
    remember: (anchor) => save([anchor, ...load().filter((known) => known !== anchor)]),
    forget: (anchor) => save(load().filter((known) => known !== anchor)),
  };
}

/** The stored anchors; undefined when nothing is stored or storage cannot be read. */
function readStored(storage: AnchorStorage | undefined): bigint[] | undefined {
  let json: string | null;
  try {
    json = storage?.getItem(ANCHORS_STORAGE_KEY) ?? null;
  } catch {
    return undefined;
  }
  if (json === null) {
    return undefined;
  }
  let stored: unknown;
  try {
    stored = JSON.parse(json);
  } catch {
    return [];
  }
  const anchors: bigint[] = [];
  for (const item of Array.isArray(stored) ? stored : []) {
    const parsed = typeof item === 'string' ? parseAnchorNumber(item) : undefined;
    if (parsed?.ok === true && !anchors.includes(parsed.anchor)) {
      anchors.push(parsed.anchor);
    }
  }
  return anchors;
}
