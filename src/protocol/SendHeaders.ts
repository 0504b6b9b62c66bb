/**
 * Headers of SEND_MESSAGE (10), SEND_MESSAGE_V2 (310) and SEND_BATCH_MESSAGE (320), and of their
 * response (REMOTING.md §11.2, §11.3).
 *
 * @since 0.1.0
 */
import { Result, Schema } from "effect"
import { BooleanFromString, headerDecoder, headerEncoder, IntFromString, LongFromString } from "./HeaderFields.ts"
import type { ExtFields } from "./RemotingCommand.ts"

const sendRequestFields = {
  producerGroup: Schema.String,
  topic: Schema.String,
  defaultTopic: Schema.String,
  defaultTopicQueueNums: IntFromString,
  queueId: IntFromString,
  sysFlag: IntFromString,
  bornTimestamp: LongFromString,
  flag: IntFromString,
  properties: Schema.optionalKey(Schema.String),
  reconsumeTimes: Schema.optionalKey(IntFromString),
  unitMode: Schema.optionalKey(BooleanFromString),
  maxReconsumeTimes: Schema.optionalKey(IntFromString),
  batch: Schema.optionalKey(BooleanFromString),
  brokerName: Schema.optionalKey(Schema.String)
}

/**
 * The send request header with its long field names, as code 10 carries it (`brokerName` travels
 * as `bname`).
 *
 * @since 0.1.0
 * @category schemas
 */
export const SendMessageRequestHeader = Schema.Struct(sendRequestFields).pipe(
  Schema.encodeKeys({ brokerName: "bname" })
)

/**
 * The typed send request header, whichever code carries it.
 *
 * @since 0.1.0
 * @category models
 */
export type SendMessageRequestHeader = typeof SendMessageRequestHeader.Type

/**
 * The one-letter keys SEND_MESSAGE_V2 and SEND_BATCH_MESSAGE use for the send header's fields
 * (`SendMessageRequestHeaderV2` in Java).
 *
 * @since 0.1.0
 */
export const sendMessageV2Keys = {
  producerGroup: "a",
  topic: "b",
  defaultTopic: "c",
  defaultTopicQueueNums: "d",
  queueId: "e",
  sysFlag: "f",
  bornTimestamp: "g",
  flag: "h",
  properties: "i",
  reconsumeTimes: "j",
  unitMode: "k",
  maxReconsumeTimes: "l",
  batch: "m",
  brokerName: "n"
} as const

/**
 * The same header with the one-letter keys `a`…`n` of SEND_MESSAGE_V2 and SEND_BATCH_MESSAGE.
 *
 * @since 0.1.0
 * @category schemas
 */
export const SendMessageRequestHeaderV2 = Schema.Struct(sendRequestFields).pipe(
  Schema.encodeKeys(sendMessageV2Keys)
)

/**
 * @since 0.1.0
 * @category encoding
 */
export const encodeSendMessageRequestHeader = headerEncoder(SendMessageRequestHeader)

/**
 * @since 0.1.0
 * @category decoding
 */
export const decodeSendMessageRequestHeader = headerDecoder(SendMessageRequestHeader)

/**
 * Encodes a send header with the V2 keys. Written out by hand for the send path (no schema walk per
 * message); a property test holds it equal to the schema's encoding.
 *
 * @since 0.1.0
 * @category encoding
 */
export const encodeSendMessageRequestHeaderV2 = (header: SendMessageRequestHeader): ExtFields => {
  const fields: Record<string, string> = {
    a: header.producerGroup,
    b: header.topic,
    c: header.defaultTopic,
    d: String(header.defaultTopicQueueNums),
    e: String(header.queueId),
    f: String(header.sysFlag),
    g: String(header.bornTimestamp),
    h: String(header.flag)
  }
  if (header.properties !== undefined) fields["i"] = header.properties
  if (header.reconsumeTimes !== undefined) fields["j"] = String(header.reconsumeTimes)
  if (header.unitMode !== undefined) fields["k"] = header.unitMode ? "true" : "false"
  if (header.maxReconsumeTimes !== undefined) fields["l"] = String(header.maxReconsumeTimes)
  if (header.batch !== undefined) fields["m"] = header.batch ? "true" : "false"
  if (header.brokerName !== undefined) fields["n"] = header.brokerName
  return fields
}

/**
 * The schema's own V2 encoder, the reference `encodeSendMessageRequestHeaderV2` is tested against.
 *
 * @since 0.1.0
 * @category encoding
 */
export const encodeSendMessageRequestHeaderV2BySchema = headerEncoder(SendMessageRequestHeaderV2)

/**
 * @since 0.1.0
 * @category decoding
 */
export const decodeSendMessageRequestHeaderV2 = headerDecoder(SendMessageRequestHeaderV2)

/**
 * The broker's answer to a send: the offset message id (`msgId` on the wire), the queue written and
 * the offset in it, and what 5.x adds. `regionId` and `traceOn` travel as `MSG_REGION` and `TRACE_ON`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const SendMessageResponseHeader = Schema.Struct({
  msgId: Schema.String,
  queueId: IntFromString,
  queueOffset: LongFromString,
  transactionId: Schema.optionalKey(Schema.String),
  batchUniqId: Schema.optionalKey(Schema.String),
  recallHandle: Schema.optionalKey(Schema.String),
  regionId: Schema.optionalKey(Schema.String),
  traceOn: Schema.optionalKey(BooleanFromString)
}).pipe(Schema.encodeKeys({ regionId: "MSG_REGION", traceOn: "TRACE_ON" }))

/**
 * @since 0.1.0
 * @category models
 */
export type SendMessageResponseHeader = typeof SendMessageResponseHeader.Type

/**
 * @since 0.1.0
 * @category encoding
 */
export const encodeSendMessageResponseHeader = headerEncoder(SendMessageResponseHeader)

/**
 * The schema's own decoder of the send response header.
 *
 * @since 0.1.0
 * @category decoding
 */
export const decodeSendMessageResponseHeaderBySchema = headerDecoder(SendMessageResponseHeader)

const javaInt = /^[+-]?\d{1,10}$/
const javaLong = /^[+-]?\d{1,16}$/

/**
 * Decodes the send response header. Well-formed headers (every answer of a real broker) are read
 * by hand, without a schema walk per message; anything else goes through the schema, which
 * produces the error. A property test holds both paths equal.
 *
 * @since 0.1.0
 * @category decoding
 */
export const decodeSendMessageResponseHeader = (
  extFields: ExtFields | undefined
): Result.Result<SendMessageResponseHeader, Schema.SchemaError> => {
  if (extFields === undefined) return decodeSendMessageResponseHeaderBySchema(extFields)
  const { msgId, queueId, queueOffset, transactionId, batchUniqId, recallHandle } = extFields
  const regionId = extFields["MSG_REGION"]
  const traceOn = extFields["TRACE_ON"]
  if (msgId === undefined || queueId === undefined || queueOffset === undefined) {
    return decodeSendMessageResponseHeaderBySchema(extFields)
  }
  if (!javaInt.test(queueId) || !javaLong.test(queueOffset)) return decodeSendMessageResponseHeaderBySchema(extFields)
  const queueIdValue = Number.parseInt(queueId, 10)
  const queueOffsetValue = Number.parseInt(queueOffset, 10)
  if (queueIdValue > 2147483647 || queueIdValue < -2147483648 || !Number.isSafeInteger(queueOffsetValue)) {
    return decodeSendMessageResponseHeaderBySchema(extFields)
  }
  const header: {
    msgId: string
    queueId: number
    queueOffset: number
    transactionId?: string
    batchUniqId?: string
    recallHandle?: string
    regionId?: string
    traceOn?: boolean
  } = { msgId, queueId: queueIdValue, queueOffset: queueOffsetValue }
  if (transactionId !== undefined) header.transactionId = transactionId
  if (batchUniqId !== undefined) header.batchUniqId = batchUniqId
  if (recallHandle !== undefined) header.recallHandle = recallHandle
  if (regionId !== undefined) header.regionId = regionId
  if (traceOn !== undefined) header.traceOn = traceOn.toLowerCase() === "true"
  return Result.succeed(header)
}
