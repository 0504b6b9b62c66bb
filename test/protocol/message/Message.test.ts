import { assert, describe, it } from "@effect/vitest"
import { Buffer } from "node:buffer"
import { Arbitrary, Effect, Schema } from "effect"
import { makeMessage, Message } from "../../../src/protocol/message/Message.ts"
import { messageBody, messageBatch, validMessage } from "../../../src/testkit/MessageArbitraries.ts"

describe("Message", () => {
  it("make encodes a string body as UTF-8 and keeps bytes as they are", () => {
    const message = makeMessage("T1", "héllo", { tags: "TagA", keys: ["k1", "k2"], waitStoreMsgOK: false })
    assert.deepStrictEqual({ ...message, body: Buffer.from(message.body).toString("hex") }, {
      topic: "T1",
      body: "68c3a96c6c6f",
      tags: "TagA",
      keys: ["k1", "k2"],
      waitStoreMsgOK: false
    })
    const bytes = Uint8Array.of(1, 2, 3)
    assert.strictEqual(makeMessage("T1", bytes).body, bytes)
    assert.deepStrictEqual(Object.keys(makeMessage("T1", bytes)), ["topic", "body"])
  })

  it.prop("the schema derives arbitraries", [Message], ([message]) => {
    assert.isTrue(Schema.is(Message)(message))
  }, { arbitrary: { runs: 50 } })

  it.effect("the testkit arbitraries give messages of the schema, bodies of every size class, and one-topic batches", () =>
    Effect.gen(function*() {
      const messages = yield* Arbitrary.sampleEffect(validMessage, { count: 200, seed: 1 })
      assert.isTrue(messages.every(Schema.is(Message)))
      const sizes = (yield* Arbitrary.sampleEffect(messageBody, { count: 400, seed: 2 })).map((b) => b.length)
      assert.isAtLeast(Math.min(...sizes), 1)
      assert.isAbove(sizes.filter((n) => n >= 4096).length, 50)
      assert.isAbove(sizes.filter((n) => n <= 16).length, 50)
      assert.isAbove(messages.filter((m) => m.properties !== undefined && Object.keys(m.properties).length > 0).length, 50)
      const batches = yield* Arbitrary.sampleEffect(messageBatch, { count: 100, seed: 3 })
      for (const batch of batches) {
        assert.isAtLeast(batch.length, 1)
        assert.isTrue(batch.every((m) => m.topic === batch[0]?.topic && m.waitStoreMsgOK === batch[0]?.waitStoreMsgOK))
        assert.isTrue(batch.every((m) => m.delayTimeLevel === undefined && m.deliverTimeMs === undefined))
        assert.isFalse(batch[0]?.topic.startsWith("%RETRY%"))
      }
      assert.isAbove(batches.filter((b) => b.length > 1).length, 30)
    }))
})
