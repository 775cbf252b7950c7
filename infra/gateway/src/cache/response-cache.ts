import type { HeaderField } from '../canister/http-interface.js';

/**
 * Responses that passed verification, kept for a short while so that a popular page is not
 * fetched and verified again for every browser. An entry never outlives its certificate's
 * freshness (a verifier accepts a certificate up to 5 minutes old, so neither does the
 * cache), nor its time to live; least recently used entries go first when the cache is full.
 */

export interface CachedResponse {
  readonly status: number;
  readonly headers: readonly HeaderField[];
  readonly body: Uint8Array;
}

export interface ResponseCacheOptions {
  /** @default 2 000 ms */
  readonly ttlMs?: number;
  /** Total body bytes kept. @default 256 MiB */
  readonly maxBytes?: number;
  /** Bodies larger than this are not kept. @default 10 MiB */
  readonly maxEntryBytes?: number;
}

interface Entry {
  readonly response: CachedResponse;
  readonly expiresAtMs: number;
}

export class ResponseCache {
  readonly #entries = new Map<string, Entry>();
  readonly #ttlMs: number;
  readonly #maxBytes: number;
  readonly #maxEntryBytes: number;
  #bytes = 0;

  constructor(options: ResponseCacheOptions = {}) {
    this.#ttlMs = options.ttlMs ?? 2_000;
    this.#maxBytes = options.maxBytes ?? 256 * 1024 * 1024;
    this.#maxEntryBytes = options.maxEntryBytes ?? 10 * 1024 * 1024;
  }

  get size(): number {
    return this.#entries.size;
  }

  get(key: string, nowMs: number): CachedResponse | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) {
      return undefined;
    }
    this.#entries.delete(key);
    if (entry.expiresAtMs <= nowMs) {
      this.#bytes -= entry.response.body.length;
      return undefined;
    }
    this.#entries.set(key, entry);
    return entry.response;
  }

  /**
   * Keeps `response` until `now + ttl`, or until `freshUntilMs` (its certificate's time plus
   * the accepted age) if that is sooner.
   */
  set(key: string, response: CachedResponse, nowMs: number, freshUntilMs: number): void {
    const expiresAtMs = Math.min(nowMs + this.#ttlMs, freshUntilMs);
    if (expiresAtMs <= nowMs || response.body.length > this.#maxEntryBytes) {
      return;
    }
    const previous = this.#entries.get(key);
    if (previous !== undefined) {
      this.#entries.delete(key);
      this.#bytes -= previous.response.body.length;
    }
    this.#entries.set(key, { response, expiresAtMs });
    this.#bytes += response.body.length;
    for (const [oldest, entry] of this.#entries) {
      if (this.#bytes <= this.#maxBytes) {
        break;
      }
      this.#entries.delete(oldest);
      this.#bytes -= entry.response.body.length;
    }
  }
}
