import { assert, describe, it } from "@effect/vitest"
import { Arbitrary, Result, Schema } from "effect"
import {
  defaultFaultStrategyOptions,
  emptyFaultTable,
  isAvailable,
  isReachable,
  legacyFaultStrategyOptions,
  notAvailableDurationFor,
  recordOutcome,
  validateFaultStrategyOptions
} from "../../src/producer/FaultStrategy.ts"
import type { FaultOutcome, FaultStrategyOptions, FaultTable } from "../../src/producer/FaultStrategy.ts"
import { intBetween } from "../../src/testkit/Arbitraries.ts"

const bool = Arbitrary.schema(Schema.Boolean)

/** Valid options: the two built-in sets, or random tables with strictly ascending thresholds. */
const options: Arbitrary.Arbitrary<FaultStrategyOptions> = Arbitrary.map(
  Arbitrary.all({
    which: Arbitrary.schema(Schema.Literals(["default", "legacy", "random"])),
    steps: Arbitrary.array(Arbitrary.all({ gap: intBetween(1, 5_000), duration: intBetween(0, 600_000) }), {
      maxLength: 8
    }),
    first: intBetween(0, 100),
    isolationLatency: intBetween(0, 40_000)
  }),
  ({ first, isolationLatency, steps, which }): FaultStrategyOptions => {
    if (which === "default") return defaultFaultStrategyOptions
    if (which === "legacy") return legacyFaultStrategyOptions
    let threshold = first - 1
    const latencyMax = steps.map(({ gap }) => (threshold += gap))
    return { enabled: true, latencyMax, notAvailableDuration: steps.map((s) => s.duration), isolationLatency }
  }
)

/** Latencies anywhere, or right at / beside a threshold of the options (index taken modulo their count). */
const latencyFor = Arbitrary.all({
  anywhere: intBetween(0, 50_000),
  near: Arbitrary.all({ index: intBetween(0, 64), delta: intBetween(-1, 1) }),
  useNear: bool
})
const pickLatency = (
  { anywhere, near, useNear }: { anywhere: number; near: { index: number; delta: number }; useNear: boolean },
  opts: FaultStrategyOptions
): number => {
  const threshold = opts.latencyMax[near.index % Math.max(1, opts.latencyMax.length)]
  return useNear && threshold !== undefined ? Math.max(0, threshold + near.delta) : anywhere
}

const brokerName = Arbitrary.schema(Schema.Literals(["a", "b", "c"]))
const outcome = Arbitrary.all({
  brokerName,
  latencyMs: intBetween(0, 40_000),
  isolation: bool,
  reachable: bool,
  now: intBetween(0, 2_000_000)
})
/** A history of outcomes, either with increasing times (as a clock gives them) or with arbitrary ones. */
const history = Arbitrary.map(
  Arbitrary.all({ outcomes: Arbitrary.array(outcome, { maxLength: 30 }), monotonic: bool }),
  ({ monotonic, outcomes }): Array<FaultOutcome> => {
    let clock = 0
    return monotonic ? outcomes.map((o) => ({ ...o, now: (clock += o.now % 20_000) })) : outcomes
  }
)

const replay = (outcomes: ReadonlyArray<FaultOutcome>, opts: FaultStrategyOptions, table: FaultTable = emptyFaultTable) =>
  outcomes.reduce((t, o) => recordOutcome(t, o, opts), table)

const snapshot = (table: FaultTable) => JSON.stringify([...table.entries()])

/** Straight from the definition: the duration of the largest i with latency ≥ latencyMax[i]. */
const expectedDuration = (latency: number, opts: FaultStrategyOptions): number => {
  const hits = opts.latencyMax.flatMap((max, i) => (latency >= max ? [i] : []))
  const i = hits[hits.length - 1]
  return i === undefined ? 0 : opts.notAvailableDuration[i] ?? Number.NaN
}

describe("notAvailableDurationFor", () => {
  it.prop("matches the table for any latency and any valid options", [options, latencyFor], ([opts, l]) => {
    const latency = pickLatency(l, opts)
    assert.strictEqual(notAvailableDurationFor(latency, opts), expectedDuration(latency, opts))
  }, { arbitrary: { runs: 500 } })

  it("uses the 5.x tables by default", () => {
    const cases: ReadonlyArray<readonly [number, number]> = [
      [0, 0], [49, 0], [50, 0], [549, 0], [550, 2000], [1799, 2000], [1800, 5000], [2999, 5000],
      [3000, 6000], [4999, 6000], [5000, 10000], [14999, 10000], [15000, 30000], [1e9, 30000], [-5, 0]
    ]
    for (const [latency, duration] of cases) {
      assert.strictEqual(notAvailableDurationFor(latency, defaultFaultStrategyOptions), duration, `latency ${latency}`)
    }
  })

  it("isolation means 10 s in 5.x and 10 min with the legacy tables", () => {
    const d = defaultFaultStrategyOptions
    const l = legacyFaultStrategyOptions
    assert.strictEqual(notAvailableDurationFor(d.isolationLatency, d), 10_000)
    assert.strictEqual(notAvailableDurationFor(l.isolationLatency, l), 600_000)
    assert.strictEqual(notAvailableDurationFor(550, l), 30_000)
    assert.strictEqual(notAvailableDurationFor(1000, l), 60_000)
  })
})

describe("recordOutcome", () => {
  it.prop("availableAfter never decreases and entries never vanish, under any sequence of outcomes", [options, history], ([opts, outcomes]) => {
    let table = emptyFaultTable
    for (const o of outcomes) {
      const next = recordOutcome(table, o, opts)
      for (const [name, item] of table) {
        const after = next.get(name)?.availableAfter ?? Number.NaN
        assert.isTrue(after >= item.availableAfter, `${name}: ${item.availableAfter} -> ${after}`)
      }
      table = next
    }
  }, { arbitrary: { runs: 300 } })

  it.prop("one outcome: isolated until max(old, now + duration), reachable flag set, nothing else touched", [options, history, outcome, latencyFor], ([opts, past, o0, l]) => {
    const before = replay(past, opts)
    const frozen = snapshot(before)
    const o = { ...o0, latencyMs: pickLatency(l, opts) }
    const after = recordOutcome(before, o, opts)
    const duration = expectedDuration(o.isolation ? opts.isolationLatency : o.latencyMs, opts)
    const oldUntil = before.get(o.brokerName)?.availableAfter ?? 0
    const oldReachable = isReachable(before, o.brokerName)
    const until = duration > 0 ? Math.max(oldUntil, o.now + duration) : oldUntil

    assert.strictEqual(after.get(o.brokerName)?.availableAfter ?? 0, until)
    assert.strictEqual(isReachable(after, o.brokerName), o.reachable)
    if (duration > 0) {
      assert.isFalse(isAvailable(after, o.brokerName, o.now + duration - 1))
      assert.isTrue(isAvailable(after, o.brokerName, until))
    }
    // No copy exactly when nothing selection can see changes; a copy records the measured latency.
    const unchanged = until === oldUntil && o.reachable === oldReachable
    assert.strictEqual(after === before, unchanged)
    if (!unchanged) assert.strictEqual(after.get(o.brokerName)?.latencyMs, o.latencyMs)
    // Pure: the input is untouched, other brokers keep their very items.
    assert.strictEqual(snapshot(before), frozen)
    for (const [name, item] of before) if (name !== o.brokerName) assert.strictEqual(after.get(name), item)
  }, { arbitrary: { runs: 500 } })

  it.prop("an isolating outcome counts as the isolation latency, whatever was measured", [options, history, outcome], ([opts, past, o]) => {
    const before = replay(past, opts)
    const isolated = recordOutcome(before, { ...o, isolation: true }, opts)
    const asIfSlow = recordOutcome(before, { ...o, isolation: false, latencyMs: opts.isolationLatency }, opts)
    assert.strictEqual(isolated.get(o.brokerName)?.availableAfter, asIfSlow.get(o.brokerName)?.availableAfter)
  }, { arbitrary: { runs: 300 } })

  it.prop("disabled: outcomes are not recorded", [history], ([outcomes]) => {
    const disabled = { ...defaultFaultStrategyOptions, enabled: false }
    assert.strictEqual(replay(outcomes, disabled), emptyFaultTable)
  }, { arbitrary: { runs: 100 } })

  it("isolates for 10 s (5.x) and records the measured latency", () => {
    const t = recordOutcome(emptyFaultTable, { brokerName: "b", latencyMs: 42, isolation: true, reachable: false, now: 1_000 }, defaultFaultStrategyOptions)
    assert.deepStrictEqual(t.get("b"), { brokerName: "b", latencyMs: 42, availableAfter: 11_000, reachable: false })
    assert.isFalse(isAvailable(t, "b", 10_999))
    assert.isTrue(isAvailable(t, "b", 11_000))
    assert.isTrue(isAvailable(t, "other", 0) && isReachable(t, "other"))
    // A later, shorter isolation does not shorten it; a success makes it reachable again.
    const later = recordOutcome(t, { brokerName: "b", latencyMs: 600, isolation: false, reachable: true, now: 2_000 }, defaultFaultStrategyOptions)
    assert.strictEqual(later.get("b")?.availableAfter, 11_000)
    assert.isTrue(isReachable(later, "b"))
  })

  it("does not copy the table for outcomes selection cannot observe", () => {
    const opts = defaultFaultStrategyOptions
    const ok = (brokerName: string, now: number, latencyMs = 10): FaultOutcome => ({ brokerName, latencyMs, isolation: false, reachable: true, now })
    // Success on a broker with no entry: no entry is created.
    assert.strictEqual(recordOutcome(emptyFaultTable, ok("a", 5), opts), emptyFaultTable)
    const isolated = recordOutcome(emptyFaultTable, { ...ok("a", 1_000), isolation: true }, opts)
    // Success while isolated (duration 0) or after the isolation passed: same table.
    assert.strictEqual(recordOutcome(isolated, ok("a", 2_000), opts), isolated)
    assert.strictEqual(recordOutcome(isolated, ok("a", 20_000, 99), opts), isolated)
    // A slow success that ends before the isolation does: same table.
    assert.strictEqual(recordOutcome(isolated, ok("a", 1_500, 600), opts), isolated)
    // Extending the isolation or flipping reachability: a new table.
    assert.notStrictEqual(recordOutcome(isolated, ok("a", 9_500, 600), opts), isolated)
    assert.notStrictEqual(recordOutcome(isolated, { ...ok("a", 2_000), reachable: false }, opts), isolated)
  })
})

describe("validateFaultStrategyOptions", () => {
  const fieldOf = (opts: FaultStrategyOptions): string => {
    const r = validateFaultStrategyOptions(opts)
    return Result.isFailure(r) ? r.failure.field : "valid"
  }

  it.prop("accepts every valid option set", [options], ([opts]) => {
    assert.strictEqual(fieldOf(opts), "valid")
  }, { arbitrary: { runs: 200 } })

  it.prop("rejects thresholds that are not strictly ascending", [options, intBetween(0, 64)], ([opts, at]) => {
    const n = opts.latencyMax.length
    if (n < 2) return
    const i = at % (n - 1)
    const latencyMax = opts.latencyMax.map((m, j) => (j === i + 1 ? opts.latencyMax[i] ?? m : m))
    assert.strictEqual(fieldOf({ ...opts, latencyMax }), "latencyMax")
  }, { arbitrary: { runs: 200 } })

  it("rejects mismatched lengths and negative or non-finite numbers", () => {
    const d = defaultFaultStrategyOptions
    assert.strictEqual(fieldOf(d), "valid")
    assert.strictEqual(fieldOf(legacyFaultStrategyOptions), "valid")
    assert.strictEqual(fieldOf({ ...d, notAvailableDuration: [0, 0] }), "notAvailableDuration")
    assert.strictEqual(fieldOf({ ...d, latencyMax: [-1, 100, 550, 1800, 3000, 5000, 15000] }), "latencyMax")
    assert.strictEqual(fieldOf({ ...d, latencyMax: [50, 100, 550, 1800, 3000, 5000, Number.NaN] }), "latencyMax")
    assert.strictEqual(fieldOf({ ...d, notAvailableDuration: [0, 0, 2000, 5000, -6000, 10000, 30000] }), "notAvailableDuration")
    assert.strictEqual(fieldOf({ ...d, isolationLatency: Number.POSITIVE_INFINITY }), "isolationLatency")
    const r = validateFaultStrategyOptions({ ...d, latencyMax: [50, 50, 550, 1800, 3000, 5000, 15000] })
    assert.isTrue(Result.isFailure(r) && r.failure._tag === "InvalidFaultStrategyOptions" && r.failure.message.includes("entry 1"))
  })
})
