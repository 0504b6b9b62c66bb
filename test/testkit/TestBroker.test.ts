/**
 * The testkit broker over real loopback sockets: it stores what producers send and answers as the
 * real 4.9.8 and 5.3.3 brokers answered in the captures.
 */
import { assert, describe, it } from "@effect/vitest"
import { Buffer } from "node:buffer"
import { readFileSync } from "node:fs"
import * as Net from "node:net"
import * as Path from "node:path"
import { Effect, Result } from "effect"
import { writeHeartbeatData, encodeUnregisterClientRequestHeader } from "../../src/protocol/ClientHeaders.ts"
import { decodeFrame } from "../../src/protocol/FrameDecoder.ts"
import { makeRequest } from "../../src/protocol/RemotingCommand.ts"
import type { RemotingCommand } from "../../src/protocol/RemotingCommand.ts"
import { RequestCode } from "../../src/protocol/RequestCode.ts"
import { ResponseCode } from "../../src/protocol/ResponseCode.ts"
import { encodeGetRouteInfoRequestHeader } from "../../src/protocol/RouteHeaders.ts"
import { encodeSendMessageRequestHeader, encodeSendMessageRequestHeaderV2 } from "../../src/protocol/SendHeaders.ts"
import { parseTopicRouteData } from "../../src/protocol/TopicRouteData.ts"
import { encodeUtf8 } from "../../src/protocol/Utf8.ts"
import { encodeBatch } from "../../src/protocol/message/BatchEncoding.ts"
import { compressBody } from "../../src/protocol/message/Compression.ts"
import { encodeProperties } from "../../src/protocol/message/MessageProperties.ts"
import { decodeOffsetMsgId } from "../../src/protocol/message/OffsetMsgId.ts"
import { makeTestBroker } from "../../src/testkit/TestBroker.ts"
import { makeTestNameServer } from "../../src/testkit/TestNameServer.ts"
import { makeRemotingClient } from "../../src/transport/RemotingClient.ts"
import { requireCaptures } from "../helpers.ts"
import { exchange } from "../rawSocket.ts"

const captures = requireCaptures()
const capture = (name: string) => readFileSync(Path.join(captures, name))
const decodedCapture = (name: string): RemotingCommand => Result.getOrThrow(decodeFrame(capture(name)))


/** `true` when nothing listens on `port` any more. */
const refused = (port: number) =>
  Effect.callback<boolean>((resume) => {
    const socket = Net.connect(port, "127.0.0.1", () => {
      socket.destroy()
      resume(Effect.succeed(false))
    })
    socket.on("error", () => resume(Effect.succeed(true)))
  })

/** Polls `condition` every 5 ms for up to 2 s. */
const eventually = (condition: Effect.Effect<boolean>) =>
  Effect.gen(function*() {
    for (let i = 0; i < 400; i++) {
      if (yield* condition) return true
      yield* Effect.sleep(5)
    }
    return false
  })

interface Send {
  readonly topic: string
  readonly queueId?: number
  readonly body?: Uint8Array
  readonly properties?: string
  readonly sysFlag?: number
  readonly flag?: number
  readonly defaultTopic?: string
  readonly defaultTopicQueueNums?: number
  readonly batch?: boolean
  readonly code?: number
  readonly producerGroup?: string
}

const sendRequest = (send: Send): RemotingCommand => {
  const header = {
    producerGroup: send.producerGroup ?? "PG",
    topic: send.topic,
    defaultTopic: send.defaultTopic ?? "TBW102",
    defaultTopicQueueNums: send.defaultTopicQueueNums ?? 4,
    queueId: send.queueId ?? 0,
    sysFlag: send.sysFlag ?? 0,
    bornTimestamp: 1_700_000_000_000,
    flag: send.flag ?? 0,
    properties: send.properties ?? encodeProperties({ UNIQ_KEY: "7F0000010001AAAA0000000000000001", WAIT: "true" }),
    reconsumeTimes: 0,
    unitMode: false,
    batch: send.batch ?? false
  }
  const code = send.code ?? (send.batch === true ? RequestCode.SEND_BATCH_MESSAGE : RequestCode.SEND_MESSAGE_V2)
  return makeRequest({
    code,
    extFields: code === RequestCode.SEND_MESSAGE ? encodeSendMessageRequestHeader(header) : encodeSendMessageRequestHeaderV2(header),
    body: send.body ?? encodeUtf8("hello")
  })
}

/** A broker hosting `T` (4 queues), and a client to talk to it. */
const setup = (options?: Partial<Parameters<typeof makeTestBroker>[0]>) =>
  Effect.gen(function*() {
    const broker = yield* makeTestBroker({ brokerName: "broker-a", topics: [{ topicName: "T" }], ...options })
    const client = yield* makeRemotingClient()
    const send = (input: Send) => client.invoke(broker.address, sendRequest(input), { timeoutMillis: 3000 })
    const invoke = (request: RemotingCommand) => client.invoke(broker.address, request, { timeoutMillis: 3000 })
    return { broker, client, send, invoke }
  })

const keysOf = (command: RemotingCommand) => Object.keys(command.extFields ?? {})

describe("testkit broker: storing", () => {
  it.live("stores messages per queue with increasing offsets and answers their offset message ids", () =>
    Effect.gen(function*() {
      const { broker, send } = yield* setup()
      const answers: Array<RemotingCommand> = []
      for (const queueId of [0, 0, 1, 0]) {
        answers.push(yield* send({ topic: "T", queueId, body: encodeUtf8(`m${answers.length}`) }))
      }
      assert.deepStrictEqual(answers.map((a) => a.code), [0, 0, 0, 0])
      assert.deepStrictEqual(answers.map((a) => a.extFields?.["queueOffset"]), ["0", "1", "0", "2"])
      assert.deepStrictEqual(answers.map((a) => a.extFields?.["queueId"]), ["0", "0", "1", "0"])

      const stored = yield* broker.messages
      assert.deepStrictEqual(stored.map((m) => Buffer.from(m.body).toString()), ["m0", "m1", "m2", "m3"])
      assert.deepStrictEqual(stored.map((m) => m.offsetMsgId), answers.map((a) => a.extFields?.["msgId"]))
      const ids = stored.map((m) => Result.getOrThrow(decodeOffsetMsgId(m.offsetMsgId)))
      for (const id of ids) {
        assert.strictEqual(id.host, "127.0.0.1")
        assert.strictEqual(id.port, broker.port)
      }
      assert.deepStrictEqual(ids.map((id) => Number(id.commitLogOffset)), stored.map((m) => m.commitLogOffset))
      assert.strictEqual(stored[0]?.commitLogOffset, 0)
      // a real commit-log record: 91 bytes of fields + body + topic + properties
      assert.strictEqual(stored[1]?.commitLogOffset, 91 + 2 + 1 + (stored[0] === undefined ? 0 : Buffer.byteLength(encodeProperties(stored[0].properties))))

      assert.deepStrictEqual((yield* broker.messagesIn("T", 0)).map((m) => m.queueOffset), [0, 1, 2])
      assert.deepStrictEqual((yield* broker.messagesIn("T", 1)).map((m) => m.queueOffset), [0])
      assert.strictEqual((yield* broker.messagesIn("T")).length, 4)
      const first = stored[0]
      assert.isDefined(first)
      assert.strictEqual(first?.producerGroup, "PG")
      assert.strictEqual(first?.requestCode, 310)
      assert.strictEqual(first?.bornTimestamp, 1_700_000_000_000)
      assert.strictEqual(first?.brokerName, "broker-a")
      assert.deepStrictEqual(first?.properties, { UNIQ_KEY: "7F0000010001AAAA0000000000000001", WAIT: "true" })
      assert.isTrue((first?.storeTimestamp ?? 0) > 1_700_000_000_000)
    }).pipe(Effect.scoped))

  it.live("stores a compressed body inflated, with its raw sysFlag and the wire bytes", () =>
    Effect.gen(function*() {
      const { broker, send } = yield* setup()
      const original = encodeUtf8("compress me ".repeat(1000))
      const compressed = compressBody(original)
      assert.strictEqual(compressed.sysFlag, 0x301)
      const answer = yield* send({ topic: "T", body: compressed.body, sysFlag: compressed.sysFlag, flag: 7 })
      assert.strictEqual(answer.code, ResponseCode.SUCCESS)
      const [stored] = yield* broker.messages
      assert.isTrue(Buffer.from(stored?.body ?? []).equals(original))
      assert.isTrue(Buffer.from(stored?.wireBody ?? []).equals(compressed.body))
      assert.strictEqual(stored?.sysFlag, 0x301)
      assert.strictEqual(stored?.flag, 7)
    }).pipe(Effect.scoped))

  it.live("stores a batch as its messages at consecutive offsets, each with its own UNIQ_KEY", () =>
    Effect.gen(function*() {
      const { broker, send } = yield* setup()
      yield* send({ topic: "T", queueId: 2 })
      const records = [1, 2, 3].map((n) => ({
        body: encodeUtf8(`batch ${n}`),
        flag: n,
        properties: encodeProperties({ WAIT: "true", UNIQ_KEY: `INNER${n}` })
      }))
      const answer = yield* send({
        topic: "T",
        queueId: 2,
        batch: true,
        body: Result.getOrThrow(encodeBatch(records)),
        properties: encodeProperties({ UNIQ_KEY: "WRAPPER", WAIT: "true" })
      })
      assert.strictEqual(answer.code, ResponseCode.SUCCESS)
      assert.strictEqual(answer.extFields?.["queueOffset"], "1")
      const stored = yield* broker.messagesIn("T", 2)
      assert.deepStrictEqual(stored.map((m) => m.queueOffset), [0, 1, 2, 3])
      const batch = stored.slice(1)
      assert.deepStrictEqual(batch.map((m) => Buffer.from(m.body).toString()), ["batch 1", "batch 2", "batch 3"])
      assert.deepStrictEqual(batch.map((m) => m.properties["UNIQ_KEY"]), ["INNER1", "INNER2", "INNER3"])
      assert.deepStrictEqual(batch.map((m) => m.flag), [1, 2, 3])
      assert.deepStrictEqual(batch.map((m) => m.requestCode), [320, 320, 320])
      assert.strictEqual(answer.extFields?.["msgId"], batch.map((m) => m.offsetMsgId).join(","))
      // 4.9.8 answers no transactionId
      assert.isUndefined(answer.extFields?.["transactionId"])
    }).pipe(Effect.scoped))

  it.live("takes SEND_MESSAGE (10) with the long header names", () =>
    Effect.gen(function*() {
      const { broker, send } = yield* setup()
      const answer = yield* send({ topic: "T", queueId: 3, code: RequestCode.SEND_MESSAGE })
      assert.strictEqual(answer.code, ResponseCode.SUCCESS)
      const [stored] = yield* broker.messagesIn("T", 3)
      assert.strictEqual(stored?.requestCode, 10)
    }).pipe(Effect.scoped))

  it.live("a negative queue id writes to a random writable queue, answered in queueId", () =>
    Effect.gen(function*() {
      const { broker, send } = yield* setup({ topics: [{ topicName: "T", readQueueNums: 8, writeQueueNums: 2 }] })
      for (let i = 0; i < 20; i++) {
        const answer = yield* send({ topic: "T", queueId: -1 })
        const queueId = Number(answer.extFields?.["queueId"])
        assert.isTrue(queueId === 0 || queueId === 1, String(queueId))
      }
      const stored = yield* broker.messages
      assert.isTrue(stored.every((m) => m.queueId === 0 || m.queueId === 1))
      assert.strictEqual((yield* broker.messagesIn("T", 0)).length + (yield* broker.messagesIn("T", 1)).length, 20)
    }).pipe(Effect.scoped))
})

describe("testkit broker: answers as the captured brokers", () => {
  it.live("4.9.8: the answer's extFields have the keys, order and constants of send-v2.bin", () =>
    Effect.gen(function*() {
      const expected = decodedCapture("send-v2.bin")
      const { send } = yield* setup()
      const answer = yield* send({ topic: "T" })
      assert.deepStrictEqual(keysOf(answer), keysOf(expected))
      assert.deepStrictEqual(keysOf(answer), ["queueId", "TRACE_ON", "MSG_REGION", "msgId", "queueOffset"])
      assert.strictEqual(answer.extFields?.["MSG_REGION"], expected.extFields?.["MSG_REGION"])
      assert.strictEqual(answer.extFields?.["TRACE_ON"], expected.extFields?.["TRACE_ON"])
      assert.strictEqual(answer.extFields?.["msgId"]?.length, 32)
      assert.strictEqual(answer.version, 409)
      assert.strictEqual(answer.language, "JAVA")
      assert.strictEqual(answer.remark, expected.remark)
      assert.isUndefined(answer.body)
    }).pipe(Effect.scoped))

  it.live("5.3.3: the answer's extFields have the keys, order and constants of v5.3.3/send-v2.bin", () =>
    Effect.gen(function*() {
      const expected = decodedCapture("v5.3.3/send-v2.bin")
      const { send } = yield* setup({ profile: "5.3.3" })
      const answer = yield* send({ topic: "T" })
      assert.deepStrictEqual(keysOf(answer), keysOf(expected))
      assert.deepStrictEqual(keysOf(answer), ["queueId", "transactionId", "msgId", "TRACE_ON", "MSG_REGION", "queueOffset"])
      assert.strictEqual(answer.extFields?.["transactionId"], "7F0000010001AAAA0000000000000001")
      assert.strictEqual(answer.extFields?.["MSG_REGION"], expected.extFields?.["MSG_REGION"])
      assert.strictEqual(answer.version, 479)
    }).pipe(Effect.scoped))

  it.live("4.9.8: replaying send-v2.req.bin gives send-v2.bin byte for byte, but for the offset message id", () =>
    Effect.gen(function*() {
      const expectedBytes = capture("send-v2.bin")
      const expected = decodedCapture("send-v2.bin")
      const { broker, send } = yield* setup({ topics: [{ topicName: "BenchSyncTopic" }] })
      // the real broker's queue 0 held 26 messages before
      for (let i = 0; i < 26; i++) yield* send({ topic: "BenchSyncTopic", queueId: 0 })
      const raw = yield* exchange(broker.port, capture("send-v2.req.bin"), expectedBytes.length)
      const answer = Result.getOrThrow(decodeFrame(raw))
      assert.strictEqual(answer.code, 0)
      assert.strictEqual(answer.opaque, 808)
      assert.deepStrictEqual(keysOf(answer), keysOf(expected))
      const ours = answer.extFields?.["msgId"] ?? ""
      const theirs = expected.extFields?.["msgId"] ?? ""
      assert.strictEqual(raw.toString("latin1").replace(ours, theirs), expectedBytes.toString("latin1"))
      const [stored] = (yield* broker.messagesIn("BenchSyncTopic", 0)).slice(26)
      assert.strictEqual(Buffer.from(stored?.body ?? []).toString(), "hello from raw node client")
      assert.strictEqual(stored?.producerGroup, "raw_node_producer_group")
      assert.strictEqual(stored?.properties["UNIQ_KEY"], "7F00000144E4AAAA0CB9DE4B0001")
    }).pipe(Effect.scoped))

  it.live("5.3.3: replaying v5.3.3/send-v2.req.bin creates the topic and gives send-v2.bin byte for byte, but for the offset message id", () =>
    Effect.gen(function*() {
      const expectedBytes = capture("v5.3.3/send-v2.bin")
      const expected = decodedCapture("v5.3.3/send-v2.bin")
      const broker = yield* makeTestBroker({ brokerName: "broker-x5", clusterName: "Cluster5", profile: "5.3.3" })
      const raw = yield* exchange(broker.port, capture("v5.3.3/send-v2.req.bin"), expectedBytes.length)
      const answer = Result.getOrThrow(decodeFrame(raw))
      const ours = answer.extFields?.["msgId"] ?? ""
      const theirs = expected.extFields?.["msgId"] ?? ""
      assert.strictEqual(raw.toString("latin1").replace(ours, theirs), expectedBytes.toString("latin1"))
      assert.deepStrictEqual(yield* broker.topicConfig("RawAutoCreateTopic5"), {
        order: false,
        perm: 6,
        readQueueNums: 4,
        topicFilterType: "SINGLE_TAG",
        topicName: "RawAutoCreateTopic5",
        topicSysFlag: 0,
        writeQueueNums: 4
      })
    }).pipe(Effect.scoped))

  it.live("UNREGISTER_CLIENT is answered as java-client/17 (code 0, empty extFields)", () =>
    Effect.gen(function*() {
      const expected = decodedCapture("java-client/17-10911-56326-code0.bin")
      const { invoke } = yield* setup()
      const answer = yield* invoke(makeRequest({
        code: RequestCode.UNREGISTER_CLIENT,
        extFields: encodeUnregisterClientRequestHeader({ clientID: "c1", producerGroup: "PG" })
      }))
      assert.strictEqual(answer.code, expected.code)
      assert.deepStrictEqual(answer.extFields, expected.extFields)
      assert.deepStrictEqual(answer.extFields, {})
      assert.strictEqual(answer.remark, expected.remark)
    }).pipe(Effect.scoped))
})

describe("testkit broker: the checks of a real broker", () => {
  const tooLong = "T".repeat(128)
  const cases = (profile: "4.9.8" | "5.3.3") => {
    const invalid = profile === "4.9.8" ? ResponseCode.SYSTEM_ERROR : ResponseCode.INVALID_PARAMETER
    return [
      { name: "illegal characters", send: { topic: "bad topic!" }, code: invalid, remark: "The specified topic contains illegal characters, allowing only ^[%|a-zA-Z0-9_-]+$" },
      { name: "blank topic", send: { topic: "" }, code: invalid, remark: "The specified topic is blank." },
      { name: "topic over 127 characters", send: { topic: tooLong }, code: invalid, remark: "The specified topic is longer than topic max length." },
      { name: "system topic", send: { topic: "SCHEDULE_TOPIC_XXXX" }, code: ResponseCode.NO_PERMISSION, remark: "Sending message to topic[SCHEDULE_TOPIC_XXXX] is forbidden." },
      {
        name: "unknown topic, unknown template",
        send: { topic: "Nope", defaultTopic: "NoTemplate" },
        code: ResponseCode.TOPIC_NOT_EXIST,
        remark: `topic[Nope] not exist, apply first please!\nSee ${profile === "4.9.8" ? "http://rocketmq.apache.org/docs/faq/" : "https://rocketmq.apache.org/docs/bestPractice/06FAQ"} for further details.`
      },
      { name: "unknown topic, template without INHERIT", send: { topic: "Nope", defaultTopic: "T" }, code: ResponseCode.TOPIC_NOT_EXIST, remark: undefined },
      { name: "queue id = queue count", send: { topic: "T", queueId: 4 }, code: invalid, remark: undefined },
      { name: "read-only topic", send: { topic: "ReadOnly" }, code: ResponseCode.NO_PERMISSION, remark: "the topic[ReadOnly] sending message is forbidden" },
      { name: "body over maxMessageSize", send: { topic: "T", body: new Uint8Array(1025) }, code: ResponseCode.MESSAGE_ILLEGAL, remark: "the message is illegal, maybe msg body or properties length not matched. msg body length limit 1024B, msg properties length limit 32KB." },
      { name: "properties over 32767 bytes", send: { topic: "T", properties: encodeProperties({ KEYS: "k".repeat(32767) }) }, code: ResponseCode.MESSAGE_ILLEGAL, remark: undefined },
      { name: "batch to a %RETRY% topic", send: { topic: "%RETRY%G", batch: true, body: Result.getOrThrow(encodeBatch([{ body: encodeUtf8("x"), flag: 0, properties: "" }])) }, code: profile === "4.9.8" ? ResponseCode.SUCCESS : ResponseCode.MESSAGE_ILLEGAL, remark: profile === "4.9.8" ? undefined : "batch request does not support retry group %RETRY%G" },
      { name: "malformed batch", send: { topic: "T", batch: true, body: encodeUtf8("not a batch") }, code: ResponseCode.MESSAGE_ILLEGAL, remark: undefined }
    ] as const
  }

  for (const profile of ["4.9.8", "5.3.3"] as const) {
    it.live(`${profile}: each check answers the real broker's code and remark, with MSG_REGION and TRACE_ON`, () =>
      Effect.gen(function*() {
        const { broker, send } = yield* setup({
          profile,
          maxMessageSize: 1024,
          checkTopicWritePermission: true,
          topics: [{ topicName: "T" }, { topicName: "ReadOnly", perm: 4 }]
        })
        for (const check of cases(profile)) {
          const answer = yield* send(check.send)
          assert.strictEqual(answer.code, check.code, check.name)
          if (check.remark !== undefined) assert.strictEqual(answer.remark, check.remark, check.name)
          if (answer.code !== ResponseCode.SUCCESS) {
            assert.deepStrictEqual(answer.extFields, { TRACE_ON: "true", MSG_REGION: "DefaultRegion" }, check.name)
          }
        }
        // nothing but the accepted %RETRY% batch of 4.9.8 was stored, and "Nope" was not created
        assert.strictEqual((yield* broker.messages).length, profile === "4.9.8" ? 1 : 0)
        assert.isUndefined(yield* broker.topicConfig("Nope"))
      }).pipe(Effect.scoped))
  }

  it.live("the queue id remark names the topic config and the producer, as Java's", () =>
    Effect.gen(function*() {
      const { send } = yield* setup()
      const answer = yield* send({ topic: "T", queueId: 9 })
      assert.match(
        answer.remark ?? "",
        /^request queueId\[9\] is illegal, TopicConfig \[topicName=T, readQueueNums=4, writeQueueNums=4, perm=RW-, topicFilterType=SINGLE_TAG, topicSysFlag=0, order=false\] Producer: 127\.0\.0\.1:\d+$/
      )
    }).pipe(Effect.scoped))

  it.live("with auto-creation off there is no TBW102 and an unknown topic is TOPIC_NOT_EXIST", () =>
    Effect.gen(function*() {
      const { broker, send } = yield* setup({ autoCreateTopicEnable: false })
      assert.isUndefined(yield* broker.topicConfig("TBW102"))
      assert.strictEqual((yield* send({ topic: "Fresh" })).code, ResponseCode.TOPIC_NOT_EXIST)
    }).pipe(Effect.scoped))

  it.live("a single message to an unknown %RETRY% topic creates it with 1 queue, perm 6", () =>
    Effect.gen(function*() {
      const { broker, send } = yield* setup({ autoCreateTopicEnable: false })
      assert.strictEqual((yield* send({ topic: "%RETRY%G" })).code, ResponseCode.SUCCESS)
      const config = yield* broker.topicConfig("%RETRY%G")
      assert.strictEqual(config?.writeQueueNums, 1)
      assert.strictEqual(config?.perm, 6)
    }).pipe(Effect.scoped))

  it.live("a header without a required field is SYSTEM_ERROR without extFields; other codes are not supported", () =>
    Effect.gen(function*() {
      const { invoke } = yield* setup()
      const { b: _topic, ...withoutTopic } = sendRequest({ topic: "T" }).extFields ?? {}
      const answer = yield* invoke(makeRequest({ code: RequestCode.SEND_MESSAGE_V2, extFields: withoutTopic, body: encodeUtf8("x") }))
      assert.strictEqual(answer.code, ResponseCode.SYSTEM_ERROR)
      assert.isUndefined(answer.extFields)
      assert.include(answer.remark ?? "", "RemotingCommandException")
      const other = yield* invoke(makeRequest({ code: RequestCode.GET_ROUTEINFO_BY_TOPIC }))
      assert.strictEqual(other.code, ResponseCode.REQUEST_CODE_NOT_SUPPORTED)
    }).pipe(Effect.scoped))

  it.live("the fault controls of the server apply to the broker", () =>
    Effect.gen(function*() {
      const { broker, send } = yield* setup()
      broker.faults.add({ code: RequestCode.SEND_MESSAGE_V2, fault: { _tag: "RespondWith", code: ResponseCode.SYSTEM_BUSY }, times: 1 })
      assert.strictEqual((yield* send({ topic: "T" })).code, ResponseCode.SYSTEM_BUSY)
      assert.strictEqual((yield* send({ topic: "T" })).code, ResponseCode.SUCCESS)
      assert.strictEqual(broker.requestCount(RequestCode.SEND_MESSAGE_V2), 2)
      assert.strictEqual((yield* broker.messages).length, 1)
    }).pipe(Effect.scoped))
})

describe("testkit broker: clients", () => {
  const heartbeat = (clientID: string, groupName: string) =>
    makeRequest({
      code: RequestCode.HEART_BEAT,
      body: encodeUtf8(writeHeartbeatData({ clientID, producerDataSet: [{ groupName }], consumerDataSet: [] }))
    })

  it.live("HEART_BEAT records the producer group, UNREGISTER_CLIENT and a closed connection remove it", () =>
    Effect.gen(function*() {
      const { broker, invoke, client } = yield* setup()
      const answer = yield* invoke(heartbeat("10.0.0.1@1#2", "PG"))
      assert.strictEqual(answer.code, ResponseCode.SUCCESS)
      assert.isUndefined(answer.extFields)
      assert.deepStrictEqual([...(yield* broker.producers)], [["PG", ["10.0.0.1@1#2"]]])
      yield* invoke(makeRequest({
        code: RequestCode.UNREGISTER_CLIENT,
        extFields: encodeUnregisterClientRequestHeader({ clientID: "10.0.0.1@1#2", producerGroup: "PG" })
      }))
      assert.strictEqual((yield* broker.producers).size, 0)

      yield* invoke(heartbeat("10.0.0.1@1#3", "PG2"))
      assert.deepStrictEqual([...(yield* broker.producers)], [["PG2", ["10.0.0.1@1#3"]]])
      yield* client.closeConnection(broker.address)
      assert.isTrue(yield* eventually(Effect.map(broker.producers, (producers) => producers.size === 0)))
    }).pipe(Effect.scoped))

  it.live("a malformed heartbeat body is SYSTEM_ERROR; 5.3.3 answers a heartbeat with its v2 flags", () =>
    Effect.gen(function*() {
      const { invoke } = yield* setup({ profile: "5.3.3" })
      const bad = yield* invoke(makeRequest({ code: RequestCode.HEART_BEAT, body: encodeUtf8("{") }))
      assert.strictEqual(bad.code, ResponseCode.SYSTEM_ERROR)
      const good = yield* invoke(heartbeat("c", "PG"))
      assert.deepStrictEqual(good.extFields, { IS_SUPPORT_HEART_BEAT_V2: "true", IS_SUB_CHANGE: "true" })
      assert.strictEqual(good.version, 479)
    }).pipe(Effect.scoped))
})

describe("testkit broker: NameServer registration", () => {
  const route = (ns: { readonly address: string }, topic: string) =>
    Effect.gen(function*() {
      const client = yield* makeRemotingClient()
      const answer = yield* client.invoke(ns.address, makeRequest({
        code: RequestCode.GET_ROUTEINFO_BY_TOPIC,
        extFields: encodeGetRouteInfoRequestHeader({ topic })
      }), { timeoutMillis: 3000 })
      return answer.code === ResponseCode.SUCCESS ? Result.getOrThrow(parseTopicRouteData(answer.body)) : undefined
    }).pipe(Effect.scoped)

  it.live("registers its topics at start, and a topic auto-created through TBW102 at once", () =>
    Effect.gen(function*() {
      const ns = yield* makeTestNameServer()
      const { broker, send } = yield* setup({ nameServers: [ns.address] })
      assert.strictEqual(ns.requestCount(RequestCode.REGISTER_BROKER), 1)
      const state = yield* ns.state
      assert.deepStrictEqual(state.brokers.get("broker-a")?.brokerAddrs, { "0": broker.address })
      assert.strictEqual(state.topics.get("TBW102")?.get("broker-a")?.perm, 7)
      assert.strictEqual(state.topics.get("TBW102")?.get("broker-a")?.writeQueueNums, 8)
      assert.isDefined(state.topics.get("T"))
      assert.isUndefined(yield* route(ns, "Fresh"))

      // the header asks for 16 queues; TBW102 has 8
      const answer = yield* send({ topic: "Fresh", defaultTopicQueueNums: 16 })
      assert.strictEqual(answer.code, ResponseCode.SUCCESS)
      yield* broker.awaitRegistration
      assert.strictEqual(ns.requestCount(RequestCode.REGISTER_BROKER), 2)
      const fresh = yield* route(ns, "Fresh")
      assert.deepStrictEqual(fresh?.queueDatas.map((q) => [q.brokerName, q.readQueueNums, q.writeQueueNums, q.perm]), [["broker-a", 8, 8, 6]])
      assert.deepStrictEqual(fresh?.brokerDatas.map((b) => b.brokerAddrs), [{ "0": broker.address }])
    }).pipe(Effect.scoped))

  it.live("createTopic and setTopicPerm re-register before they complete", () =>
    Effect.gen(function*() {
      const ns = yield* makeTestNameServer()
      const { broker } = yield* setup({ nameServers: [ns.address] })
      yield* broker.createTopic({ topicName: "Made", queueNums: 2 })
      assert.strictEqual((yield* ns.state).topics.get("Made")?.get("broker-a")?.writeQueueNums, 2)
      yield* broker.setTopicPerm("Made", 4)
      assert.strictEqual((yield* ns.state).topics.get("Made")?.get("broker-a")?.perm, 4)
      const missing = yield* Effect.flip(broker.setTopicPerm("Absent", 4))
      assert.strictEqual(missing._tag, "TopicNotHosted")
    }).pipe(Effect.scoped))

  it.live("an unreachable NameServer does not stop the start; closing the scope unregisters and closes every socket", () =>
    Effect.gen(function*() {
      const ns = yield* makeTestNameServer()
      const dead = yield* Effect.scoped(Effect.map(makeTestNameServer(), (server) => server.address))
      let port = 0
      yield* Effect.scoped(Effect.gen(function*() {
        const { broker, send } = yield* setup({ nameServers: [dead, ns.address] })
        port = broker.port
        assert.strictEqual((yield* send({ topic: "T" })).code, ResponseCode.SUCCESS)
        assert.isTrue((yield* ns.state).brokers.has("broker-a"))
        assert.isAbove(ns.connectionCount(), 0)
      }))
      assert.strictEqual(ns.requestCount(RequestCode.UNREGISTER_BROKER), 1)
      assert.strictEqual((yield* ns.state).brokers.size, 0)
      assert.isTrue(yield* eventually(Effect.sync(() => ns.connectionCount() === 0)))
      assert.isTrue(yield* refused(port))
    }).pipe(Effect.scoped))

  it.live("5.3.3 registers as a 5.x broker (version 479, enableActingMaster)", () =>
    Effect.gen(function*() {
      const ns = yield* makeTestNameServer({ profile: "5.3.3" })
      yield* setup({ profile: "5.3.3", nameServers: [ns.address] })
      assert.strictEqual((yield* ns.state).brokers.get("broker-a")?.cluster, "DefaultCluster")
      const fresh = yield* route(ns, "T")
      assert.strictEqual(fresh?.brokerDatas[0]?.enableActingMaster, false)
    }).pipe(Effect.scoped))
})

