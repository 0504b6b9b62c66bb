/**
 * docs/testkit.md, worked through: its blocks, as written (the package names mapped to the
 * sources), make up this file.
 */
import { assert, layer } from "@effect/vitest"
import { Effect, Layer, Schema } from "effect"
import { makeMessage, Producer } from "../../src/index.ts"
import { RequestCode, ResponseCode } from "../../src/protocol/index.ts"
import { Control, TestCluster } from "../../src/testkit/index.ts"

// The code under test: your service publishes an event per order, keyed by the order id.
const publishOrder = (order: { readonly id: string; readonly cents: number }) =>
  Effect.gen(function*() {
    const producer = yield* Producer
    return yield* producer.send(
      makeMessage("Orders", JSON.stringify(order), { keys: [order.id], tags: "created" })
    )
  })

// A testkit cluster (a NameServer and two brokers on loopback ports) and a producer on it, as one layer.
const OnTestCluster = Producer.layerFrom(TestCluster.producerOptions({ producerGroup: "orders" })).pipe(
  Layer.provideMerge(TestCluster.layer({ brokers: 2, topics: [{ topicName: "Orders", queueNums: 4 }] }))
)

const Order = Schema.Struct({
  id: Schema.String.check(Schema.isPattern(/^order-[0-9a-z]{1,12}$/)),
  cents: Schema.Int.check(Schema.isBetween({ minimum: 1, maximum: 10_000_000 }))
})

layer(OnTestCluster, { excludeTestServices: true })("publishOrder", (it) => {
  it.effect.prop("stores each order once, keyed by its id, with its body as sent", { order: Order }, ({ order }) =>
    Effect.gen(function*() {
      const cluster = yield* TestCluster
      const sent = yield* publishOrder(order)
      const stored = (yield* cluster.messagesIn("Orders")).filter((m) => m.properties["UNIQ_KEY"] === sent.msgId)
      assert.strictEqual(stored.length, 1)
      assert.strictEqual(stored[0]?.properties["KEYS"], order.id)
      assert.deepStrictEqual(JSON.parse(new TextDecoder().decode(stored[0]?.body)), order)
    }), { arbitrary: { runs: 50 } })

  it.effect("a busy broker: the send is retried on the other one", () =>
    Effect.gen(function*() {
      const cluster = yield* TestCluster
      const busy = cluster.brokers[0]
      if (busy === undefined) return assert.fail("no broker")
      // broker-a answers every send with SYSTEM_BUSY from now until `remove()`
      const remove = busy.faults.add({
        code: RequestCode.SEND_MESSAGE_V2,
        fault: { _tag: "RespondWith", code: ResponseCode.SYSTEM_BUSY, remark: "[TIMEOUT_CLEAN_QUEUE] broker busy" }
      })
      const results = yield* Effect.forEach(Array.from({ length: 8 }, (_, i) => i), (i) => publishOrder({ id: `order-${i}`, cents: 100 }))
      remove()
      for (const result of results) assert.notStrictEqual(result.messageQueue.brokerName, busy.brokerName)
      const ids = new Set(results.map((result) => result.msgId))
      assert.deepStrictEqual((yield* busy.messagesIn("Orders")).filter((m) => ids.has(m.properties["UNIQ_KEY"] ?? "")), [])
    }))
})

layer(OnTestCluster, { excludeTestServices: true })("control hooks", (it) => {
  it.effect("the third send to broker-a is refused once; it is retried, every order is stored", () =>
    Effect.gen(function*() {
      const cluster = yield* TestCluster
      const brokerA = cluster.broker("broker-a")
      if (brokerA === undefined) return assert.fail("no broker-a")
      let sends = 0
      // until the test's scope closes, every SEND_MESSAGE_V2 to broker-a goes through this hook first
      yield* brokerA.control(RequestCode.SEND_MESSAGE_V2, () =>
        Effect.sync(() => (++sends === 3 ? Control.respond(ResponseCode.SYSTEM_BUSY, "busy") : Control.pass)))
      const results = yield* Effect.forEach(Array.from({ length: 8 }, (_, i) => i), (i) => publishOrder({ id: `order-${i}`, cents: 1 }))
      assert.isAtLeast(sends, 3)
      const stored = new Set((yield* cluster.messagesIn("Orders")).map((m) => m.properties["UNIQ_KEY"]))
      for (const result of results) assert.isTrue(stored.has(result.msgId))
    }))
})
