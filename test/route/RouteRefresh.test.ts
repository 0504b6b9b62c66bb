import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer, Logger } from "effect"
import { TestClock } from "effect/testing"
import type { TopicRouteData } from "../../src/protocol/TopicRouteData.ts"
import { RouteCache } from "../../src/route/RouteCache.ts"
import { RouteLookup } from "../../src/route/RouteLookup.ts"
import { NameServerError, NameServerUnavailable } from "../../src/transport/NameServerError.ts"
import { NameServerTransport } from "../../src/transport/NameServerTransport.ts"

const route: TopicRouteData = {
  brokerDatas: [{ cluster: "C", brokerName: "broker-a", brokerAddrs: { "0": "127.0.0.1:1" } }],
  filterServerTable: {},
  queueDatas: [{ brokerName: "broker-a", readQueueNums: 4, writeQueueNums: 4, perm: 6, topicSysFlag: 0 }]
}

type Misbehaviour = "defect" | "throw" | "typed" | "none"

/**
 * A NameServer transport that answers every topic with `route`, except that after its first
 * answer the topic `Bad` misbehaves as told; it counts the requests per topic.
 */
const transportWith = (misbehaviour: Misbehaviour) => {
  const requests = new Map<string, number>()
  const transport = NameServerTransport.of({
    addresses: ["127.0.0.1:9876"],
    current: Effect.succeed("127.0.0.1:9876"),
    getRouteInfoByTopic: (topic) =>
      Effect.suspend(() => {
        const count = (requests.get(topic) ?? 0) + 1
        requests.set(topic, count)
        if (topic !== "Bad" || count === 1 || misbehaviour === "none") return Effect.succeed(route)
        if (misbehaviour === "defect") return Effect.die(new Error("a bug in one topic's refresh"))
        if (misbehaviour === "throw") {
          return Effect.sync((): TopicRouteData => {
            throw new RangeError("Invalid array length")
          })
        }
        return Effect.fail(
          new NameServerError({
            reason: new NameServerUnavailable({ operation: "route lookup", tried: ["127.0.0.1:9876"], lastError: "down", timedOut: false })
          })
        )
      }),
    getBrokerClusterInfo: Effect.die("not used")
  })
  return { requests, layer: Layer.succeed(NameServerTransport, transport) }
}

const collectWarnings = () => {
  const warnings: Array<string> = []
  const logger = Logger.make((options) => {
    if (options.logLevel === "Warn" || options.logLevel === "Error") warnings.push(String(options.message))
  })
  return { warnings, layer: Logger.layer([logger]) }
}

describe("RouteLookup periodic refresh", () => {
  for (const misbehaviour of ["defect", "throw", "typed"] as const) {
    it.effect(`a ${misbehaviour} in one topic's refresh neither stops the other topics nor the later rounds; it is logged`, () =>
      Effect.gen(function*() {
        const { layer, requests } = transportWith(misbehaviour)
        const { layer: logs, warnings } = collectWarnings()
        yield* Effect.gen(function*() {
          const lookup = yield* RouteLookup
          // "Bad" is cached first, so each round refreshes it before the others.
          yield* lookup.publishInfo("Bad")
          yield* lookup.publishInfo("Good1")
          yield* lookup.publishInfo("Good2")
          for (let round = 1; round <= 3; round++) {
            yield* TestClock.adjust("30 seconds")
            for (let spin = 0; spin < 100 && (requests.get("Good2") ?? 0) < round + 1; spin++) yield* Effect.yieldNow
            assert.deepStrictEqual(
              ["Bad", "Good1", "Good2"].map((topic) => requests.get(topic)),
              [round + 1, round + 1, round + 1],
              `round ${round}`
            )
          }
          // The cached route of the failing topic is still served.
          assert.strictEqual((yield* lookup.publishInfo("Bad")).queues.length, 4)
        }).pipe(
          Effect.provide(
            Layer.fresh(RouteLookup.layer().pipe(Layer.provideMerge(RouteCache.layer), Layer.provide(layer)))
          ),
          Effect.provide(logs)
        )
        const aboutBad = warnings.filter((line) => line.includes("Bad"))
        assert.strictEqual(aboutBad.length, 3, warnings.join("\n"))
        assert.isTrue(aboutBad.every((line) => line.includes("route refresh of Bad failed")), aboutBad.join("\n"))
        if (misbehaviour !== "typed") assert.isTrue(aboutBad.every((line) => line.includes("Invalid array length") || line.includes("a bug")))
      }))
  }
})
