/**
 * A Map bounded to `max` entries that forgets the least recently used ones, approximately: entries live
 * in two generations of at most max/2 each; a hit in the young one is a single Map lookup (no reordering,
 * which costs a delete and an insert on every hit of an exact LRU — these caches are read on every
 * message and every Send API call); a hit in the old one moves the entry to the young one; when the young
 * generation is full it becomes the old one and the old one is dropped. At least the max/2 most recently
 * used entries are always kept, never more than `max`.
 */
export class Lru<K, V> {
  private young = new Map<K, V>();
  private old = new Map<K, V>();
  private readonly generation: number;

  constructor(max: number) {
    this.generation = Math.max(1, Math.floor(max / 2));
  }

  get(key: K): V | undefined {
    const v = this.young.get(key);
    if (v !== undefined) return v;
    const o = this.old.get(key);
    if (o !== undefined) {
      this.old.delete(key);
      this.add(key, o);
    }
    return o;
  }

  set(key: K, value: V) {
    if (this.young.has(key)) this.young.set(key, value);
    else {
      this.old.delete(key);
      this.add(key, value);
    }
  }

  delete(key: K) {
    this.young.delete(key);
    this.old.delete(key);
  }

  clear() {
    this.young.clear();
    this.old.clear();
  }

  /** Every entry's value, the recently used first (a key is in one generation only). */
  *values(): IterableIterator<V> {
    yield* this.young.values();
    yield* this.old.values();
  }

  get size() {
    return this.young.size + this.old.size;
  }

  private add(key: K, value: V) {
    this.young.set(key, value);
    if (this.young.size >= this.generation) {
      this.old = this.young;
      this.young = new Map();
    }
  }
}
