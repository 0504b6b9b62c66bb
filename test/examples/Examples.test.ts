/**
 * The examples of README.md and docs/guide.md, run as written (with source imports in place of the
 * package name), so the docs cannot drift from the code.
 */
import { assert, describe, it } from "@effect/vitest"
import { Arbitrary, Effect } from "effect"
import { makeMessage, Producer } from "../../src/index.ts"
import { makeTestCluster, validMessage } from "../../src/testkit/index.ts"

describe("documented examples", () => {
  it.live("README: a first example", () =>
    Effect.gen(function*() {
      const cluster = yield* makeTestCluster({ brokers: 1, topics: [{ topicName: "Orders" }] })
      const program = Effect.gen(function*() {
        const producer = yield* Producer
        const result = yield* producer.send(makeMessage("Orders", "order #1", { tags: "new", keys: ["order-1"] }))
        yield* Effect.log(`${result.status} ${result.msgId} on ${result.messageQueue.brokerName}#${result.messageQueue.queueId}`)
        return result
      })
      const result = yield* program.pipe(
        Effect.provide(Producer.layer({ nameServers: cluster.nameServerAddress, producerGroup: "orders_producer" }))
      )
      assert.strictEqual(result.status, "SEND_OK")
    }).pipe(Effect.scoped))

  it.live("guide: every order is stored once", () =>
    Effect.gen(function*() {
      const cluster = yield* makeTestCluster({ brokers: 2, topics: [{ topicName: "Orders" }] })
      const result = yield* Effect.gen(function*() {
        const producer = yield* Producer
        return yield* Arbitrary.checkEffect(validMessage, (message) =>
          Effect.gen(function*() {
            const sent = yield* producer.send({ ...message, topic: "Orders" })
            const stored = yield* cluster.messagesIn("Orders")
            return stored.filter((m) => m.properties["UNIQ_KEY"] === sent.msgId).length === 1
          }), { runs: 100 })
      }).pipe(Effect.provide(Producer.layer({ nameServers: cluster.nameServerAddress })))
      assert.strictEqual(result._tag, "Passed")
    }).pipe(Effect.scoped))
})
