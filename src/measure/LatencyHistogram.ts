/**
 * A fixed-size log-linear histogram of latencies in microseconds, for `bench`: recording costs a
 * few integer operations and no allocation, so millions of sends fit in 18 KiB, and every
 * percentile it reports is within 1 % of the exact value (values below 128 µs are exact).
 *
 * Values below 128 are counted one bucket each; above, each power of two is split into 64 buckets
 * of equal width, so a bucket is never wider than 1/64 of its lower bound and its midpoint is
 * never further than 1/128 from any value in it.
 *
 * @since 0.1.0
 */

const exactBelow = 128
const subBuckets = 64
/** Values at or above 2^40 µs (12 days) land in the last bucket. */
const maxExponent = 40
const bucketCount = exactBelow + (maxExponent - 7) * subBuckets

/**
 * The bucket a value falls in, and its bounds.
 *
 * @since 0.1.0
 * @category internals
 */
export const bucketOf = (micros: number): number => {
  const v = Math.max(0, Math.floor(micros))
  if (v < exactBelow) return v
  const exponent = Math.min(maxExponent - 1, Math.floor(Math.log2(v)))
  const shift = exponent - 6
  const sub = Math.min(subBuckets - 1, Math.floor(v / 2 ** shift) - subBuckets)
  return exactBelow + (exponent - 7) * subBuckets + sub
}

/**
 * The lowest value of a bucket and the lowest value of the next one.
 *
 * @since 0.1.0
 * @category internals
 */
export const bucketBounds = (bucket: number): readonly [number, number] => {
  if (bucket < exactBelow) return [bucket, bucket + 1]
  const exponent = Math.floor((bucket - exactBelow) / subBuckets) + 7
  const sub = (bucket - exactBelow) % subBuckets
  const width = 2 ** (exponent - 6)
  const low = (subBuckets + sub) * width
  return [low, low + width]
}

/**
 * One bar of the printed histogram: how many latencies fell in `[fromMicros, toMicros)`.
 *
 * @since 0.1.0
 * @category models
 */
export interface HistogramBin {
  readonly fromMicros: number
  readonly toMicros: number
  readonly count: number
}

/**
 * Recorded latencies.
 *
 * @since 0.1.0
 * @category models
 */
export class LatencyHistogram {
  private readonly counts = new Float64Array(bucketCount)
  /** How many values were recorded. */
  count = 0
  /** The largest value recorded, exact (0 when none). */
  max = 0
  /** The smallest value recorded, exact (0 when none). */
  min = Number.POSITIVE_INFINITY

  /** Records one latency in microseconds. */
  record(micros: number): void {
    this.counts[bucketOf(micros)]! += 1
    this.count += 1
    if (micros > this.max) this.max = micros
    if (micros < this.min) this.min = micros
  }

  /** Adds everything another histogram recorded. */
  merge(that: LatencyHistogram): void {
    for (let i = 0; i < bucketCount; i++) this.counts[i]! += that.counts[i]!
    this.count += that.count
    this.max = Math.max(this.max, that.max)
    this.min = Math.min(this.min, that.min)
  }

  /**
   * The nearest-rank percentile `q` (0 < q ≤ 1) in microseconds: the midpoint of the bucket holding
   * the value of rank ⌈q·count⌉, kept within the recorded minimum and maximum. 0 when empty.
   */
  percentile(q: number): number {
    if (this.count === 0) return 0
    const rank = Math.max(1, Math.ceil(q * this.count))
    let seen = 0
    for (let i = 0; i < bucketCount; i++) {
      seen += this.counts[i]!
      if (seen >= rank) {
        const [low, high] = bucketBounds(i)
        const middle = i < exactBelow ? low : (low + high) / 2
        return Math.min(this.max, Math.max(this.min, middle))
      }
    }
    return this.max
  }

  /**
   * The recorded latencies grouped in power-of-two ranges from the smallest to the largest
   * (empty ranges in between included), for printing.
   */
  bins(): ReadonlyArray<HistogramBin> {
    if (this.count === 0) return []
    const binOf = (micros: number) => Math.max(0, Math.floor(Math.log2(Math.max(1, micros))))
    const first = binOf(this.min)
    const last = binOf(this.max)
    const counts = new Array<number>(last - first + 1).fill(0)
    for (let i = 0; i < bucketCount; i++) {
      const n = this.counts[i]!
      if (n === 0) continue
      const [low] = bucketBounds(i)
      const bin = Math.min(last, Math.max(first, binOf(low)))
      counts[bin - first]! += n
    }
    return counts.map((count, i) => ({
      fromMicros: i + first === 0 ? 0 : 2 ** (i + first),
      toMicros: 2 ** (i + first + 1),
      count
    }))
  }
}
