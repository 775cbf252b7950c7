import { createHash, createHmac } from 'node:crypto';

/**
 * The randomness `raw_rand` hands out. On the IC it comes from the subnet's random tape (a
 * threshold signature per round); here it is an HMAC keyed by a secret of the subnet's key
 * material over the round height and a counter. Both are deterministic, which is what lets a
 * restarted network replay its round log and reach the same state.
 */
export class RandomTape {
  readonly #key: Uint8Array;
  #height = 0n;
  #drawn = 0;

  /** `secret` must not be known to canisters or clients (node key seeds qualify). */
  constructor(secret: Uint8Array) {
    this.#key = new Uint8Array(
      createHash('sha256').update('citadel random tape\0').update(secret).digest(),
    );
  }

  /** Starts the tape of round `height`. */
  beginRound(height: bigint): void {
    this.#height = height;
    this.#drawn = 0;
  }

  /** The next 32 bytes of the current round's tape. */
  next(): Uint8Array {
    const input = Buffer.alloc(12);
    input.writeBigUInt64BE(this.#height, 0);
    input.writeUInt32BE(this.#drawn, 8);
    this.#drawn += 1;
    return new Uint8Array(createHmac('sha256', this.#key).update(input).digest());
  }
}
