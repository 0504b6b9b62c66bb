/**
 * Request-reply from the requester's side over real sockets: the testkit brokers play the
 * responder and push replies (from any broker of the cluster), and a real 4.9.8 broker's push is
 * answered as the Java requester answered it.
 */
import { assert, describe, it } from "@effect/vitest"
import { Buffer } from "node:buffer"
import { readFileSync } from "node:fs"
import * as Path from "node:path"
import { Effect, Fiber, Layer, Result, Schema } from "effect"
import { encodeFrame } from "../../src/protocol/Frame.ts"
import { decodeFrame } from "../../src/protocol/FrameDecoder.ts"
import { makeRequest } from "../../src/protocol/RemotingCommand.ts"
import { RequestCode } from "../../src/protocol/RequestCode.ts"
import { ResponseCode } from "../../src/protocol/ResponseCode.ts"
import { decodeReplyMessageRequestHeader, encodeReplyMessageRequestHeader } from "../../src/protocol/ReplyHeaders.ts"
import { makeMessage } from "../../src/protocol/message/Message.ts"
import { decodeProperties, encodeProperties } from "../../src/protocol/message/MessageProperties.ts"
import { Requester } from "../../src/producer/Requester.ts"
import type { StoredMessage } from "../../src/testkit/broker/BrokerStore.ts"
import { makeTestCluster } from "../../src/testkit/TestCluster.ts"
import type { TestClusterInstance } from "../../src/testkit/TestCluster.ts"
import { failureTag, requireCaptures } from "../helpers.ts"

const captures = requireCaptures()
const text = (bytes: Uint8Array) => Buffer.from(bytes).toString("utf8")

const withRequester = <A, E>(cluster: TestClusterInstance, use: (requester: Requester["Service"]) => Effect.Effect<A, E>) =>
  Requester.use(use).pipe(
    Effect.provide(Layer.fresh(Requester.layer({ nameServers: cluster.nameServerAddress, producerGroup: "requester_group" })))
  )

const echo = (request: StoredMessage) => Effect.succeed(`reply to ${text(request.body)}`)

const realWait = (millis: number) => Effect.promise(() => new Promise<void>((resolve) => setTimeout(resolve, millis)))

describe("Requester over the testkit cluster", () => {
  it.live("a request completes with the reply the broker pushes; the request carries CORRELATION_ID, REPLY_TO_CLIENT and TTL in ms, no MSG_TYPE", () =>
    Effect.gen(function*() {
      const cluster = yield* makeTestCluster({ brokers: 2, topics: [{ topicName: "Ask" }], brokerOptions: { responder: echo } })
      yield* withRequester(cluster, (requester) =>
        Effect.gen(function*() {
          const reply = yield* requester.request(makeMessage("Ask", "question 1", { keys: ["req-0"] }), "3 seconds")
          assert.strictEqual(text(reply.body), "reply to question 1")
          assert.strictEqual(reply.topic, "DefaultCluster_REPLY_TOPIC")
          const [stored] = yield* cluster.messagesIn("Ask")
          assert.include(stored?.properties, { CORRELATION_ID: reply.correlationId, REPLY_TO_CLIENT: requester.clientId, TTL: "3000" })
          assert.isUndefined(stored?.properties["MSG_TYPE"])
          assert.strictEqual(reply.properties["MSG_TYPE"], "reply")
          assert.strictEqual(yield* requester.pendingRequests, 0)
        }))
    }).pipe(Effect.scoped))

  it.live("many requests at once each get their own reply", () =>
    Effect.gen(function*() {
      const cluster = yield* makeTestCluster({ brokers: 2, topics: [{ topicName: "AskMany" }], brokerOptions: { responder: echo } })
      yield* withRequester(cluster, (requester) =>
        Effect.gen(function*() {
          const replies = yield* Effect.forEach(
            Array.from({ length: 30 }, (_, i) => i),
            (i) => requester.request(makeMessage("AskMany", `q${i}`), "5 seconds"),
            { concurrency: "unbounded" }
          )
          replies.forEach((reply, i) => assert.strictEqual(text(reply.body), `reply to q${i}`))
          assert.strictEqual(new Set(replies.map((reply) => reply.correlationId)).size, 30)
        }))
    }).pipe(Effect.scoped))

  it.live("a reply pushed by another broker of the cluster than the one that stored the request reaches the requester", () =>
    Effect.gen(function*() {
      const cluster = yield* makeTestCluster({ brokers: 2, topics: [{ topicName: "AskElsewhere" }] })
      yield* withRequester(cluster, (requester) =>
        Effect.gen(function*() {
          const waiting = yield* Effect.forkChild(requester.request(makeMessage("AskElsewhere", "where?"), "5 seconds"))
          let stored: StoredMessage | undefined
          for (let i = 0; i < 300 && stored === undefined; i++) {
            stored = (yield* cluster.messagesIn("AskElsewhere"))[0]
            if (stored === undefined) yield* realWait(10)
          }
          const other = cluster.brokers.find((broker) => broker.brokerName !== stored!.brokerName)!
          const ack = yield* other.pushReply(stored!, "from the other broker")
          assert.strictEqual(ack?.code, 0)
          const reply = yield* Fiber.join(waiting)
          assert.strictEqual(text(reply.body), "from the other broker")
          assert.strictEqual(reply.storeHost, other.address)
        }))
    }).pipe(Effect.scoped))

  it.live("no reply: a typed ReplyTimeout at the timeout; a late reply is acknowledged and dropped; the next request works", () =>
    Effect.gen(function*() {
      let hold = true
      const cluster = yield* makeTestCluster({
        brokers: 1,
        topics: [{ topicName: "AskSlow" }],
        brokerOptions: { responder: (request) => (hold ? Effect.succeed(undefined) : echo(request)) }
      })
      const broker = cluster.brokers[0]!
      yield* withRequester(cluster, (requester) =>
        Effect.gen(function*() {
          const started = Date.now()
          const exit = yield* Effect.exit(requester.request(makeMessage("AskSlow", "anyone?"), "300 millis"))
          const elapsed = Date.now() - started
          assert.strictEqual(failureTag(exit), "ReplyTimeout")
          assert.isAtLeast(elapsed, 290)
          assert.isBelow(elapsed, 3000)
          assert.strictEqual(yield* requester.pendingRequests, 0)
          const [stored] = yield* broker.messagesIn("AskSlow")
          const late = yield* broker.pushReply(stored!, "too late")
          assert.strictEqual(late?.code, 0)
          hold = false
          const reply = yield* requester.request(makeMessage("AskSlow", "again"), "3 seconds")
          assert.strictEqual(text(reply.body), "reply to again")
        }))
    }).pipe(Effect.scoped))

  it.live("an unreadable push is answered SYSTEM_ERROR as Java answers it; the requester carries on", () =>
    Effect.gen(function*() {
      const cluster = yield* makeTestCluster({ brokers: 1, topics: [{ topicName: "AskOdd" }], brokerOptions: { responder: echo } })
      const broker = cluster.brokers[0]!
      yield* withRequester(cluster, (requester) =>
        Effect.gen(function*() {
          yield* requester.request(makeMessage("AskOdd", "first"), "3 seconds")
          const [session] = broker.sessions()
          const answer = yield* session!.call(makeRequest({ code: RequestCode.PUSH_REPLY_MESSAGE_TO_CLIENT, extFields: { topic: "x" } }), 3000)
          assert.strictEqual(answer?.code, ResponseCode.SYSTEM_ERROR)
          assert.strictEqual(answer?.remark, "process reply message fail")
          const reply = yield* requester.request(makeMessage("AskOdd", "second"), "3 seconds")
          assert.strictEqual(text(reply.body), "reply to second")
        }))
    }).pipe(Effect.scoped))

  it.live("an invalid timeout or message is refused before any request", () =>
    Effect.gen(function*() {
      const cluster = yield* makeTestCluster({ brokers: 1, topics: [{ topicName: "AskBad" }] })
      yield* withRequester(cluster, (requester) =>
        Effect.gen(function*() {
          assert.strictEqual(failureTag(yield* Effect.exit(requester.request(makeMessage("AskBad", "x"), 0))), "InvalidMessage")
          assert.strictEqual(failureTag(yield* Effect.exit(requester.request(makeMessage("AskBad", ""), "1 second"))), "InvalidMessage")
          for (const junk of [null, 42, { topic: 7 }, { topic: "AskBad", body: "not bytes" }]) {
            const exit = yield* Effect.exit(requester.request(Schema.decodeUnknownSync(Schema.Any)(junk), "1 second"))
            assert.strictEqual(failureTag(exit), "InvalidMessage", JSON.stringify(junk))
          }
          assert.strictEqual(cluster.brokers[0]!.requestCount(RequestCode.SEND_MESSAGE_V2), 0)
        }))
    }).pipe(Effect.scoped))
})

describe("Requester against a real 4.9.8 broker's frames", () => {
  it.live("the recorded push is delivered, and answered as the Java requester answered it, byte for byte but the language", () =>
    Effect.gen(function*() {
      const cluster = yield* makeTestCluster({ brokers: 1, topics: [{ topicName: "CapRequestTopic" }] })
      const broker = cluster.brokers[0]!
      yield* withRequester(cluster, (requester) =>
        Effect.gen(function*() {
          const waiting = yield* Effect.forkChild(requester.request(makeMessage("CapRequestTopic", "request body 0"), "5 seconds"))
          let stored: StoredMessage | undefined
          for (let i = 0; i < 300 && stored === undefined; i++) {
            stored = (yield* broker.messagesIn("CapRequestTopic"))[0]
            if (stored === undefined) yield* realWait(10)
          }
          // the recorded push, addressed to this requester and its pending correlation id
          const push = Result.getOrThrow(decodeFrame(readFileSync(Path.join(captures, "request-reply/10-b2c-326-push-reply-to-requester-from-broker-b.bin"))))
          const header = Result.getOrThrow(decodeReplyMessageRequestHeader(push.extFields))
          const properties = {
            ...decodeProperties(header.properties ?? ""),
            REPLY_TO_CLIENT: requester.clientId,
            CORRELATION_ID: stored!.properties["CORRELATION_ID"]!
          }
          const session = broker.sessions().find((s) => s.remoteAddress === stored!.bornHost)!
          const ack = yield* session.call({ ...push, extFields: encodeReplyMessageRequestHeader({ ...header, properties: encodeProperties(properties) }) }, 3000)
          const reply = yield* Fiber.join(waiting)
          assert.strictEqual(text(reply.body), "reply to request body 0")
          assert.strictEqual(reply.bornHost, "127.0.0.1:55088")
          const expected = readFileSync(Path.join(captures, "request-reply/11-c2b-0-requester-push-reply-ack.bin"))
          const ours = Result.getOrThrow(encodeFrame({ ...ack!, language: "JAVA", opaque: 208 }))
          assert.strictEqual(Buffer.from(ours).toString("latin1"), expected.toString("latin1"))
        }))
    }).pipe(Effect.scoped))
})
