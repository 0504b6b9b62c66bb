/**
 * Headers of END_TRANSACTION (37), which a producer sends to commit or roll back a half message,
 * and of CHECK_TRANSACTION_STATE (39), which a broker sends to ask about one (REMOTING.md §19).
 * Both travel oneway.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import { BooleanFromString, headerDecoder, headerEncoder, IntFromString, LongFromString } from "./HeaderFields.ts"

/**
 * `commitOrRollback` of END_TRANSACTION: the transaction type bits of `MessageSysFlag`.
 *
 * @since 0.1.0
 * @category constants
 */
export const TransactionResolution = {
  /** The local transaction's outcome is not known yet (`TRANSACTION_NOT_TYPE`): the broker will check back. */
  UNKNOWN: 0,
  /** `TRANSACTION_COMMIT_TYPE`. */
  COMMIT: 0x8,
  /** `TRANSACTION_ROLLBACK_TYPE`. */
  ROLLBACK: 0xc
} as const

/**
 * END_TRANSACTION's header. The fields are declared in the order the Java client writes them, so
 * the encoded frame is the Java client's byte for byte: 4.9.8 sends `bname` (the broker that
 * stored the half message) on the first end and not on the answer to a check, and `transactionId`
 * only when it has one (a 4.9.8 send answer carries none).
 *
 * @since 0.1.0
 * @category schemas
 */
export const EndTransactionRequestHeader = Schema.Struct({
  /** The message's topic: sent by 5.x clients (for ACL 2.0), absent from 4.9.x frames. */
  topic: Schema.optionalKey(Schema.String),
  producerGroup: Schema.String,
  brokerName: Schema.optionalKey(Schema.String),
  /** Commit-log offset of the half message (from the send answer's offsetMsgId, or the check). */
  commitLogOffset: LongFromString,
  /** The message's client id (`UNIQ_KEY`). */
  msgId: Schema.String,
  /** The half message's offset in the half queue (the send answer's `queueOffset`, or the check's). */
  tranStateTableOffset: LongFromString,
  commitOrRollback: IntFromString,
  transactionId: Schema.optionalKey(Schema.String),
  fromTransactionCheck: BooleanFromString
}).pipe(Schema.encodeKeys({ brokerName: "bname" }))

/**
 * @since 0.1.0
 * @category models
 */
export type EndTransactionRequestHeader = typeof EndTransactionRequestHeader.Type

/**
 * @since 0.1.0
 * @category encoding
 */
export const encodeEndTransactionRequestHeader = headerEncoder(EndTransactionRequestHeader)

/**
 * @since 0.1.0
 * @category decoding
 */
export const decodeEndTransactionRequestHeader = headerDecoder(EndTransactionRequestHeader)

/**
 * CHECK_TRANSACTION_STATE's header. The offsets are those of the copy of the half message the
 * broker re-appended before checking, not of the original send; the answer must echo them. 5.x adds
 * `topic` and `bname`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const CheckTransactionStateRequestHeader = Schema.Struct({
  topic: Schema.optionalKey(Schema.String),
  brokerName: Schema.optionalKey(Schema.String),
  commitLogOffset: LongFromString,
  msgId: Schema.optionalKey(Schema.String),
  tranStateTableOffset: LongFromString,
  offsetMsgId: Schema.optionalKey(Schema.String),
  transactionId: Schema.optionalKey(Schema.String)
}).pipe(Schema.encodeKeys({ brokerName: "bname" }))

/**
 * @since 0.1.0
 * @category models
 */
export type CheckTransactionStateRequestHeader = typeof CheckTransactionStateRequestHeader.Type

/**
 * @since 0.1.0
 * @category encoding
 */
export const encodeCheckTransactionStateRequestHeader = headerEncoder(CheckTransactionStateRequestHeader)

/**
 * @since 0.1.0
 * @category decoding
 */
export const decodeCheckTransactionStateRequestHeader = headerDecoder(CheckTransactionStateRequestHeader)
