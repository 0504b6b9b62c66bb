/**
 * `effect-rocketmq send <topic>`: sends messages through the whole producer pipeline and prints
 * each result.
 *
 * @since 0.1.0
 */
import { Console, Deferred, Effect, Option, Schema } from "effect"
import { Argument, Command, Flag } from "effect/cli"
import { encodeUtf8 } from "../protocol/Utf8.ts"
import { makeMessage } from "../protocol/message/Message.ts"
import type { Message } from "../protocol/message/Message.ts"
import { Producer } from "../producer/Producer.ts"
import type { ProducerOptions } from "../producer/ProducerOptions.ts"
import type { OnewaySent, SendResult } from "../producer/SendResult.ts"
import { TransactionProducer } from "../producer/TransactionProducer.ts"
import type { LocalTransactionState } from "../producer/TransactionProducer.ts"
import type { MessageQueue } from "../route/MessageQueue.ts"
import { reportFailures } from "./CliFailure.ts"
import { describedWithDefault, intAtLeast, producerOptionsOf } from "./CliFlags.ts"
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
 * `send --transaction unknown-then-*` got no check-back in time.
 *
 * @since 0.1.0
 */
export class CheckBackTimedOut extends Schema.TaggedError<CheckBackTimedOut>()("CheckBackTimedOut", {
  seconds: Schema.Number,
  waiting: Schema.Number
}) {
  override get message(): string {
    return `no check-back from the broker within ${this.seconds} s (${this.waiting} transaction(s)); ` +
      "the messages stay half until the broker checks them"
  }
}

/**
 * The values of `send --transaction`.
 *
 * @since 0.1.0
 */
export const transactionModes = ["commit", "rollback", "unknown-then-commit", "unknown-then-rollback"] as const

/**
 * One of `transactionModes`.
 *
 * @since 0.1.0
 */
export type TransactionMode = typeof transactionModes[number]

/**
 * One line of `send --transaction … --json`: the fields of `send` plus the transaction id and what
 * the local transaction answered (UNKNOWN for the `unknown-then-*` modes; the check-back's
 * decision is reported on stderr).
 *
 * @since 0.1.0
 */
export interface TransactionSendJson extends SendJson {
  readonly transactionId: string
  readonly localState: LocalTransactionState
}

/** Sends `count` transactional messages; for `unknown-then-*`, waits for their check-backs. */
const sendTransactions = (options: {
  readonly mode: TransactionMode
  readonly message: Message
  readonly count: number
  readonly checkTimeoutSeconds: number
  readonly json: boolean
  readonly options: ProducerOptions
}) =>
  Effect.gen(function*() {
    const { mode } = options
    const local: LocalTransactionState = mode === "commit" ? "COMMIT" : mode === "rollback" ? "ROLLBACK" : "UNKNOWN"
    const decision: LocalTransactionState = mode === "unknown-then-rollback" ? "ROLLBACK" : "COMMIT"
    /** The message ids sent by this run whose check-back is awaited. */
    const awaited = new Map<string, Deferred.Deferred<void>>()
    const layer = TransactionProducer.layer({
      ...options.options,
      check: (transaction) => Effect.succeed(awaited.has(transaction.msgId) ? decision : "UNKNOWN"),
      onCheckAnswered: (answer) => {
        const done = awaited.get(answer.msgId)
        if (done === undefined) return Effect.void
        return Effect.andThen(
          Console.error(`checked back by ${answer.brokerAddress}: ${answer.msgId} ${answer.state}`),
          Deferred.succeed(done, undefined)
        )
      }
    })
    yield* Effect.gen(function*() {
      const producer = yield* TransactionProducer
      for (let i = 0; i < options.count; i++) {
        const result = yield* producer.sendInTransaction(options.message, (half) =>
          Effect.sync(() => {
            if (local === "UNKNOWN") awaited.set(half.sendResult.msgId, Deferred.makeUnsafe<void>())
            return local
          }))
        const [line] = resultLines(result, 1)
        if (line === undefined) continue
        const full: TransactionSendJson = { ...line, transactionId: result.transactionId, localState: result.localState }
        yield* Console.log(
          options.json ? JSON.stringify(full) : `${formatLine(line)}  transactionId ${full.transactionId}  local ${full.localState}`
        )
      }
      if (awaited.size === 0) return
      if (!options.json) yield* Console.error(`waiting up to ${options.checkTimeoutSeconds} s for the broker's check-back…`)
      yield* Effect.forEach(awaited.values(), Deferred.await, { discard: true }).pipe(
        Effect.timeoutOrElse({
          duration: options.checkTimeoutSeconds * 1000,
          orElse: () =>
            Effect.fail(new CheckBackTimedOut({ seconds: options.checkTimeoutSeconds, waiting: awaited.size }))
        })
      )
    }).pipe(Effect.provide(layer))
  })

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
    transaction: Flag.Literals("transaction", transactionModes).pipe(
      Flag.withDescription(
        "Send as transactional messages: the local transaction commits, rolls back, or answers UNKNOWN and the " +
          "broker's check-back decides"
      ),
      Flag.optional
    ),
    checkTimeout: intAtLeast("check-timeout", 1).pipe(
      describedWithDefault("With --transaction unknown-then-*: seconds to wait for the broker's check-back", 90)
    ),
    queue: intAtLeast("queue", 0).pipe(Flag.withDescription("Send to this queue id only"), Flag.optional),
    broker: Flag.String("broker").pipe(Flag.withDescription("Send to this broker group only"), Flag.optional),
    json: jsonFlag,
    ...securityFlags
  },
  Effect.fnUntraced(function*(flags) {
    const invalid = (detail: string) => Effect.fail(new InvalidSendFlags({ detail }))
    if (Option.isSome(flags.body) && Option.isSome(flags.size)) return yield* invalid("give --body or --size, not both")
    if (Option.isSome(flags.batch) && flags.oneway) return yield* invalid("--batch and --oneway cannot be combined")
    const chosenQueue = Option.isSome(flags.queue) || Option.isSome(flags.broker)
    if (Option.isSome(flags.transaction) && (flags.oneway || Option.isSome(flags.batch) || chosenQueue)) {
      return yield* invalid("--transaction cannot be combined with --oneway, --batch, --queue or --broker")
    }
    if (chosenQueue && (flags.oneway || Option.isSome(flags.batch))) {
      return yield* invalid("--queue and --broker cannot be combined with --oneway or --batch")
    }
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

    if (Option.isSome(flags.transaction)) {
      return yield* sendTransactions({
        mode: flags.transaction.value,
        message,
        count: flags.count,
        checkTimeoutSeconds: flags.checkTimeout,
        json: flags.json,
        options: producerOptionsOf(nameServers, flags, security)
      })
    }

    const onlyQueue = flags.queue
    const onlyBroker = flags.broker
    /** The queues --queue / --broker allow, in route order; round robin over them. */
    let next = 0
    const pickQueue = (queues: ReadonlyArray<MessageQueue>) => {
      const allowed = queues.filter((queue) =>
        (Option.isNone(onlyQueue) || queue.queueId === onlyQueue.value) &&
        (Option.isNone(onlyBroker) || queue.brokerName === onlyBroker.value)
      )
      return allowed.length === 0 ? undefined : allowed[next++ % allowed.length]
    }

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
          : Option.isSome(onlyQueue) && Option.isSome(onlyBroker)
          ? yield* producer.sendToQueue(message, { topic: flags.topic, brokerName: onlyBroker.value, queueId: onlyQueue.value })
          : chosenQueue
          ? yield* producer.sendWithSelector(message, pickQueue)
          : yield* producer.send(message)
        for (const line of resultLines(result, size)) yield* print(line)
      }
    }).pipe(Effect.provide(Producer.layer(producerOptionsOf(nameServers, flags, security))))
  }, reportFailures)
).pipe(Command.withDescription("Send messages to a topic through the producer pipeline"))
