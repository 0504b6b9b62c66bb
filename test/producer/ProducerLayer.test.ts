import { assert, describe, it } from "@effect/vitest"
import { Effect, Fiber, Random, Stream } from "effect"
import { makeMessage } from "../../src/protocol/message/Message.ts"
import { Producer } from "../../src/producer/Producer.ts"
import { makeTestCluster } from "../../src/testkit/TestCluster.ts"

describe("Producer.layer as a user meets it", () => {
  it.live("routeChanges: the route events of the producer's own lookup, without wiring its layers", () =>
    Effect.gen(function*() {
      const cluster = yield* makeTestCluster({ brokers: 2, topics: [{ topicName: "Changes", queueNums: 3 }] })
      const change = yield* Effect.gen(function*() {
        const producer = yield* Producer
        const first = yield* producer.routeChanges.pipe(Stream.take(1), Stream.runCollect, Effect.forkChild)
        yield* Effect.sleep("20 millis")
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
})
