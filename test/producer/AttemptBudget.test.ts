import { assert, describe, it } from "@effect/vitest"
import { Arbitrary, Schema } from "effect"
import {
  attemptCap,
  defaultAttemptBudgetOptions,
  emptyLatencyTable,
  healthyLatency,
  recordLatency,
  retryReserve
} from "../../src/producer/AttemptBudget.ts"
import type { LatencyTable } from "../../src/producer/AttemptBudget.ts"
import { intBetween } from "../../src/testkit/Arbitraries.ts"

const broker = Arbitrary.schema(Schema.Literals(["a", "b", "c", "d"]))
const samples = Arbitrary.array(Arbitrary.all({ broker, latency: intBetween(0, 20_000) }), { maxLength: 60 })
const capInput = Arbitrary.all({
  remaining: intBetween(1, 60_000),
  attemptsLeft: intBetween(1, 10),
  reserve: intBetween(1, 5_000)
})

const tableOf = (entries: ReadonlyArray<{ broker: string; latency: number }>): LatencyTable =>
  entries.reduce((table, { broker, latency }) => recordLatency(table, broker, latency), emptyLatencyTable)

describe("AttemptBudget", () => {
  it.prop("a cap never exceeds what remains (nor goes below 1 ms); the last attempt gets all of it", [capInput], ([input]) => {
    const cap = attemptCap(input)
    assert.isAtLeast(cap, 1)
    assert.isAtMost(cap, Math.max(1, input.remaining))
    if (input.attemptsLeft === 1) assert.strictEqual(cap, input.remaining)
  }, { arbitrary: { runs: 500 } })

  it.prop("what a capped attempt leaves covers a reserve for each retry left, whenever the budget allows it", [capInput], ([input]) => {
    const cap = attemptCap(input)
    const retries = input.attemptsLeft - 1
    if (retries > 0 && input.remaining >= input.reserve * input.attemptsLeft) {
      assert.isAtLeast(input.remaining - cap, input.reserve * retries)
    }
  }, { arbitrary: { runs: 500 } })

  it.prop("an attempt that may be retried gets at least one reserve (or all that remains)", [capInput], ([input]) => {
    const cap = attemptCap(input)
    assert.isAtLeast(cap, Math.min(input.remaining, Math.floor(input.reserve)))
  }, { arbitrary: { runs: 500 } })

  it.prop("an explicit attempt timeout caps every attempt but the last", [capInput, intBetween(1, 10_000)], ([input, timeout]) => {
    const cap = attemptCap({ ...input, attemptTimeoutMillis: timeout })
    assert.strictEqual(cap, input.attemptsLeft === 1 ? input.remaining : Math.max(1, Math.min(input.remaining, timeout)))
  }, { arbitrary: { runs: 300 } })

  it("the default 3 s budget: a first attempt may take 2.5 s before a retry, so a broker answering in 1.5 s is waited for", () => {
    const reserve = retryReserve(undefined, defaultAttemptBudgetOptions)
    assert.strictEqual(reserve, 250)
    assert.strictEqual(attemptCap({ remaining: 3000, attemptsLeft: 3, reserve }), 2500)
    assert.strictEqual(attemptCap({ remaining: 500, attemptsLeft: 2, reserve }), 250)
    // healthy brokers seen at 200 ms: each retry keeps three times that
    assert.strictEqual(attemptCap({ remaining: 3000, attemptsLeft: 3, reserve: retryReserve(200, defaultAttemptBudgetOptions) }), 1800)
  })

  it.prop("the reserve is the floor or the factor times the healthy latency, whichever is larger", [intBetween(0, 10_000)], ([latency]) => {
    const reserve = retryReserve(latency, defaultAttemptBudgetOptions)
    assert.strictEqual(reserve, Math.max(defaultAttemptBudgetOptions.minRetryReserveMillis, defaultAttemptBudgetOptions.reserveFactor * latency))
    assert.strictEqual(retryReserve(undefined, defaultAttemptBudgetOptions), defaultAttemptBudgetOptions.minRetryReserveMillis)
  })

  it.prop("latency estimates stay within the range of their broker's samples", [samples], ([entries]) => {
    const table = tableOf(entries)
    for (const [name, estimate] of table) {
      const own = entries.filter((entry) => entry.broker === name).map((entry) => entry.latency)
      assert.isAtLeast(estimate, Math.min(...own))
      assert.isAtMost(estimate, Math.max(...own))
    }
    assert.deepStrictEqual([...table.keys()].sort(), [...new Set(entries.map((entry) => entry.broker))].sort())
  }, { arbitrary: { runs: 300 } })

  it.prop("a steady latency leaves the table as it is (no copy per send)", [broker, intBetween(0, 5_000)], ([name, latency]) => {
    const table = recordLatency(emptyLatencyTable, name, latency)
    assert.strictEqual(recordLatency(table, name, latency), table)
    assert.strictEqual(recordLatency(table, name, Number.NaN), table)
    assert.strictEqual(recordLatency(table, name, -1), table)
  })

  it.prop("healthy latency: the lowest estimate among the other brokers, never the excluded one", [samples, broker], ([entries, exclude]) => {
    const table = tableOf(entries)
    const others = [...table].filter(([name]) => name !== exclude).map(([, estimate]) => estimate)
    const expected = others.length === 0 ? undefined : Math.min(...others)
    assert.strictEqual(healthyLatency(table, ["a", "b", "c", "d"], exclude), expected)
  }, { arbitrary: { runs: 300 } })

  it("a slow broker moves toward its new latency a fifth of the way per answer", () => {
    const slow = recordLatency(recordLatency(emptyLatencyTable, "a", 10), "a", 1010)
    assert.strictEqual(slow.get("a"), 210)
  })
})
