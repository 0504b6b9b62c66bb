/**
 * The outcome of a send the broker stored (REMOTING.md §11.3).
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import { MessageQueue } from "../route/MessageQueue.ts"

/**
 * How the broker stored the message. Anything but `SEND_OK` means it is on the master, but a
 * flush to disk or replication to a slave did not finish in time.
 *
 * @since 0.1.0
 * @category schemas
 */
export const SendStatus = Schema.Literals(["SEND_OK", "FLUSH_DISK_TIMEOUT", "FLUSH_SLAVE_TIMEOUT", "SLAVE_NOT_AVAILABLE"])

/**
 * @since 0.1.0
 * @category models
 */
export type SendStatus = typeof SendStatus.Type

/**
 * A stored message's result.
 *
 * - `msgId`: the client-side unique id (`UNIQ_KEY`); for a batch, the inner ids joined by commas.
 * - `offsetMsgId`: the broker's id (store address + commit-log offset), comma-separated for a batch.
 * - `messageQueue`: the queue the broker wrote (the response's queue id on the chosen broker).
 * - `queueOffset`: the offset in that queue (the first message's for a batch).
 *
 * @since 0.1.0
 * @category schemas
 */
export const SendResult = Schema.Struct({
  status: SendStatus,
  msgId: Schema.String,
  offsetMsgId: Schema.String,
  messageQueue: MessageQueue,
  queueOffset: Schema.Number,
  transactionId: Schema.optionalKey(Schema.String),
  regionId: Schema.String,
  traceOn: Schema.Boolean,
  batchUniqId: Schema.optionalKey(Schema.String),
  recallHandle: Schema.optionalKey(Schema.String)
})

/**
 * @since 0.1.0
 * @category models
 */
export type SendResult = typeof SendResult.Type

/**
 * What a oneway send knows once the request is written: the message's unique id (`UNIQ_KEY`,
 * which the broker stores with it) and the queue it was written to. No broker answer comes back.
 *
 * @since 0.1.0
 * @category models
 */
export const OnewaySent = Schema.Struct({
  msgId: Schema.String,
  messageQueue: MessageQueue
})

/**
 * @since 0.1.0
 * @category models
 */
export type OnewaySent = typeof OnewaySent.Type
