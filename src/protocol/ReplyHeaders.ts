/**
 * The header of PUSH_REPLY_MESSAGE_TO_CLIENT (326): the broker hands a requester the reply to its
 * request (REMOTING.md §19). It is the replier's send header with its long names, plus where and
 * when the broker stored the reply; the frame's body is the reply's raw body. Fields are declared
 * in the order a 4.9.8 broker writes them.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import { BooleanFromString, headerDecoder, headerEncoder, IntFromString, LongFromString } from "./HeaderFields.ts"

/**
 * @since 0.1.0
 * @category schemas
 */
export const ReplyMessageRequestHeader = Schema.Struct({
  queueId: IntFromString,
  flag: IntFromString,
  /** `COMPRESSED_FLAG` set: the body is compressed. */
  sysFlag: IntFromString,
  reconsumeTimes: Schema.optionalKey(IntFromString),
  storeTimestamp: LongFromString,
  unitMode: Schema.optionalKey(BooleanFromString),
  defaultTopic: Schema.String,
  /** The replier's socket as the broker saw it, `ip:port`. */
  bornHost: Schema.String,
  defaultTopicQueueNums: IntFromString,
  producerGroup: Schema.String,
  topic: Schema.String,
  bornTimestamp: LongFromString,
  /** The broker that pushes the reply, `ip:port`. */
  storeHost: Schema.String,
  /** The reply's properties (`CORRELATION_ID`, `REPLY_TO_CLIENT`, `MSG_TYPE=reply`, …). */
  properties: Schema.optionalKey(Schema.String),
  brokerName: Schema.optionalKey(Schema.String)
}).pipe(Schema.encodeKeys({ brokerName: "bname" }))

/**
 * @since 0.1.0
 * @category models
 */
export type ReplyMessageRequestHeader = typeof ReplyMessageRequestHeader.Type

/**
 * @since 0.1.0
 * @category encoding
 */
export const encodeReplyMessageRequestHeader = headerEncoder(ReplyMessageRequestHeader)

/**
 * @since 0.1.0
 * @category decoding
 */
export const decodeReplyMessageRequestHeader = headerDecoder(ReplyMessageRequestHeader)
