/**
 * The send pipeline, one typed effect: validate → route lookup → select a queue → encode → request
 * to the broker group's master → read the answer → result; retried on another broker by a declared
 * `Schedule`, all within one time budget that includes the route lookup (REMOTING.md §15.1).
 *
 * Each attempt but the last is capped at a share of what remains of the budget, so a hung broker
 * cannot eat the time of the retries (Java's problem until 5.3.3). A timed-out attempt closes its
 * connection, as Java's sync path does, so requests stuck on a dead connection fail at once.
 *
 * @since 0.1.0
 */
import { Clock, Effect, Metric, Result, Schedule, Schema } from "effect"
import type { MessageQueue } from "../route/MessageQueue.ts"
import type { RouteLookup } from "../route/RouteLookup.ts"
import type { TopicPublishInfo } from "../route/TopicPublishInfo.ts"
import type { RemotingClient } from "../transport/RemotingClient.ts"
import type { Message } from "./Message.ts"
import { validateMessage } from "./MessageValidation.ts"
import type { InvalidMessage } from "./MessageValidation.ts"
import { BrokerRejected, SendFailed } from "./ProducerError.ts"
import type { FailedAttempt, SendError } from "./ProducerError.ts"
import { messagesSent, sendFailures, sendLatency, sendRetries } from "./ProducerMetrics.ts"
import type { ResolvedProducerOptions } from "./ProducerOptions.ts"
import type { QueueSelector } from "./QueueSelector.ts"
import { prepareBatch, prepareMessage, readSendResponse, sendRequest } from "./SendRequest.ts"
import type { PreparedMessage, RequestContext } from "./SendRequest.ts"
import type { SendResult } from "./SendResult.ts"

/**
 * What the pipeline runs on.
 *
 * @since 0.1.0
 */
export interface SendPipelineContext {
  readonly client: RemotingClient["Service"]
  readonly lookup: RouteLookup["Service"]
  readonly selector: QueueSelector
  readonly options: ResolvedProducerOptions
  readonly nextUniqueId: () => string
}

/**
 * One attempt that failed; `retryable` says whether another broker may be tried.
 */
class AttemptFailed extends Schema.TaggedError<AttemptFailed>()("AttemptFailed", {
  attempt: Schema.Struct({ brokerName: Schema.String, address: Schema.String, error: Schema.String }),
  retryable: Schema.Boolean,
  /** The broker's answer, when it is the reason and no retry follows. */
  rejection: Schema.optionalKey(BrokerRejected)
}) {}

/** A stored message with a non-OK status, retried on another broker by request. */
class NotStoredOk extends Schema.TaggedError<NotStoredOk>()("NotStoredOk", {}) {}

/**
 * Builds the pipeline's operations.
 *
 * @since 0.1.0
 */
export const makeSendPipeline = (context: SendPipelineContext) => {
  const { client, lookup, options, selector } = context
  const attempts = options.retryTimesWhenSendFailed + 1
  const requestContext: RequestContext = {
    producerGroup: options.producerGroup,
    defaultTopic: options.route.defaultTopic ?? "TBW102",
    defaultTopicQueueNums: options.route.defaultTopicQueueNums ?? 4,
    serializeType: options.serializeType
  }

  const validate = (message: Message): Effect.Effect<Message, InvalidMessage> =>
    Effect.fromResult(validateMessage(message, { maxMessageSize: options.maxMessageSize }))

  const prepare = (message: Message) =>
    Effect.map(Clock.currentTimeMillis, (now) =>
      prepareMessage(message, {
        nextUniqueId: context.nextUniqueId,
        now,
        compressThreshold: options.compressMsgBodyOverHowmuch,
        compressLevel: options.compressLevel
      }))

  /** Retry on another broker: at most `retryTimesWhenSendFailed` times, and only for retryable failures. */
  const retryOnAnotherBroker = Schedule.recurs(options.retryTimesWhenSendFailed).pipe(
    Schedule.setInputType<AttemptFailed | NotStoredOk | SendError>(),
    Schedule.while(({ input }) => input._tag === "NotStoredOk" || (input._tag === "AttemptFailed" && input.retryable))
  )

  /** Sends a prepared message with retries; `queueFor` picks each attempt's queue. */
  const sendWithRetries = (
    prepared: PreparedMessage,
    retries: boolean,
    queueFor: (info: TopicPublishInfo, lastBrokerName: string | undefined, retry: boolean, now: number) => Effect.Effect<MessageQueue | undefined>
  ): Effect.Effect<SendResult, SendError> =>
    Effect.gen(function*() {
      const started = yield* Clock.currentTimeMillis
      const deadline = started + options.sendMsgTimeoutMillis
      const failures: Array<FailedAttempt> = []
      let attempt = 0
      let lastBrokerName: string | undefined
      let notStoredOk: SendResult | undefined

      const oneAttempt: Effect.Effect<SendResult, AttemptFailed | NotStoredOk | SendError> = Effect.gen(function*() {
        const info = yield* lookup.publishInfo(prepared.topic)
        const now = yield* Clock.currentTimeMillis
        const remaining = deadline - now
        const queue = yield* queueFor(info, lastBrokerName, attempt > 0, now)
        attempt++
        if (attempt > 1) yield* Metric.update(sendRetries, 1)
        if (queue === undefined) {
          return yield* new AttemptFailed({
            attempt: { brokerName: "-", address: "-", error: "the topic has no writable queue" },
            retryable: false
          })
        }
        lastBrokerName = queue.brokerName
        const address = yield* lookup.masterAddress(queue.brokerName)
        if (address === undefined) {
          yield* selector.record({ brokerName: queue.brokerName, latencyMs: 0, isolation: false, reachable: true, now })
          return yield* fail(queue.brokerName, "-", `the broker group ${queue.brokerName} has no master in the route`, true)
        }
        const attemptsLeft = retries ? attempts - attempt + 1 : 1
        const timeoutMillis = Math.max(1, Math.floor(
          attemptsLeft > 1 ? Math.min(remaining, options.attemptTimeoutMillis ?? remaining / attemptsLeft) : remaining
        ))
        const response = yield* client.invoke(address, sendRequest(prepared, queue, requestContext), {
          timeoutMillis,
          closeOnTimeout: true
        }).pipe(
          Effect.tapError(() =>
            Effect.flatMap(Clock.currentTimeMillis, (end) =>
              selector.record({ brokerName: queue.brokerName, latencyMs: end - now, isolation: true, reachable: true, now: end }))
          ),
          Effect.mapError((error) => attemptFailed(queue.brokerName, address, error.message, error.retryable))
        )
        const end = yield* Clock.currentTimeMillis
        const result = readSendResponse(response, prepared, queue)
        if (Result.isFailure(result)) {
          const { code, remark } = result.failure
          yield* selector.record({ brokerName: queue.brokerName, latencyMs: end - now, isolation: true, reachable: false, now: end })
          const retryable = retries && options.retryResponseCodes.has(code)
          const rejection = new BrokerRejected({ topic: prepared.topic, brokerName: queue.brokerName, address, code, remark })
          return yield* new AttemptFailed({
            attempt: { brokerName: queue.brokerName, address, error: rejection.message },
            retryable,
            ...(retryable ? {} : { rejection })
          })
        }
        yield* selector.record({ brokerName: queue.brokerName, latencyMs: end - now, isolation: false, reachable: true, now: end })
        if (result.success.status !== "SEND_OK" && options.retryAnotherBrokerWhenNotStoreOK && retries) {
          notStoredOk = result.success
          return yield* new NotStoredOk()
        }
        return result.success
      })

      const record = (error: AttemptFailed) => Effect.sync(() => failures.push(error.attempt))

      const elapsed = Effect.map(Clock.currentTimeMillis, (now) => now - started)
      return yield* oneAttempt.pipe(
        Effect.tapError((error) => (error._tag === "AttemptFailed" ? record(error) : Effect.void)),
        retries ? Effect.retry(retryOnAnotherBroker) : (self) => self,
        Effect.catchTags({
          NotStoredOk: () => Effect.succeed(notStoredOk),
          AttemptFailed: (error) =>
            notStoredOk !== undefined
              ? Effect.succeed(notStoredOk)
              : error.rejection !== undefined
              ? Effect.fail(error.rejection)
              : Effect.flatMap(elapsed, (elapsedMillis) =>
                Effect.fail(new SendFailed({ topic: prepared.topic, attempts: failures, elapsedMillis, timedOut: false })))
        }),
        Effect.flatMap((result) =>
          result === undefined
            ? Effect.flatMap(elapsed, (elapsedMillis) =>
              Effect.fail(new SendFailed({ topic: prepared.topic, attempts: failures, elapsedMillis, timedOut: false })))
            : Effect.succeed(result)
        ),
        Effect.timeoutOrElse({
          duration: options.sendMsgTimeoutMillis,
          orElse: () =>
            Effect.flatMap(elapsed, (elapsedMillis) =>
              Effect.fail(new SendFailed({ topic: prepared.topic, attempts: failures, elapsedMillis, timedOut: true })))
        })
      )
    })

  const roundRobin = (info: TopicPublishInfo, lastBrokerName: string | undefined, retry: boolean, now: number) =>
    selector.select(info, lastBrokerName, retry, now)

  const observed = <A>(name: string, topic: string, effect: Effect.Effect<A, SendError>) =>
    effect.pipe(
      Effect.tap(() => Metric.update(messagesSent, 1)),
      Effect.tapError(() => Metric.update(sendFailures, 1)),
      Effect.trackDuration(sendLatency),
      Effect.withSpan(name, { attributes: { topic } })
    )

  /** A sync send: the result once the broker stored the message. */
  const send = (message: Message): Effect.Effect<SendResult, SendError> =>
    observed(
      "Producer.send",
      message.topic,
      Effect.flatMap(Effect.flatMap(validate(message), prepare), (prepared) => sendWithRetries(prepared, true, roundRobin))
    )

  /** A batch: one request, one result. */
  const sendBatch = (messages: ReadonlyArray<Message>): Effect.Effect<SendResult, SendError> =>
    observed(
      "Producer.sendBatch",
      messages[0]?.topic ?? "",
      Effect.gen(function*() {
        const valid = yield* Effect.forEach(messages, validate)
        const now = yield* Clock.currentTimeMillis
        const prepared = yield* Effect.fromResult(prepareBatch(valid, {
          nextUniqueId: context.nextUniqueId,
          now,
          compressThreshold: options.compressMsgBodyOverHowmuch,
          compressLevel: options.compressLevel,
          maxMessageSize: options.maxMessageSize
        }))
        return yield* sendWithRetries(prepared, true, roundRobin)
      })
    )

  /** An ordered send: the queue a stable hash of the key picks, one attempt (no silent failover). */
  const sendOrderly = (message: Message, shardingKey: string): Effect.Effect<SendResult, SendError> =>
    observed(
      "Producer.sendOrderly",
      message.topic,
      Effect.flatMap(Effect.flatMap(validate(message), prepare), (prepared) =>
        sendWithRetries(prepared, false, (info) => Effect.succeed(selector.selectByKey(info, shardingKey))))
    )

  /** A oneway send: written once, no answer, no retry. */
  const sendOneway = (message: Message): Effect.Effect<void, SendError> =>
    Effect.gen(function*() {
      const prepared = yield* Effect.flatMap(validate(message), prepare)
      const started = yield* Clock.currentTimeMillis
      const info = yield* lookup.publishInfo(prepared.topic)
      const now = yield* Clock.currentTimeMillis
      const queue = yield* selector.select(info, undefined, false, now)
      const failure = (brokerName: string, address: string, error: string) =>
        new SendFailed({
          topic: prepared.topic,
          attempts: [{ brokerName, address, error }],
          elapsedMillis: now - started,
          timedOut: false
        })
      if (queue === undefined) return yield* failure("-", "-", "the topic has no writable queue")
      const address = yield* lookup.masterAddress(queue.brokerName)
      if (address === undefined) return yield* failure(queue.brokerName, "-", "the broker group has no master in the route")
      const remaining = Math.max(1, started + options.sendMsgTimeoutMillis - now)
      yield* client.invokeOneway(address, sendRequest(prepared, queue, requestContext, true), remaining).pipe(
        Effect.mapError((error) => failure(queue.brokerName, address, error.message))
      )
    }).pipe(Effect.withSpan("Producer.sendOneway", { attributes: { topic: message.topic } }))

  return { send, sendBatch, sendOrderly, sendOneway }
}

const attemptFailed = (brokerName: string, address: string, error: string, retryable: boolean) =>
  new AttemptFailed({ attempt: { brokerName, address, error }, retryable })

const fail = (brokerName: string, address: string, error: string, retryable: boolean) =>
  Effect.fail(attemptFailed(brokerName, address, error, retryable))

