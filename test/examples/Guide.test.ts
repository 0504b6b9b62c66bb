/**
 * docs/guide.md's examples, as written (the package names mapped to the sources).
 */
import { assert, layer } from "@effect/vitest"
import { Layer } from "effect"
import { TestCluster } from "../../src/testkit/index.ts"
import { Effect } from "effect"
import { makeMessage, Producer } from "../../src/index.ts"

// An operation of your service: it needs a Producer, whichever layer provides it.
const placeOrder = (orderId: string) =>
  Effect.gen(function*() {
    const producer = yield* Producer
    const result = yield* producer.send(makeMessage("Orders", `order ${orderId}`, {
      tags: "new",                       // property TAGS
      keys: [orderId],                   // property KEYS (joined by a space)
      properties: { region: "eu" },      // user properties
      delayTimeLevel: 3                  // property DELAY (1…18)
    }))
    return result // { status, msgId, offsetMsgId, messageQueue, queueOffset, regionId, traceOn, … }
  })

// In production: the NameServers of your cluster.
const live = Producer.layer({ nameServers: "10.0.0.1:9876;10.0.0.2:9876", producerGroup: "orders" })
const program = placeOrder("order-1").pipe(Effect.provide(live))

export { live, program }

const OnTestCluster = Producer.layerFrom(TestCluster.producerOptions({ producerGroup: "orders" })).pipe(
  Layer.provideMerge(TestCluster.layer({ brokers: 1, topics: [{ topicName: "Orders" }] }))
)

layer(OnTestCluster, { excludeTestServices: true })("guide", (it) => {
  it.effect("placeOrder sends to Orders", () =>
    Effect.gen(function*() {
      const result = yield* placeOrder("order-7")
      const cluster = yield* TestCluster
      const [stored] = yield* cluster.messagesIn("Orders")
      assert.strictEqual(stored?.properties["UNIQ_KEY"], result.msgId)
      assert.strictEqual(stored?.properties["KEYS"], "order-7")
      assert.strictEqual(stored?.properties["DELAY"], "3")
    }))
})
