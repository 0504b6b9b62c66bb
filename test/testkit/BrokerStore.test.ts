import { assert, describe, it } from "@effect/vitest"
import { Schema } from "effect"
import { makeBrokerStore, makeTopicConfig } from "../../src/testkit/broker/BrokerStore.ts"

const appendOne = (store: ReturnType<typeof makeBrokerStore>, queueId: number, i: number) =>
  store.append({
    topic: "T",
    queueId,
    sysFlag: 0,
    bornTimestamp: i,
    bornHost: "127.0.0.1:1",
    storeTimestamp: i,
    producerGroup: "g",
    requestCode: 310,
    reconsumeTimes: 0,
    messages: [{ body: new Uint8Array([i & 0xff]), wireBody: new Uint8Array([i & 0xff]), flag: 0, properties: "" }]
  })[0]!

describe("BrokerStore retainMessages", () => {
  it.prop("keeps between n and 2n of the latest messages; queue offsets go on as if none was dropped", [
    Schema.Int.check(Schema.isBetween({ minimum: 1, maximum: 20 })),
    Schema.Array(Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: 3 }))).check(Schema.isMaxLength(200))
  ], ([retain, queueIds]) => {
    const limited = makeBrokerStore({ brokerName: "b", storeHost: "127.0.0.1", storePort: 1, topics: [makeTopicConfig({ topicName: "T" })], retainMessages: retain })
    const full = makeBrokerStore({ brokerName: "b", storeHost: "127.0.0.1", storePort: 1, topics: [makeTopicConfig({ topicName: "T" })] })
    queueIds.forEach((queueId, i) => {
      const a = appendOne(limited, queueId, i)
      const b = appendOne(full, queueId, i)
      assert.strictEqual(a.queueOffset, b.queueOffset)
      assert.strictEqual(a.commitLogOffset, b.commitLogOffset)
    })
    const kept = limited.messages()
    const all = full.messages()
    assert.isAtMost(kept.length, 2 * retain)
    assert.isAtLeast(kept.length, Math.min(all.length, retain))
    assert.deepStrictEqual(kept.map((m) => m.commitLogOffset), all.slice(all.length - kept.length).map((m) => m.commitLogOffset))
    for (const queueId of [0, 1, 2, 3]) {
      assert.strictEqual(limited.nextQueueOffset("T", queueId), full.nextQueueOffset("T", queueId))
      const keptIn = limited.messagesIn("T", queueId)
      assert.deepStrictEqual(keptIn, kept.filter((m) => m.queueId === queueId))
    }
  })
})
