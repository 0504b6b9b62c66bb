/**
 * Request-reply, the requester's side (Java's `DefaultMQProducer.request`, REMOTING.md §19): a
 * request is an ordinary send with three properties the client adds, `CORRELATION_ID` (a random
 * UUID), `REPLY_TO_CLIENT` (this client's id) and `TTL` (the timeout in milliseconds); a responder
 * consumes it and sends a reply, and whichever broker stores the reply pushes it to the requester
 * with PUSH_REPLY_MESSAGE_TO_CLIENT, on the requester's own connection to that broker.
 *
 * A broker finds the requester by the client id of its heartbeats, and a reply may land on any
 * broker of the cluster (each holds a queue of the reply topic `<cluster>_REPLY_TOPIC`), so before
 * the first request to a topic the requester looks up the reply topic of the topic's clusters and
 * heartbeats every broker it names; then every heartbeat period.
 *
 * @since 0.1.0
 */
import { randomUUID } from "node:crypto"
import { Clock, Context, Deferred, Duration, Effect, Layer, Result, Schema } from "effect"
import type { Scope } from "effect"
import { decodeReplyMessageRequestHeader } from "../protocol/ReplyHeaders.ts"
import { RequestCode } from "../protocol/RequestCode.ts"
import { ResponseCode } from "../protocol/ResponseCode.ts"
import { RouteLookup } from "../route/RouteLookup.ts"
import type { InvalidAddress } from "../transport/Address.ts"
import { RemotingClient } from "../transport/RemotingClient.ts"
import type { ServerRequest } from "../transport/ServerRequests.ts"
import { decompressBody } from "../protocol/message/Compression.ts"
import type { Message } from "../protocol/message/Message.ts"
import { makeClientInstance, provideClientLayers } from "./ClientInstance.ts"
import { CORRELATION_ID, REPLY_TO_CLIENT, TTL } from "../protocol/message/MessageConst.ts"
import { decodeProperties } from "../protocol/message/MessageProperties.ts"
import { InvalidMessage, topicOfUnchecked, validateMessage } from "./MessageValidation.ts"
import { ProducerError } from "./ProducerError.ts"
import { InvalidProducerOptions, resolveProducerOptions } from "./ProducerOptions.ts"
import type { ProducerOptions, ResolvedProducerOptions } from "./ProducerOptions.ts"
import type { SendResult } from "./SendResult.ts"

/**
 * A reply, as the broker pushed it.
 *
 * @since 0.1.0
 * @category models
 */
export interface ReplyMessage {
  /** The reply topic, `<cluster>_REPLY_TOPIC`. */
  readonly topic: string
  /** The body, inflated if the replier compressed it. */
  readonly body: Uint8Array
  readonly properties: Readonly<Record<string, string>>
  readonly correlationId: string
  readonly flag: number
  readonly bornTimestamp: number
  /** The replier's socket as the broker saw it, `ip:port`. */
  readonly bornHost: string
  /** The broker that pushed the reply, `ip:port`. */
  readonly storeHost: string
  readonly storeTimestamp: number
}

/**
 * No reply came within the request's timeout (the request itself was stored: `sendResult`).
 *
 * @since 0.1.0
 * @category errors
 */
export class ReplyTimeout extends Schema.TaggedError<ReplyTimeout>()("ReplyTimeout", {
  topic: Schema.String,
  correlationId: Schema.String,
  timeoutMillis: Schema.Number,
  msgId: Schema.String
}) {
  override get message(): string {
    return `no reply to request ${this.msgId} (correlation id ${this.correlationId}) on topic "${this.topic}" within ${this.timeoutMillis} ms`
  }

  /** `true`: the responder may answer a later request. */
  get isRetryable(): boolean {
    return true
  }
}

/**
 * Every error a request can fail with.
 *
 * @since 0.1.0
 * @category errors
 */
export type RequestError = ProducerError | ReplyTimeout

/**
 * The requester service.
 *
 * @since 0.1.0
 * @category services
 */
export class Requester extends Context.Service<Requester, {
  /** `ip@instanceName`: the `REPLY_TO_CLIENT` of its requests. */
  readonly clientId: string
  /**
   * Sends `message` as a request and waits, within `timeout` counted from the call, for the reply
   * with its correlation id. A reply that comes later is dropped.
   */
  readonly request: (message: Message, timeout: Duration.Input) => Effect.Effect<ReplyMessage, RequestError>
  /** Requests waiting for their reply. */
  readonly pendingRequests: Effect.Effect<number>
}>()("effect-rocketmq/producer/Requester") {
  /** On a remoting client, route lookup and route cache provided from outside (shared with a `Producer`). */
  static readonly layerNoDeps = (
    options: ProducerOptions
  ): Layer.Layer<Requester, InvalidProducerOptions, RemotingClient | RouteLookup> =>
    Layer.effect(Requester, Effect.flatMap(Effect.fromResult(resolveProducerOptions(options)), makeRequester))

  /** With everything it needs: remoting client, NameServer transport, route cache and lookup. */
  static readonly layer = (options: ProducerOptions): Layer.Layer<Requester, InvalidProducerOptions | InvalidAddress> =>
    Layer.unwrap(Effect.map(
      Effect.fromResult(resolveProducerOptions(options)),
      (resolved) => provideClientLayers(resolved, Layer.effect(Requester, makeRequester(resolved)))
    ))
}

const readReply = (request: ServerRequest): Result.Result<ReplyMessage, string> => {
  const header = decodeReplyMessageRequestHeader(request.command.extFields)
  if (Result.isFailure(header)) return Result.fail(header.failure.message)
  const fields = header.success
  const properties = decodeProperties(fields.properties ?? "")
  const correlationId = properties[CORRELATION_ID]
  if (correlationId === undefined) return Result.fail("the reply has no CORRELATION_ID")
  const body = decompressBody(request.command.body ?? new Uint8Array(0), fields.sysFlag)
  if (Result.isFailure(body)) return Result.fail(body.failure.message)
  return Result.succeed({
    topic: fields.topic,
    body: body.success,
    properties,
    correlationId,
    flag: fields.flag,
    bornTimestamp: fields.bornTimestamp,
    bornHost: fields.bornHost,
    storeHost: fields.storeHost,
    storeTimestamp: fields.storeTimestamp
  })
}

/**
 * Builds a requester in the current scope.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeRequester = (
  options: ResolvedProducerOptions
): Effect.Effect<Requester["Service"], never, RemotingClient | RouteLookup | Scope.Scope> =>
  Effect.gen(function*() {
    const { client, heartbeat, identity, lookup, pipeline, wrap } = yield* makeClientInstance(options)
    const clientId = identity.clientId
    /**
     * Requests waiting for their reply, by correlation id: a null-prototype object and a count, not
     * a `Map`. Once a full collection has moved a `Map`'s table to the old generation, V8 keeps
     * every entry it holds later alive through young collections and promotes it (see
     * `ResponseTable`).
     */
    const waiting: Record<string, Deferred.Deferred<ReplyMessage> | undefined> = Object.create(null)
    let waitingCount = 0
    /** Topics whose clusters' brokers have been heartbeated. */
    const prepared = new Set<string>()

    yield* client.handle(RequestCode.PUSH_REPLY_MESSAGE_TO_CLIENT, (request) =>
      Effect.gen(function*() {
        const reply = readReply(request)
        if (Result.isFailure(reply)) {
          yield* Effect.logWarning(`an unreadable reply from ${request.address}: ${reply.failure}`)
          return { code: ResponseCode.SYSTEM_ERROR, remark: "process reply message fail" }
        }
        const deferred = waiting[reply.success.correlationId]
        if (deferred === undefined) {
          yield* Effect.logDebug(`dropped a reply that no request waits for (correlation id ${reply.success.correlationId})`)
        } else {
          yield* Deferred.succeed(deferred, reply.success)
        }
        return { code: ResponseCode.SUCCESS }
      }), {
      concurrency: 16,
      // Replies addressed to this requester; a push without properties is answered as unreadable.
      accepts: (request) => {
        const properties = request.command.extFields?.["properties"]
        return properties === undefined || decodeProperties(properties)[REPLY_TO_CLIENT] === clientId
      }
    })

    /**
     * Java's `prepareSendRequest` heartbeats every known broker before the first request to a
     * topic; here the reply topic of the topic's clusters makes every broker of them known first.
     */
    const prepare = (topic: string, timeoutMillis: number) =>
      Effect.suspend(() => {
        if (prepared.has(topic)) return Effect.void
        return Effect.gen(function*() {
          const info = yield* lookup.publishInfo(topic, { timeoutMillis }).pipe(
            Effect.mapError(({ reason }) => new ProducerError({ reason }))
          )
          const clusters = new Set(info.route.brokerDatas.map((broker) => broker.cluster))
          yield* Effect.forEach(clusters, (cluster) => Effect.ignore(lookup.publishInfo(`${cluster}_REPLY_TOPIC`, { timeoutMillis })), {
            concurrency: "unbounded",
            discard: true
          })
          yield* heartbeat
          prepared.add(topic)
        })
      })

    const request = (message: Message, timeout: Duration.Input): Effect.Effect<ReplyMessage, RequestError> =>
      Effect.gen(function*() {
        const duration = Duration.fromInput(timeout)
        const timeoutMillis = duration._tag === "None" ? Number.NaN : Math.floor(Duration.toMillis(duration.value))
        if (!(timeoutMillis > 0) || !Number.isSafeInteger(timeoutMillis)) {
          return yield* new ProducerError({
            reason: new InvalidMessage({ rule: "MessageMalformed", detail: "the request timeout must be a positive, finite duration" })
          })
        }
        const valid = validateMessage(message, { maxMessageSize: options.maxMessageSize })
        if (Result.isFailure(valid)) return yield* new ProducerError({ reason: valid.failure })
        const started = yield* Clock.currentTimeMillis
        const wrapped = wrap(valid.success)
        yield* prepare(wrapped.topic, timeoutMillis)
        const correlationId = randomUUID()
        const deferred = Deferred.makeUnsafe<ReplyMessage>()
        waiting[correlationId] = deferred
        waitingCount++
        return yield* Effect.gen(function*() {
          const sent: SendResult = yield* pipeline.send(wrapped, {
            [CORRELATION_ID]: correlationId,
            [REPLY_TO_CLIENT]: clientId,
            [TTL]: String(timeoutMillis)
          })
          const left = Math.max(1, timeoutMillis - ((yield* Clock.currentTimeMillis) - started))
          return yield* Deferred.await(deferred).pipe(
            Effect.timeoutOrElse({
              duration: left,
              orElse: () => Effect.fail(new ReplyTimeout({ topic: message.topic, correlationId, timeoutMillis, msgId: sent.msgId }))
            })
          )
        }).pipe(Effect.ensuring(Effect.sync(() => {
          delete waiting[correlationId]
          waitingCount--
        })))
      }).pipe(Effect.withSpan("Requester.request", { attributes: { topic: topicOfUnchecked(message) } }))

    return Requester.of({ clientId, request, pendingRequests: Effect.sync(() => waitingCount) })
  })
