/**
 * Examples of README.md and docs/guide.md run as tests (the guide's error example as written, with
 * source imports in place of the package name); DocBlocks.test.ts checks that every code block of
 * the docs is in a file of test/examples, so the docs cannot drift from the code.
 */
import { assert, describe, it } from "@effect/vitest"
import { Arbitrary, Effect } from "effect"
import { makeMessage, Producer, Requester, TransactionProducer } from "../../src/index.ts"
import type { Message, MessageQueue } from "../../src/index.ts"
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

  it.live("guide: a selector keeps an order on one queue", () =>
    Effect.gen(function*() {
      const cluster = yield* makeTestCluster({ brokers: 2, topics: [{ topicName: "Orders" }] })
      const sent = yield* Effect.gen(function*() {
        const producer = yield* Producer
        // every message of one order to the same queue, chosen by the order id in the first key
        const byOrder = (queues: ReadonlyArray<MessageQueue>, message: Message) =>
          queues[Number(message.keys?.[0] ?? 0) % queues.length]
        yield* producer.sendWithSelector(makeMessage("Orders", "paid", { keys: ["42"] }), byOrder)
        yield* producer.sendWithSelector(makeMessage("Orders", "shipped", { keys: ["42"] }), byOrder)
      }).pipe(Effect.provide(Producer.layer({ nameServers: cluster.nameServerAddress })), Effect.andThen(cluster.messagesIn("Orders")))
      assert.strictEqual(sent.length, 2)
      assert.strictEqual(`${sent[0]?.brokerName}#${sent[0]?.queueId}`, `${sent[1]?.brokerName}#${sent[1]?.queueId}`)
    }).pipe(Effect.scoped))

  it.live("guide: transactions, the worked example", () =>
    Effect.gen(function*() {
      const cluster = yield* makeTestCluster({ brokers: 1, topics: [{ topicName: "Orders" }] })
      const nameServers = cluster.nameServerAddress
      // the local transaction: here, an order saved in a database of yours
      const saveOrder = (orderId: string) => Effect.succeed(orderId)
      const orderSaved = (orderId: string) => Effect.succeed(orderId.length > 0)

      const program = Effect.gen(function*() {
        const producer = yield* TransactionProducer
        return yield* producer.sendInTransaction(
          makeMessage("Orders", "order 42 paid", { keys: ["order-42"] }),
          (_half) =>
            saveOrder("order-42").pipe(
              Effect.as("COMMIT" as const), // or "ROLLBACK", or "UNKNOWN"
              Effect.catch(() => Effect.succeed("ROLLBACK" as const))
            )
        ) // the send result plus { transactionId, localState }
      })

      const layer = TransactionProducer.layer({
        nameServers, // "host:port;host:port"
        producerGroup: "orders_tx",
        // asked by the broker about a transaction left UNKNOWN (or whose END_TRANSACTION was lost)
        check: (transaction) =>
          Effect.map(orderSaved(transaction.message.properties["KEYS"] ?? ""), (saved) => (saved ? "COMMIT" : "ROLLBACK"))
      })
      const result = yield* program.pipe(Effect.provide(layer))
      assert.strictEqual(result.localState, "COMMIT")
      for (let i = 0; i < 200 && (yield* cluster.messagesIn("Orders")).length === 0; i++) yield* Effect.sleep("10 millis")
      assert.strictEqual((yield* cluster.messagesIn("Orders")).length, 1)
    }).pipe(Effect.scoped))

  it.live("guide: request-reply", () =>
    Effect.gen(function*() {
      const cluster = yield* makeTestCluster({
        brokers: 2,
        topics: [{ topicName: "PriceRequests" }],
        brokerOptions: { responder: () => Effect.succeed(JSON.stringify({ sku: "A-1", price: 12 })) }
      })
      const nameServers = cluster.nameServerAddress
      const program = Effect.gen(function*() {
        const requester = yield* Requester
        const reply = yield* requester.request(makeMessage("PriceRequests", JSON.stringify({ sku: "A-1" })), "3 seconds")
        return new TextDecoder().decode(reply.body)
      })
      const price = yield* program.pipe(Effect.provide(Requester.layer({ nameServers, producerGroup: "pricing_client" })))
      assert.deepStrictEqual(JSON.parse(price), { sku: "A-1", price: 12 })
    }).pipe(Effect.scoped))

  it.live("testkit: a cluster whose brokers check transactions back when the test says so", () =>
    Effect.gen(function*() {
      const cluster = yield* makeTestCluster({
        brokers: 2,
        topics: [{ topicName: "Orders" }],
        // no periodic check rounds: the test sends them with checkTransactions
        brokerOptions: { transactions: { checkIntervalMillis: 3_600_000, timeoutMillis: 0 } }
      })
      const sent = yield* Effect.gen(function*() {
        const producer = yield* TransactionProducer
        const result = yield* producer.sendInTransaction(makeMessage("Orders", "later"), () => Effect.succeed("UNKNOWN" as const))
        const broker = cluster.broker(result.messageQueue.brokerName)!
        // the check goes to a connection whose heartbeat named the group
        for (let i = 0; i < 500 && !(yield* broker.producers).has("later_tx"); i++) yield* Effect.sleep("10 millis")
        yield* Effect.forEach(cluster.brokers, (broker) => broker.checkTransactions)
        for (let i = 0; i < 500 && (yield* cluster.messagesIn("Orders")).length === 0; i++) yield* Effect.sleep("10 millis")
        return result
      }).pipe(Effect.provide(TransactionProducer.layer({
        nameServers: cluster.nameServerAddress,
        producerGroup: "later_tx",
        check: () => Effect.succeed("COMMIT" as const)
      })))
      const stored = yield* cluster.messagesIn("Orders")
      assert.deepStrictEqual(stored.map((m) => m.properties["UNIQ_KEY"]), [sent.msgId])
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
