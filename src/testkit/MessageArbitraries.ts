/**
 * Arbitraries of messages for property tests, built from schemas: valid messages of every shape
 * `validateMessage` accepts, and batches of them. Use them with `it.prop` / `it.effect.prop` from
 * `@effect/vitest`, or with `Arbitrary.sampleEffect` / `Arbitrary.checkEffect` from `effect`.
 *
 * @since 0.1.0
 */
import { Arbitrary, Schema } from "effect"
import { setOwn } from "../protocol/StringMap.ts"
import type { Message } from "../protocol/message/Message.ts"
import { INNER_MULTI_DISPATCH, STRING_HASH_SET } from "../protocol/message/MessageConst.ts"
import { NOT_ALLOWED_SEND_TOPICS } from "../protocol/TopicValidator.ts"

const int = (minimum: number, maximum: number) => Schema.Int.check(Schema.isBetween({ minimum, maximum }))

/** Any text made safe for the properties string: no separators, no unpaired surrogates. */
const cleanText = (text: string): string => text.replace(/[\u0001\u0002]/g, "").replace(/\p{Cs}/gu, "\uFFFD")

/** Java's blank: every character at most U+0020. */
const isBlank = (text: string): boolean => {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x20) return false
  return true
}

/**
 * Topic names clients may send to: 1…127 characters of `[%|a-zA-Z0-9_-]`, never a not-allowed system
 * topic.
 *
 * @since 0.1.0
 * @category arbitraries
 */
export const sendableTopicName: Arbitrary.Arbitrary<string> = Arbitrary.schema(
  Schema.String.check(Schema.isPattern(/^[%|a-zA-Z0-9_-]{1,127}$/))
).pipe(Arbitrary.map((name) => (NOT_ALLOWED_SEND_TOPICS.has(name) ? `${name}_` : name)))

/**
 * Message bodies: non-empty, mostly small, about one in four between 4 KiB and 20 KiB (above the
 * 4096-byte compression threshold), some repetitive (compressible), some noise.
 *
 * @since 0.1.0
 * @category arbitraries
 */
export const messageBody: Arbitrary.Arbitrary<Uint8Array> = Arbitrary.schema(Schema.Struct({
  size: Schema.Literals(["tiny", "small", "medium", "large"]),
  length: int(1, 20480),
  seed: int(0, 0x7fffffff),
  noisy: Schema.Boolean
})).pipe(Arbitrary.map(({ length, noisy, seed, size }) => {
  const n = size === "tiny"
    ? 1 + (length % 16)
    : size === "small"
    ? 1 + (length % 512)
    : size === "medium"
    ? 1 + (length % 4095)
    : 4096 + (length % 16385)
  const bytes = new Uint8Array(n)
  let state = seed | 1
  for (let i = 0; i < n; i++) {
    if (noisy) {
      // xorshift32
      state ^= state << 13
      state ^= state >>> 17
      state ^= state << 5
      bytes[i] = state & 0xff
    } else {
      bytes[i] = (seed + (i % 61)) & 0xff
    }
  }
  return bytes
}))

const fieldText = Arbitrary.schema(Schema.String).pipe(Arbitrary.map(cleanText))

/**
 * Tags: any text without the separators (an empty tag means none).
 *
 * @since 0.1.0
 * @category arbitraries
 */
export const messageTags: Arbitrary.Arbitrary<string> = fieldText

/**
 * Keys: 0…4 non-empty keys without spaces or separators.
 *
 * @since 0.1.0
 * @category arbitraries
 */
export const messageKeys: Arbitrary.Arbitrary<ReadonlyArray<string>> = Arbitrary.array(
  fieldText.pipe(Arbitrary.map((key) => {
    const spaceless = key.replace(/ /g, "_")
    return spaceless.length === 0 ? "k" : spaceless
  })),
  { maxLength: 4 }
)

/** Names a user might pick that are close to, or are, the names RocketMQ reserves. */
const namePool: ReadonlyArray<string> = [
  ...STRING_HASH_SET,
  "keys",
  "Tags",
  "KEYS_",
  " UNIQ_KEY",
  "UNIQ_KEY2",
  "__SHARDINGKEY",
  "__transactionId__",
  "__RMQ.TRANSIENT.X",
  INNER_MULTI_DISPATCH,
  "__proto__",
  "constructor",
  "toString",
  "0",
  "a b",
  "ключ",
  "名前"
]

const propertyName = Arbitrary.all({
  pooled: Arbitrary.schema(Schema.Boolean),
  pick: Arbitrary.schema(int(0, namePool.length - 1)),
  text: Arbitrary.schema(Schema.String)
}).pipe(Arbitrary.map(({ pick, pooled, text }) => {
  let name = cleanText(pooled ? namePool[pick] ?? text : text)
  if (isBlank(name) || STRING_HASH_SET.has(name)) name = `p${name}`
  return name
}))

const propertyValue = Arbitrary.schema(Schema.String).pipe(Arbitrary.map((text) => {
  const value = cleanText(text)
  return isBlank(value) ? `v${value}` : value
}))

/**
 * User properties: any names and values, with separators removed, blank ones made non-blank and
 * reserved names prefixed, so that `validateMessage` accepts them. Names are often drawn from a pool
 * close to the reserved ones (`keys`, `UNIQ_KEY2`, reserved names made user names by a prefix) and
 * include `__proto__`.
 *
 * @since 0.1.0
 * @category arbitraries
 */
export const userProperties: Arbitrary.Arbitrary<{ readonly [name: string]: string }> = Arbitrary.array(
  Arbitrary.all({ name: propertyName, value: propertyValue }),
  { maxLength: 8 }
).pipe(Arbitrary.map((entries) => {
  const properties: Record<string, string> = {}
  for (const { name, value } of entries) {
    setOwn(properties, name, name === INNER_MULTI_DISPATCH ? value.replace(/[/\\]/g, "_") : value)
  }
  return properties
}))

const optional = <A>(arbitrary: Arbitrary.Arbitrary<A>): Arbitrary.Arbitrary<A | undefined> =>
  Arbitrary.all({ present: Arbitrary.schema(Schema.Boolean), value: arbitrary }).pipe(
    Arbitrary.map(({ present, value }) => (present ? value : undefined))
  )

const messageParts = {
  body: messageBody,
  tags: optional(messageTags),
  keys: optional(messageKeys),
  properties: optional(userProperties),
  delayTimeLevel: optional(Arbitrary.schema(int(0, 18))),
  deliverTimeMs: optional(Arbitrary.schema(int(0, 4_102_444_800_000))),
  flag: optional(Arbitrary.schema(int(-2147483648, 2147483647))),
  waitStoreMsgOK: optional(Arbitrary.schema(Schema.Boolean))
}

type MessageParts = { readonly topic: string } & {
  readonly [K in keyof typeof messageParts]: typeof messageParts[K] extends Arbitrary.Arbitrary<infer A> ? A : never
}

const assemble = (parts: MessageParts): Message => {
  const delay = parts.delayTimeLevel !== undefined && parts.delayTimeLevel > 0
  return {
    topic: parts.topic,
    body: parts.body,
    ...(parts.tags === undefined ? {} : { tags: parts.tags }),
    ...(parts.keys === undefined ? {} : { keys: parts.keys }),
    ...(parts.properties === undefined ? {} : { properties: parts.properties }),
    ...(parts.delayTimeLevel === undefined ? {} : { delayTimeLevel: parts.delayTimeLevel }),
    // A delay level and a delivery time together are rejected (DelayConflict): keep the level.
    ...(parts.deliverTimeMs === undefined || delay ? {} : { deliverTimeMs: parts.deliverTimeMs }),
    ...(parts.flag === undefined ? {} : { flag: parts.flag }),
    ...(parts.waitStoreMsgOK === undefined ? {} : { waitStoreMsgOK: parts.waitStoreMsgOK })
  }
}

/**
 * Messages that pass `validateMessage` with the default options: a valid topic, a non-empty body
 * (some above the compression threshold), and any mix of tags, keys, user properties, delay level or
 * delivery time, flag and waitStoreMsgOK.
 *
 * @since 0.1.0
 * @category arbitraries
 */
export const validMessage: Arbitrary.Arbitrary<Message> = Arbitrary.all({ topic: sendableTopicName, ...messageParts }).pipe(
  Arbitrary.map(assemble)
)

/**
 * Batches that Java's `MessageBatch.generateFromList` accepts: 1…8 valid messages sharing one topic
 * (not a `%RETRY%` one) and one `waitStoreMsgOK`, none with a delay level or delivery time.
 *
 * @since 0.1.0
 * @category arbitraries
 */
export const messageBatch: Arbitrary.Arbitrary<ReadonlyArray<Message>> = Arbitrary.all({
  topic: sendableTopicName.pipe(Arbitrary.map((name) => (name.startsWith("%RETRY%") ? `_${name.slice(1)}` : name))),
  waitStoreMsgOK: Arbitrary.schema(Schema.Boolean),
  messages: Arbitrary.array(Arbitrary.all(messageParts), { minLength: 1, maxLength: 8 })
}).pipe(Arbitrary.map(({ messages, topic, waitStoreMsgOK }) =>
  messages.map((parts) => {
    const { delayTimeLevel: _delay, deliverTimeMs: _deliver, ...message } = assemble({ topic, ...parts })
    return { ...message, waitStoreMsgOK }
  })
))

/**
 * @deprecated Renamed {@link sendableTopicName}.
 * @since 0.1.0
 */
export const topic = sendableTopicName

/**
 * @deprecated Renamed {@link messageBody}.
 * @since 0.1.0
 */
export const body = messageBody

/**
 * @deprecated Renamed {@link messageTags}.
 * @since 0.1.0
 */
export const tags = messageTags

/**
 * @deprecated Renamed {@link messageKeys}.
 * @since 0.1.0
 */
export const keys = messageKeys
