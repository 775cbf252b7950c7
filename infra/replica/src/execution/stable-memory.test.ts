import { describe, expect, it } from 'vitest';
import { StableMemory } from './stable-memory.js';

const PAGE = 65_536;

function read(memory: StableMemory, offset: number, length: number): Uint8Array {
  const out = new Uint8Array(length);
  memory.readInto(offset, length, out, 0);
  return out;
}

describe('StableMemory', () => {
  it('grow returns the previous size in pages and -1 past the cap', () => {
    const memory = StableMemory.create(3n);
    expect(memory.grow(2n)).toBe(0n);
    expect(memory.grow(1n)).toBe(2n);
    expect(memory.grow(1n)).toBe(-1n);
    expect(memory.sizePages).toBe(3);
  });

  it('reads back writes that cross a page boundary and reads zeros elsewhere', () => {
    const memory = StableMemory.create();
    memory.grow(2n);
    memory.write(PAGE - 2, Uint8Array.of(1, 2, 3, 4));
    expect(read(memory, PAGE - 3, 6)).toEqual(Uint8Array.of(0, 1, 2, 3, 4, 0));
  });

  it('rollback restores touched pages and the size, commit keeps them', () => {
    const memory = StableMemory.create();
    memory.grow(1n);
    memory.write(0, Uint8Array.of(7));
    memory.begin();
    memory.grow(1n);
    memory.write(0, Uint8Array.of(8));
    memory.write(PAGE, Uint8Array.of(9));
    memory.rollback();
    expect(memory.sizePages).toBe(1);
    expect(read(memory, 0, 1)).toEqual(Uint8Array.of(7));
    memory.begin();
    memory.write(0, Uint8Array.of(8));
    memory.commit();
    expect(read(memory, 0, 1)).toEqual(Uint8Array.of(8));
  });

  it('a fork shares contents but not later writes, in either direction', () => {
    const memory = StableMemory.create();
    memory.grow(1n);
    memory.write(0, Uint8Array.of(1));
    const fork = memory.fork();
    fork.write(0, Uint8Array.of(2));
    memory.write(1, Uint8Array.of(3));
    expect(read(memory, 0, 2)).toEqual(Uint8Array.of(1, 3));
    expect(read(fork, 0, 2)).toEqual(Uint8Array.of(2, 0));
  });

  it('rolling back after a fork leaves the fork intact', () => {
    const memory = StableMemory.create();
    memory.grow(1n);
    memory.begin();
    memory.write(0, Uint8Array.of(5));
    const fork = memory.fork();
    memory.write(0, Uint8Array.of(6));
    memory.rollback();
    expect(read(memory, 0, 1)).toEqual(Uint8Array.of(0));
    expect(read(fork, 0, 1)).toEqual(Uint8Array.of(5));
  });

  it('toBytes and fromBytes round-trip', () => {
    const memory = StableMemory.create();
    memory.grow(3n);
    memory.write(PAGE * 2 + 5, Uint8Array.of(42));
    const bytes = memory.toBytes();
    expect(bytes.length).toBe(3 * PAGE);
    const copy = StableMemory.fromBytes(bytes);
    expect(copy.sizePages).toBe(3);
    expect(read(copy, PAGE * 2 + 5, 1)).toEqual(Uint8Array.of(42));
  });

  it('fromBytes refuses a length that is not a whole number of pages', () => {
    expect(() => StableMemory.fromBytes(new Uint8Array(10))).toThrowError(
      expect.objectContaining({ code: 'REPLICA_EXEC_INVALID_SNAPSHOT' }),
    );
  });

  it('fromPages builds a memory from its non-zero pages, zero elsewhere, and refuses pages that do not fit', () => {
    const page = new Uint8Array(PAGE).fill(9);
    const memory = StableMemory.fromPages(4, [[2, page]]);
    expect(memory.sizePages).toBe(4);
    expect(read(memory, 2 * PAGE - 1, 2)).toEqual(Uint8Array.of(0, 9));
    expect(read(memory, 3 * PAGE, 4)).toEqual(new Uint8Array(4));
    for (const bad of [
      () => StableMemory.fromPages(2, [[2, page]]),
      () => StableMemory.fromPages(2, [[-1, page]]),
      () => StableMemory.fromPages(2, [[0, new Uint8Array(10)]]),
    ]) {
      expect(bad).toThrowError(expect.objectContaining({ code: 'REPLICA_EXEC_INVALID_SNAPSHOT' }));
    }
  });
});
