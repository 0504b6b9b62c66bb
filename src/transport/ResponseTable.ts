/**
 * The requests of one connection that await their responses, by opaque: the `responseTable` of
 * Java's `NettyRemotingAbstract`. An open-addressing hash table (linear probing, at most half full)
 * over an `Int32Array` of opaques and an array of values.
 *
 * Not a `Map`, for the garbage collector's sake. A `Map` that holds a few entries while many come
 * and go replaces its hash table every few dozen insertions, and V8 links each outgrown table to
 * its successor (for iterators still walking it). Once a full collection has moved the table of the
 * moment to the old generation, that link keeps the next table alive through every young
 * collection, which promotes it, and so on down the chain: every request any of the tables held
 * (its frame, its callbacks) is promoted, until the next full collection, which starts it again. In
 * a producer at 64 in flight that was 7.5 MB surviving each young collection instead of 0.2 MB, and
 * a full collection every few young ones (docs/benchmarks.md). This table replaces its arrays only
 * when it grows or shrinks, and nothing links the old ones to the new.
 *
 * @since 0.1.0
 */

/** Fibonacci hashing: opaques one apart, or a stride apart, land far apart. */
const GOLDEN = 0x9e3779b1

/** The smallest table: 16 slots, to which an emptied table returns. */
const MIN_BITS = 4

/**
 * A table of values (objects) by opaque (any 32-bit integer).
 *
 * @since 0.1.0
 * @category models
 */
export class ResponseTable<A extends object> {
  private bits: number
  private keys: Int32Array
  private values: Array<A | undefined>
  private count = 0

  constructor() {
    this.bits = MIN_BITS
    this.keys = new Int32Array(1 << MIN_BITS)
    this.values = new Array<A | undefined>(1 << MIN_BITS).fill(undefined)
  }

  /** How many values the table holds. */
  get size(): number {
    return this.count
  }

  /** The value under `opaque`, if any. */
  get(opaque: number): A | undefined {
    const mask = this.keys.length - 1
    const keys = this.keys
    const values = this.values
    for (let i = this.home(opaque); ; i = (i + 1) & mask) {
      const value = values[i]
      if (value === undefined) return undefined
      if (keys[i] === opaque) return value
    }
  }

  /** Puts `value` under `opaque`, replacing the value there. */
  set(opaque: number, value: A): void {
    if ((this.count + 1) * 2 > this.keys.length) this.resize(this.bits + 1)
    const mask = this.keys.length - 1
    for (let i = this.home(opaque); ; i = (i + 1) & mask) {
      if (this.values[i] === undefined) {
        this.keys[i] = opaque
        this.values[i] = value
        this.count++
        return
      }
      if (this.keys[i] === opaque) {
        this.values[i] = value
        return
      }
    }
  }

  /** Removes the value under `opaque`; returns it, or `undefined` when there was none. */
  delete(opaque: number): A | undefined {
    const mask = this.keys.length - 1
    const keys = this.keys
    const values = this.values
    let i = this.home(opaque)
    while (true) {
      const value = values[i]
      if (value === undefined) return undefined
      if (keys[i] === opaque) break
      i = (i + 1) & mask
    }
    const removed = values[i]
    // Backward-shift deletion: the entries after the hole that may sit in it move up, so a lookup
    // still finds every entry before the first empty slot.
    let hole = i
    for (let j = (i + 1) & mask; values[j] !== undefined; j = (j + 1) & mask) {
      const home = this.home(keys[j] ?? 0)
      if (((j - home) & mask) >= ((j - hole) & mask)) {
        keys[hole] = keys[j] ?? 0
        values[hole] = values[j]
        hole = j
      }
    }
    values[hole] = undefined
    this.count--
    if (this.bits > MIN_BITS && this.count * 8 < keys.length) this.resize(this.bits - 1)
    return removed
  }

  /** Empties the table; returns what it held. */
  takeAll(): Array<A> {
    const taken: Array<A> = []
    for (const value of this.values) if (value !== undefined) taken.push(value)
    this.bits = MIN_BITS
    this.keys = new Int32Array(1 << MIN_BITS)
    this.values = new Array<A | undefined>(1 << MIN_BITS).fill(undefined)
    this.count = 0
    return taken
  }

  private home(opaque: number): number {
    return Math.imul(opaque, GOLDEN) >>> (32 - this.bits)
  }

  private resize(bits: number): void {
    const keys = this.keys
    const values = this.values
    this.bits = bits
    this.keys = new Int32Array(1 << bits)
    this.values = new Array<A | undefined>(1 << bits).fill(undefined)
    this.count = 0
    for (let i = 0; i < keys.length; i++) {
      const value = values[i]
      if (value !== undefined) this.set(keys[i] ?? 0, value)
    }
  }
}
