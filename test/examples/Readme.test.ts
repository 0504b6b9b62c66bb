/**
 * README.md's "In your tests" block, as written (the package names mapped to the sources).
 */
import { assert, layer } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { makeMessage, Producer } from "../../src/index.ts"
import { TestCluster } from "../../src/testkit/index.ts"

const OnTestCluster = Producer.layerFrom(TestCluster.producerOptions({ producerGroup: "orders" })).pipe(
  Layer.provideMerge(TestCluster.layer({ brokers: 2, topics: [{ topicName: "Orders" }] }))
)

layer(OnTestCluster, { excludeTestServices: true })("orders", (it) => {
  it.effect("an order is stored once, as sent", () =>
    Effect.gen(function*() {
      const producer = yield* Producer
      const cluster = yield* TestCluster
      const sent = yield* producer.send(makeMessage("Orders", "order #1"))
      const stored = yield* cluster.messagesIn("Orders")
      assert.deepStrictEqual(stored.map((m) => m.properties["UNIQ_KEY"]), [sent.msgId])
    }))
})
