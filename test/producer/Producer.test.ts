/**
 * The producer end to end over real sockets, against the testkit cluster.
 */
import { assert, describe, it } from "@effect/vitest"
import { Buffer } from "node:buffer"
import { Arbitrary, ConfigProvider, Context, Effect, Exit, Layer, Option, Schema, Scope, Tracer } from "effect"
import { makeRequest } from "../../src/protocol/RemotingCommand.ts"
import { RequestCode } from "../../src/protocol/RequestCode.ts"
import { ResponseCode } from "../../src/protocol/ResponseCode.ts"
import { makeMessage } from "../../src/protocol/message/Message.ts"
import type { Message } from "../../src/protocol/message/Message.ts"
import { UNIQ_KEY } from "../../src/protocol/message/MessageConst.ts"
import { messageProperties } from "../../src/protocol/message/MessageProperties.ts"
import { Producer } from "../../src/producer/Producer.ts"
import { ProducerError } from "../../src/producer/ProducerError.ts"
import type { ProducerOptions } from "../../src/producer/ProducerOptions.ts"
import type { StoredMessage } from "../../src/testkit/broker/BrokerStore.ts"
import { messageBatch, validMessage } from "../../src/testkit/MessageArbitraries.ts"
import { makeTestCluster } from "../../src/testkit/TestCluster.ts"
import { RemotingClient } from "../../src/transport/RemotingClient.ts"
import type { TestClusterInstance } from "../../src/testkit/TestCluster.ts"
import { failureTag, recordingTracer } from "../helpers.ts"

const topics = ["PropA", "PropB", "PropC"]

const producerLayer = (cluster: TestClusterInstance, options?: Partial<ProducerOptions>) =>
  Layer.fresh(Producer.layer({ nameServers: cluster.nameServerAddress, producerGroup: "test_group", ...options }))

const withProducer = <A, E>(
  cluster: TestClusterInstance,
  use: (producer: Producer["Service"]) => Effect.Effect<A, E>,
  options?: Partial<ProducerOptions>
) => Producer.use(use).pipe(Effect.provide(producerLayer(cluster, options)))

/** What the user sent, as the broker must have stored it. */
const sameContent = (sent: Message, stored: StoredMessage): boolean => {
  const expected = messageProperties(sent)
  const { [UNIQ_KEY]: uniq, ...rest } = stored.properties
  return uniq !== undefined &&
    Buffer.from(stored.body).equals(Buffer.from(sent.body)) &&
    stored.flag === (sent.flag ?? 0) &&
    JSON.stringify(Object.entries(rest).sort()) === JSON.stringify(Object.entries(expected).sort())
}

const brokerRequests = (cluster: TestClusterInstance) => cluster.brokers.reduce((n, b) => n + b.requestCount(), 0)

describe("Producer over the testkit cluster", () => {
  it.live("property: every valid message is stored exactly once with the same content", () =>
    Effect.gen(function*() {
      const cluster = yield* makeTestCluster({ brokers: 2, topics: topics.map((topicName) => ({ topicName })) })
      const cases = Arbitrary.all({ message: validMessage, topic: Arbitrary.schema(Schema.Literals(topics)) })
      yield* withProducer(cluster, (producer) =>
        Effect.gen(function*() {
          const outcome = yield* Arbitrary.checkEffect(cases, ({ message, topic }) =>
            Effect.gen(function*() {
              const sent = { ...message, topic }
              const result = yield* producer.send(sent)
              const stored = (yield* cluster.messages).filter((m) => m.properties[UNIQ_KEY] === result.msgId)
              return result.status === "SEND_OK" && stored.length === 1 && sameContent(sent, stored[0]!) &&
                stored[0]!.offsetMsgId === result.offsetMsgId && stored[0]!.queueOffset === result.queueOffset &&
                stored[0]!.brokerName === result.messageQueue.brokerName && stored[0]!.queueId === result.messageQueue.queueId
            }), { runs: 150 })
          assert.strictEqual(outcome._tag, "Passed", JSON.stringify(outcome).slice(0, 2000))
          // compressed on the wire when large, stored inflated
          const large = (yield* cluster.messages).filter((m) => m.body.length >= 4096)
          assert.isTrue(large.length > 0 && large.every((m) => (m.sysFlag & 0x1) === 1))
        }))
    }).pipe(Effect.scoped))

  it.live("property: batches are stored as their messages, once each, in order", () =>
    Effect.gen(function*() {
      const cluster = yield* makeTestCluster({ brokers: 2, topics: [{ topicName: "Batches" }] })
      yield* withProducer(cluster, (producer) =>
        Effect.gen(function*() {
          const outcome = yield* Arbitrary.checkEffect(messageBatch, (batch) =>
            Effect.gen(function*() {
              const sent = batch.map((message) => ({ ...message, topic: "Batches" }))
              const result = yield* producer.sendBatch(sent)
              const ids = result.msgId.split(",")
              const all = yield* cluster.messages
              const stored = ids.map((id) => all.filter((m) => m.properties[UNIQ_KEY] === id))
              return ids.length === sent.length && stored.every((s, i) => s.length === 1 && sameContent(sent[i]!, s[0]!)) &&
                stored.every((s, i) => s[0]!.queueOffset === result.queueOffset + i)
            }), { runs: 60 })
          assert.strictEqual(outcome._tag, "Passed", JSON.stringify(outcome).slice(0, 2000))
        }))
    }).pipe(Effect.scoped))

  it.live("a new topic goes through TBW102: the broker creates it and the next refresh sees its own route", () =>
    Effect.gen(function*() {
      const cluster = yield* makeTestCluster({ brokers: 1 })
      yield* withProducer(cluster, (producer) =>
        Effect.gen(function*() {
          const first = yield* producer.send(makeMessage("Fresh", "one"))
          assert.strictEqual(first.status, "SEND_OK")
          const created = yield* cluster.brokers[0]!.topicConfig("Fresh")
          assert.deepStrictEqual([created?.readQueueNums, created?.writeQueueNums, created?.perm], [4, 4, 6])
          yield* Effect.sleep("1200 millis") // one refresh
          yield* producer.send(makeMessage("Fresh", "two"))
          assert.strictEqual((yield* cluster.messagesIn("Fresh")).length, 2)
        }), { pollNameServerInterval: "1 second" })
    }).pipe(Effect.scoped))

  it.live("two brokers, one answering SYSTEM_BUSY: every send lands on the other, none lost, the busy one avoided", () =>
    Effect.gen(function*() {
      const cluster = yield* makeTestCluster({ brokers: 2, topics: [{ topicName: "Busy" }] })
      const [a, b] = cluster.brokers
      a!.faults.add({ code: RequestCode.SEND_MESSAGE_V2, fault: { _tag: "RespondWith", code: ResponseCode.SYSTEM_BUSY, remark: "[REJECTREQUEST]system busy" } })
      yield* withProducer(cluster, (producer) =>
        Effect.gen(function*() {
          const results = yield* Effect.forEach(Array.from({ length: 40 }, (_, i) => i), (i) => producer.send(makeMessage("Busy", `m${i}`)))
          assert.isTrue(results.every((r) => r.messageQueue.brokerName === b!.brokerName))
          assert.strictEqual((yield* b!.messagesIn("Busy")).length, 40)
          assert.strictEqual((yield* a!.messages).length, 0)
          // isolated for the fault strategy's duration: after the first refusal, a is not tried again
          assert.strictEqual(a!.requestCount(RequestCode.SEND_MESSAGE_V2), 1)
        }))
    }).pipe(Effect.scoped))

  it.live("two brokers, one closing connections: sends land on the other, none lost", () =>
    Effect.gen(function*() {
      const cluster = yield* makeTestCluster({ brokers: 2, topics: [{ topicName: "Flaky" }] })
      const [a, b] = cluster.brokers
      a!.faults.add({ code: RequestCode.SEND_MESSAGE_V2, fault: { _tag: "CloseConnection" } })
      yield* withProducer(cluster, (producer) =>
        Effect.gen(function*() {
          const results = yield* Effect.forEach(Array.from({ length: 30 }, (_, i) => i), (i) => producer.send(makeMessage("Flaky", `m${i}`)), { concurrency: 8 })
          assert.strictEqual(results.length, 30)
          const stored = yield* b!.messagesIn("Flaky")
          assert.strictEqual(stored.length, 30)
          assert.strictEqual(new Set(stored.map((m) => m.properties[UNIQ_KEY])).size, 30)
          assert.isAtMost(a!.requestCount(RequestCode.SEND_MESSAGE_V2), 8)
        }))
    }).pipe(Effect.scoped))

  it.live("a broker that never answers: send fails within sendMsgTimeout with a typed timeout error", () =>
    Effect.gen(function*() {
      const cluster = yield* makeTestCluster({ brokers: 1, topics: [{ topicName: "Hang" }] })
      cluster.brokers[0]!.faults.add({ code: RequestCode.SEND_MESSAGE_V2, fault: { _tag: "NoResponse" } })
      yield* withProducer(cluster, (producer) =>
        Effect.gen(function*() {
          yield* producer.send(makeMessage("Warmup", "x")).pipe(Effect.ignore) // route + connection ready
          const started = Date.now()
          const exit = yield* Effect.exit(producer.send(makeMessage("Hang", "x")))
          const elapsed = Date.now() - started
          assert.strictEqual(failureTag(exit), "SendFailed")
          assert.include(String(exit), "timed out")
          // each attempt keeps its typed reason
          const error = Exit.isFailure(exit) ? exit.cause.reasons.find((r) => r._tag === "Fail")?.error : undefined
          assert.instanceOf(error, ProducerError)
          assert.strictEqual(error?.reason._tag, "SendFailed")
          if (error?.reason._tag === "SendFailed") {
            assert.isTrue(error.reason.timedOut)
            assert.isAbove(error.reason.attempts.length, 0)
            assert.isTrue(error.reason.attempts.every((a) => a.reason._tag === "RequestTimedOut" || a.reason._tag === "ConnectionClosed"))
            assert.strictEqual(error.reason.attempts[0]?.reason._tag, "RequestTimedOut")
            assert.isTrue(error.isRetryable)
          }
          assert.isAtMost(elapsed, 800 + 500) // the budget, plus slack for a loaded machine
        }), { sendMsgTimeout: "800 millis" })
    }).pipe(Effect.scoped))

  it.live("one hung broker does not eat the budget: the retry on the other broker still happens in time", () =>
    Effect.gen(function*() {
      const cluster = yield* makeTestCluster({ brokers: 2, topics: [{ topicName: "Half" }] })
      const [a, b] = cluster.brokers
      a!.faults.add({ code: RequestCode.SEND_MESSAGE_V2, fault: { _tag: "NoResponse" } })
      yield* withProducer(cluster, (producer) =>
        Effect.gen(function*() {
          for (let i = 0; i < 6; i++) {
            const result = yield* producer.send(makeMessage("Half", `m${i}`))
            assert.strictEqual(result.messageQueue.brokerName, b!.brokerName)
          }
          assert.strictEqual((yield* b!.messagesIn("Half")).length, 6)
        }), { sendMsgTimeout: "1500 millis" })
    }).pipe(Effect.scoped))

  it.live("a slow but healthy broker (1.5 s) beside a fast one, default 3 s budget: 200 sends succeed, none stored twice", () =>
    Effect.gen(function*() {
      const cluster = yield* makeTestCluster({ brokers: 2, topics: [{ topicName: "Slow" }] })
      const [slow, fast] = cluster.brokers
      // the broker stores at once and answers 1.5 s later: a resend elsewhere would store it twice
      slow!.faults.add({ code: RequestCode.SEND_MESSAGE_V2, fault: { _tag: "Delay", millis: 1500 } })
      yield* withProducer(cluster, (producer) =>
        Effect.gen(function*() {
          const results = yield* Effect.forEach(
            Array.from({ length: 200 }, (_, i) => i),
            (i) => producer.send(makeMessage("Slow", `m${i}`)),
            { concurrency: 40 }
          )
          assert.strictEqual(results.length, 200)
          assert.isTrue(results.every((r) => r.status === "SEND_OK"))
          const stored = yield* cluster.messagesIn("Slow")
          const ids = stored.map((m) => m.properties[UNIQ_KEY])
          assert.strictEqual(new Set(ids).size, 200)
          assert.strictEqual(stored.length, 200, "a message was stored twice")
          // the slow broker was used, and waited for
          assert.isAbove((yield* slow!.messagesIn("Slow")).length, 0)
          assert.isAbove((yield* fast!.messagesIn("Slow")).length, 0)
        }))
    }).pipe(Effect.scoped), 60_000)

  it.live("a hung broker beside a healthy one, default 3 s budget: every send succeeds within the budget", () =>
    Effect.gen(function*() {
      const cluster = yield* makeTestCluster({ brokers: 2, topics: [{ topicName: "Hung" }] })
      const [hung, healthy] = cluster.brokers
      hung!.faults.add({ code: RequestCode.SEND_MESSAGE_V2, fault: { _tag: "NoResponse" } })
      yield* withProducer(cluster, (producer) =>
        Effect.gen(function*() {
          const elapsed = yield* Effect.forEach(Array.from({ length: 40 }, (_, i) => i), (i) =>
            Effect.gen(function*() {
              const started = Date.now()
              const result = yield* producer.send(makeMessage("Hung", `m${i}`))
              assert.strictEqual(result.messageQueue.brokerName, healthy!.brokerName)
              return Date.now() - started
            }), { concurrency: 20 })
          assert.strictEqual(elapsed.length, 40)
          assert.isAtMost(Math.max(...elapsed), 3000 + 500) // the budget, plus slack for a loaded machine
          assert.strictEqual((yield* healthy!.messagesIn("Hung")).length, 40)
        }))
    }).pipe(Effect.scoped), 30_000)

  it.effect("a producer used after its scope closed fails at once with ProducerClosed (no clock needed)", () =>
    Effect.gen(function*() {
      const cluster = yield* makeTestCluster({ brokers: 1, topics: [{ topicName: "Closed" }] })
      const scope = yield* Scope.make()
      const context = yield* Layer.buildWithScope(producerLayer(cluster), scope)
      const producer = Context.get(context, Producer)
      yield* Scope.close(scope, Exit.void)
      const before = brokerRequests(cluster)
      const exits: ReadonlyArray<Exit.Exit<unknown, ProducerError>> = [
        yield* Effect.exit(producer.send(makeMessage("Closed", "x"))),
        yield* Effect.exit(producer.sendBatch([makeMessage("Closed", "x")])),
        yield* Effect.exit(producer.sendOrderly(makeMessage("Closed", "x"), "k")),
        yield* Effect.exit(producer.sendOneway(makeMessage("Closed", "x")))
      ]
      for (const exit of exits) {
        assert.strictEqual(failureTag(exit), "ProducerClosed")
        const error = Exit.isFailure(exit) ? exit.cause.reasons.find((r) => r._tag === "Fail")?.error : undefined
        assert.isFalse(error instanceof ProducerError && error.isRetryable)
      }
      assert.strictEqual(brokerRequests(cluster), before)
    }).pipe(Effect.scoped))

  it.live("the steps of a send are spans under Producer.send with stepSpans; by default only the operation is", () =>
    Effect.gen(function*() {
      const cluster = yield* makeTestCluster({ brokers: 1, topics: [{ topicName: "Spans" }] })
      const spanNames = (stepSpans: boolean) =>
        Effect.gen(function*() {
          const { spans, tracer } = recordingTracer()
          yield* withProducer(cluster, (producer) => producer.send(makeMessage("Spans", "x")), { stepSpans }).pipe(
            Effect.withTracer(tracer)
          )
          const parentName = (span: Tracer.NativeSpan) =>
            Option.match(span.parent, { onNone: () => "-", onSome: (parent) => parent._tag === "Span" ? parent.name : "-" })
          return spans.filter((span) => span.name.startsWith("SendPipeline.") || span.name === "Producer.send")
            .map((span) => `${span.name}<${parentName(span)}`)
        })
      assert.deepStrictEqual(yield* spanNames(true), [
        "Producer.send<-",
        "SendPipeline.prepare<Producer.send",
        "SendPipeline.attempt<Producer.send",
        "SendPipeline.request<SendPipeline.attempt"
      ])
      assert.deepStrictEqual(yield* spanNames(false), ["Producer.send<-"])
    }).pipe(Effect.scoped))

  it.live("with stepSpans, a retried send's attempts are spans side by side under Producer.send, each with its request", () =>
    Effect.gen(function*() {
      const cluster = yield* makeTestCluster({ brokers: 2, topics: [{ topicName: "SpansRetry" }] })
      const [a] = cluster.brokers
      a!.faults.add({ code: RequestCode.SEND_MESSAGE_V2, fault: { _tag: "RespondWith", code: ResponseCode.SYSTEM_BUSY, remark: "[REJECTREQUEST]system busy" } })
      const { spans, tracer } = recordingTracer()
      yield* withProducer(
        cluster,
        (producer) => Effect.forEach(Array.from({ length: 8 }, (_, i) => i), (i) => producer.send(makeMessage("SpansRetry", `m${i}`))),
        { stepSpans: true }
      ).pipe(Effect.withTracer(tracer))
      const parentName = (span: Tracer.NativeSpan) =>
        Option.match(span.parent, { onNone: () => "-", onSome: (parent) => parent._tag === "Span" ? parent.name : "-" })
      const named = (name: string) => spans.filter((span) => span.name === name)
      // the busy broker was tried once, so one send took two attempts
      assert.strictEqual(a!.requestCount(RequestCode.SEND_MESSAGE_V2), 1)
      assert.strictEqual(named("Producer.send").length, 8)
      assert.strictEqual(named("SendPipeline.attempt").length, 9)
      assert.strictEqual(named("SendPipeline.request").length, 9)
      assert.isTrue(named("SendPipeline.attempt").every((span) => parentName(span) === "Producer.send"))
      assert.isTrue(named("SendPipeline.request").every((span) => parentName(span) === "SendPipeline.attempt"))
    }).pipe(Effect.scoped))

  it.live("invalid messages fail before any byte is written: the brokers count nothing", () =>
    Effect.gen(function*() {
      const cluster = yield* makeTestCluster({ brokers: 1, topics: [{ topicName: "T" }] })
      const before = brokerRequests(cluster)
      const nsBefore = cluster.nameServer.requestCount()
      yield* withProducer(cluster, (producer) =>
        Effect.gen(function*() {
          const cases: Array<[Message, string]> = [
            [makeMessage("bad topic", "x"), "TopicInvalidCharacters"],
            [makeMessage("T", new Uint8Array(0)), "BodyEmpty"],
            [makeMessage("T", new Uint8Array(4 * 1024 * 1024 + 1)), "BodyTooLarge"],
            [makeMessage("T", "x", { properties: { UNIQ_KEY: "mine" } }), "PropertyReserved"],
            [makeMessage("T", "x", { tags: "a\u0001b" }), "TagsInvalid"],
            [makeMessage("SCHEDULE_TOPIC_XXXX", "x"), "TopicNotAllowed"]
          ]
          for (const [message, rule] of cases) {
            const exit = yield* Effect.exit(producer.send(message))
            assert.strictEqual(failureTag(exit), "InvalidMessage")
            assert.include(String(exit), rule)
          }
          const batch = yield* Effect.exit(producer.sendBatch([makeMessage("T", "x"), makeMessage("U", "y")]))
          assert.include(String(batch), "BatchInvalid")
        }))
      assert.strictEqual(brokerRequests(cluster) - before, 0)
      assert.strictEqual(cluster.nameServer.requestCount() - nsBefore, 0)
    }).pipe(Effect.scoped))

  it.live("a non-retryable broker answer fails at once with BrokerRejected", () =>
    Effect.gen(function*() {
      const cluster = yield* makeTestCluster({ brokers: 2, topics: [{ topicName: "Illegal" }] })
      for (const broker of cluster.brokers) {
        broker.faults.add({ code: RequestCode.SEND_MESSAGE_V2, fault: { _tag: "RespondWith", code: ResponseCode.MESSAGE_ILLEGAL, remark: "too big" } })
      }
      yield* withProducer(cluster, (producer) =>
        Effect.gen(function*() {
          const exit = yield* Effect.exit(producer.send(makeMessage("Illegal", "x")))
          assert.strictEqual(failureTag(exit), "BrokerRejected")
          assert.strictEqual(cluster.brokers.reduce((n, b) => n + b.requestCount(RequestCode.SEND_MESSAGE_V2), 0), 1)
        }))
    }).pipe(Effect.scoped))

  it.live("NameServer down on a miss: send fails with a typed error, not a defect", () =>
    Effect.gen(function*() {
      const cluster = yield* makeTestCluster({ brokers: 1 })
      yield* cluster.nameServer.refuseConnections
      yield* withProducer(cluster, (producer) =>
        Effect.gen(function*() {
          const exit = yield* Effect.exit(producer.send(makeMessage("Any", "x")))
          assert.strictEqual(failureTag(exit), "NameServerUnavailable")
        }), { sendMsgTimeout: "1 second", nameServerTimeout: "500 millis" })
      const hung = yield* makeTestCluster({ brokers: 1 })
      hung.nameServer.faults.add({ fault: { _tag: "NoResponse" } })
      yield* withProducer(hung, (producer) =>
        Effect.gen(function*() {
          const started = Date.now()
          const exit = yield* Effect.exit(producer.send(makeMessage("Any", "x")))
          assert.strictEqual(failureTag(exit), "NameServerUnavailable")
          assert.isAtMost(Date.now() - started, 700 + 500) // the budget, plus slack for a loaded machine
        }), { sendMsgTimeout: "700 millis" })
    }).pipe(Effect.scoped))

  it.live("sendOrderly: one key, one queue, every time", () =>
    Effect.gen(function*() {
      const cluster = yield* makeTestCluster({ brokers: 2, topics: [{ topicName: "Ordered" }] })
      yield* withProducer(cluster, (producer) =>
        Effect.gen(function*() {
          const queues = new Map<string, Set<string>>()
          for (let i = 0; i < 40; i++) {
            const key = `order-${i % 5}`
            const result = yield* producer.sendOrderly(makeMessage("Ordered", `step ${i}`), key)
            const queue = `${result.messageQueue.brokerName}#${result.messageQueue.queueId}`
            queues.set(key, (queues.get(key) ?? new Set()).add(queue))
          }
          assert.isTrue([...queues.values()].every((set) => set.size === 1))
          assert.isAbove(new Set([...queues.values()].map((s) => [...s][0])).size, 1)
        }))
    }).pipe(Effect.scoped))

  it.live("sendOneway reaches the broker; many fibers share the connections", () =>
    Effect.gen(function*() {
      const cluster = yield* makeTestCluster({ brokers: 2, topics: [{ topicName: "Oneway" }] })
      yield* withProducer(cluster, (producer) =>
        Effect.gen(function*() {
          yield* Effect.forEach(Array.from({ length: 200 }, (_, i) => i), (i) => producer.sendOneway(makeMessage("Oneway", `m${i}`)), { concurrency: 50 })
          for (let i = 0; i < 200 && (yield* cluster.messagesIn("Oneway")).length < 200; i++) yield* Effect.sleep("10 millis")
          assert.strictEqual((yield* cluster.messagesIn("Oneway")).length, 200)
          assert.isTrue(cluster.brokers.every((b) => b.connectionCount() >= 1 && b.connectionCount() <= 2))
        }))
    }).pipe(Effect.scoped))

  it.live("heartbeats to the brokers in use, and UNREGISTER_CLIENT when the producer closes", () =>
    Effect.gen(function*() {
      const cluster = yield* makeTestCluster({ brokers: 1, topics: [{ topicName: "Beat" }] })
      const broker = cluster.brokers[0]!
      const clientId = yield* withProducer(cluster, (producer) =>
        Effect.gen(function*() {
          yield* producer.send(makeMessage("Beat", "x"))
          for (let i = 0; i < 300 && broker.requestCount(RequestCode.HEART_BEAT) < 2; i++) yield* Effect.sleep("10 millis")
          assert.isAtLeast(broker.requestCount(RequestCode.HEART_BEAT), 2)
          assert.deepStrictEqual((yield* broker.producers).get("test_group"), [producer.clientId])
          return producer.clientId
        }), { heartbeatBrokerInterval: "500 millis" })
      assert.match(clientId, /^[0-9a-f.:]+@\d+#/)
      assert.strictEqual(broker.requestCount(RequestCode.UNREGISTER_CLIENT), 1)
      assert.isUndefined((yield* broker.producers).get("test_group"))
    }).pipe(Effect.scoped))

  it.live("retryAnotherBrokerWhenNotStoreOK: a FLUSH_DISK_TIMEOUT is retried elsewhere; without it, returned", () =>
    Effect.gen(function*() {
      const cluster = yield* makeTestCluster({ brokers: 2, topics: [{ topicName: "Flush" }] })
      const [a] = cluster.brokers
      a!.faults.add({ code: RequestCode.SEND_MESSAGE_V2, fault: { _tag: "RespondWith", code: ResponseCode.FLUSH_DISK_TIMEOUT } })
      yield* withProducer(cluster, (producer) =>
        Effect.gen(function*() {
          const results = yield* Effect.forEach([1, 2, 3, 4], () => producer.send(makeMessage("Flush", "x")))
          assert.isTrue(results.every((r) => r.status === "SEND_OK"))
        }), { retryAnotherBrokerWhenNotStoreOK: true, faultStrategy: { enabled: false, latencyMax: [], notAvailableDuration: [], isolationLatency: 0 } })
    }).pipe(Effect.scoped))

  it.live("5.3.3 servers and binary headers: the result carries the 5.x transactionId", () =>
    Effect.gen(function*() {
      const cluster = yield* makeTestCluster({ brokers: 1, profile: "5.3.3", topics: [{ topicName: "Five" }] })
      for (const serializeType of ["JSON", "ROCKETMQ"] as const) {
        const result = yield* withProducer(cluster, (producer) => producer.send(makeMessage("Five", "x")), { serializeType })
        assert.strictEqual(result.status, "SEND_OK")
        assert.strictEqual(result.transactionId, result.msgId)
      }
      assert.strictEqual((yield* cluster.messagesIn("Five")).length, 2)
    }).pipe(Effect.scoped))

  it.live("the binary header by default: a 4.9.8 broker answers in it, a 5.3.3 broker with JSON, and the client reads both", () =>
    Effect.gen(function*() {
      for (const [profile, answeredWith] of [["4.9.8", "ROCKETMQ"], ["5.3.3", "JSON"]] as const) {
        const cluster = yield* makeTestCluster({ brokers: 1, profile, topics: [{ topicName: "Wire" }] })
        const broker = cluster.brokers[0]!
        const requests: Array<string> = []
        yield* broker.control(RequestCode.SEND_MESSAGE_V2, (request) =>
          Effect.sync(() => {
            requests.push(request.serializeType)
            return { _tag: "Pass" } as const
          }))
        const result = yield* withProducer(cluster, (producer) => producer.send(makeMessage("Wire", "x")))
        assert.strictEqual(result.status, "SEND_OK")
        assert.deepStrictEqual(requests, ["ROCKETMQ"])
        // The broker's answer to a binary request, as the client's transport reads it.
        const client = Context.get(yield* Layer.build(RemotingClient.layer()), RemotingClient)
        const answer = yield* client.invoke(
          broker.address,
          makeRequest({ code: RequestCode.GET_BROKER_CLUSTER_INFO, serializeType: "ROCKETMQ" }),
          { timeoutMillis: 3000 }
        )
        assert.strictEqual(answer.serializeType, answeredWith, profile)
      }
    }).pipe(Effect.scoped))

  it.live("layerConfig reads NAMESRV_ADDR and ROCKETMQ_PRODUCER_GROUP; invalid options are typed errors", () =>
    Effect.gen(function*() {
      const cluster = yield* makeTestCluster({ brokers: 1, topics: [{ topicName: "Conf" }] })
      const env = ConfigProvider.layer(ConfigProvider.fromEnv({
        env: { NAMESRV_ADDR: cluster.nameServerAddress, ROCKETMQ_PRODUCER_GROUP: "from_env" }
      }))
      const group = yield* Producer.use((producer) =>
        Effect.as(producer.send(makeMessage("Conf", "x")), producer.producerGroup)
      ).pipe(Effect.provide(Layer.fresh(Producer.layerConfig()).pipe(Layer.provide(env))))
      assert.strictEqual(group, "from_env")
      const bad = yield* Effect.exit(Producer.use((p) => Effect.succeed(p.clientId)).pipe(
        Effect.provide(Layer.fresh(Producer.layer({ nameServers: cluster.nameServerAddress, retryTimesWhenSendFailed: -1 })))
      ))
      assert.strictEqual(failureTag(bad), "InvalidProducerOptions")
      const badGroup = yield* Effect.exit(Producer.use((p) => Effect.succeed(p.clientId)).pipe(
        Effect.provide(Layer.fresh(Producer.layer({ nameServers: cluster.nameServerAddress, producerGroup: "DEFAULT_PRODUCER" })))
      ))
      assert.strictEqual(failureTag(badGroup), "InvalidProducerOptions")
    }).pipe(Effect.scoped))
})
