/**
 * The send pipeline, as named steps (each a span when `stepSpans` is on; see below):
 *
 * - `SendPipeline.prepare`: validate the message (or batch) and prepare it once for every attempt;
 * - `SendPipeline.attempt`: read the topic's publish info (the cache, or the NameServer within what
 *   is left of the budget), select a queue, take its broker group's master from the same publish
 *   info, cap the attempt, and record its outcome once in the queue selector;
 * - `SendPipeline.request`: the request to the broker until the attempt's absolute deadline, and
 *   the reading of its answer.
 *
 * Attempts follow each other in a recursion that carries their state (the attempt number, the
 * broker of the last failure, the failures so far, a stored-but-not-OK result), within one time
 * budget that starts when the send starts and includes the route lookup (REMOTING.md §15.1). A
 * retryable failure goes on to another broker while attempts and time are left.
 *
 * Each attempt that may be followed by a retry is capped so that what remains still covers a retry
 * on a healthy broker for each retry left (`AttemptBudget`), so a hung broker cannot eat the time of
 * the retries, and a slow broker that answers within the budget is not sent the message twice. A
 * timed-out attempt closes its connection, as Java's sync path does, so requests stuck on a dead
 * connection fail at once and go elsewhere.
 *
 * Every public operation is a span (`Producer.send`, …) when a tracer is installed (Effect's
 * built-in `nativeTracer` exports nothing: no span is made for it). The steps are spans of their
 * own only with the producer option `stepSpans`: a span costs several microseconds, and three more
 * per send cost up to a sixth of the CPU at 64 sends in flight (`npm run bench` measures both).
 *
 * @since 0.1.0
 */
import { Cause, Clock, Context, Effect, Exit, Metric, Result, Schema, Tracer } from "effect"
import { formatMessageQueue, MessageQueue } from "../route/MessageQueue.ts"
import type { RouteLookup } from "../route/RouteLookup.ts"
import type { TopicPublishInfo } from "../route/TopicPublishInfo.ts"
import { accessDeniedOf } from "../transport/AccessDenied.ts"
import type { RemotingClient } from "../transport/RemotingClient.ts"
import type { RemotingError } from "../transport/RemotingError.ts"
import type { RemotingCommand } from "../protocol/RemotingCommand.ts"
import type { Message } from "../protocol/message/Message.ts"
import { ResponseCode } from "../protocol/ResponseCode.ts"
import { attemptCap, defaultAttemptBudgetOptions, retryReserve } from "./AttemptBudget.ts"
import { InvalidMessage, topicOfUnchecked, validateMessage, validateMessages, validateTopic } from "./MessageValidation.ts"
import { BrokerRejected, NoMasterAddress, NoWritableQueue, ProducerClosed, ProducerError, QueueNotSelected, SendFailed } from "./ProducerError.ts"
import type { FailedAttempt } from "./ProducerError.ts"
import { messagesSentSeries, sendFailuresSeries, sendLatencyMillisSeries, sendRetriesSeries } from "./ProducerMetrics.ts"
import type { ResolvedProducerOptions } from "./ProducerOptions.ts"
import type { QueueSelector } from "./QueueSelector.ts"
import { prepareBatch, prepareMessage, readSendResponse, sendRequest } from "./SendRequest.ts"
import type { PreparedMessage, PrepareOptions, RequestContext } from "./SendRequest.ts"
import type { OnewaySent, SendResult } from "./SendResult.ts"

/**
 * What the pipeline runs on.
 *
 * @since 0.1.0
 * @category models
 */
export interface SendPipelineContext {
  readonly client: RemotingClient["Service"]
  readonly lookup: RouteLookup["Service"]
  readonly selector: QueueSelector
  readonly options: ResolvedProducerOptions
  /** A fresh unique message id, for a message born at `now` (epoch ms). */
  readonly nextUniqueId: (now: number) => string
  /** `true` once the producer's scope closed. */
  readonly isClosed: () => boolean
}

/**
 * How an attempt picks its queue: the round robin, a sharding key's hash, a given queue or a
 * user's selector (which may say why it picked none).
 */
type QueueChoice = (
  info: TopicPublishInfo,
  lastBrokerName: string | undefined,
  retry: boolean,
  now: number
) => MessageQueue | QueueNotSelected | undefined

/** A send under way: what every attempt reads, fixed when the send starts. */
interface SendJob {
  /** The public operation it is (kept by reference, not copied: a send in flight holds little). */
  readonly call: Call
  readonly prepared: PreparedMessage
  /** The end of the budget, epoch ms on the `Clock`. */
  readonly deadline: number
  /** 1 for ordered sends, `retryTimesWhenSendFailed + 1` otherwise. */
  readonly maxAttempts: number
  readonly queueFor: QueueChoice
}

/** The series of one topic's send metrics. */
interface TopicMetrics {
  /** The options of the operation's span, made once per topic. */
  readonly spanOptions: Tracer.SpanOptions & { readonly attributes: { readonly topic: string } }
  readonly sent: (brokerName: string) => Metric.Metric<number, unknown>
  readonly failures: Metric.Metric<number, unknown>
  readonly retries: Metric.Metric<number, unknown>
  /** In milliseconds. */
  readonly latency: Metric.Metric<number, unknown>
}

/** A public operation under way: when it started, and the caller's clock, context and metrics. */
interface Call {
  readonly started: number
  /** The caller's clock (a `TestClock` in tests), read once per step instead of looked up each time. */
  readonly clock: Clock.Clock
  /** The caller's context, where the operation's metrics are recorded. */
  readonly context: Context.Context<never>
  readonly metrics: TopicMetrics
}

/** What the recursion carries from one attempt to the next. */
interface AttemptState {
  /** The attempt about to run, from 1. */
  readonly number: number
  readonly lastBrokerName: string | undefined
  readonly failures: ReadonlyArray<FailedAttempt>
  /** A result stored with a non-OK status, kept while another broker is tried. */
  readonly notStoredOk: SendResult | undefined
}

/** How one attempt ended. */
type Outcome =
  | { readonly _tag: "Stored"; readonly result: SendResult }
  | { readonly _tag: "NotStoredOk"; readonly result: SendResult; readonly brokerName: string }
  | {
    readonly _tag: "Failed"
    readonly failure: FailedAttempt
    /** Another broker may be tried. */
    readonly retryable: boolean
  }

/**
 * What follows an attempt, from its outcome: the next attempt or the send's result, or (for an
 * attempt that is a span of its own) the outcome itself.
 */
type AfterAttempt<A> = (job: SendJob, state: AttemptState, outcome: Outcome) => Effect.Effect<A, ProducerError>

const firstAttempt: AttemptState = { number: 1, lastBrokerName: undefined, failures: [], notStoredOk: undefined }

/**
 * Builds the pipeline's operations.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeSendPipeline = (context: SendPipelineContext) => {
  const { client, lookup, options, selector } = context
  const budget = options.sendMsgTimeoutMillis
  const maxAttempts = options.retryTimesWhenSendFailed + 1
  const requestContext: RequestContext = {
    producerGroup: options.producerGroup,
    defaultTopic: options.route.defaultTopic ?? "TBW102",
    defaultTopicQueueNums: options.route.defaultTopicQueueNums ?? 4,
    serializeType: options.serializeType
  }
  const prepareOptions: PrepareOptions = {
    nextUniqueId: context.nextUniqueId,
    compressThreshold: options.compressMsgBodyOverHowmuch,
    compressLevel: options.compressLevel,
    namespace: options.namespace
  }
  const batchOptions = { ...prepareOptions, maxMessageSize: options.maxMessageSize }

  const closed = () => new ProducerError({ reason: new ProducerClosed() })

  /** A step's effect as a span of its own (with `stepSpans`), built when it runs. */
  const spanned = <A, E>(name: string, build: () => Effect.Effect<A, E>): Effect.Effect<A, E> =>
    Effect.withSpan(Effect.suspend(build), name, { captureStackTrace: false })

  /**
   * Step `SendPipeline.prepare` (or `SendPipeline.prepareBatch`), then `then` on its result. The
   * preparation is synchronous: without step spans it is run in place, not as an effect of its own.
   */
  const prepared = <A>(
    name: string,
    prepare: () => Result.Result<PreparedMessage, ProducerError>,
    then: (prepared: PreparedMessage) => Effect.Effect<A, ProducerError>
  ): Effect.Effect<A, ProducerError> => {
    if (options.stepSpans) {
      return Effect.flatMap(Effect.withSpan(Effect.suspend(() => Effect.fromResult(prepare())), name, { captureStackTrace: false }), then)
    }
    const result = prepare()
    return Result.isFailure(result) ? Effect.fail(result.failure) : then(result.success)
  }

  /**
   * Validates and prepares a message once for every attempt; `systemProperties` are those the
   * client adds itself (a transaction's half message, a request of request-reply).
   */
  const prepareOne = (
    message: Message,
    now: number,
    systemProperties?: Readonly<Record<string, string>>
  ) =>
  (): Result.Result<PreparedMessage, ProducerError> => {
    const valid = validateMessage(message, { maxMessageSize: options.maxMessageSize })
    return Result.isFailure(valid)
      ? Result.fail(new ProducerError({ reason: valid.failure }))
      : Result.succeed(prepareMessage(valid.success, prepareOptions, now, systemProperties))
  }

  /** Validates and prepares a batch as one request. */
  const prepareMany = (messages: ReadonlyArray<Message>, now: number) => (): Result.Result<PreparedMessage, ProducerError> => {
    const valid = validateMessages(messages, { maxMessageSize: options.maxMessageSize })
    if (Result.isFailure(valid)) return Result.fail(new ProducerError({ reason: valid.failure }))
    return Result.mapError(
      prepareBatch(valid.success, batchOptions, now),
      (reason) => new ProducerError({ reason })
    )
  }

  /**
   * Records an attempt's outcome in the selector, once, with the latency since `sentAt`. A function
   * of the pipeline, not a closure of each request: what is in flight survives young collections.
   */
  const settle = (
    job: SendJob,
    brokerName: string,
    sentAt: number,
    outcome: Outcome,
    isolation: boolean,
    reachable: boolean,
    answered: boolean
  ): Outcome => {
    const now = job.call.clock.currentTimeMillisUnsafe()
    selector.record({ brokerName, latencyMs: now - sentAt, isolation, reachable, now, answered })
    return outcome
  }

  /** How a request that failed ends its attempt: recorded in the selector, retryable if the failure is. */
  const requestFailed = (job: SendJob, brokerName: string, address: string, sentAt: number, error: RemotingError): Outcome =>
    settle(job, brokerName, sentAt, {
      _tag: "Failed",
      failure: { brokerName, address, reason: error.reason },
      retryable: job.maxAttempts > 1 && error.isRetryable
    }, true, true, false)

  /** How the broker's answer ends an attempt: stored, stored but not OK, or refused (recorded in the selector). */
  const answered = (job: SendJob, queue: MessageQueue, address: string, sentAt: number, response: RemotingCommand): Outcome => {
    const brokerName = queue.brokerName
    // An ACL denial is final: the same credentials get the same answer from every broker.
    const denied = response.code === ResponseCode.SUCCESS ? undefined : accessDeniedOf(response, {
      operation: `send to topic "${job.prepared.topic}"`,
      address,
      accessKey: options.credentials?.accessKey
    })
    if (denied !== undefined) {
      return settle(job, brokerName, sentAt, { _tag: "Failed", failure: { brokerName, address, reason: denied }, retryable: false }, false, true, false)
    }
    const answer = readSendResponse(response, job.prepared, queue)
    if (Result.isFailure(answer)) {
      const { code, remark } = answer.failure
      const rejection = new BrokerRejected({ topic: job.prepared.topic, brokerName, address, code, remark })
      return settle(job, brokerName, sentAt, {
        _tag: "Failed",
        failure: { brokerName, address, reason: rejection },
        retryable: job.maxAttempts > 1 && options.retryResponseCodes.has(code)
      }, true, false, false)
    }
    const result = answer.success
    return settle(
      job,
      brokerName,
      sentAt,
      result.status !== "SEND_OK" && options.retryAnotherBrokerWhenNotStoreOK && job.maxAttempts > 1
        ? { _tag: "NotStoredOk", result, brokerName }
        : { _tag: "Stored", result },
      false,
      true,
      true
    )
  }

  /**
   * Step `SendPipeline.request`: the request to the broker, until the attempt's absolute `until`;
   * its answer is read into the attempt's outcome (recorded in the selector here, once), and `then`
   * goes on from it in the same continuation.
   */
  const request = <A>(
    job: SendJob,
    state: AttemptState,
    queue: MessageQueue,
    address: string,
    sentAt: number,
    until: number,
    then: AfterAttempt<A>
  ): Effect.Effect<A, ProducerError> => {
    // The handlers go straight into the continuation (`matchCauseEffect` wraps neither), and the
    // request is built as the continuation runs it: while the request waits, the continuation
    // holds this step's own state only, not the request's (an Effect combinator keeps the effect
    // it wraps until it completes).
    const run = () =>
      Effect.matchCauseEffect(
        Effect.suspend(() =>
          client.invoke(address, sendRequest(job.prepared, queue, requestContext), {
            deadline: until,
            timeoutMillis: until - sentAt,
            closeOnTimeout: true
          })
        ),
        {
          onFailure: (cause) => {
            // A defect or an interruption goes on as it is (as `Effect.matchEffect` lets it through).
            const defect = Cause.findDefect(cause)
            if (Result.isSuccess(defect)) return Effect.die(defect.success)
            const error = Cause.findError(cause)
            return Result.isFailure(error)
              ? Effect.failCause(error.failure)
              : then(job, state, requestFailed(job, queue.brokerName, address, sentAt, error.success))
          },
          onSuccess: (response) => then(job, state, answered(job, queue, address, sentAt, response))
        }
      )
    return options.stepSpans ? spanned("SendPipeline.request", run) : run()
  }

  /** An attempt that got no further than its route: nothing was sent. */
  const unsent = (job: SendJob, queue: MessageQueue | QueueNotSelected | undefined, now: number): Outcome => {
    const topic = job.prepared.topic
    if (queue === undefined || queue instanceof QueueNotSelected) {
      return {
        _tag: "Failed",
        failure: { brokerName: "-", address: "-", reason: queue ?? new NoWritableQueue({ topic }) },
        retryable: false
      }
    }
    const brokerName = queue.brokerName
    selector.record({ brokerName, latencyMs: 0, isolation: false, reachable: true, now, answered: false })
    return {
      _tag: "Failed",
      failure: { brokerName, address: "-", reason: new NoMasterAddress({ topic, brokerName }) },
      retryable: job.maxAttempts > 1
    }
  }

  /**
   * Step `SendPipeline.attempt`: one attempt. Reads the publish info once (queue and master address
   * come from the same value), caps the attempt, and sends; `then` goes on from its outcome.
   */
  const attempt = <A>(job: SendJob, state: AttemptState, then: AfterAttempt<A>): Effect.Effect<A, ProducerError> => {
    const retry = state.number > 1
    const attemptsLeft = job.maxAttempts - state.number + 1
    /** `startedAt`: when the attempt starts, or `undefined` to read the clock. */
    const sendOn = (info: TopicPublishInfo, startedAt: number | undefined): Effect.Effect<A, ProducerError> => {
      const now = startedAt ?? job.call.clock.currentTimeMillisUnsafe()
      const queue = job.queueFor(info, state.lastBrokerName, retry, now)
      const address = queue === undefined || queue instanceof QueueNotSelected ? undefined : info.masters.get(queue.brokerName)
      if (queue === undefined || queue instanceof QueueNotSelected || address === undefined) {
        return then(job, state, unsent(job, queue, now))
      }
      const reserve = attemptsLeft > 1 && options.attemptTimeoutMillis === undefined
        ? retryReserve(selector.healthyLatency(info.masters.keys(), queue.brokerName), defaultAttemptBudgetOptions)
        : 0
      const until = now + attemptCap({
        remaining: job.deadline - now,
        attemptsLeft,
        reserve,
        attemptTimeoutMillis: options.attemptTimeoutMillis
      })
      return request(job, state, queue, address, now, until, then)
    }
    // A cached route is read in place; a miss is a lookup of its own. The first attempt on a
    // cached route starts when the send did (nothing between them waits): the clock is not read again.
    const cached = lookup.cachedPublishInfo(job.prepared.topic, job.call.context)
    const run = cached !== undefined ? sendOn(cached, retry ? undefined : job.call.started) : Effect.flatMap(
      Effect.mapError(lookup.publishInfo(job.prepared.topic, { deadline: job.deadline }), ({ reason }) => new ProducerError({ reason })),
      (info) => sendOn(info, undefined)
    )
    return retry ? Effect.andThen(Effect.sync(() => job.call.metrics.retries.updateUnsafe(1, job.call.context)), run) : run
  }

  /**
   * The failure a send ends with: the broker's answer when a broker rejected it for good, else
   * every attempt's failure.
   */
  const failure = (job: SendJob, state: AttemptState, now: number, final: FailedAttempt | undefined): ProducerError => {
    if (context.isClosed()) return closed()
    if (final !== undefined && (final.reason._tag === "BrokerRejected" || final.reason._tag === "AccessDenied")) {
      return new ProducerError({ reason: final.reason })
    }
    return new ProducerError({
      reason: new SendFailed({
        topic: job.prepared.topic,
        attempts: state.failures,
        elapsedMillis: now - job.call.started,
        timedOut: now >= job.deadline
      })
    })
  }

  /** Attempts one after the other, the state carried in the recursion; a retry only while time is left. */
  const attempts = (job: SendJob, state: AttemptState): Effect.Effect<SendResult, ProducerError> => {
    if (state.number === 1) return attemptAndGoOn(job, state)
    const start = job.call.clock.currentTimeMillisUnsafe()
    if (start < job.deadline) return attemptAndGoOn(job, state)
    return state.notStoredOk !== undefined
      ? Effect.succeed(state.notStoredOk)
      : Effect.fail(failure(job, state, start, undefined))
  }

  /**
   * One attempt and what follows it. Without step spans the attempt's last step goes on to the
   * next attempt (or the result) in its own continuation, with no continuation of its own: what
   * is in flight survives young collections, so every object it keeps counts. With step spans the
   * attempt's span ends with its outcome, and the next attempt is a span of its own beside it.
   */
  const attemptAndGoOn = (job: SendJob, state: AttemptState): Effect.Effect<SendResult, ProducerError> =>
    options.stepSpans
      ? Effect.flatMap(spanned("SendPipeline.attempt", () => attempt(job, state, outcomeOnly)), (outcome) => afterAttempt(job, state, outcome))
      : attempt(job, state, afterAttempt)

  /** What follows an attempt's outcome: the send's result, its failure, or the next attempt. */
  const afterAttempt = (job: SendJob, state: AttemptState, outcome: Outcome): Effect.Effect<SendResult, ProducerError> => {
    switch (outcome._tag) {
      case "Stored":
        return Effect.succeed(outcome.result)
      case "NotStoredOk":
        return state.number < job.maxAttempts
          ? attempts(job, { ...state, number: state.number + 1, lastBrokerName: outcome.brokerName, notStoredOk: outcome.result })
          : Effect.succeed(outcome.result)
      case "Failed": {
        const next: AttemptState = {
          number: state.number + 1,
          lastBrokerName: outcome.failure.brokerName === "-" ? state.lastBrokerName : outcome.failure.brokerName,
          failures: [...state.failures, outcome.failure],
          notStoredOk: state.notStoredOk
        }
        if (outcome.retryable && state.number < job.maxAttempts && !context.isClosed()) return attempts(job, next)
        if (next.notStoredOk !== undefined) return Effect.succeed(next.notStoredOk)
        const final = outcome.retryable ? undefined : outcome.failure
        return Effect.fail(failure(job, next, job.call.clock.currentTimeMillisUnsafe(), final))
      }
    }
  }

  /** The outcome itself, for an attempt that is a span of its own. */
  const outcomeOnly: AfterAttempt<Outcome> = (_job, _state, outcome) => Effect.succeed(outcome)

  /**
   * The send metrics of one topic, with the producer group and the topic as attributes (bounded as
   * long as the application's topics are; RocketMQ topics are created by operators, not per
   * request). Built once per topic, each series a metric of its own (see `ProducerMetrics`); a topic
   * name that is not valid counts as `(invalid)` and is not kept, so bad input can grow neither the
   * series nor this table.
   */
  const invalidTopic = "(invalid)"
  const metricsByTopic = new Map<string, TopicMetrics>()
  const topicMetricsOf = (topic: string): TopicMetrics => {
    const attributes = { producer_group: options.producerGroup, topic }
    const sentByBroker = new Map<string, ReturnType<typeof messagesSentSeries>>()
    return {
      spanOptions: { attributes: { topic }, captureStackTrace: false },
      sent: (brokerName: string) => {
        let counter = sentByBroker.get(brokerName)
        if (counter === undefined) {
          counter = messagesSentSeries({ ...attributes, broker: brokerName })
          sentByBroker.set(brokerName, counter)
        }
        return counter
      },
      failures: sendFailuresSeries(attributes),
      retries: sendRetriesSeries(attributes),
      latency: sendLatencyMillisSeries(attributes)
    }
  }
  const topicMetrics = (topic: string): TopicMetrics => {
    const known = metricsByTopic.get(topic)
    if (known !== undefined) return known
    const key = Result.isSuccess(validateTopic(topic)) ? topic : invalidTopic
    const made = metricsByTopic.get(key) ?? topicMetricsOf(key)
    metricsByTopic.set(key, made)
    return made
  }

  /**
   * Metrics and a span around a public operation; a closed producer fails at once. The caller's
   * clock and context are read once here, for every step of the operation. The span is made only
   * when a tracer is installed: Effect's built-in `nativeTracer` exports nothing, so its spans are
   * unobservable (Effect's HTTP server skips its request spans on the same test), and one costs
   * about 2.7 KB and a few per cent of a send's CPU.
   */
  const observed = <A extends { readonly messageQueue: { readonly brokerName: string } }>(
    name: string,
    topic: string,
    run: (call: Call) => Effect.Effect<A, ProducerError>
  ): Effect.Effect<A, ProducerError> =>
    Effect.withFiber((fiber) => {
      if (context.isClosed()) return Effect.fail(closed())
      const clock = fiber.getRef(Clock.Clock)
      const call: Call = { started: clock.currentTimeMillisUnsafe(), clock, context: fiber.context, metrics: topicMetrics(topic) }
      // The metrics are recorded in place: no finalizer effect to run, so none is made.
      const operation = Effect.onExitPrimitive(run(call), (exit) => {
        const { clock, metrics, context: services, started } = call
        if (Exit.isSuccess(exit)) metrics.sent(exit.value.messageQueue.brokerName).updateUnsafe(1, services)
        else metrics.failures.updateUnsafe(1, services)
        metrics.latency.updateUnsafe(clock.currentTimeMillisUnsafe() - started, services)
        return undefined
      }, true)
      if (fiber.getRef(Tracer.Tracer) === Tracer.nativeTracer) return operation
      // (an invalid topic shares the "(invalid)" series; its span still names it)
      const spanOptions = call.metrics.spanOptions.attributes.topic === topic
        ? call.metrics.spanOptions
        : { attributes: { topic }, captureStackTrace: false }
      return Effect.withSpan(operation, name, spanOptions)
    })

  const job = (prepared: PreparedMessage, call: Call, attemptsAllowed: number, queueFor: QueueChoice): SendJob => ({
    call,
    prepared,
    deadline: call.started + budget,
    maxAttempts: attemptsAllowed,
    queueFor
  })

  const roundRobin: QueueChoice = (info, lastBrokerName, retry, now) => selector.select(info, lastBrokerName, retry, now)

  /**
   * A sync send: the result once the broker stored the message. `systemProperties` are what the
   * client itself adds (a transaction's half message, a request of request-reply).
   */
  const send = (message: Message, systemProperties?: Readonly<Record<string, string>>): Effect.Effect<SendResult, ProducerError> =>
    observed("Producer.send", topicOfUnchecked(message), (call) =>
      prepared("SendPipeline.prepare", prepareOne(message, call.started, systemProperties), (ready) =>
        attempts(job(ready, call, maxAttempts, roundRobin), firstAttempt)))

  /** A batch: one request, one result. */
  const sendBatch = (messages: ReadonlyArray<Message>): Effect.Effect<SendResult, ProducerError> =>
    observed("Producer.sendBatch", topicOfUnchecked(messages), (call) =>
      prepared("SendPipeline.prepareBatch", prepareMany(messages, call.started), (ready) =>
        attempts(job(ready, call, maxAttempts, roundRobin), firstAttempt)))

  /** An ordered send: the queue a stable hash of the key picks, one attempt (no silent failover). */
  const sendOrderly = (message: Message, shardingKey: string): Effect.Effect<SendResult, ProducerError> =>
    observed("Producer.sendOrderly", topicOfUnchecked(message), (call) =>
      typeof shardingKey !== "string"
        ? Effect.fail(new ProducerError({
          reason: new InvalidMessage({ rule: "MessageMalformed", detail: "the sharding key must be a string" })
        }))
        : prepared("SendPipeline.prepare", prepareOne(message, call.started), (ready) =>
          attempts(job(ready, call, 1, (info) => selector.selectByKey(info, shardingKey)), firstAttempt)))

  /** One attempt on the queue `choose` picks from the publish info (or the reason it picks none). */
  const sendToChosen = (name: string, message: Message, choose: (info: TopicPublishInfo) => MessageQueue | QueueNotSelected) =>
    observed(name, topicOfUnchecked(message), (call) =>
      prepared("SendPipeline.prepare", prepareOne(message, call.started), (ready) =>
        attempts(job(ready, call, 1, choose), firstAttempt)))

  /** Java `send(msg, mq)`: the given queue of the message's topic, one attempt. */
  const sendToQueue = (message: Message, queue: MessageQueue): Effect.Effect<SendResult, ProducerError> =>
    Effect.suspend(() => {
      const topic = topicOfUnchecked(message)
      return Schema.is(MessageQueue)(queue) && queue.topic === topic
        ? sendToChosen("Producer.sendToQueue", message, () => queue)
        : Effect.fail(new ProducerError({
          reason: new InvalidMessage({
            rule: "MessageMalformed",
            detail: Schema.is(MessageQueue)(queue)
              ? `the queue ${formatMessageQueue(queue)} is not of the message's topic "${topic}"`
              : "the queue must be { topic, brokerName, queueId }"
          })
        }))
    })

  /** Java `send(msg, selector, arg)`: the queue a user's selector picks from the publish queues, one attempt. */
  const sendWithSelector = (
    message: Message,
    select: (queues: ReadonlyArray<MessageQueue>, message: Message) => MessageQueue | undefined
  ): Effect.Effect<SendResult, ProducerError> =>
    sendToChosen("Producer.sendWithSelector", message, (info) => {
      const topic = info.topic
      let queue: unknown
      try {
        queue = select(info.queues, message)
      } catch (error) {
        return new QueueNotSelected({ topic, detail: `the selector threw: ${error instanceof Error ? error.message : String(error)}` })
      }
      if (queue === undefined) return new QueueNotSelected({ topic, detail: "the selector returned no queue" })
      if (!Schema.is(MessageQueue)(queue) || queue.topic !== topic) {
        return new QueueNotSelected({
          topic,
          detail: `the selector returned ${Schema.is(MessageQueue)(queue) ? formatMessageQueue(queue) : "something else"}, not a queue of "${topic}"`
        })
      }
      return queue
    })

  /** A oneway send: written once, no answer, no retry. */
  const sendOneway = (message: Message): Effect.Effect<OnewaySent, ProducerError> =>
    observed("Producer.sendOneway", topicOfUnchecked(message), ({ started }) =>
      Effect.gen(function*() {
        const ready = yield* prepared("SendPipeline.prepare", prepareOne(message, started), Effect.succeed)
        const topic = ready.topic
        const deadline = started + budget
        const failed = (attempt: FailedAttempt) =>
          Effect.flatMap(Clock.currentTimeMillis, (now) =>
            Effect.fail(
              context.isClosed() ? closed() : new ProducerError({
                reason: new SendFailed({ topic, attempts: [attempt], elapsedMillis: now - started, timedOut: false })
              })
            ))
        const info = yield* lookup.publishInfo(topic, { deadline }).pipe(
          Effect.mapError(({ reason }) => new ProducerError({ reason }))
        )
        const now = yield* Clock.currentTimeMillis
        const queue = selector.select(info, undefined, false, now)
        if (queue === undefined) return yield* failed({ brokerName: "-", address: "-", reason: new NoWritableQueue({ topic }) })
        const address = info.masters.get(queue.brokerName)
        if (address === undefined) {
          return yield* failed({
            brokerName: queue.brokerName,
            address: "-",
            reason: new NoMasterAddress({ topic, brokerName: queue.brokerName })
          })
        }
        yield* client.invokeOneway(address, sendRequest(ready, queue, requestContext, true), Math.max(1, deadline - now)).pipe(
          Effect.catch((error) => failed({ brokerName: queue.brokerName, address, reason: error.reason }))
        )
        const sent: OnewaySent = { msgId: ready.msgId, messageQueue: queue }
        return sent
      }))

  return { send, sendBatch, sendOrderly, sendToQueue, sendWithSelector, sendOneway }
}
