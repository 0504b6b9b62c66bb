/**
 * The frames recorded from real Apache RocketMQ servers (4.9.8 and 5.3.3) decode to what the
 * captures README says, and the codec writes them back byte for byte.
 */
import { assert, describe, it } from "@effect/vitest"
import { Buffer } from "node:buffer"
import { readdirSync, readFileSync } from "node:fs"
import * as Path from "node:path"
import { Result } from "effect"
import { parseClusterInfo, writeClusterInfo } from "../../src/protocol/ClusterInfo.ts"
import { encodeFrame } from "../../src/protocol/Frame.ts"
import { decodeFrame } from "../../src/protocol/FrameDecoder.ts"
import type { RemotingCommand } from "../../src/protocol/RemotingCommand.ts"
import { decodeSendMessageRequestHeaderV2, decodeSendMessageResponseHeader } from "../../src/protocol/SendHeaders.ts"
import { parseTopicRouteData, writeTopicRouteData } from "../../src/protocol/TopicRouteData.ts"
import { requireCaptures } from "../helpers.ts"

const dir = requireCaptures()
const read = (name: string): Buffer => readFileSync(Path.join(dir, name))
const decode = (name: string): RemotingCommand => Result.getOrThrow(decodeFrame(read(name)))
const bodyText = (command: RemotingCommand) => Buffer.from(command.body ?? []).toString("utf8")

const allCaptures = (): Array<string> =>
  ["", "java-client", "v5.3.3"].flatMap((sub) =>
    readdirSync(Path.join(dir, sub)).filter((f) => f.endsWith(".bin")).map((f) => Path.join(sub, f))
  )

describe("captures from real servers", () => {
  it("every capture decodes, and encodes back to the same bytes", () => {
    const files = allCaptures()
    assert.isAtLeast(files.length, 30)
    for (const file of files) {
      const bytes = read(file)
      const command = decode(file)
      const again = Result.getOrThrow(encodeFrame(command))
      assert.isTrue(Buffer.from(again).equals(bytes), `${file} re-encodes to the same bytes`)
    }
  })

  it("route-standard-json: request 105 version 409, opaque 883; answer with a standard JSON route", () => {
    const request = decode("route-standard-json.req.bin")
    assert.include(request, { code: 105, version: 409, opaque: 883, flag: 0, language: "JAVA", serializeType: "JSON" })
    assert.deepStrictEqual(request.extFields, { topic: "BenchSyncTopic" })
    const response = decode("route-standard-json.bin")
    assert.include(response, { code: 0, flag: 1, opaque: 883, version: 409, language: "JAVA" })
    assert.strictEqual(response.body?.length, 235)
    assert.include(bodyText(response), `"brokerAddrs":{"0":"127.0.0.1:10911"}`)
    const route = Result.getOrThrow(parseTopicRouteData(response.body!))
    assert.deepStrictEqual(route, {
      brokerDatas: [{ brokerAddrs: { "0": "127.0.0.1:10911" }, brokerName: "broker-a", cluster: "DefaultCluster" }],
      filterServerTable: {},
      queueDatas: [{ brokerName: "broker-a", perm: 6, readQueueNums: 4, topicSysFlag: 0, writeQueueNums: 4 }]
    })
    assert.strictEqual(writeTopicRouteData(route, "standard"), bodyText(response))
  })

  it("route-fastjson: version 399 gets the bare-integer-key form, same data", () => {
    const request = decode("route-fastjson.req.bin")
    assert.include(request, { code: 105, version: 399, opaque: 235 })
    const response = decode("route-fastjson.bin")
    assert.strictEqual(response.body?.length, 233)
    assert.include(bodyText(response), `"brokerAddrs":{0:"127.0.0.1:10911"}`)
    const standard = Result.getOrThrow(parseTopicRouteData(decode("route-standard-json.bin").body!))
    const route = Result.getOrThrow(parseTopicRouteData(response.body!))
    assert.deepStrictEqual(route, standard)
    assert.strictEqual(writeTopicRouteData(route, "legacy"), bodyText(response))
  })

  it("route-topic-not-exist: code 17 with the NameServer's remark and no body", () => {
    assert.include(decode("route-topic-not-exist.req.bin"), { code: 105, opaque: 777 })
    const response = decode("route-topic-not-exist.bin")
    assert.include(response, { code: 17, flag: 1, opaque: 777, body: undefined })
    assert.isTrue(
      response.remark?.startsWith("No topic route info in name server for the topic: NoSuchTopic_xyz\nSee ")
    )
  })

  it("route-binary-header: both frames use the binary header", () => {
    const request = decode("route-binary-header.req.bin")
    assert.include(request, {
      serializeType: "ROCKETMQ",
      code: 105,
      language: "JAVA",
      version: 409,
      opaque: 4242,
      flag: 0,
      remark: undefined
    })
    assert.deepStrictEqual(request.extFields, { topic: "BenchSyncTopic" })
    assert.strictEqual(read("route-binary-header.req.bin").readUInt32BE(4) & 0xffffff, 46)
    // The request a real 4.9.8 NameServer answered, written again by this client's encoder: the same bytes.
    assert.isTrue(Buffer.from(Result.getOrThrow(encodeFrame(request))).equals(read("route-binary-header.req.bin")))
    const response = decode("route-binary-header.bin")
    assert.include(response, {
      serializeType: "ROCKETMQ",
      code: 0,
      language: "JAVA",
      version: 409,
      opaque: 4242,
      flag: 1,
      remark: undefined,
      extFields: undefined
    })
    assert.strictEqual(bodyText(response), bodyText(decode("route-standard-json.bin")))
  })

  it("cluster-info-fastjson: 106 answered in the legacy form", () => {
    const request = decode("cluster-info-fastjson.req.bin")
    assert.include(request, { code: 106, opaque: 77 })
    assert.deepStrictEqual(request.extFields, {})
    const response = decode("cluster-info-fastjson.bin")
    const info = Result.getOrThrow(parseClusterInfo(response.body!))
    assert.deepStrictEqual(info, {
      brokerAddrTable: {
        "broker-a": { brokerAddrs: { "0": "127.0.0.1:10911" }, brokerName: "broker-a", cluster: "DefaultCluster" }
      },
      clusterAddrTable: { DefaultCluster: ["broker-a"] }
    })
    assert.strictEqual(writeClusterInfo(info), bodyText(response))
  })

  it("send-v2: the V2 header keys a..n and the broker's answer", () => {
    const request = decode("send-v2.req.bin")
    assert.include(request, { code: 310, opaque: 808 })
    assert.strictEqual(bodyText(request), "hello from raw node client")
    const header = Result.getOrThrow(decodeSendMessageRequestHeaderV2(request.extFields))
    assert.include(header, {
      producerGroup: "raw_node_producer_group",
      topic: "BenchSyncTopic",
      defaultTopic: "TBW102",
      defaultTopicQueueNums: 4,
      queueId: 0,
      sysFlag: 0,
      flag: 0,
      reconsumeTimes: 0,
      unitMode: false,
      batch: false,
      brokerName: "broker-a"
    })
    assert.isTrue(header.bornTimestamp > 1_700_000_000_000)
    const response = decode("send-v2.bin")
    assert.include(response, { code: 0, opaque: 808, body: undefined })
    const result = Result.getOrThrow(decodeSendMessageResponseHeader(response.extFields))
    assert.include(result, { queueId: 0, regionId: "DefaultRegion", traceOn: true })
    assert.match(result.msgId, /^[0-9A-F]{32}$/)
  })

  it("5.3.3: the route carries enableActingMaster, the send answer a transactionId", () => {
    const route = Result.getOrThrow(parseTopicRouteData(decode("v5.3.3/route-standard-json.bin").body!))
    assert.deepStrictEqual(route.brokerDatas, [{
      brokerAddrs: { "0": "127.0.0.1:20911" },
      brokerName: "broker-x5",
      cluster: "Cluster5",
      enableActingMaster: false
    }])
    assert.strictEqual(writeTopicRouteData(route, "standard"), bodyText(decode("v5.3.3/route-standard-json.bin")))
    const send = Result.getOrThrow(decodeSendMessageResponseHeader(decode("v5.3.3/send-v2.bin").extFields))
    assert.include(send, { queueId: 0, queueOffset: 0, transactionId: "7F0000010800AAAA0CD16B820001" })
    assert.strictEqual(decode("v5.3.3/route-topic-not-exist.bin").code, 17)
  })

  it("java-client: the Java producer's first sends go through TBW102", () => {
    const first = decode("java-client/01-40406-9876-code105.bin")
    assert.deepStrictEqual(first.extFields, { topic: "JavaCapTopic" })
    assert.strictEqual(decode("java-client/02-9876-40406-code17.bin").code, 17)
    assert.deepStrictEqual(decode("java-client/03-40406-9876-code105.bin").extFields, { topic: "TBW102" })
    const tbw = Result.getOrThrow(parseTopicRouteData(decode("java-client/04-9876-40406-code0.bin").body!))
    assert.strictEqual(tbw.queueDatas[0]?.perm, 7)
    const queueIds = ["09-56326-10911-code310.bin", "12-56326-10911-code310.bin", "14-56326-10911-code310.bin"].map(
      (file) => Result.getOrThrow(decodeSendMessageRequestHeaderV2(decode(`java-client/${file}`).extFields)).queueId
    )
    assert.deepStrictEqual(queueIds, [3, 0, 1])
    const unregister = decode("java-client/16-56326-10911-code35.bin")
    assert.strictEqual(unregister.extFields?.["producerGroup"], "ref_sync_group")
  })
})
