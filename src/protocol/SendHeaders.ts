/**
 * Headers of SEND_MESSAGE (10), SEND_MESSAGE_V2 (310) and SEND_BATCH_MESSAGE (320), and of their
 * response (REMOTING.md §11.2, §11.3).
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import { BooleanFromString, headerDecoder, headerEncoder, IntFromString, LongFromString } from "./HeaderFields.ts"

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
 */
export const SendMessageRequestHeader = Schema.Struct(sendRequestFields).pipe(
  Schema.encodeKeys({ brokerName: "bname" })
)

/**
 * The typed send request header, whichever code carries it.
 *
 * @since 0.1.0
 */
export type SendMessageRequestHeader = typeof SendMessageRequestHeader.Type

/**
 * The same header with the one-letter keys `a`…`n` of SEND_MESSAGE_V2 and SEND_BATCH_MESSAGE.
 *
 * @since 0.1.0
 */
export const SendMessageRequestHeaderV2 = Schema.Struct(sendRequestFields).pipe(
  Schema.encodeKeys({
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
  })
)

/**
 * @since 0.1.0
 */
export const encodeSendMessageRequestHeader = headerEncoder(SendMessageRequestHeader)

/**
 * @since 0.1.0
 */
export const decodeSendMessageRequestHeader = headerDecoder(SendMessageRequestHeader)

/**
 * @since 0.1.0
 */
export const encodeSendMessageRequestHeaderV2 = headerEncoder(SendMessageRequestHeaderV2)

/**
 * @since 0.1.0
 */
export const decodeSendMessageRequestHeaderV2 = headerDecoder(SendMessageRequestHeaderV2)

/**
 * The broker's answer to a send: the offset message id (`msgId` on the wire), the queue written and
 * the offset in it, and what 5.x adds. `regionId` and `traceOn` travel as `MSG_REGION` and `TRACE_ON`.
 *
 * @since 0.1.0
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
 */
export type SendMessageResponseHeader = typeof SendMessageResponseHeader.Type

/**
 * @since 0.1.0
 */
export const encodeSendMessageResponseHeader = headerEncoder(SendMessageResponseHeader)

/**
 * @since 0.1.0
 */
export const decodeSendMessageResponseHeader = headerDecoder(SendMessageResponseHeader)
