import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { TestClock } from "effect/testing"
import { makeDeadlines } from "../../src/transport/Deadlines.ts"

describe("Deadlines (TestClock)", () => {
  it.effect("expires entries in deadline order, at their deadline, and never a cancelled one", () =>
    Effect.gen(function*() {
      const deadlines = yield* makeDeadlines
      const fired: Array<string> = []
      const start = deadlines.now()
      deadlines.add(start + 300, () => fired.push("c"))
      deadlines.add(start + 100, () => fired.push("a"))
      const cancelled = deadlines.add(start + 200, () => fired.push("cancelled"))
      deadlines.add(start + 200, () => fired.push("b"))
      cancelled.cancel()
      cancelled.cancel()
      assert.strictEqual(deadlines.size(), 3)
      yield* TestClock.adjust(99)
      assert.deepStrictEqual(fired, [])
      yield* TestClock.adjust(1)
      assert.deepStrictEqual(fired, ["a"])
      yield* TestClock.adjust(200)
      assert.deepStrictEqual(fired, ["a", "b", "c"])
      assert.strictEqual(deadlines.size(), 0)
    }))

  it.effect("an entry earlier than the one being waited for wakes the fiber", () =>
    Effect.gen(function*() {
      const deadlines = yield* makeDeadlines
      const fired: Array<number> = []
      const start = deadlines.now()
      deadlines.add(start + 10_000, () => fired.push(10_000))
      yield* TestClock.adjust(1)
      deadlines.add(start + 50, () => fired.push(50))
      yield* TestClock.adjust(49)
      assert.deepStrictEqual(fired, [50])
      yield* TestClock.adjust(10_000)
      assert.deepStrictEqual(fired, [50, 10_000])
    }))

  it.effect("thousands of entries, most cancelled: the rest fire exactly once", () =>
    Effect.gen(function*() {
      const deadlines = yield* makeDeadlines
      const start = deadlines.now()
      const fired = new Map<number, number>()
      for (let i = 0; i < 5000; i++) {
        const entry = deadlines.add(start + 1 + (i * 7919) % 997, () => fired.set(i, (fired.get(i) ?? 0) + 1))
        if (i % 10 !== 0) entry.cancel()
      }
      yield* TestClock.adjust(1000)
      assert.strictEqual(fired.size, 500)
      assert.isTrue([...fired.entries()].every(([i, n]) => i % 10 === 0 && n === 1))
    }))
})
