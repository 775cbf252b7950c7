import { describe, expect, it } from 'vitest';
import { RandomTape } from './random-tape.js';

const secret = (byte: number) => new Uint8Array(32).fill(byte);

function draws(tape: RandomTape, height: bigint, count: number): string[] {
  tape.beginRound(height);
  return Array.from({ length: count }, () => Buffer.from(tape.next()).toString('hex'));
}

describe('RandomTape', () => {
  it('gives the same bytes for the same secret, round and position, so a replay matches', () => {
    expect(draws(new RandomTape(secret(1)), 7n, 3)).toEqual(
      draws(new RandomTape(secret(1)), 7n, 3),
    );
  });

  it('gives different bytes for each draw of a round, each round and each secret', () => {
    const tape = new RandomTape(secret(1));
    const round7 = draws(tape, 7n, 3);
    const round8 = draws(tape, 8n, 3);
    const other = draws(new RandomTape(secret(2)), 7n, 3);
    expect(new Set([...round7, ...round8, ...other]).size).toBe(9);
    expect(round7[0]).toHaveLength(64);
  });

  it('starts each round at the beginning of that round’s tape', () => {
    const tape = new RandomTape(secret(3));
    const first = draws(tape, 5n, 2);
    draws(tape, 6n, 4);
    expect(draws(tape, 5n, 2)).toEqual(first);
  });
});
