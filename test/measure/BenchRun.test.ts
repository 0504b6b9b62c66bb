import { assert, describe, it } from "@effect/vitest"
import { Data, Effect } from "effect"
import { errorTag, runBench } from "../../src/measure/BenchRun.ts"

class Busy extends Data.TaggedError("Busy")<{}> {}
class Wrapped extends Data.TaggedError("Wrapped")<{ readonly reason: Busy }> {}

describe("runBench", () => {
  it.live("--count: exactly that many sends are measured, failures counted by tag (a reason's tag first)", () =>
    Effect.gen(function*() {
      let n = 0
      const send = Effect.suspend((): Effect.Effect<void, Wrapped | Busy> => {
        n++
        return n % 5 === 0 ? Effect.fail(new Wrapped({ reason: new Busy() })) : n % 7 === 0 ? Effect.fail(new Busy()) : Effect.void
      })
      const window = yield* runBench(send, { concurrency: 4, warmupSeconds: 0, durationSeconds: undefined, count: 70, size: 10 })
      const failed = Object.values(window.errors).reduce((a, b) => a + b, 0)
      assert.strictEqual(window.sent + failed, 70)
      assert.strictEqual(window.latencies.count, window.sent)
      assert.strictEqual(window.bytes, window.sent * 10)
      assert.deepStrictEqual(Object.keys(window.errors), ["Busy"])
      assert.strictEqual(failed, 14 + 10 - 2) // multiples of 5 and of 7 up to 70, 35 and 70 counted once
    }))

  it.live("a warm-up is not measured, and a progress line comes about once a second", () =>
    Effect.gen(function*() {
      const lines: Array<string> = []
      let calls = 0
      const send = Effect.andThen(Effect.sync(() => calls++), Effect.sleep("2 millis"))
      const window = yield* runBench(send, {
        concurrency: 2,
        warmupSeconds: 0.3,
        durationSeconds: 1.2,
        count: undefined,
        size: 1,
        onProgress: (line) => lines.push(line)
      })
      assert.isAbove(window.sent, 0)
      assert.isBelow(window.sent, calls, "the warm-up's sends are not counted")
      assert.isAtLeast(window.millis, 1200)
      assert.isAbove(window.cpuMicros, 0)
      assert.isAtLeast(lines.length, 1)
      for (const line of lines) assert.match(line, /^(warm-up |measuring) +\d+ s +[\d,]+ sent {2}0 errors +[\d,]+ msgs\/s$/)
    }))

  it("errorTag: the reason's tag, else the error's, else Unknown", () => {
    assert.strictEqual(errorTag(new Wrapped({ reason: new Busy() })), "Busy")
    assert.strictEqual(errorTag(new Busy()), "Busy")
    assert.strictEqual(errorTag("boom"), "Unknown")
    assert.strictEqual(errorTag({ reason: "text" }), "Unknown")
  })
})
