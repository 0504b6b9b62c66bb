import { assert, describe, it } from "@effect/vitest"
import { Arbitrary, Schema } from "effect"
import { defaultFaultStrategyOptions, emptyFaultTable, isAvailable, isReachable, notAvailableDurationFor, recordOutcome } from "../../src/producer/FaultStrategy.ts"
import type { FaultItem, FaultTable } from "../../src/producer/FaultStrategy.ts"
import {
  indexBound,
  initialIndex,
  javaStringHashCode,
  selectByHash,
  selectByHashCode,
  selectQueue
} from "../../src/producer/SelectOneMessageQueue.ts"
import type { MessageQueue } from "../../src/route/MessageQueue.ts"
import { intBetween } from "../../src/testkit/Arbitraries.ts"

const bool = Arbitrary.schema(Schema.Boolean)
const brokerNames = ["a", "b", "c", "d"] as const
const brokerName = Arbitrary.schema(Schema.Literals(brokerNames))

const mod = (i: number, n: number) => ((i % n) + n) % n

/** 1–12 queues on up to 4 brokers, in any order; queueId is the list position, so queues are distinct. */
const queueList = Arbitrary.map(
  Arbitrary.array(brokerName, { minLength: 1, maxLength: 12 }),
  (names): Array<MessageQueue> => names.map((name, queueId) => ({ topic: "T", brokerName: name, queueId }))
)

/** Start indices: small, right below the wrap bound, or anywhere in [-2^31, 2^31). */
const startIndex = Arbitrary.map(
  Arbitrary.all({
    kind: Arbitrary.schema(Schema.Literals(["small", "nearBound", "any"])),
    value: intBetween(-(2 ** 31), 2 ** 31 - 1)
  }),
  ({ kind, value }) => (kind === "small" ? value % 1000 : kind === "nearBound" ? indexBound - 1 - mod(value, 40) : value)
)

/** `lastBrokerName`: none, one of the brokers, or a broker no queue is on. */
const lastBroker = Arbitrary.schema(Schema.UndefinedOr(Schema.Literals([...brokerNames, "z"])))

const now = intBetween(1_000_000, 2_000_000_000_000)

/** Fault entries relative to `now`: isolated (availableAfter in the future) or expired; reachable or not. */
const faultEntries = Arbitrary.array(
  Arbitrary.all({ brokerName, isolated: bool, reachable: bool, delta: intBetween(1, 600_000) }),
  { maxLength: 6 }
)
type FaultEntries = typeof faultEntries extends Arbitrary.Arbitrary<infer A> ? A : never
const tableOf = (entries: FaultEntries, at: number, expiredOnly = false): FaultTable => {
  const table = new Map<string, FaultItem>()
  for (const { brokerName, delta, isolated, reachable } of entries) {
    const availableAfter = isolated && !expiredOnly ? at + delta : at - delta + 1
    table.set(brokerName, { brokerName, latencyMs: delta, availableAfter, reachable })
  }
  return table
}

const enabled = { enabled: true }
const disabled = { enabled: false }

const selectOk = (...args: Parameters<typeof selectQueue>) => {
  const selection = selectQueue(...args)
  if (selection === undefined) throw new Error("selectQueue returned undefined for a non-empty queue list")
  return selection
}

/**
 * Java 5.x transcribed directly (`MQFaultStrategy.selectOneMessageQueue` over `TopicPublishInfo`):
 * each look at a queue is one `incrementAndGet`. Returns the queue and how many picks were used.
 */
const javaModel = (
  queues: ReadonlyArray<MessageQueue>,
  start: number,
  last: string | undefined,
  faults: FaultTable,
  at: number,
  faultEnabled: boolean
): { queue: MessageQueue | undefined; picks: number } => {
  const n = queues.length
  let counter = start
  const next = () => queues[mod(counter++, n)]
  const filtered = (accept: (q: MessageQueue) => boolean) => {
    for (let i = 0; i < n; i++) {
      const q = next()
      if (q !== undefined && accept(q)) return q
    }
    return undefined
  }
  const notLast = (q: MessageQueue) => last === undefined || q.brokerName !== last
  const queue = faultEnabled
    ? filtered((q) => isAvailable(faults, q.brokerName, at) && notLast(q)) ??
      filtered((q) => isReachable(faults, q.brokerName) && notLast(q)) ??
      next()
    : filtered(notLast) ?? next()
  return { queue, picks: counter - start }
}

describe("selectQueue", () => {
  it.prop("agrees with Java's algorithm: same queue, index advanced by the same number of picks", [queueList, startIndex, lastBroker, faultEntries, now, bool], ([queues, index, last, entries, at, on]) => {
    const faults = tableOf(entries, at)
    const { nextIndex, queue } = selectOk(queues, index, last, faults, at, { enabled: on })
    const model = javaModel(queues, index, last, faults, at, on)
    assert.strictEqual(queue, model.queue)
    assert.isTrue(Number.isSafeInteger(nextIndex) && nextIndex < indexBound, `nextIndex ${nextIndex}`)
    assert.strictEqual(mod(nextIndex, queues.length), mod(index + model.picks, queues.length))
    if (index > -indexBound && index + model.picks < indexBound) assert.strictEqual(nextIndex, index + model.picks)
  }, { arbitrary: { runs: 500 } })

  it.prop("fairness: k·n selections from any start hit every queue k times, in round-robin order", [queueList, startIndex, intBetween(1, 4), faultEntries, now, bool], ([queues, index, k, entries, at, on]) => {
    // Any faults have expired (reachable or not), so even with fault tolerance nothing is skipped.
    const faults = tableOf(entries, at, true)
    const n = queues.length
    const counts = new Map<MessageQueue, number>()
    let i = index
    for (let j = 0; j < k * n; j++) {
      const { nextIndex, queue } = selectOk(queues, i, undefined, faults, at, { enabled: on })
      assert.strictEqual(queue, queues[mod(index + j, n)], `selection ${j}`)
      counts.set(queue, (counts.get(queue) ?? 0) + 1)
      i = nextIndex
    }
    assert.strictEqual(counts.size, n)
    for (const count of counts.values()) assert.strictEqual(count, k)
  }, { arbitrary: { runs: 300 } })

  it.prop("without fault tolerance: avoids lastBrokerName whenever another broker has a queue", [queueList, startIndex, lastBroker, faultEntries, now], ([queues, index, last, entries, at]) => {
    const { queue } = selectOk(queues, index, last, tableOf(entries, at), at, disabled)
    if (queues.some((q) => q.brokerName !== last)) assert.notStrictEqual(queue.brokerName, last)
    else assert.strictEqual(queue, queues[mod(index, queues.length)])
  }, { arbitrary: { runs: 300 } })

  it.prop("with fault tolerance: avoids lastBrokerName whenever another broker is available or reachable", [queueList, startIndex, lastBroker, faultEntries, now], ([queues, index, last, entries, at]) => {
    const faults = tableOf(entries, at)
    const { queue } = selectOk(queues, index, last, faults, at, enabled)
    const usable = (q: MessageQueue) => isAvailable(faults, q.brokerName, at) || isReachable(faults, q.brokerName)
    if (queues.some((q) => q.brokerName !== last && usable(q))) assert.notStrictEqual(queue.brokerName, last)
  }, { arbitrary: { runs: 300 } })

  it.prop("with fault tolerance: never an isolated broker while another one is available; passes in order", [queueList, startIndex, lastBroker, faultEntries, now], ([queues, index, last, entries, at]) => {
    const faults = tableOf(entries, at)
    const { queue } = selectOk(queues, index, last, faults, at, enabled)
    const candidate = (q: MessageQueue) => q.brokerName !== last
    if (queues.some((q) => candidate(q) && isAvailable(faults, q.brokerName, at))) {
      // pass 1
      assert.isTrue(candidate(queue) && isAvailable(faults, queue.brokerName, at))
    } else if (queues.some((q) => candidate(q) && isReachable(faults, q.brokerName))) {
      // pass 2
      assert.isTrue(candidate(queue) && isReachable(faults, queue.brokerName))
    } else {
      // pass 3: the plain next queue, 2n picks on, i.e. the queue at the start position
      assert.strictEqual(queue, queues[mod(index, queues.length)])
    }
  }, { arbitrary: { runs: 400 } })

  it.prop("an isolated broker is skipped until its not-available duration has passed, then used again", [queueList, startIndex, intBetween(0, 11), now, bool, intBetween(0, 40_000)], ([queues, index, victimAt, t0, reachable, latencyMs]) => {
    const n = queues.length
    const victim = queues[victimAt % n]?.brokerName ?? "a"
    if (queues.every((q) => q.brokerName === victim)) return
    const opts = defaultFaultStrategyOptions
    const faults = recordOutcome(emptyFaultTable, { brokerName: victim, latencyMs, isolation: true, reachable, now: t0 }, opts)
    const duration = notAvailableDurationFor(opts.isolationLatency, opts)
    const run = (at: number) => {
      const seen: Array<MessageQueue> = []
      let i = index
      for (let j = 0; j < n; j++) {
        const { nextIndex, queue } = selectOk(queues, i, undefined, faults, at, opts)
        seen.push(queue)
        i = nextIndex
      }
      return seen
    }
    for (const at of [t0, t0 + 1, t0 + duration - 1]) {
      assert.isFalse(run(at).some((q) => q.brokerName === victim), `victim used at t0 + ${at - t0}`)
    }
    const recovered = run(t0 + duration)
    assert.deepStrictEqual(recovered, queues.map((_, j) => queues[mod(index + j, n)]))
  }, { arbitrary: { runs: 200 } })

  it.prop("always returns a queue for a non-empty list, even with every broker isolated and unreachable", [queueList, startIndex, lastBroker, now, bool], ([queues, index, last, at, on]) => {
    const faults = new Map(brokerNames.map((b) => [b, { brokerName: b, latencyMs: 0, availableAfter: at + 1, reachable: false }]))
    const { queue } = selectOk(queues, index, last, faults, at, { enabled: on })
    assert.isTrue(queues.includes(queue))
  }, { arbitrary: { runs: 100 } })

  it("returns undefined for an empty queue list", () => {
    for (const on of [true, false]) {
      assert.isUndefined(selectQueue([], 0, undefined, emptyFaultTable, 0, { enabled: on }))
      assert.isUndefined(selectQueue([], 5, "a", emptyFaultTable, 0, { enabled: on }))
    }
  })

  it("wraps the index below 2^31 without breaking the round robin", () => {
    const queues = ["a", "b", "c"].map((b, queueId): MessageQueue => ({ topic: "T", brokerName: b, queueId }))
    let i = indexBound - 2
    const seen: Array<number> = []
    for (let j = 0; j < 7; j++) {
      const { nextIndex, queue } = selectOk(queues, i, undefined, emptyFaultTable, 0, disabled)
      seen.push(queue.queueId)
      assert.isTrue(nextIndex < indexBound)
      i = nextIndex
    }
    const first = mod(indexBound - 2, 3)
    assert.deepStrictEqual(seen, Array.from({ length: 7 }, (_, j) => (first + j) % 3))
    // Out-of-range or unsafe indices: positions still follow the index; non-integers count as 0.
    assert.strictEqual(selectOk(queues, 2 ** 53 - 1, undefined, emptyFaultTable, 0, disabled).queue.queueId, mod(2 ** 53 - 1, 3))
    assert.strictEqual(selectOk(queues, Number.NaN, undefined, emptyFaultTable, 0, disabled).queue.queueId, 0)
    assert.strictEqual(selectOk(queues, -1, undefined, emptyFaultTable, 0, disabled).queue.queueId, 2)
  })
})

describe("initialIndex", () => {
  it.prop("maps [0, 1) onto integers in [0, 2^31)", [Arbitrary.schema(Schema.Finite.check(Schema.isBetween({ minimum: 0, maximum: 1, exclusiveMaximum: true })))], ([r]) => {
    const i = initialIndex(r)
    assert.isTrue(Number.isSafeInteger(i) && i >= 0 && i < indexBound, `${r} -> ${i}`)
  }, { arbitrary: { runs: 200 } })

  it("clamps anything else into range", () => {
    assert.strictEqual(initialIndex(0), 0)
    assert.strictEqual(initialIndex(0.5), 2 ** 30)
    assert.strictEqual(initialIndex(1 - Number.EPSILON), indexBound - 1)
    assert.strictEqual(initialIndex(1), indexBound - 1)
    assert.strictEqual(initialIndex(Number.POSITIVE_INFINITY), indexBound - 1)
    assert.strictEqual(initialIndex(-0.5), 0)
    assert.strictEqual(initialIndex(Number.NaN), 0)
  })
})

/** Java's String.hashCode from its definition, in exact arithmetic, then narrowed to an int. */
const hashOracle = (s: string): number => {
  let h = 0n
  for (let i = 0; i < s.length; i++) h = h * 31n + BigInt(s.charCodeAt(i))
  return Number(BigInt.asIntN(32, h))
}

/** Values printed by a JVM (`"...".hashCode()`, and `SelectMessageQueueByHash` for n = 1, 2, 3, 5, 7, 8, 16). */
const javaVectors: ReadonlyArray<readonly [string, number, ReadonlyArray<number>]> = [
  ["hello", 99162322, [0, 0, 1, 2, 0, 2, 2]],
  ["", 0, [0, 0, 0, 0, 0, 0, 0]],
  ["polygenelubricants", -2147483648, [0, 0, 2, 3, 2, 0, 0]],
  ["order-42", 1234255197, [0, 1, 0, 2, 0, 5, 13]],
  ["\uD83D\uDE00", 1772899, [0, 1, 1, 4, 2, 3, 3]],
  ["日本語", 25921943, [0, 1, 2, 3, 5, 7, 7]],
  ["ABCDEFGHIJKLMNOP", -1819422456, [0, 0, 0, 1, 5, 0, 8]],
  ["zzzzzzzzzz", -1580979136, [0, 0, 1, 1, 2, 0, 0]]
]
const vectorSizes = [1, 2, 3, 5, 7, 8, 16]
const queuesOf = (n: number): Array<MessageQueue> =>
  Array.from({ length: n }, (_, queueId) => ({ topic: "T", brokerName: `b${queueId % 3}`, queueId }))

describe("hash selection", () => {
  it("matches the JVM: String.hashCode and SelectMessageQueueByHash", () => {
    for (const [key, hash, indices] of javaVectors) {
      assert.strictEqual(javaStringHashCode(key), hash, JSON.stringify(key))
      vectorSizes.forEach((n, j) => assert.strictEqual(selectByHash(queuesOf(n), key)?.queueId, indices[j], `${JSON.stringify(key)} n=${n}`))
    }
    assert.strictEqual(javaStringHashCode("Aa"), javaStringHashCode("BB"))
  })

  it.prop("javaStringHashCode is String.hashCode for any string", [Schema.String], ([s]) => {
    assert.strictEqual(javaStringHashCode(s), hashOracle(s))
  }, { arbitrary: { runs: 500 } })

  it.prop("selectByHash is stable, in range, and at abs(hashCode % n) for any key and n ≥ 1", [Schema.String, intBetween(1, 300)], ([key, n]) => {
    const queues = queuesOf(n)
    const first = selectByHash(queues, key)
    assert.strictEqual(selectByHash(queues, key), first)
    assert.isDefined(first)
    // BigInt % truncates toward zero, like Java's int %.
    const expected = Number(BigInt(hashOracle(key)) % BigInt(n))
    assert.strictEqual(first?.queueId, Math.abs(expected))
    assert.isTrue(first !== undefined && queues.includes(first))
  }, { arbitrary: { runs: 500 } })

  it.prop("selectByHashCode takes any int, Integer.MIN_VALUE included", [intBetween(-(2 ** 31), 2 ** 31 - 1), intBetween(1, 300)], ([hash, n]) => {
    const index = selectByHashCode(queuesOf(n), hash)?.queueId ?? -1
    assert.isTrue(index >= 0 && index < n)
    assert.strictEqual(index, Math.abs(Number(BigInt(hash) % BigInt(n))))
    assert.strictEqual(selectByHashCode(queuesOf(n), -(2 ** 31))?.queueId, Number(2n ** 31n % BigInt(n)))
  }, { arbitrary: { runs: 300 } })

  it("returns undefined for an empty list", () => {
    assert.isUndefined(selectByHash([], "k"))
    assert.isUndefined(selectByHashCode([], 7))
  })
})
