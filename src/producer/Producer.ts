/**
 * The producer: sends messages to a RocketMQ cluster with the Java producer's semantics and
 * defaults. A scoped layer: it heartbeats the brokers it uses every 30 s and unregisters from them
 * when its scope closes.
 *
 * @since 0.1.0
 */
import { Config, Context, Effect, Layer, Option } from "effect"
import type { Scope, Stream } from "effect"
import type { Message } from "../protocol/message/Message.ts"
import { withoutNamespace, wrapNamespace } from "../protocol/Namespace.ts"
import type { MessageQueue } from "../route/MessageQueue.ts"
import type { RouteChanged } from "../route/RouteChanged.ts"
import type { RouteLookup } from "../route/RouteLookup.ts"
import type { InvalidAddress } from "../transport/Address.ts"
import type { RemotingClient } from "../transport/RemotingClient.ts"
import { makeClientInstance, provideClientLayers, remotingClientOptions as clientOptions } from "./ClientInstance.ts"
import type { ProducerError } from "./ProducerError.ts"
import { credentialsConfig, defaultProducerGroup, InvalidProducerOptions, resolveProducerOptions } from "./ProducerOptions.ts"
import type { ProducerOptions, ResolvedProducerOptions } from "./ProducerOptions.ts"
import type { OnewaySent, SendResult } from "./SendResult.ts"

/**
 * The producer service.
 *
 * @since 0.1.0
 * @category services
 */
export class Producer extends Context.Service<Producer, {
  /** `ip@instanceName`, as brokers know this producer. */
  readonly clientId: string
  readonly producerGroup: string
  /**
   * Sends a message and waits until a broker stored it: validated before any I/O, retried on
   * another broker for retryable failures, within `sendMsgTimeout`. After the producer's scope
   * closed, every operation fails at once with `ProducerClosed`.
   */
  readonly send: (message: Message) => Effect.Effect<SendResult, ProducerError>
  /** Sends messages of one topic as one batch request (one result, comma-separated ids). */
  readonly sendBatch: (messages: ReadonlyArray<Message>) => Effect.Effect<SendResult, ProducerError>
  /**
   * Sends to the queue a stable hash of `shardingKey` picks (the same queue as the Java client's
   * `SelectMessageQueueByHash`), in one attempt, so per-key order is never broken by a failover.
   */
  readonly sendOrderly: (message: Message, shardingKey: string) => Effect.Effect<SendResult, ProducerError>
  /**
   * Sends to the given queue of the message's topic in one attempt (Java `send(msg, mq)`); a queue of
   * another topic is refused before any I/O.
   */
  readonly sendToQueue: (message: Message, queue: MessageQueue) => Effect.Effect<SendResult, ProducerError>
  /**
   * Sends to the queue `select` picks from the topic's publish queues, in one attempt (Java's
   * `MessageQueueSelector`). A selector that returns nothing, a queue of another topic, or throws
   * fails the send (`QueueNotSelected`) without a request.
   */
  readonly sendWithSelector: (
    message: Message,
    select: (queues: ReadonlyArray<MessageQueue>, message: Message) => MessageQueue | undefined
  ) => Effect.Effect<SendResult, ProducerError>
  /**
   * Writes the message once and does not wait for the broker (no retry): the result is the
   * message's unique id and the queue it was written to, known before any answer.
   */
  readonly sendOneway: (message: Message) => Effect.Effect<OnewaySent, ProducerError>
  /**
   * The route changes this producer's route lookup sees (`RouteLookup.changes`): the first route of
   * a topic, brokers and queues added or removed by a refresh, a topic leaving the cache. The
   * subscription is made when this effect runs (every change from then on is in the stream) and
   * lasts as long as the scope.
   */
  readonly routeChanges: Effect.Effect<Stream.Stream<RouteChanged>, never, Scope.Scope>
}>()("effect-rocketmq/producer/Producer") {
  /** The producer on a route lookup and a remoting client provided from outside. */
  static readonly layerNoDeps = (
    options: ProducerOptions
  ): Layer.Layer<Producer, InvalidProducerOptions, RemotingClient | RouteLookup> =>
    Layer.effect(Producer, Effect.flatMap(Effect.fromResult(resolveProducerOptions(options)), makeProducer))

  /** The producer with everything it needs: remoting client, NameServer transport, route cache and lookup. */
  static readonly layer = (options: ProducerOptions): Layer.Layer<Producer, InvalidProducerOptions | InvalidAddress> =>
    Layer.unwrap(Effect.map(
      Effect.fromResult(resolveProducerOptions(options)),
      (resolved) => provideClientLayers(resolved, Layer.effect(Producer, makeProducer(resolved)))
    ))

  /**
   * The producer from configuration: by default the NameServers come from `NAMESRV_ADDR`, the
   * group from `ROCKETMQ_PRODUCER_GROUP` (optional), ACL credentials from `ROCKETMQ_ACCESS_KEY`,
   * `ROCKETMQ_SECRET_KEY` and `ROCKETMQ_SECURITY_TOKEN` (optional; the secrets read as `Redacted`)
   * and the namespace from `ROCKETMQ_NAMESPACE` (optional).
   */
  static readonly layerConfig = (
    options: Config.Wrap<ProducerOptions> = {
      nameServers: Config.String("NAMESRV_ADDR"),
      producerGroup: Config.String("ROCKETMQ_PRODUCER_GROUP").pipe(Config.withDefault(defaultProducerGroup)),
      credentials: credentialsConfig,
      namespace: Config.String("ROCKETMQ_NAMESPACE").pipe(Config.option, Config.map(Option.getOrUndefined))
    }
  ): Layer.Layer<Producer, InvalidProducerOptions | InvalidAddress | Config.ConfigError> =>
    Layer.unwrap(Effect.map(Config.unwrap(options), Producer.layer))

  /**
   * The producer with options an effect computes from other services: for example the NameServer
   * address of a testkit cluster, `Producer.layerFrom(TestCluster.producerOptions({}))` provided
   * with `TestCluster.layer(...)`.
   */
  static readonly layerFrom = <E, R>(
    options: Effect.Effect<ProducerOptions, E, R>
  ): Layer.Layer<Producer, E | InvalidProducerOptions | InvalidAddress, R> =>
    Layer.unwrap(Effect.map(options, Producer.layer))
}

/**
 * The remoting client's settings for a producer (ACL signing, TLS per address).
 *
 * @since 0.1.0
 */
export const remotingClientOptions = clientOptions

/**
 * Builds a producer in the current scope.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeProducer = (
  options: ResolvedProducerOptions
): Effect.Effect<Producer["Service"], never, RemotingClient | RouteLookup | Scope.Scope> =>
  Effect.gen(function*() {
    const { identity, lookup, pipeline, unwrap, wrap } = yield* makeClientInstance(options)
    const namespace = options.namespace
    const base = { clientId: identity.clientId, producerGroup: options.producerGroup, routeChanges: lookup.changes }
    if (namespace === undefined) {
      return Producer.of({
        ...base,
        send: (message) => pipeline.send(message),
        sendBatch: pipeline.sendBatch,
        sendOrderly: pipeline.sendOrderly,
        sendToQueue: pipeline.sendToQueue,
        sendWithSelector: pipeline.sendWithSelector,
        sendOneway: pipeline.sendOneway
      })
    }
    // Topics travel wrapped; results (and the queues a selector sees) name them as the user did.
    const wrapQueue = (queue: MessageQueue): MessageQueue => ({ ...queue, topic: wrapNamespace(namespace, queue.topic) })
    const unwrapQueue = (queue: MessageQueue): MessageQueue => ({ ...queue, topic: withoutNamespace(namespace, queue.topic) })
    return Producer.of({
      ...base,
      send: (message) => Effect.map(pipeline.send(wrap(message)), unwrap),
      sendBatch: (messages) => Effect.map(pipeline.sendBatch(messages.map(wrap)), unwrap),
      sendOrderly: (message, shardingKey) => Effect.map(pipeline.sendOrderly(wrap(message), shardingKey), unwrap),
      sendToQueue: (message, queue) => Effect.map(pipeline.sendToQueue(wrap(message), wrapQueue(queue)), unwrap),
      sendWithSelector: (message, select) =>
        Effect.map(
          pipeline.sendWithSelector(wrap(message), (queues) => {
            const chosen = select(queues.map(unwrapQueue), message)
            return chosen === undefined ? undefined : wrapQueue(chosen)
          }),
          unwrap
        ),
      sendOneway: (message) => Effect.map(pipeline.sendOneway(wrap(message)), unwrap)
    })
  })
