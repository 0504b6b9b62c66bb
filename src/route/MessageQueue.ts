/**
 * A message queue: one queue of a topic on one broker group, the unit a producer writes to.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"

/**
 * A topic's queue `queueId` on broker group `brokerName`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const MessageQueue = Schema.Struct({
  topic: Schema.String,
  brokerName: Schema.String,
  queueId: Schema.Int
})

/**
 * @since 0.1.0
 * @category models
 */
export type MessageQueue = typeof MessageQueue.Type

/**
 * `topic@brokerName#queueId`, for logs and messages.
 *
 * @since 0.1.0
 * @category formatting
 */
export const formatMessageQueue = (queue: MessageQueue): string => `${queue.topic}@${queue.brokerName}#${queue.queueId}`
