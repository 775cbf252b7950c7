import { certifiedDataSet, chunk, performanceCounter, setTimer, time } from 'azle';
import { CertificationTree } from '../certification/certification-tree.js';
import { CertificationJob, type SiteOptions } from '../http/site-certification.js';
import type { AssetStore } from '../state/asset-store.js';
import type { AssetReader } from '../state/asset-view.js';

/**
 * What `http_request` serves, and how a change gets there. A change is stored at once (queries
 * such as `get` and `list` see it), but served only once its certification is complete: until
 * then `http_request` keeps answering from the previous snapshot with the previous tree, whose
 * root hash is still the certified data. Certifying a large change costs more than one
 * message's instructions, so a job works in steps of {@link STEP_INSTRUCTIONS} and yields to a
 * new message in between (Azle's `chunk()`, a call to itself); the update that made the change
 * returns when its version is served. Jobs run one at a time, each taking every change made
 * before it started, so the served snapshot and tree always belong together.
 */

/** Instructions a message spends on certification before continuing in the next one. */
export const STEP_INSTRUCTIONS = 5_000_000_000n;
/**
 * A job that has not stepped for this long died (a message of it trapped, which rolls back
 * only that message): the next change takes over its keys instead of waiting for ever.
 */
const STALLED_NS = 60_000_000_000n;
/** `post_upgrade` may certify for this long before handing over to a timer (limit: 300 B). */
const UPGRADE_INSTRUCTIONS = 150_000_000_000n;

export interface Served {
  readonly site: AssetReader;
  readonly tree: CertificationTree;
  /** The options the tree was certified with (responses must be built the same way). */
  readonly options: SiteOptions;
}

interface RunningJob {
  readonly job: CertificationJob;
  readonly options: SiteOptions;
  /** The keys it certifies, handed back to the queue if it dies. */
  readonly keys: readonly string[];
  /** The snapshot it certifies. */
  readonly site: AssetReader;
  /** The last change it includes. */
  readonly ticket: number;
}

export class Publication {
  readonly #store: AssetStore;
  #options: SiteOptions;
  #served: Served | undefined;
  readonly #pending = new Set<string>();
  /** Changes handed in so far, and how many of them are served. */
  #requested = 0;
  #published = 0;
  #running: RunningJob | undefined;
  /** When the running job last made progress. */
  #heartbeatNs = 0n;

  constructor(store: AssetStore, options: SiteOptions) {
    this.#store = store;
    this.#options = options;
  }

  /** The options changes are certified with from now on. */
  get options(): SiteOptions {
    return this.#options;
  }

  /**
   * Certifies the whole site anew with `options`, resolving once it is served; until then
   * the previous version keeps being served with the options it was certified with.
   */
  async reconfigure(options: SiteOptions): Promise<void> {
    this.#options = options;
    // '/index.html' stands for the fallback, which depends on the options too.
    await this.publish([...this.#store.list().map((asset) => asset.key), '/index.html']);
  }

  /** What `http_request` answers from; undefined until the first certification is complete. */
  get served(): Served | undefined {
    return this.#served;
  }

  /** Hands in the keys a change touched and resolves once that change is served. */
  async publish(keys: Iterable<string>): Promise<void> {
    await this.#await(this.#request(keys));
  }

  /**
   * Hands in the keys a change touched; the ticket `isServed` answers for. The caller need not
   * wait: certification goes on in messages of its own until it is served (`done`).
   */
  begin(keys: Iterable<string>): { readonly ticket: number; readonly done: Promise<void> } {
    const ticket = this.#request(keys);
    return { ticket, done: this.#await(ticket) };
  }

  /** Whether the change with this ticket (see `begin`) is served. */
  isServed(ticket: number): boolean {
    return this.#published >= ticket;
  }

  /** The ticket of the latest change handed in (for `isServed`). */
  get latestTicket(): number {
    return this.#requested;
  }

  async #await(ticket: number): Promise<void> {
    while (this.#published < ticket) {
      if (this.#running !== undefined && time() - this.#heartbeatNs > STALLED_NS) {
        console.error(
          `certification of ${this.#running.keys.length} keys stalled; starting it over`,
        );
        this.#request(this.#running.keys);
        this.#running = undefined;
      }
      if (this.#running === undefined) {
        await this.#drive(this.#startJob(this.#served?.tree ?? new CertificationTree()));
      } else {
        await chunk();
      }
    }
  }

  /**
   * Certifies every asset of the store from scratch, after an upgrade: within this message if
   * the budget allows, else continued by a timer (`http_request` answers 503 meanwhile).
   */
  republishAll(options: SiteOptions): void {
    this.#options = options;
    this.#served = undefined;
    this.#request(this.#store.list().map((asset) => asset.key));
    const job = this.#startJob(new CertificationTree());
    const done = job.job.run(() => performanceCounter(0) > UPGRADE_INSTRUCTIONS);
    if (done !== undefined) {
      this.#finish(job, done);
      return;
    }
    setTimer(0, () => this.#drive(job));
  }

  #request(keys: Iterable<string>): number {
    for (const key of keys) {
      this.#pending.add(key);
    }
    this.#requested++;
    return this.#requested;
  }

  /** A job for every change handed in so far, over the store as it is now; it runs next. */
  #startJob(base: CertificationTree): RunningJob {
    const site = this.#store.snapshot();
    const keys = [...this.#pending];
    const job = new CertificationJob(base, site, keys, this.#options);
    this.#pending.clear();
    const running = { job, site, options: this.#options, keys, ticket: this.#requested };
    this.#running = running;
    this.#heartbeatNs = time();
    return running;
  }

  /** Runs a job in steps, one per message, until it is served. */
  async #drive(running: RunningJob): Promise<void> {
    for (;;) {
      if (this.#running !== running) {
        return; // taken over after a stall
      }
      this.#heartbeatNs = time();
      const start = performanceCounter(0);
      const done = running.job.run(() => performanceCounter(0) - start > STEP_INSTRUCTIONS);
      if (done !== undefined) {
        this.#finish(running, done);
        return;
      }
      await chunk();
    }
  }

  #finish(
    running: RunningJob,
    done: { readonly tree: CertificationTree; readonly rootHash: Uint8Array },
  ): void {
    this.#served = { site: running.site, tree: done.tree, options: running.options };
    certifiedDataSet(done.rootHash);
    this.#published = running.ticket;
    this.#running = undefined;
  }
}
