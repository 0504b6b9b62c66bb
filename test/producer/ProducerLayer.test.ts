import { assert, describe, it } from "@effect/vitest"
import { Effect, Fiber, Metric, Random, Stream } from "effect"
import { makeMessage } from "../../src/protocol/message/Message.ts"
import { Producer } from "../../src/producer/Producer.ts"
import { messagesSent, sendFailures, sendLatency } from "../../src/producer/ProducerMetrics.ts"
import { routeCacheHits, routeCacheMisses } from "../../src/route/RouteMetrics.ts"
import { makeTestCluster } from "../../src/testkit/TestCluster.ts"

describe("Producer.layer as a user meets it", () => {
  it.live("routeChanges: the route events of the producer's own lookup, without wiring its layers", () =>
    Effect.gen(function*() {
      const cluster = yield* makeTestCluster({ brokers: 2, topics: [{ topicName: "Changes", queueNums: 3 }] })
      const change = yield* Effect.gen(function*() {
        const producer = yield* Producer
        const changes = yield* producer.routeChanges
        const first = yield* changes.pipe(Stream.take(1), Stream.runCollect, Effect.forkChild)
        yield* producer.send(makeMessage("Changes", "x"))
        return yield* Fiber.join(first).pipe(Effect.timeout("5 seconds"))
      }).pipe(Effect.provide(Producer.layer({ nameServers: cluster.nameServerAddress })))
      const [event] = change
      assert.strictEqual(event?.topic, "Changes")
      assert.isFalse(event?.fromDefaultTopic)
      assert.sameMembers([...(event?.diff.brokersAdded ?? [])], ["broker-a", "broker-b"])
    }).pipe(Effect.scoped))

  it.live("a seeded Random gives the same round robin every run", () =>
    Effect.gen(function*() {
      const cluster = yield* makeTestCluster({ brokers: 2, topics: [{ topicName: "Seeded", queueNums: 8 }] })
      const queues = (seed: string) =>
        Effect.gen(function*() {
          const producer = yield* Producer
          const sent: Array<string> = []
          for (let i = 0; i < 5; i++) {
            const result = yield* producer.send(makeMessage("Seeded", `m${i}`))
            sent.push(`${result.messageQueue.brokerName}#${result.messageQueue.queueId}`)
          }
          return sent
        }).pipe(Effect.provide(Producer.layer({ nameServers: cluster.nameServerAddress })), Random.withSeed(seed))
      const [a, b] = [yield* queues("one"), yield* queues("one")]
      assert.deepStrictEqual(a, b)
      const others = yield* Effect.forEach(["two", "three", "four", "five"], queues)
      assert.isTrue(others.some((other) => other[0] !== a[0]), "different seeds start at different queues")
    }).pipe(Effect.scoped))

  it.live("metrics carry the producer group, the topic, and the broker that stored the message", () =>
    Effect.gen(function*() {
      const cluster = yield* makeTestCluster({ brokers: 1, topics: [{ topicName: "MetricA" }, { topicName: "MetricB" }] })
      const group = "metrics_group"
      yield* Effect.gen(function*() {
        const producer = yield* Producer
        for (let i = 0; i < 3; i++) yield* producer.send(makeMessage("MetricA", "a"))
        yield* producer.send(makeMessage("MetricB", "b"))
        yield* Effect.exit(producer.send(makeMessage("bad topic", "x")))
      }).pipe(Effect.provide(Producer.layer({ nameServers: cluster.nameServerAddress, producerGroup: group })))
      const count = (metric: typeof messagesSent, attributes: Record<string, string>) =>
        Effect.map(Metric.value(Metric.withAttributes(metric, attributes)), (state) => state.count)
      assert.strictEqual(yield* count(messagesSent, { producer_group: group, topic: "MetricA", broker: "broker-a" }), 3)
      assert.strictEqual(yield* count(messagesSent, { producer_group: group, topic: "MetricB", broker: "broker-a" }), 1)
      assert.strictEqual(yield* count(sendFailures, { producer_group: group, topic: "(invalid)" }), 1)
      assert.strictEqual(yield* count(routeCacheMisses, { topic: "MetricA" }), 1)
      assert.strictEqual(yield* count(routeCacheHits, { topic: "MetricA" }), 2)
      const latency = yield* Metric.value(Metric.withAttributes(sendLatency, { producer_group: group, topic: "MetricA" }))
      assert.strictEqual(latency.count, 3)
    }).pipe(Effect.scoped))
})
