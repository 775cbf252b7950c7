/**
 * Reads exact byte counts from a stream of chunks (the output of gunzip), so the snapshot
 * parser never has to care where one chunk ends and the next begins.
 */
export class ByteReader {
  readonly #source: AsyncIterator<Uint8Array>;
  #chunk: Uint8Array = new Uint8Array(0);
  #offset = 0;
  #ended = false;
  /** Bytes consumed so far, for error messages. */
  position = 0;

  constructor(source: AsyncIterable<Uint8Array>) {
    this.#source = source[Symbol.asyncIterator]();
  }

  /** Makes unread bytes available; false once the stream has ended. */
  async #fill(): Promise<boolean> {
    while (this.#offset >= this.#chunk.length) {
      if (this.#ended) {
        return false;
      }
      const next = await this.#source.next();
      if (next.done === true) {
        this.#ended = true;
        return false;
      }
      this.#chunk = next.value;
      this.#offset = 0;
    }
    return true;
  }

  /** The next `count` bytes, or null when the stream ends before them. */
  async read(count: number): Promise<Uint8Array | null> {
    const out = new Uint8Array(count);
    let filled = 0;
    const ok = await this.stream(count, (piece) => {
      out.set(piece, filled);
      filled += piece.length;
    });
    return ok ? out : null;
  }

  /**
   * Hands the next `count` bytes to `onPiece` in the pieces they arrive in (views, not copies);
   * false when the stream ends before them.
   */
  async stream(
    count: number,
    onPiece: (piece: Uint8Array) => void | Promise<void>,
  ): Promise<boolean> {
    let left = count;
    while (left > 0) {
      if (!(await this.#fill())) {
        return false;
      }
      const take = Math.min(left, this.#chunk.length - this.#offset);
      const piece = this.#chunk.subarray(this.#offset, this.#offset + take);
      this.#offset += take;
      this.position += take;
      left -= take;
      await onPiece(piece);
    }
    return true;
  }

  /** Whether the stream has no bytes left (waits for its end). */
  async atEnd(): Promise<boolean> {
    return !(await this.#fill());
  }
}
