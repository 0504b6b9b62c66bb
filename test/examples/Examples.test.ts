/**
 * Examples of README.md and docs/guide.md run as tests (the guide's error example as written, with
 * source imports in place of the package name); DocBlocks.test.ts checks that every code block of
 * the docs is in a file of test/examples, so the docs cannot drift from the code.
 */
import { assert, describe, it } from "@effect/vitest"
import { Arbitrary, Effect } from "effect"
import { makeMessage, Producer } from "../../src/index.ts"
import type { Message } from "../../src/index.ts"
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

  it.live("guide: matching on the error's reason", () =>
    Effect.gen(function*() {
      const cluster = yield* makeTestCluster({ brokers: 1, topics: [{ topicName: "Orders" }] })
      const sendOrLog = (producer: Producer["Service"], message: Message) =>
        producer.send(message).pipe(
          Effect.asVoid,
          Effect.catchTag("ProducerError", (error) =>
            error.reason._tag === "InvalidMessage"
              ? Effect.fail(error.reason) // a bug in the caller: sending again will not help
              : Effect.logWarning(`not sent (retryable: ${error.isRetryable}): ${error.message}`))
        )
      const outcomes = yield* Effect.gen(function*() {
        const producer = yield* Producer
        const invalid = yield* Effect.flip(sendOrLog(producer, makeMessage("Orders", new Uint8Array(0))))
        yield* sendOrLog(producer, makeMessage("Orders", "order #1"))
        return { invalid }
      }).pipe(Effect.provide(Producer.layer({ nameServers: cluster.nameServerAddress })))
      assert.strictEqual(outcomes.invalid._tag, "InvalidMessage")
      assert.strictEqual(outcomes.invalid.rule, "BodyEmpty")
      assert.strictEqual((yield* cluster.messagesIn("Orders")).length, 1)
    }).pipe(Effect.scoped))
})
