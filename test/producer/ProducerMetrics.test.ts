import { assert, describe, it } from "@effect/vitest"
import { Duration, Effect, Metric } from "effect"
import { sendLatency, sendLatencyMillisSeries, sendLatencySeries } from "../../src/producer/ProducerMetrics.ts"

describe("ProducerMetrics", () => {
  it.effect("the latency series in milliseconds is the series of the sendLatency timer, with the timer's buckets", () =>
    Effect.gen(function*() {
      const attributes = { producer_group: "g", topic: "MillisSeries" }
      yield* Metric.update(sendLatencyMillisSeries(attributes), 5)
      yield* Metric.update(sendLatencySeries(attributes), Duration.millis(700))
      const state = yield* Metric.value(Metric.withAttributes(sendLatency, attributes))
      assert.strictEqual(state.count, 2)
      assert.strictEqual(state.sum, 705)
      assert.strictEqual(state.min, 5)
      assert.strictEqual(state.max, 700)
      const other = yield* Metric.value(sendLatencyMillisSeries({ producer_group: "g", topic: "Other" }))
      assert.strictEqual(other.count, 0)
      // One bucket boundary per timer boundary: the histogram is the timer's, not one of its own.
      const timer = yield* Metric.value(Metric.withAttributes(sendLatency, { producer_group: "g", topic: "Fresh" }))
      const millis = yield* Metric.value(sendLatencyMillisSeries({ producer_group: "g", topic: "Fresh2" }))
      assert.deepStrictEqual(millis.buckets.map(([bound]) => bound), timer.buckets.map(([bound]) => bound))
    }))
})
