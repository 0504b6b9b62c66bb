/**
 * The message a user sends: topic, body and the few attributes RocketMQ gives meaning to. On the
 * wire every attribute except `body` and `flag` travels as a property (REMOTING.md §12.1); see
 * `MessageProperties` for that mapping and `MessageValidation` for what a sendable message is.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import { encodeUtf8 } from "../Utf8.ts"

/**
 * A message to send.
 *
 * - `tags`: one tag for server-side filtering (property `TAGS`); `""` means no tag, as in Java.
 * - `keys`: index keys (property `KEYS`, joined by a space, so a key cannot contain one).
 * - `properties`: user properties; their names must not be reserved (`MessageConst.STRING_HASH_SET`).
 * - `delayTimeLevel`: delay level (property `DELAY`, 1…18 with the broker's default levels; 0 = none).
 * - `deliverTimeMs`: [5.x] delivery time of a timer message, ms since the epoch (property
 *   `TIMER_DELIVER_MS`).
 * - `flag`: Java's user flag, an `int` opaque to RocketMQ (header field `flag`), default 0.
 * - `waitStoreMsgOK`: property `WAIT`, default `true`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Message = Schema.Struct({
  topic: Schema.String,
  body: Schema.Uint8Array,
  tags: Schema.optionalKey(Schema.String),
  keys: Schema.optionalKey(Schema.Array(Schema.String)),
  properties: Schema.optionalKey(Schema.Record(Schema.String, Schema.String)),
  delayTimeLevel: Schema.optionalKey(Schema.Int),
  deliverTimeMs: Schema.optionalKey(Schema.Number),
  flag: Schema.optionalKey(Schema.Int),
  waitStoreMsgOK: Schema.optionalKey(Schema.Boolean)
})

/**
 * @since 0.1.0
 * @category models
 */
export type Message = typeof Message.Type

/**
 * Everything of a message but its topic and body.
 *
 * @since 0.1.0
 * @category models
 */
export type MessageOptions = Omit<Message, "topic" | "body">

/**
 * Builds a message; a string body is encoded as UTF-8. It does not validate (see `validateMessage`).
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeMessage = (topic: string, body: string | Uint8Array, options?: MessageOptions): Message => ({
  ...options,
  topic,
  body: typeof body === "string" ? encodeUtf8(body) : body
})
