import type { Table } from '../state/table.js';

/** A {@link Table} in a `Map`, standing in for a `StableBTreeMap` in tests; keys come sorted. */
export class MapTable<V> implements Table<V> {
  readonly map = new Map<string, V>();

  get(key: string): V | undefined {
    return this.map.get(key);
  }

  insert(key: string, value: V): void {
    this.map.set(key, value);
  }

  remove(key: string): void {
    this.map.delete(key);
  }

  /** Sorted by their UTF-8 bytes, as a `StableBTreeMap` sorts them. */
  keys(): string[] {
    return [...this.map.keys()].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  }
}
