/**
 * `effect-rocketmq send <topic>`: sends messages through the whole producer pipeline and prints
 * each result.
 *
 * @since 0.1.0
 */
import { Console, Effect, Option, Schema } from "effect"
import { Argument, Command, Flag } from "effect/cli"
import { encodeUtf8 } from "../protocol/Utf8.ts"
import { makeMessage } from "../protocol/message/Message.ts"
import type { Message } from "../protocol/message/Message.ts"
import { Producer } from "../producer/Producer.ts"
import type { OnewaySent, SendResult } from "../producer/SendResult.ts"
import { reportFailures } from "./CliFailure.ts"
import { describedWithDefault, intAtLeast } from "./CliFlags.ts"
import { jsonFlag, namesrvFlag, resolveNameServers } from "./NameServerFlags.ts"
import { resolveSecurity, securityFlags } from "./SecurityFlags.ts"

/**
 * Flags that contradict each other or are out of range.
 *
 * @since 0.1.0
 * @category cli
 */
export class InvalidSendFlags extends Schema.TaggedError<InvalidSendFlags>()("InvalidSendFlags", {
  detail: Schema.String
}) {
  override get message(): string {
    return this.detail
  }
}

/**
 * One line of `send --json`: a message's result. For a oneway send the status is `ONEWAY`, the
 * `msgId` and the queue are known (the request was written to it) and the fields only a broker's
 * answer gives (`offsetMsgId`, `queueOffset`) are null.
 *
 * @since 0.1.0
 * @category cli
 */
export interface SendJson {
  readonly status: string
  readonly msgId: string | null
  readonly offsetMsgId: string | null
  readonly topic: string
  readonly brokerName: string | null
  readonly queueId: number | null
  readonly queueOffset: number | null
}

/**
 * The per-message lines of a result (a batch result covers several messages).
 *
 * @since 0.1.0
 * @category cli
 */
export const resultLines = (result: SendResult, messages: number): ReadonlyArray<SendJson> => {
  const msgIds = result.msgId.split(",")
  const offsetMsgIds = result.offsetMsgId.split(",")
  return Array.from({ length: messages }, (_, i) => ({
    status: result.status,
    msgId: msgIds[i] ?? result.msgId,
    offsetMsgId: offsetMsgIds[i] ?? result.offsetMsgId,
    topic: result.messageQueue.topic,
    brokerName: result.messageQueue.brokerName,
    queueId: result.messageQueue.queueId,
    queueOffset: result.queueOffset + i
  }))
}

/**
 * The `send --json` line of a oneway send.
 *
 * @since 0.1.0
 */
export const onewayLine = (sent: OnewaySent): SendJson => ({
  status: "ONEWAY",
  msgId: sent.msgId,
  offsetMsgId: null,
  topic: sent.messageQueue.topic,
  brokerName: sent.messageQueue.brokerName,
  queueId: sent.messageQueue.queueId,
  queueOffset: null
})

const formatLine = (line: SendJson): string =>
  line.status === "ONEWAY"
    ? `ONEWAY  msgId ${line.msgId}  ${line.brokerName}#${line.queueId}  (written, no answer expected)`
    : `${line.status}  msgId ${line.msgId}  ${line.brokerName}#${line.queueId} offset ${line.queueOffset}  offsetMsgId ${line.offsetMsgId}`

const defaultBody = "hello from effect-rocketmq"

/**
 * The `send` command.
 *
 * @since 0.1.0
 * @category cli
 */
export const sendCommand = Command.make(
  "send",
  {
    topic: Argument.String("topic").pipe(Argument.withDescription("The topic")),
    namesrv: namesrvFlag,
    body: Flag.String("body").pipe(
      Flag.withDescription(`The message body (text) (default: "${defaultBody}")`),
      Flag.optional
    ),
    size: intAtLeast("size", 1).pipe(Flag.withDescription("Send a body of this many bytes instead of --body"), Flag.optional),
    count: intAtLeast("count", 1).pipe(describedWithDefault("How many messages", 1)),
    tag: Flag.String("tag").pipe(Flag.withDescription("The messages' tag"), Flag.optional),
    keys: Flag.String("keys").pipe(Flag.withDescription("Index keys, separated by spaces or commas"), Flag.optional),
    property: Flag.KeyValuePair("property").pipe(Flag.withDescription("A user property k=v (repeatable)"), Flag.optional),
    oneway: Flag.Boolean("oneway").pipe(Flag.withDescription("Send oneway: no answer, no retry"), Flag.withDefault(false)),
    batch: intAtLeast("batch", 1).pipe(Flag.withDescription("Send in batches of this many messages"), Flag.optional),
    group: Flag.String("group").pipe(describedWithDefault("Producer group", "effect_rocketmq_cli")),
    timeout: intAtLeast("timeout", 1).pipe(describedWithDefault("Send budget in milliseconds", 3000)),
    json: jsonFlag,
    ...securityFlags
  },
  Effect.fnUntraced(function*(flags) {
    const invalid = (detail: string) => Effect.fail(new InvalidSendFlags({ detail }))
    if (Option.isSome(flags.body) && Option.isSome(flags.size)) return yield* invalid("give --body or --size, not both")
    if (Option.isSome(flags.batch) && flags.oneway) return yield* invalid("--batch and --oneway cannot be combined")
    const nameServers = yield* resolveNameServers(flags.namesrv)
    const security = yield* resolveSecurity(flags)
    const body = Option.isSome(flags.size)
      ? new Uint8Array(flags.size.value).fill(0x78)
      : encodeUtf8(Option.getOrElse(flags.body, () => defaultBody))
    const keys = Option.map(flags.keys, (text) => text.split(/[\s,]+/).filter((key) => key.length > 0))
    const message: Message = makeMessage(flags.topic, body, {
      ...(Option.isSome(flags.tag) ? { tags: flags.tag.value } : {}),
      ...(Option.isSome(keys) ? { keys: keys.value } : {}),
      ...(Option.isSome(flags.property) ? { properties: flags.property.value } : {})
    })
    const print = (line: SendJson) => Console.log(flags.json ? JSON.stringify(line) : formatLine(line))

    yield* Effect.gen(function*() {
      const producer = yield* Producer
      if (flags.oneway) {
        for (let i = 0; i < flags.count; i++) {
          yield* print(onewayLine(yield* producer.sendOneway(message)))
        }
        return
      }
      const batchSize = Option.getOrElse(flags.batch, () => 1)
      for (let sent = 0; sent < flags.count; sent += batchSize) {
        const size = Math.min(batchSize, flags.count - sent)
        const result = Option.isSome(flags.batch)
          ? yield* producer.sendBatch(Array.from({ length: size }, () => message))
          : yield* producer.send(message)
        for (const line of resultLines(result, size)) yield* print(line)
      }
    }).pipe(Effect.provide(Producer.layer({
      nameServers,
      producerGroup: flags.group,
      sendMsgTimeout: flags.timeout,
      nameServerTimeout: flags.timeout,
      ...security
    })))
  }, reportFailures)
).pipe(Command.withDescription("Send messages to a topic through the producer pipeline"))
