import { assert, describe, it } from "@effect/vitest"
import { Effect, Fiber, Layer, Metric, Option, Stream } from "effect"
import { TestClock } from "effect/testing"
import { RequestCode } from "../../src/protocol/RequestCode.ts"
import type { TopicRouteData } from "../../src/protocol/TopicRouteData.ts"
import { RouteCache } from "../../src/route/RouteCache.ts"
import { RouteLookup } from "../../src/route/RouteLookup.ts"
import type { RouteLookupOptions } from "../../src/route/RouteLookup.ts"
import { routeCacheHits, routeCacheMisses } from "../../src/route/RouteMetrics.ts"
import { makeTestNameServer } from "../../src/testkit/TestNameServer.ts"
import type { TestNameServer } from "../../src/testkit/TestNameServer.ts"
import { NameServerTransport } from "../../src/transport/NameServerTransport.ts"
import { RemotingClient } from "../../src/transport/RemotingClient.ts"
import { failureTag } from "../helpers.ts"

const routeOf = (brokers: ReadonlyArray<[name: string, address: string, queues: number, perm: number]>): TopicRouteData => ({
  brokerDatas: brokers.map(([brokerName, address]) => ({ cluster: "C", brokerName, brokerAddrs: { "0": address } })),
  filterServerTable: {},
  queueDatas: brokers.map(([brokerName, , queues, perm]) => ({
    brokerName,
    readQueueNums: queues,
    writeQueueNums: queues,
    perm,
    topicSysFlag: 0
  }))
})

const lookupLayer = (ns: TestNameServer, options?: RouteLookupOptions) =>
  Layer.fresh(
    RouteLookup.layer(options).pipe(
      Layer.provideMerge(RouteCache.layer),
      Layer.provideMerge(NameServerTransport.layer({ addresses: ns.address, timeoutMillis: 2000 })),
      Layer.provide(RemotingClient.layer())
    )
  )

const routeRequests = (ns: TestNameServer) => ns.requestCount(RequestCode.GET_ROUTEINFO_BY_TOPIC)

describe("RouteLookup over the testkit NameServer", () => {
  it.live("a miss fetches and caches; a hit answers from the cache; metrics count both, by topic", () =>
    Effect.gen(function*() {
      const ns = yield* makeTestNameServer()
      yield* ns.putTopicRoute("T1", routeOf([["broker-b", "127.0.0.1:2", 2, 6], ["broker-a", "127.0.0.1:1", 3, 6]]))
      const hits = Metric.withAttributes(routeCacheHits, { topic: "T1" })
      const misses = Metric.withAttributes(routeCacheMisses, { topic: "T1" })
      const hitsBefore = (yield* Metric.value(hits)).count
      const missesBefore = (yield* Metric.value(misses)).count
      yield* Effect.gen(function*() {
        const lookup = yield* RouteLookup
        const info = yield* lookup.publishInfo("T1")
        assert.deepStrictEqual(info.queues.map((q) => `${q.topic}@${q.brokerName}#${q.queueId}`), [
          "T1@broker-a#0", "T1@broker-a#1", "T1@broker-a#2", "T1@broker-b#0", "T1@broker-b#1"
        ])
        assert.isFalse(info.fromDefaultTopic)
        yield* lookup.publishInfo("T1")
        yield* lookup.publishInfo("T1")
        assert.strictEqual(routeRequests(ns), 1)
        assert.strictEqual(yield* lookup.masterAddress("broker-b"), "127.0.0.1:2")
      }).pipe(Effect.provide(lookupLayer(ns)))
      assert.strictEqual((yield* Metric.value(hits)).count - hitsBefore, 2)
      assert.strictEqual((yield* Metric.value(misses)).count - missesBefore, 1)
      assert.strictEqual((yield* Metric.value(Metric.withAttributes(routeCacheHits, { topic: "T2" }))).count, 0)
    }).pipe(Effect.scoped))

  it.live("10 000 concurrent lookups of an uncached topic cause exactly one NameServer request", () =>
    Effect.gen(function*() {
      const ns = yield* makeTestNameServer()
      yield* ns.putTopicRoute("Hot", routeOf([["broker-a", "127.0.0.1:1", 4, 6]]))
      ns.faults.add({ fault: { _tag: "Delay", millis: 50 } })
      const infos = yield* RouteLookup.use((lookup) =>
        Effect.forEach(Array.from({ length: 10_000 }, () => "Hot"), (topic) => lookup.publishInfo(topic), { concurrency: "unbounded" })
      ).pipe(Effect.provide(lookupLayer(ns)))
      assert.strictEqual(infos.length, 10_000)
      assert.isTrue(infos.every((info) => info === infos[0]))
      assert.strictEqual(routeRequests(ns), 1)
    }).pipe(Effect.scoped))

  it.live("a miss whose only caller gives up still fills the cache: the next lookup is a hit, one request in all", () =>
    Effect.gen(function*() {
      const ns = yield* makeTestNameServer()
      yield* ns.putTopicRoute("Late", routeOf([["broker-a", "127.0.0.1:1", 4, 6]]))
      ns.faults.add({ fault: { _tag: "Delay", millis: 300 }, times: 1 })
      yield* Effect.gen(function*() {
        const lookup = yield* RouteLookup
        const impatient = yield* Effect.exit(lookup.publishInfo("Late", { timeoutMillis: 50 }))
        assert.strictEqual(failureTag(impatient), "NameServerUnavailable")
        // the fetch goes on without its caller; wait for it (bounded), then the cache answers
        for (let i = 0; i < 300 && (yield* RouteCache.use((cache) => cache.get("Late"))) === undefined; i++) {
          yield* Effect.sleep("10 millis")
        }
        const info = yield* lookup.publishInfo("Late")
        assert.strictEqual(info.queues.length, 4)
        assert.strictEqual(routeRequests(ns), 1)
      }).pipe(Effect.provide(lookupLayer(ns)))
    }).pipe(Effect.scoped))

  it.live("a topic without a route falls back to TBW102, queue counts capped at defaultTopicQueueNums", () =>
    Effect.gen(function*() {
      const ns = yield* makeTestNameServer()
      yield* ns.putTopicRoute("TBW102", routeOf([["broker-a", "127.0.0.1:1", 8, 7], ["broker-b", "127.0.0.1:2", 2, 7]]))
      const info = yield* RouteLookup.use((lookup) => lookup.publishInfo("NewTopic")).pipe(Effect.provide(lookupLayer(ns)))
      assert.isTrue(info.fromDefaultTopic)
      assert.deepStrictEqual(info.queues.map((q) => `${q.topic}@${q.brokerName}#${q.queueId}`), [
        "NewTopic@broker-a#0", "NewTopic@broker-a#1", "NewTopic@broker-a#2", "NewTopic@broker-a#3",
        "NewTopic@broker-b#0", "NewTopic@broker-b#1"
      ])
      assert.strictEqual(routeRequests(ns), 2) // NewTopic (TOPIC_NOT_EXIST), then TBW102
      const withCap = yield* RouteLookup.use((lookup) => lookup.publishInfo("Other")).pipe(
        Effect.provide(lookupLayer(ns, { defaultTopicQueueNums: 1 }))
      )
      assert.strictEqual(withCap.queues.length, 2)
    }).pipe(Effect.scoped))

  it.live("no route and auto-create off, or no TBW102: a typed NoRouteInfo that says what to check", () =>
    Effect.gen(function*() {
      const ns = yield* makeTestNameServer()
      const off = yield* Effect.exit(
        RouteLookup.use((lookup) => lookup.publishInfo("Missing")).pipe(Effect.provide(lookupLayer(ns, { autoCreateTopic: false })))
      )
      assert.strictEqual(failureTag(off), "NoRouteInfo")
      assert.include(String(off), "auto-create is off")
      assert.include(String(off), ns.address)
      const noTemplate = yield* Effect.exit(RouteLookup.use((lookup) => lookup.publishInfo("Missing")).pipe(Effect.provide(lookupLayer(ns))))
      assert.strictEqual(failureTag(noTemplate), "NoRouteInfo")
      assert.include(String(noTemplate), "TBW102")
      yield* ns.putTopicRoute("ReadOnly", routeOf([["broker-a", "127.0.0.1:1", 4, 4]]))
      const readOnly = yield* Effect.exit(RouteLookup.use((lookup) => lookup.publishInfo("ReadOnly")).pipe(Effect.provide(lookupLayer(ns))))
      assert.strictEqual(failureTag(readOnly), "NoRouteInfo")
      assert.include(String(readOnly), "no writable queue")
    }).pipe(Effect.scoped))

  it.live("a NameServer down during refresh: the old route is still served", () =>
    Effect.gen(function*() {
      const ns = yield* makeTestNameServer()
      yield* ns.putTopicRoute("T1", routeOf([["broker-a", "127.0.0.1:1", 4, 6]]))
      yield* Effect.gen(function*() {
        const lookup = yield* RouteLookup
        const before = yield* lookup.publishInfo("T1")
        yield* ns.refuseConnections
        yield* ns.dropConnections
        yield* lookup.refreshAll
        const after = yield* lookup.publishInfo("T1")
        assert.strictEqual(after, before)
      }).pipe(Effect.provide(lookupLayer(ns)))
    }).pipe(Effect.scoped))

  it.live("a removed topic: the next refresh reports it, and lookups then fail with the typed error", () =>
    Effect.gen(function*() {
      const ns = yield* makeTestNameServer()
      yield* ns.putTopicRoute("Gone", routeOf([["broker-a", "127.0.0.1:1", 4, 6]]))
      yield* Effect.gen(function*() {
        const lookup = yield* RouteLookup
        yield* lookup.publishInfo("Gone")
        const event = yield* Effect.forkChild(Stream.runHead(yield* lookup.changes))
        yield* ns.removeTopic("Gone")
        yield* lookup.refreshAll
        const change = Option.getOrThrow(yield* Fiber.join(event))
        assert.include(change, { topic: "Gone", removed: true })
        assert.deepStrictEqual(change.diff.brokersRemoved, ["broker-a"])
        const exit = yield* Effect.exit(lookup.publishInfo("Gone"))
        assert.strictEqual(failureTag(exit), "NoRouteInfo")
      }).pipe(Effect.provide(lookupLayer(ns)))
    }).pipe(Effect.scoped))

  it.effect("TestClock: refreshes follow the schedule and a changed route is seen after the next tick, with its diff", () =>
    Effect.gen(function*() {
      const ns = yield* makeTestNameServer()
      yield* ns.putTopicRoute("T1", routeOf([["broker-a", "127.0.0.1:1", 4, 6]]))
      yield* Effect.gen(function*() {
        const lookup = yield* RouteLookup
        yield* lookup.publishInfo("T1")
        assert.strictEqual(routeRequests(ns), 1)
        const event = yield* Effect.forkChild(Stream.runHead(yield* lookup.changes))
        yield* ns.putTopicRoute("T1", routeOf([["broker-a", "127.0.0.1:1", 8, 6], ["broker-b", "127.0.0.1:2", 4, 6]]))
        yield* TestClock.adjust("29 seconds")
        assert.strictEqual(routeRequests(ns), 1) // not yet
        assert.strictEqual((yield* lookup.publishInfo("T1")).queues.length, 4)
        yield* TestClock.adjust("1 second")
        const change = Option.getOrThrow(yield* Fiber.join(event))
        assert.strictEqual(routeRequests(ns), 2)
        assert.include(change, { topic: "T1", removed: false })
        assert.deepStrictEqual(change.diff.brokersAdded, ["broker-b"])
        assert.deepStrictEqual(
          change.diff.queueChanges.map((c) => [c.brokerName, c.before.map((q) => q.writeQueueNums), c.after.map((q) => q.writeQueueNums)]),
          [["broker-a", [4], [8]], ["broker-b", [], [4]]]
        )
        assert.strictEqual((yield* lookup.publishInfo("T1")).queues.length, 12)
        // and the next tick again, 30 s later; an unchanged route publishes nothing and keeps the entry
        const infoBefore = yield* lookup.publishInfo("T1")
        yield* TestClock.adjust("30 seconds")
        // the refresh is a real socket round trip: wait for it on the live clock, at most 5 s
        yield* TestClock.withLive(
          Effect.gen(function*() {
            for (let i = 0; i < 500 && routeRequests(ns) < 3; i++) yield* Effect.sleep("10 millis")
          })
        )
        assert.strictEqual(routeRequests(ns), 3)
        yield* Effect.yieldNow
        assert.strictEqual(yield* lookup.publishInfo("T1"), infoBefore)
      }).pipe(Effect.provide(lookupLayer(ns)))
    }).pipe(Effect.scoped))
})
