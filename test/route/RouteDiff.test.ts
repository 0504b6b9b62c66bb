/**
 * RouteDiff: publish/subscribe queues of a route (REMOTING.md §9.4), the Java client's "route
 * changed" rule (§9.5), and the structured diff that must agree with it.
 */
import { assert, describe, it } from "@effect/vitest"
import { Arbitrary, Effect, Result, Schema } from "effect"
import { parseTopicRouteData } from "../../src/protocol/TopicRouteData.ts"
import type { BrokerData, TopicRouteData } from "../../src/protocol/TopicRouteData.ts"
import { formatMessageQueue } from "../../src/route/MessageQueue.ts"
import { publishQueues, readQueues } from "../../src/route/PublishQueues.ts"
import { changed, diff } from "../../src/route/RouteComparison.ts"
import { isEmpty, RouteDiff } from "../../src/route/RouteDiff.ts"
import { formatDiff } from "../../src/route/RouteDiffFormat.ts"
import {
  mutatedRoutePair,
  mutateRoute,
  orderTopicConf,
  reorderedRoutePair,
  reorderRoute,
  routeMutation,
  topicRouteData,
  uniqueTopicRouteData
} from "../../src/testkit/RouteArbitraries.ts"

const runs = { arbitrary: { runs: 400 } }

/** JSON with object keys sorted, so that structurally equal values print the same. */
const stableJson = (value: unknown): string =>
  JSON.stringify(value, (_, v: unknown) =>
    v !== null && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v)

/** The route without the BrokerData fields the Java rule ignores. */
const withoutIgnored = (route: TopicRouteData) => ({
  ...route,
  brokerDatas: route.brokerDatas.map((b) => ({ brokerName: b.brokerName, brokerAddrs: b.brokerAddrs }))
})

const hasDuplicateNames = (route: TopicRouteData): boolean =>
  new Set(route.queueDatas.map((q) => q.brokerName)).size !== route.queueDatas.length ||
  new Set(route.brokerDatas.map((b) => b.brokerName)).size !== route.brokerDatas.length

const withoutOrderConf = (route: TopicRouteData): TopicRouteData => {
  const { orderTopicConf: _, ...rest } = route
  return rest
}

/** Independent oracle for "has a master": some key reads as the number 0. */
const hasMaster = (brokerData: BrokerData | undefined): boolean =>
  brokerData !== undefined && Object.keys(brokerData.brokerAddrs).some((id) => Number(id) === 0)

const keysOf = (queues: ReadonlyArray<{ readonly brokerName: string; readonly queueId: number }>) =>
  queues.map((q) => `${q.brokerName}#${q.queueId}`)

const encodeDiff = Schema.encodeSync(RouteDiff)
const decodeDiff = Schema.decodeUnknownSync(RouteDiff)

const captureBodyStandard =
  `{"brokerDatas":[{"brokerAddrs":{"0":"127.0.0.1:10911"},"brokerName":"broker-a","cluster":"DefaultCluster"}],` +
  `"filterServerTable":{},"queueDatas":[{"brokerName":"broker-a","perm":6,"readQueueNums":4,"topicSysFlag":0,` +
  `"writeQueueNums":4}]}`
const captureBodyFastjson = captureBodyStandard.replace(`{"0":`, `{0:`)
const captured: TopicRouteData = Result.getOrThrow(parseTopicRouteData(captureBodyStandard))

const route = (parts: Partial<TopicRouteData>): TopicRouteData => ({
  queueDatas: [],
  brokerDatas: [],
  filterServerTable: {},
  ...parts
})
const queue = (brokerName: string, writeQueueNums: number, perm = 6, readQueueNums = writeQueueNums) => ({
  brokerName,
  readQueueNums,
  writeQueueNums,
  perm,
  topicSysFlag: 0
})
const broker = (brokerName: string, brokerAddrs: Record<string, string>): BrokerData => ({
  cluster: "DefaultCluster",
  brokerName,
  brokerAddrs
})

describe("changed", () => {
  it.prop("a route is unchanged against itself, and always changed against no route", [topicRouteData], ([a]) => {
    assert.isFalse(changed(a, a))
    assert.isFalse(changed(a, structuredClone(a)))
    assert.isTrue(changed(undefined, a))
  }, runs)

  it.prop("is symmetric, for unrelated and for nearby routes", [topicRouteData, topicRouteData, mutatedRoutePair], ([a, b, [c, d]]) => {
    assert.strictEqual(changed(a, b), changed(b, a))
    assert.strictEqual(changed(c, d), changed(d, c))
  }, runs)

  it.prop("ignores the order of queueDatas, brokerDatas and map entries, and ids written as 00", [reorderedRoutePair], ([[a, b]]) => {
    assert.isFalse(changed(a, b))
    assert.isFalse(changed(b, a))
  }, runs)

  it.prop(
    "ignores BrokerData cluster, zoneName and enableActingMaster",
    [topicRouteData, Arbitrary.schema(Schema.String), Arbitrary.schema(Schema.Boolean)],
    ([a, text, flag]) => {
      const b = {
        ...a,
        brokerDatas: a.brokerDatas.map((bd, i) => ({
          cluster: `${text}${i}`,
          brokerName: bd.brokerName,
          brokerAddrs: bd.brokerAddrs,
          ...(flag ? { zoneName: text, enableActingMaster: i % 2 === 0 } : {})
        }))
      }
      assert.isFalse(changed(a, b))
      assert.isTrue(isEmpty(diff(a, b)))
    },
    runs
  )

  it.prop("after an in-place edit: changed exactly when a compared field differs", [topicRouteData, routeMutation], ([a, mutation]) => {
    // Except for these two kinds, the edits keep list order and write ids plainly, so plain
    // structural equality (order of object keys aside) is the oracle.
    if (mutation.kind === "reorder" || mutation.kind === "paddedAddress") return
    const b = mutateRoute(a, mutation)
    assert.strictEqual(changed(a, b), stableJson(withoutIgnored(a)) !== stableJson(withoutIgnored(b)), mutation.kind)
  }, runs)

  it("compares broker ids as numbers, absent and empty order conf as different, like Java", () => {
    const padded = { ...captured, brokerDatas: [broker("broker-a", { "00": "127.0.0.1:10911" })] }
    assert.isFalse(changed(captured, padded))
    assert.isTrue(changed(captured, { ...captured, brokerDatas: [broker("broker-a", { "0": "127.0.0.1:10912" })] }))
    assert.isTrue(changed(captured, { ...captured, orderTopicConf: "" }))
    assert.isTrue(changed(captured, { ...captured, topicQueueMappingByBroker: {} }))
    // Absent mapping fields read as Java's defaults.
    assert.isFalse(changed(
      { ...captured, topicQueueMappingByBroker: { "broker-a": { bname: "broker-a" } } },
      {
        ...captured,
        topicQueueMappingByBroker: {
          "broker-a": { bname: "broker-a", scope: "__global__", epoch: 0, totalQueues: 0, dirty: false, currIdMap: {} }
        }
      }
    ))
  })
})

describe("diff agrees with changed", () => {
  it.prop("isEmpty(diff(a, b)) === !changed(a, b) for unrelated routes", [topicRouteData, topicRouteData], ([a, b]) => {
    assert.strictEqual(isEmpty(diff(a, b)), !changed(a, b))
  }, runs)

  it.prop("isEmpty(diff(a, b)) === !changed(a, b) for a route and an edited copy", [mutatedRoutePair], ([[a, b]]) => {
    assert.strictEqual(isEmpty(diff(a, b)), !changed(a, b))
    assert.strictEqual(isEmpty(diff(b, a)), !changed(b, a))
  }, { arbitrary: { runs: 800 } })

  it.prop("isEmpty(diff(a, b)) for reordered copies", [reorderedRoutePair], ([[a, b]]) => {
    assert.isTrue(isEmpty(diff(a, b)))
  }, runs)

  it.effect("edited copies exercise both outcomes, including routes with repeated broker names", () =>
    Effect.gen(function*() {
      const pairs = yield* Arbitrary.sampleEffect(mutatedRoutePair, { count: 600, seed: 20261 })
      const outcomes = { changed: 0, unchanged: 0, changedWithDuplicates: 0, unchangedWithDuplicates: 0 }
      for (const [a, b] of pairs) {
        const duplicates = hasDuplicateNames(a) || hasDuplicateNames(b)
        if (changed(a, b)) {
          outcomes.changed++
          if (duplicates) outcomes.changedWithDuplicates++
        } else {
          outcomes.unchanged++
          if (duplicates) outcomes.unchangedWithDuplicates++
        }
      }
      assert.isAtLeast(outcomes.changed, 100, JSON.stringify(outcomes))
      assert.isAtLeast(outcomes.unchanged, 100, JSON.stringify(outcomes))
      assert.isAtLeast(outcomes.changedWithDuplicates, 30, JSON.stringify(outcomes))
      assert.isAtLeast(outcomes.unchangedWithDuplicates, 30, JSON.stringify(outcomes))
    }))

  it.prop("with no old route: every broker is added and the diff is never empty", [topicRouteData], ([a]) => {
    const d = diff(undefined, a)
    assert.isTrue(d.routeAppeared)
    assert.isFalse(isEmpty(d))
    const names = [...new Set([...a.queueDatas, ...a.brokerDatas].map((x) => x.brokerName))].sort()
    assert.deepStrictEqual(d.brokersAdded, names)
    assert.deepStrictEqual(d.brokersRemoved, [])
  }, runs)

  it.prop("mirrors when reversed, lists each broker once, prints and encodes", [mutatedRoutePair], ([[a, b]]) => {
    const forward = diff(a, b)
    const backward = diff(b, a)
    assert.deepStrictEqual(forward.brokersAdded, backward.brokersRemoved)
    assert.deepStrictEqual(forward.brokersRemoved, backward.brokersAdded)
    assert.deepStrictEqual(forward.queueChanges.map((c) => c.brokerName), backward.queueChanges.map((c) => c.brokerName))
    const perId = new Set(forward.addressChanges.map((c) => c.brokerName))
    assert.isTrue(forward.brokerDataChanges.every((c) => !perId.has(c.brokerName)))
    assert.strictEqual(formatDiff(forward).length === 0, isEmpty(forward))
    assert.isTrue(Schema.is(RouteDiff)(forward))
    assert.strictEqual(stableJson(decodeDiff(JSON.parse(JSON.stringify(encodeDiff(forward))))), stableJson(forward))
  }, runs)

  it("a regrouping of addresses among repeated BrokerData is not hidden", () => {
    const a = route({ brokerDatas: [broker("b", { 0: "x", 1: "y" }), broker("b", { 0: "z", 1: "w" })] })
    const b = route({ brokerDatas: [broker("b", { 0: "x", 1: "w" }), broker("b", { 0: "z", 1: "y" })] })
    assert.isTrue(changed(a, b))
    assert.deepStrictEqual(formatDiff(diff(a, b)), ["b broker data: [0=x, 1=y], [0=z, 1=w] → [0=x, 1=w], [0=z, 1=y]"])
    // A BrokerData with an empty map appearing has no id to report, but is a change.
    const c = route({ queueDatas: [queue("b", 4)] })
    const d = route({ queueDatas: [queue("b", 4)], brokerDatas: [broker("b", {})] })
    assert.deepStrictEqual(formatDiff(diff(c, d)), ["b broker data: none → []"])
    // "0" and "00" in one map.
    const e = route({ brokerDatas: [broker("b", { 0: "x" })] })
    const f = route({ brokerDatas: [broker("b", { 0: "x", "00": "y" })] })
    assert.deepStrictEqual(formatDiff(diff(e, f)), ["b broker data: [0=x] → [0=x, 0=y]"])
  })
})

describe("publishQueues", () => {
  it.prop("normal topics: writable queues of brokers with a master, by broker name then queue id", [topicRouteData], ([r]) => {
    const a = withoutOrderConf(r)
    const { queues, orderTopic } = publishQueues("T", a)
    assert.isFalse(orderTopic)
    // Java takes the first BrokerData of the name.
    const eligible = a.queueDatas.filter((q) =>
      (q.perm & 2) === 2 && hasMaster(a.brokerDatas.find((b) => b.brokerName === q.brokerName))
    )
    assert.strictEqual(queues.length, eligible.reduce((n, q) => n + Math.max(0, q.writeQueueNums), 0))
    for (const [i, q] of queues.entries()) {
      assert.strictEqual(q.topic, "T")
      assert.isTrue(eligible.some((e) => e.brokerName === q.brokerName && q.queueId < e.writeQueueNums))
      const previous = queues[i - 1]
      if (previous !== undefined) {
        assert.isTrue(
          previous.brokerName < q.brokerName ||
            (previous.brokerName === q.brokerName && (q.queueId === previous.queueId + 1 || q.queueId === 0)),
          `${formatMessageQueue(previous)} before ${formatMessageQueue(q)}`
        )
      }
    }
  }, runs)

  it.prop("with unique broker names: each queue once, and the same queues for every unchanged route", [uniqueTopicRouteData, mutatedRoutePair], ([r, [a, b]]) => {
    const unique = withoutOrderConf(r)
    const keys = keysOf(publishQueues("T", unique).queues)
    assert.strictEqual(new Set(keys).size, keys.length)
    const expected = [...unique.queueDatas]
      .sort((x, y) => (x.brokerName < y.brokerName ? -1 : 1))
      .filter((q) => (q.perm & 2) === 2 && hasMaster(unique.brokerDatas.find((bd) => bd.brokerName === q.brokerName)))
      .flatMap((q) => Array.from({ length: q.writeQueueNums }, (_, i) => `${q.brokerName}#${i}`))
    assert.deepStrictEqual(keys, expected)
    assert.deepStrictEqual(publishQueues("T", reorderRoute(unique, 3)), publishQueues("T", unique))
    if (!hasDuplicateNames(a) && !hasDuplicateNames(b) && !changed(a, b)) {
      assert.deepStrictEqual(publishQueues("T", a), publishQueues("T", b))
    }
  }, runs)

  it.prop("order topics: the listed queues in the listed order, no perm or master check", [topicRouteData, orderTopicConf], ([r, conf]) => {
    const a = { ...r, orderTopicConf: conf }
    const { queues, orderTopic } = publishQueues("T", a)
    if (conf === "") {
      assert.isFalse(orderTopic)
      return
    }
    assert.isTrue(orderTopic)
    const expected = conf.split(";").flatMap((item) => {
      const [name = "", count = "0"] = item.split(":")
      return Array.from({ length: Number(count) }, (_, i) => `${name}#${i}`)
    })
    assert.deepStrictEqual(keysOf(queues), expected)
  }, runs)

  it("the captured route: broker-a at 127.0.0.1:10911, perm 6, 4/4 queues gives broker-a#0..3", () => {
    for (const body of [captureBodyStandard, captureBodyFastjson]) {
      const r = Result.getOrThrow(parseTopicRouteData(body))
      const { queues, orderTopic } = publishQueues("BenchSyncTopic", r)
      assert.isFalse(orderTopic)
      assert.deepStrictEqual(queues.map(formatMessageQueue), [
        "BenchSyncTopic@broker-a#0",
        "BenchSyncTopic@broker-a#1",
        "BenchSyncTopic@broker-a#2",
        "BenchSyncTopic@broker-a#3"
      ])
      assert.deepStrictEqual(readQueues("BenchSyncTopic", r), queues)
    }
  })

  it("a slave-only broker, a read-only perm and a missing BrokerData give no publish queues", () => {
    const slaveOnly = route({ queueDatas: [queue("broker-a", 4)], brokerDatas: [broker("broker-a", { 1: "10.0.0.2:10911" })] })
    assert.deepStrictEqual(publishQueues("T", slaveOnly).queues, [])
    assert.deepStrictEqual(keysOf(readQueues("T", slaveOnly)), ["broker-a#0", "broker-a#1", "broker-a#2", "broker-a#3"])
    const readOnly = { ...captured, queueDatas: [queue("broker-a", 4, 4)] }
    assert.deepStrictEqual(publishQueues("T", readOnly).queues, [])
    assert.strictEqual(readQueues("T", readOnly).length, 4)
    assert.deepStrictEqual(publishQueues("T", { ...captured, brokerDatas: [] }).queues, [])
    assert.deepStrictEqual(publishQueues("T", { ...captured, queueDatas: [queue("broker-a", 4, 2)] }).queues.length, 4)
    assert.deepStrictEqual(readQueues("T", { ...captured, queueDatas: [queue("broker-a", 4, 2)] }), [])
  })

  it("sorts by broker name, keeps the first BrokerData of a name, reads 00 as the master", () => {
    const r = route({
      queueDatas: [queue("broker-b", 1), queue("broker-a", 2)],
      brokerDatas: [broker("broker-b", { "00": "10.0.0.2:10911" }), broker("broker-a", { 0: "10.0.0.1:10911" })]
    })
    assert.deepStrictEqual(keysOf(publishQueues("T", r).queues), ["broker-a#0", "broker-a#1", "broker-b#0"])
    const firstWins = route({
      queueDatas: [queue("broker-a", 2)],
      brokerDatas: [broker("broker-a", { 1: "10.0.0.2:10911" }), broker("broker-a", { 0: "10.0.0.1:10911" })]
    })
    assert.deepStrictEqual(publishQueues("T", firstWins).queues, [])
  })

  it("order conf: listed order, duplicates kept, malformed items skipped", () => {
    const r = route({ orderTopicConf: "broker-b:2;broker-a:1", queueDatas: [queue("broker-a", 8, 4)] })
    assert.deepStrictEqual(publishQueues("T", r), {
      queues: [
        { topic: "T", brokerName: "broker-b", queueId: 0 },
        { topic: "T", brokerName: "broker-b", queueId: 1 },
        { topic: "T", brokerName: "broker-a", queueId: 0 }
      ],
      orderTopic: true
    })
    const messy = route({ orderTopicConf: ";broker-a:2;bad;broker-b:x;:3;broker-c:1:extra;broker-a:-1;broker-d: 1;broker-a:1;" })
    assert.deepStrictEqual(keysOf(publishQueues("T", messy).queues), ["broker-a#0", "broker-a#1", "broker-c#0", "broker-a#0"])
    assert.isTrue(publishQueues("T", route({ orderTopicConf: "bad" })).orderTopic)
  })
})

describe("readQueues", () => {
  it.prop("readable queues, each once, by broker name then queue id", [topicRouteData], ([r]) => {
    const keys = keysOf(readQueues("T", r))
    const expected = new Set(
      r.queueDatas.filter((q) => (q.perm & 4) === 4).flatMap((q) =>
        Array.from({ length: q.readQueueNums }, (_, i) => `${q.brokerName}#${i}`)
      )
    )
    assert.strictEqual(keys.length, expected.size)
    assert.deepStrictEqual(new Set(keys), expected)
    const sorted = [...readQueues("T", r)].sort((x, y) =>
      x.brokerName < y.brokerName ? -1 : x.brokerName > y.brokerName ? 1 : x.queueId - y.queueId
    )
    assert.deepStrictEqual(keysOf(sorted), keys)
  }, runs)
})

describe("formatDiff", () => {
  it("describes a concrete change, one line each", () => {
    const next = route({
      queueDatas: [queue("broker-b", 4), { ...queue("broker-a", 8, 4), readQueueNums: 4 }],
      brokerDatas: [
        broker("broker-a", { 0: "127.0.0.1:10911", 1: "127.0.0.1:10921" }),
        broker("broker-b", { 0: "10.0.0.2:10911" })
      ]
    })
    const d = diff(captured, next)
    assert.deepStrictEqual(d.brokersAdded, ["broker-b"])
    assert.deepStrictEqual(formatDiff(d), [
      "broker broker-b added",
      "broker-a queues: write 4 → 8, perm RW- → R--",
      "broker-b queues: none → read 4, write 4, perm RW-, sysFlag 0",
      "broker-a slave 1 added: 127.0.0.1:10921",
      "broker-b master added: 10.0.0.2:10911"
    ])
    assert.deepStrictEqual(formatDiff(diff(next, captured)), [
      "broker broker-b removed",
      "broker-a queues: write 8 → 4, perm R-- → RW-",
      "broker-b queues: read 4, write 4, perm RW-, sysFlag 0 → none",
      "broker-a slave 1 removed: 127.0.0.1:10921",
      "broker-b master removed: 10.0.0.2:10911"
    ])
    const moved = { ...captured, brokerDatas: [broker("broker-a", { 0: "10.0.0.9:10911" })], orderTopicConf: "broker-a:4" }
    assert.deepStrictEqual(formatDiff(diff(captured, moved)), [
      "broker-a master: 127.0.0.1:10911 → 10.0.0.9:10911",
      `order config: none → "broker-a:4"`
    ])
    const filtered = {
      ...captured,
      filterServerTable: { "127.0.0.1:10911": ["127.0.0.1:30000"] },
      topicQueueMappingByBroker: { "broker-a": { bname: "broker-a", epoch: 2 } }
    }
    assert.deepStrictEqual(formatDiff(diff(captured, filtered)), [
      `filter servers: {} → {"127.0.0.1:10911":["127.0.0.1:30000"]}`,
      `static topic mapping: none → {"broker-a":{"bname":"broker-a","epoch":2}}`
    ])
    assert.deepStrictEqual(formatDiff(diff(captured, captured)), [])
  })

  it("a first route: appeared, with every broker added; even an empty one", () => {
    assert.deepStrictEqual(formatDiff(diff(undefined, captured)), [
      "route appeared",
      "broker broker-a added",
      "broker-a queues: none → read 4, write 4, perm RW-, sysFlag 0",
      "broker-a master added: 127.0.0.1:10911"
    ])
    assert.deepStrictEqual(formatDiff(diff(undefined, route({}))), ["route appeared"])
  })
})
