import { mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { writeFileAtomic } from '../network/atomic-write.js';

/**
 * Remembers, by the SHA-256 of a file's bytes, the hash and length of its compressed
 * encodings, so a redeploy decides what changed without compressing every file again. Only
 * the entries used by the last deploy are kept, which bounds the file by the site's size.
 */
export interface EncodingCache {
  get(identitySha256: string, encoding: string): CachedEncoding | undefined;
  set(identitySha256: string, encoding: string, value: CachedEncoding): void;
  /** Writes the entries used since loading (a no-op for the in-memory cache). */
  save(): Promise<void>;
}

export interface CachedEncoding {
  /** Hex. */
  readonly sha256: string;
  readonly length: number;
}

/** Bumped when the compression settings change, so old entries are not trusted. */
const FORMAT = 'citadel-encodings-v1';

interface CacheFile {
  readonly format: string;
  readonly entries: Record<string, CachedEncoding>;
}

/** A cache that lives as long as the process (tests, `--no-cache`). */
export function createMemoryEncodingCache(): EncodingCache {
  const entries = new Map<string, CachedEncoding>();
  return {
    get: (sha, encoding) => entries.get(`${sha}:${encoding}`),
    set: (sha, encoding, value) => void entries.set(`${sha}:${encoding}`, value),
    save: async () => {},
  };
}

/**
 * The cache stored at `file`. A missing file, or one with content this version did not write
 * (damaged, foreign, older format), is an empty cache: the cache only saves work. A file that
 * exists but cannot be read (permissions) is an error, as writing it back would be.
 */
export async function loadEncodingCache(file: string): Promise<EncodingCache> {
  const stored = new Map<string, CachedEncoding>();
  try {
    const parsed = JSON.parse(await readFile(file, 'utf8')) as Partial<CacheFile> | null;
    if (
      typeof parsed === 'object' &&
      parsed !== null &&
      parsed.format === FORMAT &&
      typeof parsed.entries === 'object' &&
      parsed.entries !== null
    ) {
      for (const [key, value] of Object.entries(parsed.entries)) {
        if (
          typeof value === 'object' &&
          value !== null &&
          typeof value.sha256 === 'string' &&
          typeof value.length === 'number'
        ) {
          stored.set(key, { sha256: value.sha256, length: value.length });
        }
      }
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT' && !(error instanceof SyntaxError)) {
      throw error;
    }
  }
  const used = new Map<string, CachedEncoding>();
  return {
    get(sha, encoding) {
      const key = `${sha}:${encoding}`;
      const value = used.get(key) ?? stored.get(key);
      if (value !== undefined) {
        used.set(key, value);
      }
      return value;
    },
    set(sha, encoding, value) {
      used.set(`${sha}:${encoding}`, value);
    },
    async save() {
      const content: CacheFile = { format: FORMAT, entries: Object.fromEntries(used) };
      await mkdir(dirname(file), { recursive: true });
      await writeFileAtomic(file, JSON.stringify(content));
    },
  };
}
