/**
 * The control-hook example of docs/guide.md, run as written (with source imports in place of the
 * package names).
 */
import { assert, it } from "@effect/vitest"
import { Effect } from "effect"
import { makeMessage, Producer } from "../../src/index.ts"
import { Control, makeTestCluster, RequestCode, ResponseCode } from "../../src/testkit/index.ts"

it.live("the broker refuses the third send once; the producer's retry lands", () =>
  Effect.gen(function*() {
    const cluster = yield* makeTestCluster({ brokers: 1, topics: [{ topicName: "Orders" }] })
    let sends = 0
    yield* cluster.brokers[0]!.control(RequestCode.SEND_MESSAGE_V2, () =>
      Effect.sync(() => (++sends === 3 ? Control.respond(ResponseCode.SYSTEM_BUSY, "busy") : Control.pass)))
    yield* Effect.gen(function*() {
      const producer = yield* Producer
      yield* Effect.forEach([1, 2, 3, 4], (n) => producer.send(makeMessage("Orders", `order #${n}`)))
    }).pipe(Effect.provide(Producer.layer({ nameServers: cluster.nameServerAddress })))
    assert.strictEqual((yield* cluster.messagesIn("Orders")).length, 4)
    assert.strictEqual(sends, 5) // four sends and one retry
  }).pipe(Effect.scoped))
