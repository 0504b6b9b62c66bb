/**
 * What a sendable message and a producer group are: Java's client checks (`Validators.checkMessage`,
 * `Validators.checkGroup`, `TopicValidator`, `Message.putUserProperty`; REMOTING.md §11.4, §12.5)
 * plus the checks that keep the properties string decodable (§12.1).
 *
 * @since 0.1.0
 */
import { Result, Schema } from "effect"
import { NOT_ALLOWED_SEND_TOPICS, TOPIC_MAX_LENGTH } from "../protocol/TopicValidator.ts"
import { utf8Length } from "../protocol/Utf8.ts"
import type { Message } from "../protocol/message/Message.ts"
import { DEFAULT_MAX_MESSAGE_SIZE, MAX_PROPERTIES_BYTES } from "../protocol/message/MessageLimits.ts"
import {
  INNER_MULTI_DISPATCH,
  KEY_SEPARATOR,
  MSG_REGION,
  NAME_VALUE_SEPARATOR,
  PROPERTY_SEPARATOR,
  STRING_HASH_SET,
  TRACE_ON,
  UNIQ_KEY
} from "../protocol/message/MessageConst.ts"

/**
 * The rule a message (or producer group) breaks.
 *
 * @since 0.1.0
 * @category schemas
 */
export const InvalidMessageRule = Schema.Literals([
  "MessageMalformed",
  "TopicBlank",
  "TopicTooLong",
  "TopicInvalidCharacters",
  "TopicNotAllowed",
  "BodyEmpty",
  "BodyTooLarge",
  "TagsInvalid",
  "KeysInvalid",
  "PropertyInvalid",
  "PropertyReserved",
  "PropertiesTooLong",
  "DelayLevelInvalid",
  "DeliverTimeInvalid",
  "DelayConflict",
  "DelayTimeInvalid",
  "FlagInvalid",
  "ProducerGroupInvalid",
  "BatchInvalid",
  "TransactionInvalid"
])

/**
 * @since 0.1.0
 * @category models
 */
export type InvalidMessageRule = typeof InvalidMessageRule.Type

/**
 * A message (or producer group) that cannot be sent: `rule` names the broken rule, `detail` says how,
 * naming the offending value.
 *
 * @since 0.1.0
 * @category errors
 */
export class InvalidMessage extends Schema.TaggedError<InvalidMessage>()("InvalidMessage", {
  rule: InvalidMessageRule,
  detail: Schema.String
}) {
  override get message(): string {
    const subject = this.rule === "ProducerGroupInvalid"
      ? "invalid producer group"
      : this.rule.startsWith("Topic")
      ? "invalid topic"
      : "invalid message"
    return `${subject} (${this.rule}): ${this.detail}`
  }

  /** `false`: the same message is refused the same way. */
  get isRetryable(): boolean {
    return false
  }
}

/**
 * Default longest producer group: 120 characters, the limit of Java's client after 5.3.3 (#9563);
 * 4.9.x through 5.3.3 allowed 255.
 *
 * @since 0.1.0
 * @category constants
 */
export const GROUP_MAX_LENGTH = 120

/**
 * Bytes of the properties string kept free for what is added after validation: the producer's
 * `UNIQ_KEY` (in its 56-character IPv6 form), the broker's `MSG_REGION` (default region) and
 * `TRACE_ON`, each with a separator. A message's own properties may take the rest.
 *
 * @since 0.1.0
 * @category constants
 */
export const PROPERTIES_HEADROOM = utf8Length(
  UNIQ_KEY + NAME_VALUE_SEPARATOR + "0".repeat(56) + PROPERTY_SEPARATOR +
    MSG_REGION + NAME_VALUE_SEPARATOR + "DefaultRegion" + PROPERTY_SEPARATOR +
    TRACE_ON + NAME_VALUE_SEPARATOR + "false" + PROPERTY_SEPARATOR
)

/**
 * The producer group Java reserves for its own default (`MixAll.DEFAULT_PRODUCER_GROUP`).
 *
 * @since 0.1.0
 * @category constants
 */
export const DEFAULT_PRODUCER_GROUP = "DEFAULT_PRODUCER"

/**
 * Options of {@link validateMessage}.
 *
 * @since 0.1.0
 * @category models
 */
export interface ValidateMessageOptions {
  /** Largest body in bytes; default 4 MiB. */
  readonly maxMessageSize?: number | undefined
}

/**
 * Options of {@link validateProducerGroup}.
 *
 * @since 0.1.0
 * @category models
 */
export interface ValidateProducerGroupOptions {
  /** Longest group name; default {@link GROUP_MAX_LENGTH} (120). */
  readonly maxLength?: number | undefined
}

const NAME_CHARSET = /^[%|a-zA-Z0-9_-]+$/
const WHITESPACE_ONLY = /^\s*$/
const JAVA_INT_MIN = -2147483648
const JAVA_INT_MAX = 2147483647

const invalid = (rule: InvalidMessageRule, detail: string) => Result.fail(new InvalidMessage({ rule, detail }))

/** A value for an error detail: quoted, control characters escaped, long text cut. */
const show = (value: unknown): string => {
  if (typeof value === "string") return JSON.stringify(value.length > 64 ? value.slice(0, 64) + "…" : value)
  if (value === null || value === undefined) return String(value)
  if (value instanceof Uint8Array) return `${value.constructor.name}(${value.length})`
  if (Array.isArray(value)) return `an array of ${value.length}`
  if (typeof value === "object") return "an object"
  if (typeof value === "bigint") return `${value}n`
  if (typeof value === "function") return "a function"
  return String(value)
}

/** Java's `String.trim().isEmpty()`: every character is at most U+0020. */
const isJavaBlank = (text: string): boolean => {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x20) return false
  return true
}

const isJavaInt = (value: unknown): value is number =>
  typeof value === "number" && Number.isInteger(value) && value >= JAVA_INT_MIN && value <= JAVA_INT_MAX

const isPlainRecord = (value: unknown): value is { readonly [name: string]: unknown } => {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false
  const prototype: unknown = Object.getPrototypeOf(value)
  return prototype === Object.prototype || prototype === null
}

const HAS_SEPARATOR = -1
const HAS_LONE_SURROGATE = -2

/**
 * The UTF-8 byte length of `text` in one pass, or `HAS_SEPARATOR` when it holds `\u0001` or `\u0002`,
 * `HAS_LONE_SURROGATE` when it holds an unpaired surrogate (which UTF-8 cannot carry). For the short
 * strings of a message this is several times faster than `Buffer.byteLength` plus two regexes.
 */
const measure = (text: string): number => {
  let bytes = 0
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    if (code < 0x80) {
      if (code === 1 || code === 2) return HAS_SEPARATOR
      bytes += 1
    } else if (code < 0x800) {
      bytes += 2
    } else if (code < 0xd800 || code > 0xdfff) {
      bytes += 3
    } else {
      const low = text.charCodeAt(i + 1)
      if (code > 0xdbff || !(low >= 0xdc00 && low <= 0xdfff)) return HAS_LONE_SURROGATE
      bytes += 4
      i++
    }
  }
  return bytes
}

const problemOf = (measured: number): string =>
  measured === HAS_SEPARATOR
    ? "contains the separator \\u0001 or \\u0002"
    : "contains an unpaired surrogate, which UTF-8 cannot carry"

/**
 * Checks a topic name: not blank, at most 127 characters, only `[%|a-zA-Z0-9_-]`, not one of the
 * topics a client may not send to.
 *
 * @since 0.1.0
 * @category validation
 */
export const validateTopic = (topic: unknown): Result.Result<string, InvalidMessage> => {
  if (typeof topic !== "string") return invalid("MessageMalformed", `the topic must be a string, got ${show(topic)}`)
  if (WHITESPACE_ONLY.test(topic)) return invalid("TopicBlank", `the topic ${show(topic)} is blank`)
  if (topic.length > TOPIC_MAX_LENGTH) {
    return invalid(
      "TopicTooLong",
      `the topic ${show(topic)} has ${topic.length} characters, more than the maximum of ${TOPIC_MAX_LENGTH}`
    )
  }
  if (!NAME_CHARSET.test(topic)) {
    return invalid("TopicInvalidCharacters", `the topic ${show(topic)} has characters outside [%|a-zA-Z0-9_-]`)
  }
  if (NOT_ALLOWED_SEND_TOPICS.has(topic)) {
    return invalid("TopicNotAllowed", `the topic ${show(topic)} is a system topic clients may not send to`)
  }
  return Result.succeed(topic)
}

/**
 * Checks that `message` can be sent, and returns it as a `Message` holding only the known fields
 * (the same `body`, `keys` and `properties` objects, not copies). Accepts any value: anything that
 * is not a message fails with a rule (`MessageMalformed` for a wrong shape); it never throws.
 *
 * Java's rules: the topic (see {@link validateTopic}); a body that is a non-empty byte array of at
 * most `maxMessageSize` bytes; user property names and values not blank (all characters ≤ U+0020)
 * and names not reserved (`MessageConst.STRING_HASH_SET`); no `/` or `\` in `INNER_MULTI_DISPATCH`.
 *
 * Added so that the properties string stays decodable and within its limits:
 *
 * - no `\u0001` / `\u0002` or unpaired surrogate in tags, keys, property names and values;
 * - keys not empty and without a space (keys travel joined by spaces);
 * - the encoded properties at most {@link MAX_PROPERTIES_BYTES} UTF-8 bytes minus
 *   {@link PROPERTIES_HEADROOM} for the properties added after validation;
 * - `delayTimeLevel` a non-negative Java `int`; `deliverTimeMs` a non-negative safe integer; not
 *   both a delay level above 0 and a delivery time (the broker would drop the delivery time);
 *   `delayTimeSec` / `delayTimeMs` non-negative safe integers (in ms), and at most one way of
 *   delaying a message (a 5.x broker takes the first of `TIMER_DELAY_SEC`, `TIMER_DELAY_MS`,
 *   `TIMER_DELIVER_MS` and drops them all for a delay level);
 *   `flag` a Java `int`; `waitStoreMsgOK` a boolean.
 *
 * An empty `tags` and an empty `keys` array mean none, as in Java's constructors.
 *
 * @since 0.1.0
 * @category validation
 */
export const validateMessage = (
  message: unknown,
  options?: ValidateMessageOptions
): Result.Result<Message, InvalidMessage> => {
  try {
    return check(message, options?.maxMessageSize ?? DEFAULT_MAX_MESSAGE_SIZE)
  } catch (error) {
    // Only a hostile object (a throwing getter or proxy trap) gets here.
    return invalid("MessageMalformed", `the message could not be read: ${error instanceof Error ? error.message : show(error)}`)
  }
}

/**
 * Checks every message of a batch as {@link validateMessage} does; anything but an array of
 * messages (`null`, a proxy that throws) fails with `InvalidMessage`, never a throw.
 *
 * @since 0.1.0
 * @category validation
 */
export const validateMessages = (
  messages: unknown,
  options?: ValidateMessageOptions
): Result.Result<ReadonlyArray<Message>, InvalidMessage> => {
  const valid: Array<Message> = []
  try {
    if (!Array.isArray(messages)) return invalid("BatchInvalid", `a batch must be an array of messages, got ${show(messages)}`)
    for (let index = 0; index < messages.length; index++) {
      const checked = validateMessage(messages[index], options)
      if (Result.isFailure(checked)) return Result.fail(checked.failure)
      valid.push(checked.success)
    }
  } catch (error) {
    return invalid("BatchInvalid", `the batch could not be read: ${error instanceof Error ? error.message : String(error)}`)
  }
  return Result.succeed(valid)
}

/**
 * The topic of whatever was given as a message (or as a batch: its first message's), for span
 * attributes before validation: `""` when there is none or reading it throws.
 *
 * @since 0.1.0
 * @category validation
 */
export const topicOfUnchecked = (input: unknown): string => {
  try {
    const first: unknown = Array.isArray(input) ? input[0] : input
    const topic: unknown = typeof first === "object" && first !== null ? Reflect.get(first, "topic") : undefined
    return typeof topic === "string" ? topic : ""
  } catch {
    return ""
  }
}

/** The relative delays of a message, their unit, and milliseconds per unit (a table, not a literal per check). */
const relativeDelays = [["delayTimeSec", "seconds", 1000], ["delayTimeMs", "ms", 1]] as const

const check = (input: unknown, maxMessageSize: number): Result.Result<Message, InvalidMessage> => {
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    return invalid("MessageMalformed", `a message must be an object, got ${show(input)}`)
  }
  const topic = validateTopic("topic" in input ? input.topic : undefined)
  if (Result.isFailure(topic)) return Result.fail(topic.failure)

  const body = "body" in input ? input.body : undefined
  if (body === undefined || body === null) return invalid("BodyEmpty", "the message has no body")
  if (!(body instanceof Uint8Array)) return invalid("MessageMalformed", `the body must be a Uint8Array, got ${show(body)}`)
  if (body.length === 0) return invalid("BodyEmpty", "the body is empty")
  if (body.length > maxMessageSize) {
    return invalid("BodyTooLarge", `the body has ${body.length} bytes, more than the maximum of ${maxMessageSize}`)
  }

  const message: { -readonly [K in keyof Message]: Message[K] } = { topic: topic.success, body }
  // Bytes of the encoded properties, each pair counted with one separator.
  let propertiesBytes = 4 + 1 + 5 + 1 // WAIT, at most "false"

  const waitStoreMsgOK = "waitStoreMsgOK" in input ? input.waitStoreMsgOK : undefined
  if (waitStoreMsgOK !== undefined) {
    if (typeof waitStoreMsgOK !== "boolean") {
      return invalid("MessageMalformed", `waitStoreMsgOK must be a boolean, got ${show(waitStoreMsgOK)}`)
    }
    message.waitStoreMsgOK = waitStoreMsgOK
  }

  const tags = "tags" in input ? input.tags : undefined
  if (tags !== undefined) {
    if (typeof tags !== "string") return invalid("TagsInvalid", `the tags must be a string, got ${show(tags)}`)
    const bytes = measure(tags)
    if (bytes < 0) return invalid("TagsInvalid", `the tags ${show(tags)} ${problemOf(bytes)}`)
    message.tags = tags
    if (tags.length > 0) propertiesBytes += 4 + 1 + bytes + 1
  }

  const keys = "keys" in input ? input.keys : undefined
  if (keys !== undefined) {
    if (!Array.isArray(keys)) return invalid("KeysInvalid", `the keys must be an array of strings, got ${show(keys)}`)
    let keysBytes = 0
    for (const key of keys) {
      if (typeof key !== "string") return invalid("KeysInvalid", `a key must be a string, got ${show(key)}`)
      if (key.length === 0) return invalid("KeysInvalid", "a key is empty")
      if (key.includes(KEY_SEPARATOR)) {
        return invalid("KeysInvalid", `the key ${show(key)} contains a space, which separates keys`)
      }
      const bytes = measure(key)
      if (bytes < 0) return invalid("KeysInvalid", `the key ${show(key)} ${problemOf(bytes)}`)
      keysBytes += bytes + 1
    }
    message.keys = keys
    if (keys.length > 0) propertiesBytes += 4 + 1 + keysBytes
  }

  const properties = "properties" in input ? input.properties : undefined
  if (properties !== undefined) {
    if (!isStringRecord(properties)) return invalid("PropertyInvalid", describeNonStringRecord(properties))
    for (const name of Object.keys(properties)) {
      const value = properties[name] ?? ""
      if (isJavaBlank(name)) return invalid("PropertyInvalid", `the property name ${show(name)} is blank`)
      const nameBytes = measure(name)
      if (nameBytes < 0) return invalid("PropertyInvalid", `the property name ${show(name)} ${problemOf(nameBytes)}`)
      if (STRING_HASH_SET.has(name)) {
        return invalid("PropertyReserved", `the property name ${show(name)} is reserved for the system`)
      }
      if (isJavaBlank(value)) return invalid("PropertyInvalid", `the property ${show(name)} has a blank value ${show(value)}`)
      const valueBytes = measure(value)
      if (valueBytes < 0) {
        return invalid("PropertyInvalid", `the value ${show(value)} of the property ${show(name)} ${problemOf(valueBytes)}`)
      }
      if (name === INNER_MULTI_DISPATCH && (value.includes("/") || value.includes("\\"))) {
        return invalid("PropertyInvalid", `the property ${INNER_MULTI_DISPATCH} ${show(value)} contains a path separator`)
      }
      propertiesBytes += nameBytes + 1 + valueBytes + 1
    }
    message.properties = properties
  }

  const delayTimeLevel = "delayTimeLevel" in input ? input.delayTimeLevel : undefined
  if (delayTimeLevel !== undefined) {
    if (!isJavaInt(delayTimeLevel) || delayTimeLevel < 0) {
      return invalid("DelayLevelInvalid", `the delay level must be an integer from 0 to ${JAVA_INT_MAX}, got ${show(delayTimeLevel)}`)
    }
    message.delayTimeLevel = delayTimeLevel
    if (delayTimeLevel > 0) propertiesBytes += 5 + 1 + String(delayTimeLevel).length + 1
  }

  const deliverTimeMs = "deliverTimeMs" in input ? input.deliverTimeMs : undefined
  if (deliverTimeMs !== undefined) {
    if (typeof deliverTimeMs !== "number" || !Number.isSafeInteger(deliverTimeMs) || deliverTimeMs < 0) {
      return invalid("DeliverTimeInvalid", `the delivery time must be a non-negative integer of ms since the epoch, got ${show(deliverTimeMs)}`)
    }
    if (message.delayTimeLevel !== undefined && message.delayTimeLevel > 0) {
      return invalid(
        "DelayConflict",
        `the message has both delay level ${message.delayTimeLevel} and delivery time ${deliverTimeMs}; the broker would ignore the delivery time`
      )
    }
    message.deliverTimeMs = deliverTimeMs
    propertiesBytes += 16 + 1 + String(deliverTimeMs).length + 1
  }

  for (const [field, unit, factor] of relativeDelays) {
    const delay = field in input ? Reflect.get(input, field) : undefined
    if (delay === undefined) continue
    if (typeof delay !== "number" || !Number.isSafeInteger(delay * factor) || delay < 0) {
      return invalid("DelayTimeInvalid", `${field} must be a non-negative integer of ${unit}, got ${show(delay)}`)
    }
    const other = timerOf(message)
    if (other !== undefined) {
      return invalid("DelayConflict", `the message has both ${other} and ${field}; a message is delayed one way only`)
    }
    message[field] = delay
    propertiesBytes += 15 + 1 + String(delay).length + 1
  }

  const flag = "flag" in input ? input.flag : undefined
  if (flag !== undefined) {
    if (!isJavaInt(flag)) {
      return invalid("FlagInvalid", `the flag must be an integer from ${JAVA_INT_MIN} to ${JAVA_INT_MAX}, got ${show(flag)}`)
    }
    message.flag = flag
  }

  const maxPropertiesBytes = MAX_PROPERTIES_BYTES - PROPERTIES_HEADROOM
  if (propertiesBytes > maxPropertiesBytes) {
    return invalid(
      "PropertiesTooLong",
      `the properties take ${propertiesBytes} bytes encoded, more than the ${maxPropertiesBytes} left for them`
    )
  }
  return Result.succeed(message)
}

/** The delay the message already has, if any. */
const timerOf = (message: Message): string | undefined => {
  if (message.delayTimeLevel !== undefined && message.delayTimeLevel > 0) return `delay level ${message.delayTimeLevel}`
  if (message.deliverTimeMs !== undefined) return "deliverTimeMs"
  if (message.delayTimeSec !== undefined) return "delayTimeSec"
  return undefined
}

const isStringRecord = (value: unknown): value is { readonly [name: string]: string } => {
  if (!isPlainRecord(value)) return false
  for (const name of Object.keys(value)) if (typeof value[name] !== "string") return false
  return true
}

const describeNonStringRecord = (value: unknown): string => {
  if (isPlainRecord(value)) {
    for (const name of Object.keys(value)) {
      if (typeof value[name] !== "string") {
        return `the property ${show(name)} must have a string value, got ${show(value[name])}`
      }
    }
  }
  return `the properties must be a plain object of strings, got ${show(value)}`
}

/**
 * Checks a producer group: not blank, at most `maxLength` characters (default 120), only
 * `[%|a-zA-Z0-9_-]` (`Validators.checkGroup`), and not Java's reserved `DEFAULT_PRODUCER`
 * (`DefaultMQProducerImpl.checkConfig`). Never throws.
 *
 * @since 0.1.0
 * @category validation
 */
export const validateProducerGroup = (
  group: unknown,
  options?: ValidateProducerGroupOptions
): Result.Result<string, InvalidMessage> => {
  const maxLength = options?.maxLength ?? GROUP_MAX_LENGTH
  if (typeof group !== "string") {
    return invalid("ProducerGroupInvalid", `the producer group must be a string, got ${show(group)}`)
  }
  if (WHITESPACE_ONLY.test(group)) return invalid("ProducerGroupInvalid", `the producer group ${show(group)} is blank`)
  if (group.length > maxLength) {
    return invalid(
      "ProducerGroupInvalid",
      `the producer group ${show(group)} has ${group.length} characters, more than the maximum of ${maxLength}`
    )
  }
  if (!NAME_CHARSET.test(group)) {
    return invalid("ProducerGroupInvalid", `the producer group ${show(group)} has characters outside [%|a-zA-Z0-9_-]`)
  }
  if (group === DEFAULT_PRODUCER_GROUP) {
    return invalid("ProducerGroupInvalid", `the producer group ${show(group)} is reserved; choose another name`)
  }
  return Result.succeed(group)
}
