import { assert, describe, it } from "@effect/vitest"
import { Schema } from "effect"
import { formatHistogram, summarize } from "../../src/measure/BenchSummary.ts"
import { bucketBounds, bucketOf, LatencyHistogram } from "../../src/measure/LatencyHistogram.ts"

const exactPercentile = (sorted: ReadonlyArray<number>, q: number) => sorted[Math.max(1, Math.ceil(q * sorted.length)) - 1]!

const Latencies = Schema.Array(Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: 5_000_000_000 }))).check(Schema.isMinLength(1))

describe("LatencyHistogram", () => {
  it.prop("a value lies in its bucket's bounds, and a bucket is at most 1/64 of its lower bound wide", [Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: 2 ** 39 }))], ([value]) => {
    const [low, high] = bucketBounds(bucketOf(value))
    assert.isAtMost(low, value)
    assert.isBelow(value, high)
    assert.isAtMost(high - low, Math.max(1, low / 64))
  })

  it.prop("every percentile is within 1 % of the exact nearest-rank value; count, min and max are exact", [Latencies], ([values]) => {
    const histogram = new LatencyHistogram()
    for (const value of values) histogram.record(value)
    const sorted = [...values].sort((a, b) => a - b)
    assert.strictEqual(histogram.count, values.length)
    assert.strictEqual(histogram.max, sorted[sorted.length - 1])
    assert.strictEqual(histogram.min, sorted[0])
    for (const q of [0.5, 0.9, 0.99, 0.999, 1]) {
      const exact = exactPercentile(sorted, q)
      assert.isAtMost(Math.abs(histogram.percentile(q) - exact), exact / 100 + 0.5, `q=${q}`)
    }
    const bins = histogram.bins()
    assert.strictEqual(bins.reduce((sum, bin) => sum + bin.count, 0), values.length)
    for (const value of values) {
      assert.isTrue(bins.some((bin) => bin.fromMicros <= value && value < bin.toMicros && bin.count > 0))
    }
  }, { arbitrary: { runs: 200 } })

  it.prop("merging two histograms is recording both", [Latencies, Latencies], ([a, b]) => {
    const left = new LatencyHistogram()
    const right = new LatencyHistogram()
    const both = new LatencyHistogram()
    for (const value of a) { left.record(value); both.record(value) }
    for (const value of b) { right.record(value); both.record(value) }
    left.merge(right)
    for (const q of [0.5, 0.99, 1]) assert.strictEqual(left.percentile(q), both.percentile(q))
    assert.strictEqual(left.count, both.count)
  })

  it("summarize: rates over the window, latencies in ms, CPU per 1 000 messages", () => {
    const latencies = new LatencyHistogram()
    for (let i = 1; i <= 100; i++) latencies.record(i * 10)
    const summary = summarize({ sent: 2000, errors: { SendFailed: 2 }, bytes: 2000 * 1024, millis: 500, cpuMicros: 80_000, latencies })
    assert.deepStrictEqual(summary, {
      msgsPerSec: 4000, mbPerSec: 4.096, p50: 0.502, p90: 0.9, p99: 0.988, max: 1, sent: 2000, errors: { SendFailed: 2 }, cpuMsPerKmsg: 40
    })
    const text = formatHistogram(latencies)
    assert.strictEqual(text.split("\n").length, 7) // 8 µs … 1024 µs in powers of two
    assert.match(text.split("\n")[0]!, /^ +8 µs – 16 µs \| #+ +1 \( +1\.0 %\)$/)
  })
})
