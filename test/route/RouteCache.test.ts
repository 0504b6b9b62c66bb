/**
 * The route cache's broker table always equals the merge of its cached routes, however topics are
 * added, replaced and removed (it skips the merge when a route cannot change the table).
 */
import { assert, describe, it } from "@effect/vitest"
import { Arbitrary, Effect, Schema } from "effect"
import { makeRouteCache, mergeBrokerAddresses } from "../../src/route/RouteCache.ts"
import { topicRouteData } from "../../src/testkit/RouteArbitraries.ts"

const Operation = Arbitrary.all({
  topic: Arbitrary.schema(Schema.Literals(["A", "B", "C", "D"])),
  remove: Arbitrary.schema(Schema.Boolean),
  defaultTopic: Arbitrary.schema(Schema.Boolean),
  route: topicRouteData
})

describe("RouteCache", () => {
  it.effect.prop("the broker table is the merge of the cached routes after every update and removal", [Arbitrary.array(Operation, { maxLength: 20 })], ([operations]) =>
    Effect.gen(function*() {
      const cache = yield* makeRouteCache
      let now = 0
      for (const operation of operations) {
        if (operation.remove) yield* cache.remove(operation.topic)
        else yield* cache.update(operation.topic, operation.route, { fromDefaultTopic: operation.defaultTopic, now: now++ })
        const state = yield* cache.state
        assert.deepStrictEqual(state.brokers, mergeBrokerAddresses([...state.topics.values()].map((info) => info.route)))
      }
    }), { arbitrary: { runs: 300 } })

  it.effect("many topics on the same brokers: the table stays one entry per group", () =>
    Effect.gen(function*() {
      const cache = yield* makeRouteCache
      const route = {
        brokerDatas: [{ cluster: "c", brokerName: "broker-a", brokerAddrs: { "0": "10.0.0.1:10911" } }],
        queueDatas: [{ brokerName: "broker-a", readQueueNums: 1, writeQueueNums: 1, perm: 6, topicSysFlag: 0 }],
        filterServerTable: {}
      }
      for (let i = 0; i < 2000; i++) yield* cache.update(`T${i}`, route, { fromDefaultTopic: false, now: i })
      const state = yield* cache.state
      assert.strictEqual(state.topics.size, 2000)
      assert.deepStrictEqual([...state.brokers], [["broker-a", new Map([[0, "10.0.0.1:10911"]])]])
    }))
})
