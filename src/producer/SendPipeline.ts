/**
 * The send pipeline, one typed effect: validate → route lookup → select a queue → encode → request
 * to the broker group's master → read the answer → result; retried on another broker by a declared
 * `Schedule`, all within one time budget that includes the route lookup (REMOTING.md §15.1).
 *
 * Every step is bounded by what is left of the budget (a route lookup that misses the cache, and
 * each request, carry the remaining time as their deadline), so no caller waits past its budget.
 * Each attempt but the last is capped at a share of what remains, so a hung broker cannot eat the
 * time of the retries (Java's problem until 5.3.3). A timed-out attempt closes its connection, as
 * Java's sync path does, so requests stuck on a dead connection fail at once and go elsewhere.
 *
 * The first attempt runs without the retry machinery; only a failure enters the schedule.
 *
 * @since 0.1.0
 */
import { Clock, Duration, Effect, Exit, Metric, Result, Schedule, Schema } from "effect"
import type { RemotingCommand } from "../protocol/RemotingCommand.ts"
import type { MessageQueue } from "../route/MessageQueue.ts"
import type { RouteLookup } from "../route/RouteLookup.ts"
import type { TopicPublishInfo } from "../route/TopicPublishInfo.ts"
import { AccessDenied, accessDeniedOf } from "../transport/AccessDenied.ts"
import type { RemotingClient } from "../transport/RemotingClient.ts"
import type { Message } from "../protocol/message/Message.ts"
import { InvalidMessage, topicOfUnchecked, validateMessage, validateMessages } from "./MessageValidation.ts"
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

/** One attempt that failed; `retryable` says whether another broker may be tried. */
class AttemptFailed extends Schema.TaggedError<AttemptFailed>()("AttemptFailed", {
  attempt: Schema.Struct({ brokerName: Schema.String, address: Schema.String, error: Schema.String }),
  retryable: Schema.Boolean,
  /** The broker's answer, when it is the reason and no retry follows. */
  rejection: Schema.optionalKey(BrokerRejected),
  /** The broker's ACL denial: final, never retried. */
  denied: Schema.optionalKey(AccessDenied)
}) {}

/** A stored message with a non-OK status, retried on another broker on request. */
class NotStoredOk extends Schema.TaggedError<NotStoredOk>()("NotStoredOk", {}) {}

type AttemptError = AttemptFailed | NotStoredOk | SendError

/** How an attempt picks its queue: the round robin, or a sharding key's hash. */
type QueueChoice = (
  info: TopicPublishInfo,
  lastBrokerName: string | undefined,
  retry: boolean,
  now: number
) => Effect.Effect<MessageQueue | undefined>

/**
 * The retry policy of sync sends: up to `retryTimes` more attempts, each on another broker, only
 * after a retryable failure (a transport error, a retryable response code, or a non-OK store
 * status with `retryAnotherBrokerWhenNotStoreOK`).
 *
 * @since 0.1.0
 */
export const retryOnAnotherBroker = (retryTimes: number) =>
  Schedule.recurs(retryTimes).pipe(
    Schedule.setInputType<AttemptError>(),
    Schedule.while(({ input }) => input._tag === "NotStoredOk" || (input._tag === "AttemptFailed" && input.retryable))
  )

const isRetryable = (error: AttemptError): boolean =>
  error._tag === "NotStoredOk" || (error._tag === "AttemptFailed" && error.retryable)

/**
 * Builds the pipeline's operations.
 *
 * @since 0.1.0
 */
export const makeSendPipeline = (context: SendPipelineContext) => {
  const { client, lookup, options, selector } = context
  const attempts = options.retryTimesWhenSendFailed + 1
  const budget = options.sendMsgTimeoutMillis
  const afterFirstFailure = retryOnAnotherBroker(options.retryTimesWhenSendFailed - 1)
  const requestContext: RequestContext = {
    producerGroup: options.producerGroup,
    defaultTopic: options.route.defaultTopic ?? "TBW102",
    defaultTopicQueueNums: options.route.defaultTopicQueueNums ?? 4,
    serializeType: options.serializeType
  }

  /** Sends a prepared message with retries (when `retries`), within the budget from `started`. */
  const sendPrepared = (
    clock: Clock.Clock,
    prepared: PreparedMessage,
    started: number,
    retries: boolean,
    queueFor: QueueChoice
  ): Effect.Effect<SendResult, SendError> => {
    const deadline = started + budget
    const failures: Array<FailedAttempt> = []
    let attempt = 0
    let lastBrokerName: string | undefined
    let notStoredOk: SendResult | undefined

    const sendFailed = (timedOut: boolean) =>
      new SendFailed({
        topic: prepared.topic,
        attempts: failures,
        elapsedMillis: clock.currentTimeMillisUnsafe() - started,
        timedOut
      })

    const failed = (queue: MessageQueue | undefined, address: string, error: string, retryable: boolean) => {
      const failure = new AttemptFailed({
        attempt: { brokerName: queue?.brokerName ?? "-", address, error },
        retryable
      })
      failures.push(failure.attempt)
      return Effect.fail(failure)
    }

    const onResponse = (queue: MessageQueue, address: string, sentAt: number) =>
    (response: RemotingCommand): Effect.Effect<SendResult, AttemptError> => {
      const now = clock.currentTimeMillisUnsafe()
      const denied = accessDeniedOf(response, {
        operation: `send to topic "${prepared.topic}"`,
        address,
        accessKey: options.credentials?.accessKey
      })
      if (denied !== undefined) {
        failures.push({ brokerName: queue.brokerName, address, error: denied.message })
        return Effect.fail(new AttemptFailed({ attempt: { brokerName: queue.brokerName, address, error: denied.message }, retryable: false, denied }))
      }
      const result = readSendResponse(response, prepared, queue)
      if (Result.isFailure(result)) {
        const { code, remark } = result.failure
        const retryable = retries && options.retryResponseCodes.has(code)
        const rejection = new BrokerRejected({ topic: prepared.topic, brokerName: queue.brokerName, address, code, remark })
        failures.push({ brokerName: queue.brokerName, address, error: rejection.message })
        return Effect.andThen(
          selector.record({ brokerName: queue.brokerName, latencyMs: now - sentAt, isolation: true, reachable: false, now }),
          Effect.fail(new AttemptFailed({
            attempt: { brokerName: queue.brokerName, address, error: rejection.message },
            retryable,
            ...(retryable ? {} : { rejection })
          }))
        )
      }
      const recorded = selector.record({ brokerName: queue.brokerName, latencyMs: now - sentAt, isolation: false, reachable: true, now })
      if (result.success.status !== "SEND_OK" && options.retryAnotherBrokerWhenNotStoreOK && retries) {
        notStoredOk = result.success
        return Effect.andThen(recorded, Effect.fail(new NotStoredOk()))
      }
      return Effect.as(recorded, result.success)
    }

    const withQueue = (queue: MessageQueue | undefined, now: number): Effect.Effect<SendResult, AttemptError> => {
      attempt++
      if (queue === undefined) return failed(queue, "-", "the topic has no writable queue", false)
      lastBrokerName = queue.brokerName
      return Effect.flatMap(lookup.masterAddress(queue.brokerName), (address) => {
        if (address === undefined) {
          return Effect.andThen(
            selector.record({ brokerName: queue.brokerName, latencyMs: 0, isolation: false, reachable: true, now }),
            failed(queue, "-", `the broker group ${queue.brokerName} has no master in the route`, true)
          )
        }
        const remaining = deadline - now
        const attemptsLeft = retries ? attempts - attempt + 1 : 1
        const timeoutMillis = Math.max(1, Math.floor(
          attemptsLeft > 1 ? Math.min(remaining, options.attemptTimeoutMillis ?? remaining / attemptsLeft) : remaining
        ))
        return client.invoke(address, sendRequest(prepared, queue, requestContext), { timeoutMillis, closeOnTimeout: true }).pipe(
          Effect.matchEffect({
            onFailure: (error) => {
              const end = clock.currentTimeMillisUnsafe()
              return Effect.andThen(
                selector.record({ brokerName: queue.brokerName, latencyMs: end - now, isolation: true, reachable: true, now: end }),
                failed(queue, address, error.message, retries && error.retryable)
              )
            },
            onSuccess: onResponse(queue, address, now)
          })
        )
      })
    }

    const oneAttempt: Effect.Effect<SendResult, AttemptError> = Effect.suspend(() => {
      const remaining = deadline - clock.currentTimeMillisUnsafe()
      if (remaining <= 0) return Effect.fail(sendFailed(true))
      return Effect.flatMap(lookup.publishInfo(prepared.topic, { timeoutMillis: remaining }), (info) => {
        const now = clock.currentTimeMillisUnsafe()
        const retry = attempt > 0
        const selected = queueFor(info, lastBrokerName, retry, now)
        const chosen = Effect.flatMap(selected, (queue) => withQueue(queue, now))
        return retry ? Effect.andThen(Metric.update(sendRetries, 1), chosen) : chosen
      })
    })

    const finish = (error: AttemptError): Effect.Effect<SendResult, SendError> => {
      if (notStoredOk !== undefined) return Effect.succeed(notStoredOk)
      if (error._tag === "NotStoredOk") return Effect.fail(sendFailed(false))
      if (error._tag !== "AttemptFailed") return Effect.fail(error)
      if (error.denied !== undefined) return Effect.fail(error.denied)
      if (error.rejection !== undefined) return Effect.fail(error.rejection)
      return Effect.fail(sendFailed(clock.currentTimeMillisUnsafe() >= deadline))
    }

    return oneAttempt.pipe(
      Effect.catch((error) =>
        retries && isRetryable(error) && attempts > 1 ? Effect.retry(oneAttempt, afterFirstFailure) : Effect.fail(error)
      ),
      Effect.catch(finish)
    )
  }

  /** Metrics and a span around a public operation. */
  const observed = <A>(
    name: string,
    topic: string,
    run: (clock: Clock.Clock, started: number) => Effect.Effect<A, SendError>
  ): Effect.Effect<A, SendError> =>
    Effect.clockWith((clock) => {
      const started = clock.currentTimeMillisUnsafe()
      return run(clock, started).pipe(
        Effect.onExit((exit) =>
          Effect.andThen(
            Metric.update(Exit.isSuccess(exit) ? messagesSent : sendFailures, 1),
            Metric.update(sendLatency, Duration.millis(clock.currentTimeMillisUnsafe() - started))
          )),
        Effect.withSpan(name, { attributes: { topic } }, { captureStackTrace: false })
      )
    })

  const prepareOne = (message: Message, now: number) =>
    Result.map(validateMessage(message, { maxMessageSize: options.maxMessageSize }), (valid) =>
      prepareMessage(valid, {
        nextUniqueId: context.nextUniqueId,
        now,
        compressThreshold: options.compressMsgBodyOverHowmuch,
        compressLevel: options.compressLevel,
        namespace: options.namespace
      }))

  const roundRobin: QueueChoice = (info, lastBrokerName, retry, now) => selector.select(info, lastBrokerName, retry, now)

  /** A sync send: the result once the broker stored the message. */
  const send = (message: Message): Effect.Effect<SendResult, SendError> =>
    observed("Producer.send", topicOfUnchecked(message), (clock, started) => {
      const prepared = prepareOne(message, started)
      return Result.isFailure(prepared)
        ? Effect.fail(prepared.failure)
        : sendPrepared(clock, prepared.success, started, true, roundRobin)
    })

  /** A batch: one request, one result. */
  const sendBatch = (messages: ReadonlyArray<Message>): Effect.Effect<SendResult, SendError> =>
    observed("Producer.sendBatch", topicOfUnchecked(messages), (clock, started) => {
      const valid = validateMessages(messages, { maxMessageSize: options.maxMessageSize })
      if (Result.isFailure(valid)) return Effect.fail(valid.failure)
      const prepared = prepareBatch(valid.success, {
        nextUniqueId: context.nextUniqueId,
        now: started,
        compressThreshold: options.compressMsgBodyOverHowmuch,
        compressLevel: options.compressLevel,
        namespace: options.namespace,
        maxMessageSize: options.maxMessageSize
      })
      return Result.isFailure(prepared)
        ? Effect.fail(prepared.failure)
        : sendPrepared(clock, prepared.success, started, true, roundRobin)
    })

  /** An ordered send: the queue a stable hash of the key picks, one attempt (no silent failover). */
  const sendOrderly = (message: Message, shardingKey: string): Effect.Effect<SendResult, SendError> =>
    observed("Producer.sendOrderly", topicOfUnchecked(message), (clock, started) => {
      if (typeof shardingKey !== "string") {
        return Effect.fail(new InvalidMessage({ rule: "MessageMalformed", detail: "the sharding key must be a string" }))
      }
      const prepared = prepareOne(message, started)
      return Result.isFailure(prepared)
        ? Effect.fail(prepared.failure)
        : sendPrepared(clock, prepared.success, started, false, (info) => Effect.succeed(selector.selectByKey(info, shardingKey)))
    })

  /** A oneway send: written once, no answer, no retry. */
  const sendOneway = (message: Message): Effect.Effect<void, SendError> =>
    observed("Producer.sendOneway", topicOfUnchecked(message), (clock, started) => {
      const prepared = prepareOne(message, started)
      if (Result.isFailure(prepared)) return Effect.fail(prepared.failure)
      const topic = prepared.success.topic
      const failure = (brokerName: string, address: string, error: string) =>
        new SendFailed({
          topic,
          attempts: [{ brokerName, address, error }],
          elapsedMillis: clock.currentTimeMillisUnsafe() - started,
          timedOut: false
        })
      return Effect.gen(function*() {
        const info = yield* lookup.publishInfo(topic, { timeoutMillis: budget })
        const now = clock.currentTimeMillisUnsafe()
        const queue = yield* selector.select(info, undefined, false, now)
        if (queue === undefined) return yield* failure("-", "-", "the topic has no writable queue")
        const address = yield* lookup.masterAddress(queue.brokerName)
        if (address === undefined) return yield* failure(queue.brokerName, "-", "the broker group has no master in the route")
        yield* client.invokeOneway(address, sendRequest(prepared.success, queue, requestContext, true), Math.max(1, started + budget - now)).pipe(
          Effect.mapError((error) => failure(queue.brokerName, address, error.message))
        )
      })
    })

  return { send, sendBatch, sendOrderly, sendOneway }
}
