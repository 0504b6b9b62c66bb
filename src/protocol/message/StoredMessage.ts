/**
 * A message as a broker stores it and hands it back: the record of the commit log that a
 * CHECK_TRANSACTION_STATE carries as its body and a PULL_MESSAGE answer concatenates (Java's
 * `MessageDecoder.decode` / `encode`, CONSUMER.md §6). All integers big-endian:
 *
 * `totalSize:4 · magic:4 · bodyCRC:4 · queueId:4 · flag:4 · queueOffset:8 · commitLogOffset:8 ·
 * sysFlag:4 · bornTimestamp:8 · bornHost:8|20 · storeTimestamp:8 · storeHost:8|20 ·
 * reconsumeTimes:4 · preparedTransactionOffset:8 · bodyLength:4 · body · topicLength:1|2 · topic ·
 * propertiesLength:2 · properties`.
 *
 * A host is 4 bytes of IPv4 and an int32 port, or 16 bytes of IPv6 when sysFlag has
 * `BORNHOST_V6_FLAG` / `STOREHOSTADDRESS_V6_FLAG`. The topic length is one byte with the V1 magic
 * code and two with the V2 one (5.x, topics longer than 127 bytes).
 *
 * @since 0.1.0
 */
import { Result, Schema } from "effect"
import { Buffer } from "node:buffer"
import { crc32 } from "node:zlib"
import { formatIpAddress, parseIpAddress } from "../IpAddress.ts"
import { decodeProperties, encodeProperties } from "./MessageProperties.ts"
import { BORNHOST_V6_FLAG, STOREHOSTADDRESS_V6_FLAG } from "./MessageSysFlag.ts"
import { createOffsetMsgId } from "./OffsetMsgId.ts"

/**
 * The magic code of a V1 record (one-byte topic length).
 *
 * @since 0.1.0
 * @category constants
 */
export const MESSAGE_MAGIC_CODE_V1 = -626843481

/**
 * The magic code of a V2 record (two-byte topic length), written by 5.x for long topics.
 *
 * @since 0.1.0
 * @category constants
 */
export const MESSAGE_MAGIC_CODE_V2 = -626843477

/**
 * A socket address as a stored message holds it.
 *
 * @since 0.1.0
 * @category models
 */
export interface HostAddress {
  /** Dotted IPv4 or IPv6 text. */
  readonly host: string
  readonly port: number
}

/**
 * One stored message.
 *
 * @since 0.1.0
 * @category models
 */
export interface StoredMessage {
  readonly topic: string
  readonly queueId: number
  /** The user's message flag. */
  readonly flag: number
  /** Offset of the message in its consume queue. */
  readonly queueOffset: bigint
  /** Physical offset of the record in the broker's commit log. */
  readonly commitLogOffset: bigint
  readonly sysFlag: number
  /** The producer's clock when it sent the message, epoch milliseconds. */
  readonly bornTimestamp: number
  /** The producer's socket as the broker saw it. */
  readonly bornHost: HostAddress
  /** The broker's clock when it stored the message, epoch milliseconds. */
  readonly storeTimestamp: number
  /** The broker that stored it. */
  readonly storeHost: HostAddress
  readonly reconsumeTimes: number
  /** Commit-log offset of the half message, for a committed transactional message; else 0. */
  readonly preparedTransactionOffset: bigint
  /** The body as stored: still compressed when sysFlag says so. */
  readonly body: Uint8Array
  readonly properties: Readonly<Record<string, string>>
}

/**
 * Bytes that are not a stored-message record.
 *
 * @since 0.1.0
 * @category errors
 */
export class MalformedStoredMessage extends Schema.TaggedError<MalformedStoredMessage>()("MalformedStoredMessage", {
  /** Where in the input the bad record starts. */
  offset: Schema.Number,
  detail: Schema.String
}) {
  override get message(): string {
    return `malformed stored message at byte ${this.offset}: ${this.detail}`
  }
}

/**
 * The body CRC a broker stores: CRC-32 (zlib polynomial) of the stored body, masked to 31 bits
 * (`UtilAll.crc32`).
 *
 * @since 0.1.0
 * @category encoding
 */
export const bodyCrc = (body: Uint8Array): number => crc32(body) & 0x7fffffff

const hostLength = (sysFlag: number, v6Flag: number) => ((sysFlag & v6Flag) !== 0 ? 16 : 4)

/** Reads one record starting at `start`; the record's size is checked against what is left. */
const decodeRecord = (
  bytes: Buffer,
  start: number
): Result.Result<{ readonly message: StoredMessage; readonly end: number }, MalformedStoredMessage> => {
  const fail = (detail: string) => Result.fail(new MalformedStoredMessage({ offset: start, detail }))
  const available = bytes.length - start
  if (available < 4) return fail(`${available} bytes left, too few for a record size`)
  const totalSize = bytes.readInt32BE(start)
  if (totalSize < 0 || totalSize > available) {
    return fail(`the record claims ${totalSize} bytes, but ${available} are left`)
  }
  const end = start + totalSize
  let at = start + 4
  const need = (count: number, what: string): string | undefined =>
    at + count > end ? `the record of ${totalSize} bytes ends inside its ${what}` : undefined
  const fixed = need(32, "fixed header")
  if (fixed !== undefined) return fail(fixed)
  const magic = bytes.readInt32BE(at)
  if (magic !== MESSAGE_MAGIC_CODE_V1 && magic !== MESSAGE_MAGIC_CODE_V2) {
    return fail(`unknown magic code 0x${(magic >>> 0).toString(16)}`)
  }
  at += 8 // magic, body CRC (recomputed by whoever needs to check it)
  const queueId = bytes.readInt32BE(at)
  const flag = bytes.readInt32BE(at + 4)
  const queueOffset = bytes.readBigInt64BE(at + 8)
  const commitLogOffset = bytes.readBigInt64BE(at + 16)
  const sysFlag = bytes.readInt32BE(at + 24)
  at += 28
  const readHost = (v6Flag: number, what: string): HostAddress | string => {
    const ipLength = hostLength(sysFlag, v6Flag)
    const missing = need(ipLength + 4, what)
    if (missing !== undefined) return missing
    const host = formatIpAddress(bytes.subarray(at, at + ipLength))
    const port = bytes.readInt32BE(at + ipLength)
    at += ipLength + 4
    return { host, port }
  }
  const bornMissing = need(8, "born timestamp")
  if (bornMissing !== undefined) return fail(bornMissing)
  const bornTimestamp = Number(bytes.readBigInt64BE(at))
  at += 8
  const bornHost = readHost(BORNHOST_V6_FLAG, "born host")
  if (typeof bornHost === "string") return fail(bornHost)
  const storeMissing = need(8, "store timestamp")
  if (storeMissing !== undefined) return fail(storeMissing)
  const storeTimestamp = Number(bytes.readBigInt64BE(at))
  at += 8
  const storeHost = readHost(STOREHOSTADDRESS_V6_FLAG, "store host")
  if (typeof storeHost === "string") return fail(storeHost)
  const tailMissing = need(16, "reconsume times, prepared offset and body length")
  if (tailMissing !== undefined) return fail(tailMissing)
  const reconsumeTimes = bytes.readInt32BE(at)
  const preparedTransactionOffset = bytes.readBigInt64BE(at + 4)
  const bodyLength = bytes.readInt32BE(at + 12)
  at += 16
  if (bodyLength < 0) return fail(`negative body length ${bodyLength}`)
  const bodyMissing = need(bodyLength, "body")
  if (bodyMissing !== undefined) return fail(bodyMissing)
  const body = new Uint8Array(bytes.subarray(at, at + bodyLength))
  at += bodyLength
  const topicLengthSize = magic === MESSAGE_MAGIC_CODE_V2 ? 2 : 1
  const topicLengthMissing = need(topicLengthSize, "topic length")
  if (topicLengthMissing !== undefined) return fail(topicLengthMissing)
  const topicLength = topicLengthSize === 2 ? bytes.readUInt16BE(at) : bytes.readUInt8(at)
  at += topicLengthSize
  const topicMissing = need(topicLength, "topic")
  if (topicMissing !== undefined) return fail(topicMissing)
  const topic = bytes.toString("utf8", at, at + topicLength)
  at += topicLength
  const propertiesLengthMissing = need(2, "properties length")
  if (propertiesLengthMissing !== undefined) return fail(propertiesLengthMissing)
  const propertiesLength = bytes.readInt16BE(at)
  at += 2
  if (propertiesLength < 0) return fail(`negative properties length ${propertiesLength}`)
  const propertiesMissing = need(propertiesLength, "properties")
  if (propertiesMissing !== undefined) return fail(propertiesMissing)
  const properties = decodeProperties(bytes.toString("utf8", at, at + propertiesLength))
  at += propertiesLength
  if (at !== end) return fail(`${end - at} bytes after the properties, inside the record`)
  return Result.succeed({
    message: {
      topic,
      queueId,
      flag,
      queueOffset,
      commitLogOffset,
      sysFlag,
      bornTimestamp,
      bornHost,
      storeTimestamp,
      storeHost,
      reconsumeTimes,
      preparedTransactionOffset,
      body,
      properties
    },
    end
  })
}

const asBuffer = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)

/**
 * Decodes a concatenation of records (a PULL_MESSAGE body), in order. Never throws.
 *
 * @since 0.1.0
 * @category decoding
 */
export const decodeStoredMessages = (bytes: Uint8Array): Result.Result<Array<StoredMessage>, MalformedStoredMessage> => {
  const buffer = asBuffer(bytes)
  const messages: Array<StoredMessage> = []
  let at = 0
  while (at < buffer.length) {
    const record = decodeRecord(buffer, at)
    if (Result.isFailure(record)) return Result.fail(record.failure)
    messages.push(record.success.message)
    at = record.success.end
  }
  return Result.succeed(messages)
}

/**
 * Decodes exactly one record (a CHECK_TRANSACTION_STATE body). Never throws.
 *
 * @since 0.1.0
 * @category decoding
 */
export const decodeStoredMessage = (bytes: Uint8Array): Result.Result<StoredMessage, MalformedStoredMessage> => {
  const record = decodeRecord(asBuffer(bytes), 0)
  if (Result.isFailure(record)) return Result.fail(record.failure)
  if (record.success.end !== bytes.length) {
    return Result.fail(
      new MalformedStoredMessage({ offset: record.success.end, detail: `${bytes.length - record.success.end} bytes after the record` })
    )
  }
  return Result.succeed(record.success.message)
}

const hostBytes = (address: HostAddress, what: string): Result.Result<Uint8Array, MalformedStoredMessage> => {
  const ip = parseIpAddress(address.host)
  if (ip === undefined) {
    return Result.fail(new MalformedStoredMessage({ offset: 0, detail: `${what} ${JSON.stringify(address.host)} is not an IP address` }))
  }
  if (!Number.isInteger(address.port) || address.port < 0 || address.port > 65535) {
    return Result.fail(new MalformedStoredMessage({ offset: 0, detail: `${what} port ${address.port} is outside 0…65535` }))
  }
  return Result.succeed(ip)
}

/**
 * Encodes one record as a broker stores it (`MessageDecoder.encode(msgExt, false)`): the body CRC
 * computed, the V2 magic code only for a topic longer than 127 bytes, and the IPv6 bits of sysFlag
 * set from the hosts. Fails, without throwing, on a host that is not an IP address, a topic longer
 * than 65 535 bytes or properties longer than 32 767 bytes.
 *
 * @since 0.1.0
 * @category encoding
 */
export const encodeStoredMessage = (message: StoredMessage): Result.Result<Uint8Array, MalformedStoredMessage> => {
  const born = hostBytes(message.bornHost, "born host")
  if (Result.isFailure(born)) return Result.fail(born.failure)
  const store = hostBytes(message.storeHost, "store host")
  if (Result.isFailure(store)) return Result.fail(store.failure)
  const topic = Buffer.from(message.topic, "utf8")
  const properties = Buffer.from(encodeProperties(message.properties), "utf8")
  if (topic.length > 65535) {
    return Result.fail(new MalformedStoredMessage({ offset: 0, detail: `the topic has ${topic.length} bytes, more than 65535` }))
  }
  if (properties.length > 32767) {
    return Result.fail(new MalformedStoredMessage({ offset: 0, detail: `the properties have ${properties.length} bytes, more than 32767` }))
  }
  const v2 = topic.length > 127
  const sysFlag = (message.sysFlag & ~(BORNHOST_V6_FLAG | STOREHOSTADDRESS_V6_FLAG))
    | (born.success.length === 16 ? BORNHOST_V6_FLAG : 0)
    | (store.success.length === 16 ? STOREHOSTADDRESS_V6_FLAG : 0)
  const totalSize = 4 + 4 + 4 + 4 + 4 + 8 + 8 + 4 + 8 + born.success.length + 4 + 8 + store.success.length + 4 + 4 + 8 + 4
    + message.body.length + (v2 ? 2 : 1) + topic.length + 2 + properties.length
  const out = Buffer.alloc(totalSize)
  let at = 0
  at = out.writeInt32BE(totalSize, at)
  at = out.writeInt32BE(v2 ? MESSAGE_MAGIC_CODE_V2 : MESSAGE_MAGIC_CODE_V1, at)
  at = out.writeInt32BE(bodyCrc(message.body), at)
  at = out.writeInt32BE(message.queueId, at)
  at = out.writeInt32BE(message.flag, at)
  at = out.writeBigInt64BE(message.queueOffset, at)
  at = out.writeBigInt64BE(message.commitLogOffset, at)
  at = out.writeInt32BE(sysFlag, at)
  at = out.writeBigInt64BE(BigInt(message.bornTimestamp), at)
  out.set(born.success, at)
  at = out.writeInt32BE(message.bornHost.port, at + born.success.length)
  at = out.writeBigInt64BE(BigInt(message.storeTimestamp), at)
  out.set(store.success, at)
  at = out.writeInt32BE(message.storeHost.port, at + store.success.length)
  at = out.writeInt32BE(message.reconsumeTimes, at)
  at = out.writeBigInt64BE(message.preparedTransactionOffset, at)
  at = out.writeInt32BE(message.body.length, at)
  out.set(message.body, at)
  at += message.body.length
  at = v2 ? out.writeUInt16BE(topic.length, at) : out.writeUInt8(topic.length, at)
  out.set(topic, at)
  at += topic.length
  at = out.writeInt16BE(properties.length, at)
  out.set(properties, at)
  return Result.succeed(out)
}

/**
 * The offsetMsgId of a stored message (`MessageDecoder.createMessageId`): its store host and
 * commit-log offset, upper-case hex. `undefined` when the store host is not an IP address.
 *
 * @since 0.1.0
 * @category accessors
 */
export const storedOffsetMsgId = (message: StoredMessage): string | undefined =>
  Result.getOrUndefined(createOffsetMsgId({ ...message.storeHost, commitLogOffset: message.commitLogOffset }))
