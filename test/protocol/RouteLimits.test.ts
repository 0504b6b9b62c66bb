import { assert, describe, it } from "@effect/vitest"
import { Arbitrary, Effect, Layer, Result } from "effect"
import { makeMessage } from "../../src/protocol/message/Message.ts"
import { Producer } from "../../src/producer/Producer.ts"
import { RouteLimits } from "../../src/protocol/RouteLimits.ts"
import { parseTopicRouteData, writeTopicRouteData } from "../../src/protocol/TopicRouteData.ts"
import type { TopicRouteData } from "../../src/protocol/TopicRouteData.ts"
import { publishQueues, readQueues } from "../../src/route/PublishQueues.ts"
import { intBetween } from "../../src/testkit/Arbitraries.ts"
import { topicRouteData } from "../../src/testkit/RouteArbitraries.ts"
import { makeTestNameServer } from "../../src/testkit/TestNameServer.ts"
import { failureTag } from "../helpers.ts"

const oneBroker = (queues: number, orderTopicConf?: string, readQueues = 4): TopicRouteData => ({
  brokerDatas: [{ cluster: "C", brokerName: "broker-a", brokerAddrs: { "0": "127.0.0.1:1" } }],
  filterServerTable: {},
  queueDatas: [{ brokerName: "broker-a", readQueueNums: readQueues, writeQueueNums: queues, perm: 6, topicSysFlag: 0 }],
  ...(orderTopicConf === undefined ? {} : { orderTopicConf })
})

/** Every way a route can name a huge count, with the field the error must name. */
const hugeRoutes = (n: number): ReadonlyArray<readonly [string, TopicRouteData, string]> => [
  ["writeQueueNums", oneBroker(n), "queueDatas[0].writeQueueNums"],
  ["readQueueNums", oneBroker(4, undefined, n), "queueDatas[0].readQueueNums"],
  ["an orderTopicConf item", oneBroker(4, `broker-a:4;broker-b:${n}`), "orderTopicConf item \"broker-b\""]
]

const parsed = (route: TopicRouteData) => parseTopicRouteData(writeTopicRouteData(route, "standard"))

describe("route limits", () => {
  for (const n of [200_000, 10_000_000, 1_000_000_000]) {
    it.live(`a route with a count of ${n.toExponential()}: send fails with InvalidNameServerResponse naming the field, within its budget`, () =>
      Effect.gen(function*() {
        const ns = yield* makeTestNameServer()
        const routes = hugeRoutes(n)
        for (const [topic, route] of routes) yield* ns.putTopicRoute(topic.replace(/ /g, "_"), route)
        yield* Effect.gen(function*() {
          const producer = yield* Producer
          for (const [topic, , field] of routes) {
            const started = Date.now()
            const exit = yield* Effect.exit(producer.send(makeMessage(topic.replace(/ /g, "_"), "x")))
            assert.strictEqual(failureTag(exit), "InvalidNameServerResponse", `${topic}: ${String(exit)}`)
            assert.include(String(exit), `${field} is ${n}`)
            assert.include(String(exit), `limit of ${RouteLimits.maxQueueNums}`)
            // Refused, not built: far within the 3 s budget even on a loaded machine.
            assert.isBelow(Date.now() - started, 2500)
          }
        }).pipe(Effect.provide(Layer.fresh(Producer.layer({ nameServers: ns.address }))))
      }).pipe(Effect.scoped), 30_000)
  }

  it("many broker groups, many addresses, many small items: each limit names its field", () => {
    const groups = RouteLimits.maxBrokerGroups + 1
    const manyGroups: TopicRouteData = {
      ...oneBroker(1),
      queueDatas: Array.from({ length: groups }, (_, i) => ({ brokerName: `b${i}`, readQueueNums: 1, writeQueueNums: 1, perm: 6, topicSysFlag: 0 }))
    }
    const manyBrokers: TopicRouteData = {
      ...oneBroker(1),
      brokerDatas: Array.from({ length: groups }, (_, i) => ({ cluster: "C", brokerName: `b${i}`, brokerAddrs: { "0": "127.0.0.1:1" } }))
    }
    const manyAddresses: TopicRouteData = {
      ...oneBroker(1),
      brokerDatas: [{
        cluster: "C",
        brokerName: "broker-a",
        brokerAddrs: Object.fromEntries(Array.from({ length: RouteLimits.maxBrokersPerGroup + 1 }, (_, i) => [String(i), "127.0.0.1:1"]))
      }]
    }
    const sumOfQueues: TopicRouteData = {
      ...oneBroker(1),
      queueDatas: Array.from({ length: 3 }, (_, i) => ({ brokerName: `b${i}`, readQueueNums: 1, writeQueueNums: 30_000, perm: 6, topicSysFlag: 0 }))
    }
    const manyItems = oneBroker(1, Array.from({ length: groups }, (_, i) => `b${i}:1`).join(";"))
    const orderSum = oneBroker(1, "a:40000;b:40000")
    const cases: ReadonlyArray<readonly [TopicRouteData, string]> = [
      [manyGroups, `queueDatas (entries) is ${groups}`],
      [manyBrokers, `brokerDatas (entries) is ${groups}`],
      [manyAddresses, `brokerDatas[0].brokerAddrs (entries) is ${RouteLimits.maxBrokersPerGroup + 1}`],
      [sumOfQueues, "queueDatas[*].writeQueueNums (sum) is 90000"],
      [manyItems, `orderTopicConf (items) is ${groups}`],
      [orderSum, "orderTopicConf (sum) is 80000"]
    ]
    for (const [route, text] of cases) {
      const result = parsed(route)
      assert.isTrue(Result.isFailure(result), text)
      if (Result.isFailure(result)) assert.include(result.failure.message, text)
    }
  })

  it.prop("every route the arbitraries make is within the limits and decodes unchanged", [topicRouteData], ([route]) => {
    const result = parsed(route)
    assert.isTrue(Result.isSuccess(result))
  })

  /** Routes of up to three broker groups with counts around the limits. */
  const bigRoute = Arbitrary.map(
    Arbitrary.all({
      write: Arbitrary.array(intBetween(-5, RouteLimits.maxQueueNums * 2), { minLength: 1, maxLength: 3 }),
      read: intBetween(-5, RouteLimits.maxQueueNums * 2),
      order: Arbitrary.array(intBetween(-5, RouteLimits.maxQueueNums * 2), { maxLength: 3 })
    }),
    ({ order, read, write }): TopicRouteData => ({
      brokerDatas: write.map((_, i) => ({ cluster: "C", brokerName: `b${i}`, brokerAddrs: { "0": "127.0.0.1:1" } })),
      filterServerTable: {},
      queueDatas: write.map((count, i) => ({ brokerName: `b${i}`, readQueueNums: read, writeQueueNums: count, perm: 6, topicSysFlag: 0 })),
      ...(order.length === 0 ? {} : { orderTopicConf: order.map((count, i) => `b${i}:${count}`).join(";") })
    })
  )

  it.prop(
    "a decoded route never yields more than maxRouteQueues queues; one is refused exactly when a count or a sum is beyond its limit",
    [bigRoute],
    ([route]) => {
      const counts = route.orderTopicConf !== undefined
        ? route.orderTopicConf.split(";").map((item) => Number(item.split(":")[1]))
        : route.queueDatas.map((q) => q.writeQueueNums)
      const reads = route.queueDatas.map((q) => q.readQueueNums)
      const sum = (xs: ReadonlyArray<number>) => xs.reduce((a, x) => a + Math.max(0, x), 0)
      const within = [...counts, ...route.queueDatas.map((q) => q.writeQueueNums), ...reads].every((n) => n <= RouteLimits.maxQueueNums) &&
        sum(counts) <= RouteLimits.maxRouteQueues && sum(route.queueDatas.map((q) => q.writeQueueNums)) <= RouteLimits.maxRouteQueues &&
        sum(reads) <= RouteLimits.maxRouteQueues
      const result = parsed(route)
      assert.strictEqual(Result.isSuccess(result), within)
      if (Result.isSuccess(result)) {
        assert.isAtMost(publishQueues("T", result.success).queues.length, RouteLimits.maxRouteQueues)
        assert.isAtMost(readQueues("T", result.success).length, RouteLimits.maxRouteQueues)
      } else {
        assert.match(result.failure.message, /(queueDatas|orderTopicConf)\S* .*is \d+, above the client's limit of \d+/)
      }
    },
    { arbitrary: { runs: 200 } }
  )
})
