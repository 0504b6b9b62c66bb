/**
 * The stored-message codec: a round trip for any message, the records captured from a real 4.9.8
 * broker (a check-back body and pulled messages) decoded field by field and re-encoded byte for
 * byte, and bad input failing without throwing.
 */
import { assert, describe, it } from "@effect/vitest"
import { Buffer } from "node:buffer"
import { readFileSync } from "node:fs"
import * as Path from "node:path"
import { Arbitrary, Result, Schema } from "effect"
import { decodeFrame } from "../../../src/protocol/FrameDecoder.ts"
import { formatIpAddress } from "../../../src/protocol/IpAddress.ts"
import {
  bodyCrc,
  decodeStoredMessage,
  decodeStoredMessages,
  encodeStoredMessage,
  storedOffsetMsgId
} from "../../../src/protocol/message/StoredMessage.ts"
import type { StoredMessage } from "../../../src/protocol/message/StoredMessage.ts"
import { intBetween } from "../../../src/testkit/Arbitraries.ts"
import { topic, userProperties } from "../../../src/testkit/MessageArbitraries.ts"
import { requireCaptures } from "../../helpers.ts"

const captures = requireCaptures()
const frameBody = (file: string): Uint8Array => {
  const command = Result.getOrThrow(decodeFrame(readFileSync(Path.join(captures, file))))
  return command.body ?? new Uint8Array()
}
const text = (bytes: Uint8Array) => Buffer.from(bytes).toString("utf8")

const int64 = Arbitrary.all({ high: intBetween(-2147483648, 2147483647), low: intBetween(0, 4294967295) }).pipe(
  Arbitrary.map(({ high, low }) => (BigInt(high) << 32n) | BigInt(low))
)
const host = Arbitrary.all({
  v6: Arbitrary.schema(Schema.Boolean),
  bytes: Arbitrary.array(intBetween(0, 255), { minLength: 16, maxLength: 16 }),
  port: intBetween(0, 65535)
}).pipe(Arbitrary.map(({ bytes, port, v6 }) => ({
  host: formatIpAddress(Uint8Array.from(v6 ? bytes : bytes.slice(0, 4))),
  port
})))
const longTopic = Arbitrary.all({ head: topic, repeat: intBetween(1, 40) }).pipe(
  Arbitrary.map(({ head, repeat }) => head.repeat(repeat).slice(0, 1000))
)
const int32 = intBetween(-2147483648, 2147483647)
const time = intBetween(0, 4_102_444_800_000)

/** Any message a broker could store; sysFlag without the IPv6 bits, which follow the hosts. */
const storedMessage: Arbitrary.Arbitrary<StoredMessage> = Arbitrary.all({
  topic: Arbitrary.all({ short: topic, long: longTopic, useLong: Arbitrary.schema(Schema.Boolean) }).pipe(
    Arbitrary.map(({ long, short, useLong }) => (useLong ? long : short))
  ),
  queueId: int32,
  flag: int32,
  queueOffset: int64,
  commitLogOffset: int64,
  sysFlag: int32.pipe(Arbitrary.map((flag) => flag & ~0x30)),
  bornTimestamp: time,
  bornHost: host,
  storeTimestamp: time,
  storeHost: host,
  reconsumeTimes: int32,
  preparedTransactionOffset: int64,
  body: Arbitrary.schema(Schema.Uint8Array),
  properties: userProperties
}).pipe(Arbitrary.map((parts) => {
  const v6 = (parts.bornHost.host.includes(":") ? 0x10 : 0) | (parts.storeHost.host.includes(":") ? 0x20 : 0)
  return { ...parts, sysFlag: parts.sysFlag | v6 }
}))

const comparable = (message: StoredMessage) => ({ ...message, body: Buffer.from(message.body).toString("hex") })

describe("stored messages", () => {
  it.prop("decode(encode(m)) is m, for short (V1) and long (V2) topics and IPv4/IPv6 hosts", [storedMessage], ([message]) => {
    const bytes = Result.getOrThrow(encodeStoredMessage(message))
    assert.strictEqual(Buffer.from(bytes).readInt32BE(0), bytes.length)
    assert.deepStrictEqual(comparable(Result.getOrThrow(decodeStoredMessage(bytes))), comparable(message))
  }, { arbitrary: { runs: 300 } })

  it.prop("records back to back decode in order", [Arbitrary.array(storedMessage, { maxLength: 5 })], ([messages]) => {
    const bytes = Buffer.concat(messages.map((message) => Result.getOrThrow(encodeStoredMessage(message))))
    const decoded = Result.getOrThrow(decodeStoredMessages(bytes))
    assert.deepStrictEqual(decoded.map(comparable), messages.map(comparable))
  }, { arbitrary: { runs: 100 } })

  it.prop("a truncated or corrupted record fails with MalformedStoredMessage, never throws", [storedMessage, intBetween(0, 10_000), intBetween(0, 255)], ([message, cut, byte]) => {
    const bytes = Buffer.from(Result.getOrThrow(encodeStoredMessage(message)))
    const truncated = decodeStoredMessage(bytes.subarray(0, cut % bytes.length))
    assert.isTrue(Result.isFailure(truncated))
    if (Result.isFailure(truncated)) assert.strictEqual(truncated.failure._tag, "MalformedStoredMessage")
    const corrupted = Buffer.from(bytes)
    corrupted[cut % bytes.length] = byte
    const result = decodeStoredMessages(corrupted) // any outcome, but an outcome
    assert.isTrue(Result.isSuccess(result) || result.failure._tag === "MalformedStoredMessage")
  }, { arbitrary: { runs: 300 } })

  it("the check-back body of a real 4.9.8 broker, field by field, and encoded back byte for byte", () => {
    const body = frameBody("transactions/12-b2c-39-check-transaction-state.bin")
    assert.strictEqual(body.length, 323)
    const message = Result.getOrThrow(decodeStoredMessage(body))
    assert.strictEqual(message.topic, "CapTxTopic")
    assert.strictEqual(message.queueId, 3)
    assert.strictEqual(message.flag, 0)
    assert.strictEqual(message.queueOffset, 3n)
    assert.strictEqual(message.commitLogOffset, 3985651848n)
    assert.strictEqual(message.sysFlag, 0)
    assert.strictEqual(message.bornTimestamp, 1795967492009)
    assert.deepStrictEqual(message.bornHost, { host: "127.0.0.1", port: 37504 })
    assert.strictEqual(message.storeTimestamp, 1795967492011)
    assert.deepStrictEqual(message.storeHost, { host: "127.0.0.1", port: 10911 })
    assert.strictEqual(message.reconsumeTimes, 0)
    assert.strictEqual(message.preparedTransactionOffset, 0n)
    assert.strictEqual(text(message.body), "transactional body tx-unknown")
    assert.deepStrictEqual(Object.keys(message.properties), [
      "REAL_TOPIC", "TRANSACTION_CHECK_TIMES", "KEYS", "TRAN_MSG", "UNIQ_KEY", "CLUSTER", "PGROUP", "WAIT", "TAGS", "REAL_QID"
    ])
    assert.include(message.properties, {
      REAL_TOPIC: "CapTxTopic",
      TRANSACTION_CHECK_TIMES: "1",
      KEYS: "tx-unknown",
      TRAN_MSG: "true",
      UNIQ_KEY: "C0000202406E4E0E2F2A939937A90002",
      PGROUP: "CapTxGroup",
      REAL_QID: "3"
    })
    assert.strictEqual(Buffer.from(body).readInt32BE(8), 988197671)
    assert.strictEqual(bodyCrc(message.body), 988197671)
    assert.strictEqual(storedOffsetMsgId(message), "7F00000100002A9F00000000ED903888")
    assert.isTrue(Buffer.from(Result.getOrThrow(encodeStoredMessage(message))).equals(Buffer.from(body)))
  })

  it("pulled committed transactional messages and a pulled request: decoded and encoded back byte for byte", () => {
    const expected = [
      { file: "transactions/17-b2c-0-raw-pull-committed-q1-response.bin", queueId: 1, prepared: 3985650354n, body: "transactional body tx-commit" },
      { file: "transactions/19-b2c-0-raw-pull-check-committed-q3-response.bin", queueId: 3, prepared: 3985651848n, body: "transactional body tx-unknown" }
    ]
    for (const { body: bodyText, file, prepared, queueId } of expected) {
      const body = frameBody(file)
      const [message, ...rest] = Result.getOrThrow(decodeStoredMessages(body))
      assert.strictEqual(rest.length, 0)
      assert.strictEqual(message?.topic, "CapTxTopic")
      assert.strictEqual(message?.queueId, queueId)
      assert.strictEqual(message?.sysFlag, 8)
      assert.strictEqual(message?.preparedTransactionOffset, prepared)
      assert.strictEqual(message?.properties["TRAN_MSG"], "true")
      assert.strictEqual(text(message?.body ?? new Uint8Array()), bodyText)
      if (message !== undefined) assert.isTrue(Buffer.from(Result.getOrThrow(encodeStoredMessage(message))).equals(Buffer.from(body)))
    }
    const request = frameBody("request-reply/06-b2c-0-responder-pull-response-request-message.bin")
    const [pulled] = Result.getOrThrow(decodeStoredMessages(request))
    assert.strictEqual(pulled?.topic, "CapRequestTopic")
    assert.include(pulled?.properties, { TTL: "5000", CLUSTER: "DefaultCluster", REPLY_TO_CLIENT: "127.0.0.1@requester" })
    if (pulled !== undefined) assert.isTrue(Buffer.from(Result.getOrThrow(encodeStoredMessage(pulled))).equals(Buffer.from(request)))
  })

  it("a host that is not an IP address cannot be encoded", () => {
    const message = Result.getOrThrow(decodeStoredMessage(frameBody("transactions/12-b2c-39-check-transaction-state.bin")))
    const result = encodeStoredMessage({ ...message, storeHost: { host: "broker-a", port: 10911 } })
    assert.isTrue(Result.isFailure(result))
  })
})
