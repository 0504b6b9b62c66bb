import { assert, describe, it } from "@effect/vitest"
import { Arbitrary, Effect } from "effect"
import { TestClock } from "effect/testing"
import { intBetween } from "../../src/testkit/Arbitraries.ts"
import { makeDeadlines } from "../../src/transport/Deadlines.ts"
import type { DeadlineEntry } from "../../src/transport/Deadlines.ts"

/**
 * One step: registers an entry due in `10 n` ms (kinds 0–3), cancels one of those waiting (4–6),
 * cancels every entry not fired, as a closing connection does (7, one time in ten), or lets up to
 * 60 ms pass (8–9). Adds outnumber the rest, so the heap grows and cancelled entries pile up.
 */
const Step = Arbitrary.all({ kind: intBetween(0, 9), n: intBetween(0, 300) })

const stepKind = (step: { readonly kind: number; readonly n: number }) =>
  step.kind <= 3 ? "add" : step.kind <= 6 ? "cancel" : step.kind === 7 ? (step.n % 10 === 0 ? "cancelAll" : "add") : "advance"

describe("Deadlines (TestClock)", () => {
  it.effect("expires entries in deadline order, at their deadline, and never a cancelled one", () =>
    Effect.gen(function*() {
      const deadlines = yield* makeDeadlines
      const fired: Array<string> = []
      const start = deadlines.now()
      deadlines.add(start + 300, { expire: () => fired.push("c") })
      deadlines.add(start + 100, { expire: () => fired.push("a") })
      const cancelled = deadlines.add(start + 200, { expire: () => fired.push("cancelled") })
      deadlines.add(start + 200, { expire: () => fired.push("b") })
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
      deadlines.add(start + 10_000, { expire: () => fired.push(10_000) })
      yield* TestClock.adjust(1)
      deadlines.add(start + 50, { expire: () => fired.push(50) })
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
        const entry = deadlines.add(start + 1 + (i * 7919) % 997, { expire: () => fired.set(i, (fired.get(i) ?? 0) + 1) })
        if (i % 10 !== 0) entry.cancel()
      }
      yield* TestClock.adjust(1000)
      assert.strictEqual(fired.size, 500)
      assert.isTrue([...fired.entries()].every(([i, n]) => i % 10 === 0 && n === 1))
    }))

  it.effect.prop(
    "any adds, cancels and time passing: each live entry fires once, never before its deadline and as soon as the clock reaches it; a cancelled one never",
    [Arbitrary.array(Step, { minLength: 200, maxLength: 400 })],
    ([steps]) =>
      Effect.gen(function*() {
        const deadlines = yield* makeDeadlines
        const start = deadlines.now()
        const entries: Array<{ readonly entry: DeadlineEntry; readonly due: number; cancelled: boolean; fired: Array<number> }> = []
        const check = () => {
          const now = deadlines.now()
          for (const e of entries) {
            if (e.cancelled) assert.deepStrictEqual(e.fired, [], "a cancelled entry fired")
            else if (e.due <= now) assert.strictEqual(e.fired.length, 1, `an entry due at ${e.due - start} fired ${e.fired.length} times by ${now - start}`)
            else assert.deepStrictEqual(e.fired, [], "an entry fired early")
            for (const at of e.fired) assert.isAtLeast(at, e.due)
          }
          assert.strictEqual(deadlines.size(), entries.filter((e) => !e.cancelled && e.fired.length === 0).length)
        }
        for (const step of steps) {
          switch (stepKind(step)) {
            case "add": {
              const fired: Array<number> = []
              const due = deadlines.now() + step.n * 10
              entries.push({ entry: deadlines.add(due, { expire: () => fired.push(deadlines.now()) }), due, cancelled: false, fired })
              break
            }
            case "cancel": {
              const waiting = entries.filter((e) => !e.cancelled && e.fired.length === 0)
              const e = waiting[step.n % Math.max(1, waiting.length)]
              if (e !== undefined) {
                e.entry.cancel()
                e.cancelled = true
              }
              break
            }
            case "cancelAll":
              // e.g. a connection closing: every entry not fired is cancelled
              for (const e of entries) {
                if (e.fired.length > 0 || e.cancelled) continue
                e.entry.cancel()
                e.cancelled = true
              }
              break
            case "advance":
              yield* TestClock.adjust(step.n % 60)
              check()
              break
          }
        }
        yield* TestClock.adjust(3001)
        check()
      }),
    { arbitrary: { runs: 100 } }
  )
})
