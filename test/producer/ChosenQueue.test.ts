/**
 * Sends to a chosen queue (`sendToQueue`) or the queue a user's selector picks
 * (`sendWithSelector`), and 5.x timer messages, over the testkit cluster.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer, Result } from "effect"
import { RequestCode } from "../../src/protocol/RequestCode.ts"
import { ResponseCode } from "../../src/protocol/ResponseCode.ts"
import { makeMessage } from "../../src/protocol/message/Message.ts"
import { TIMER_DELAY_MS, TIMER_DELAY_SEC, UNIQ_KEY } from "../../src/protocol/message/MessageConst.ts"
import { validateMessage } from "../../src/producer/MessageValidation.ts"
import { Producer } from "../../src/producer/Producer.ts"
import type { MessageQueue } from "../../src/route/MessageQueue.ts"
import { makeTestCluster } from "../../src/testkit/TestCluster.ts"
import type { TestClusterInstance } from "../../src/testkit/TestCluster.ts"
import { failureTag } from "../helpers.ts"

const withProducer = <A, E>(cluster: TestClusterInstance, use: (producer: Producer["Service"]) => Effect.Effect<A, E>) =>
  Producer.use(use).pipe(
    Effect.provide(Layer.fresh(Producer.layer({ nameServers: cluster.nameServerAddress, producerGroup: "queue_group" })))
  )

const sends = (cluster: TestClusterInstance) => cluster.brokers.reduce((n, b) => n + b.requestCount(RequestCode.SEND_MESSAGE_V2), 0)

describe("sends to a chosen queue", () => {
  it.live("sendToQueue stores on exactly that queue, every time; a queue of another topic is refused before any request", () =>
    Effect.gen(function*() {
      const cluster = yield* makeTestCluster({ brokers: 2, topics: [{ topicName: "Chosen" }] })
      yield* withProducer(cluster, (producer) =>
        Effect.gen(function*() {
          const b = cluster.brokers[1]!
          const queue: MessageQueue = { topic: "Chosen", brokerName: b.brokerName, queueId: 2 }
          for (let i = 0; i < 10; i++) {
            const result = yield* producer.sendToQueue(makeMessage("Chosen", `m${i}`), queue)
            assert.deepStrictEqual(result.messageQueue, queue)
            assert.strictEqual(result.queueOffset, i)
          }
          const stored = yield* cluster.messagesIn("Chosen")
          assert.strictEqual(stored.length, 10)
          assert.isTrue(stored.every((m) => m.brokerName === b.brokerName && m.queueId === 2))
          const before = sends(cluster)
          const wrong = yield* Effect.exit(producer.sendToQueue(makeMessage("Chosen", "x"), { ...queue, topic: "Other" }))
          assert.strictEqual(failureTag(wrong), "InvalidMessage")
          assert.strictEqual(sends(cluster), before)
        }))
    }).pipe(Effect.scoped))

  it.live("sendToQueue and sendWithSelector make one attempt: a busy broker fails the send, no other broker is tried", () =>
    Effect.gen(function*() {
      const cluster = yield* makeTestCluster({ brokers: 2, topics: [{ topicName: "OneTry" }] })
      const [a, b] = cluster.brokers
      yield* withProducer(cluster, (producer) =>
        Effect.gen(function*() {
          a!.faults.add({ code: RequestCode.SEND_MESSAGE_V2, fault: { _tag: "RespondWith", code: ResponseCode.SYSTEM_BUSY, remark: "busy" }, times: 2 })
          const queue: MessageQueue = { topic: "OneTry", brokerName: a!.brokerName, queueId: 0 }
          const first = yield* Effect.exit(producer.sendToQueue(makeMessage("OneTry", "x"), queue))
          assert.isTrue(first._tag === "Failure")
          const second = yield* Effect.exit(producer.sendWithSelector(makeMessage("OneTry", "y"), (queues) => queues.find((q) => q.brokerName === a!.brokerName)))
          assert.isTrue(second._tag === "Failure")
          assert.strictEqual(a!.requestCount(RequestCode.SEND_MESSAGE_V2), 2)
          assert.strictEqual(b!.requestCount(RequestCode.SEND_MESSAGE_V2), 0)
          assert.strictEqual((yield* cluster.messagesIn("OneTry")).length, 0)
        }))
    }).pipe(Effect.scoped))

  it.live("sendWithSelector: the selector sees every publish queue and the message; its pick is where the message goes", () =>
    Effect.gen(function*() {
      const cluster = yield* makeTestCluster({ brokers: 2, topics: [{ topicName: "Selected" }] })
      yield* withProducer(cluster, (producer) =>
        Effect.gen(function*() {
          const seen: Array<number> = []
          const byOrderId = (queues: ReadonlyArray<MessageQueue>, message: { readonly keys?: ReadonlyArray<string> | undefined }) => {
            seen.push(queues.length)
            const id = Number(message.keys?.[0] ?? "0")
            return queues[id % queues.length]
          }
          const picks = new Map<string, string>()
          for (let i = 0; i < 16; i++) {
            const id = i % 4
            const result = yield* producer.sendWithSelector(makeMessage("Selected", `order ${id} step ${i}`, { keys: [String(id)] }), byOrderId)
            const where = `${result.messageQueue.brokerName}#${result.messageQueue.queueId}`
            assert.strictEqual(picks.get(String(id)) ?? where, where)
            picks.set(String(id), where)
          }
          assert.isTrue(seen.every((n) => n === 8)) // 2 brokers × 4 write queues
          assert.strictEqual(new Set(picks.values()).size, 4)
        }))
    }).pipe(Effect.scoped))

  it.live("a selector that returns nothing, a foreign queue or throws fails the send with the reason and sends nothing", () =>
    Effect.gen(function*() {
      const cluster = yield* makeTestCluster({ brokers: 1, topics: [{ topicName: "Picky" }] })
      yield* withProducer(cluster, (producer) =>
        Effect.gen(function*() {
          const message = makeMessage("Picky", "x")
          const cases: ReadonlyArray<readonly [string, (queues: ReadonlyArray<MessageQueue>) => MessageQueue | undefined]> = [
            ["returned no queue", () => undefined],
            ["not a queue of", (queues) => ({ ...queues[0]!, topic: "Elsewhere" })],
            ["the selector threw: no luck", () => {
              throw new Error("no luck")
            }]
          ]
          for (const [reason, select] of cases) {
            const exit = yield* Effect.exit(producer.sendWithSelector(message, select))
            assert.strictEqual(failureTag(exit), "SendFailed")
            assert.include(JSON.stringify(exit), reason)
          }
          assert.strictEqual(sends(cluster), 0)
        }))
    }).pipe(Effect.scoped))
})

describe("chosen queues in a namespace", () => {
  it.live("the selector sees the topic as the user named it; the message goes to the wrapped topic", () =>
    Effect.gen(function*() {
      const cluster = yield* makeTestCluster({ brokers: 1, topics: [{ topicName: "ns1%Picked" }], autoCreateTopicEnable: false })
      yield* Producer.use((producer) =>
        Effect.gen(function*() {
          const seen: Array<string> = []
          const result = yield* producer.sendWithSelector(makeMessage("Picked", "x"), (queues) => {
            seen.push(...queues.map((q) => q.topic))
            return queues[1]
          })
          assert.isTrue(seen.length > 0 && seen.every((topic) => topic === "Picked"))
          assert.deepStrictEqual({ topic: result.messageQueue.topic, queueId: result.messageQueue.queueId }, { topic: "Picked", queueId: 1 })
          const direct = yield* producer.sendToQueue(makeMessage("Picked", "y"), { topic: "Picked", brokerName: cluster.brokers[0]!.brokerName, queueId: 3 })
          assert.strictEqual(direct.messageQueue.queueId, 3)
          assert.deepStrictEqual((yield* cluster.messagesIn("ns1%Picked")).map((m) => m.queueId), [1, 3])
        })).pipe(Effect.provide(Layer.fresh(Producer.layer({ nameServers: cluster.nameServerAddress, producerGroup: "picky", namespace: "ns1" }))))
    }).pipe(Effect.scoped))
})

describe("5.x timer messages", () => {
  it.live("delayTimeSec and delayTimeMs travel as TIMER_DELAY_SEC / TIMER_DELAY_MS", () =>
    Effect.gen(function*() {
      const cluster = yield* makeTestCluster({ brokers: 1, topics: [{ topicName: "Timers" }] })
      yield* withProducer(cluster, (producer) =>
        Effect.gen(function*() {
          const sec = yield* producer.send(makeMessage("Timers", "in ten seconds", { delayTimeSec: 10 }))
          const ms = yield* producer.send(makeMessage("Timers", "in 1500 ms", { delayTimeMs: 1500 }))
          const stored = yield* cluster.messagesIn("Timers")
          const bySec = stored.find((m) => m.properties[UNIQ_KEY] === sec.msgId)
          const byMs = stored.find((m) => m.properties[UNIQ_KEY] === ms.msgId)
          assert.strictEqual(bySec?.properties[TIMER_DELAY_SEC], "10")
          assert.isUndefined(bySec?.properties[TIMER_DELAY_MS])
          assert.strictEqual(byMs?.properties[TIMER_DELAY_MS], "1500")
        }))
    }).pipe(Effect.scoped))

  it("validation: non-negative integers, one way of delaying at a time, none in a batch", () => {
    const rule = (options: Parameters<typeof makeMessage>[2]) => {
      const result = validateMessage(makeMessage("T", "x", options))
      return Result.isFailure(result) ? result.failure.rule : "ok"
    }
    assert.strictEqual(rule({ delayTimeSec: 0 }), "ok")
    assert.strictEqual(rule({ delayTimeMs: 86_400_000 }), "ok")
    assert.strictEqual(rule({ delayTimeSec: -1 }), "DelayTimeInvalid")
    assert.strictEqual(rule({ delayTimeMs: 1.5 }), "DelayTimeInvalid")
    assert.strictEqual(rule({ delayTimeSec: Number.MAX_SAFE_INTEGER }), "DelayTimeInvalid") // not a safe number of ms
    assert.strictEqual(rule({ delayTimeSec: 1, delayTimeMs: 1 }), "DelayConflict")
    assert.strictEqual(rule({ deliverTimeMs: 1, delayTimeMs: 1 }), "DelayConflict")
    assert.strictEqual(rule({ delayTimeLevel: 3, delayTimeSec: 1 }), "DelayConflict")
    assert.strictEqual(rule({ delayTimeLevel: 0, delayTimeSec: 1 }), "ok")
  })

  it.live("a batch with a timer message is refused before any request", () =>
    Effect.gen(function*() {
      const cluster = yield* makeTestCluster({ brokers: 1, topics: [{ topicName: "TimerBatch" }] })
      yield* withProducer(cluster, (producer) =>
        Effect.gen(function*() {
          const exit = yield* Effect.exit(producer.sendBatch([makeMessage("TimerBatch", "a"), makeMessage("TimerBatch", "b", { delayTimeMs: 5 })]))
          assert.strictEqual(failureTag(exit), "InvalidMessage")
          assert.strictEqual(cluster.brokers[0]!.requestCount(RequestCode.SEND_BATCH_MESSAGE), 0)
        }))
    }).pipe(Effect.scoped))
})
