/**
 * The producer: sends messages to a RocketMQ cluster with the Java producer's semantics and
 * defaults. A scoped layer: it heartbeats the brokers it uses every 30 s and unregisters from them
 * when its scope closes.
 *
 * @since 0.1.0
 */
import { Config, Context, Effect, Layer, Random, Schedule } from "effect"
import type { Stream } from "effect"
import type { Scope } from "effect"
import { RouteCache } from "../route/RouteCache.ts"
import type { RouteChanged } from "../route/RouteChanged.ts"
import { RouteLookup } from "../route/RouteLookup.ts"
import type { InvalidAddress } from "../transport/Address.ts"
import { NameServerTransport } from "../transport/NameServerTransport.ts"
import { RemotingClient } from "../transport/RemotingClient.ts"
import { makeClientId } from "./ClientId.ts"
import { sendHeartbeats, unregisterClient } from "./Heartbeat.ts"
import type { Message } from "../protocol/message/Message.ts"
import type { SendError } from "./ProducerError.ts"
import { defaultProducerGroup, InvalidProducerOptions, resolveProducerOptions } from "./ProducerOptions.ts"
import type { ProducerOptions, ResolvedProducerOptions } from "./ProducerOptions.ts"
import { makeQueueSelector } from "./QueueSelector.ts"
import { makeSendPipeline } from "./SendPipeline.ts"
import type { OnewaySent, SendResult } from "./SendResult.ts"
import { makeUniqueIdGenerator } from "../protocol/message/UniqueId.ts"
import { localUniqueIdPrefix } from "./ClientIp.ts"

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
   * another broker for retryable failures, within `sendMsgTimeout`.
   */
  readonly send: (message: Message) => Effect.Effect<SendResult, SendError>
  /** Sends messages of one topic as one batch request (one result, comma-separated ids). */
  readonly sendBatch: (messages: ReadonlyArray<Message>) => Effect.Effect<SendResult, SendError>
  /**
   * Sends to the queue a stable hash of `shardingKey` picks (the same queue as the Java client's
   * `SelectMessageQueueByHash`), in one attempt, so per-key order is never broken by a failover.
   */
  readonly sendOrderly: (message: Message, shardingKey: string) => Effect.Effect<SendResult, SendError>
  /**
   * Writes the message once and does not wait for the broker (no retry): the result is the
   * message's unique id and the queue it was written to, known before any answer.
   */
  readonly sendOneway: (message: Message) => Effect.Effect<OnewaySent, SendError>
  /**
   * The route changes this producer's route lookup sees (`RouteLookup.changes`): the first route of
   * a topic, brokers and queues added or removed by a refresh, a topic leaving the cache.
   * Subscribe before the sends whose lookups you want to see.
   */
  readonly routeChanges: Stream.Stream<RouteChanged>
}>()("effect-rocketmq/producer/Producer") {
  /** The producer on a route lookup, a route cache and a remoting client provided from outside. */
  static readonly layerNoDeps = (
    options: ProducerOptions
  ): Layer.Layer<Producer, InvalidProducerOptions, RemotingClient | RouteLookup | RouteCache> =>
    Layer.effect(Producer, Effect.flatMap(Effect.fromResult(resolveProducerOptions(options)), makeProducer))

  /** The producer with everything it needs: remoting client, NameServer transport, route cache and lookup. */
  static readonly layer = (options: ProducerOptions): Layer.Layer<Producer, InvalidProducerOptions | InvalidAddress> =>
    Layer.unwrap(Effect.map(Effect.fromResult(resolveProducerOptions(options)), (resolved) => {
      const client = RemotingClient.layer({ connectTimeoutMillis: resolved.connectTimeoutMillis })
      const transport = NameServerTransport.layer({
        addresses: resolved.nameServers,
        timeoutMillis: resolved.nameServerTimeoutMillis
      })
      const routes = RouteLookup.layer(resolved.route).pipe(Layer.provideMerge(RouteCache.layer), Layer.provide(transport))
      return Layer.effect(Producer, makeProducer(resolved)).pipe(Layer.provide(routes), Layer.provide(client))
    }))

  /**
   * The producer from configuration: by default the NameServers come from `NAMESRV_ADDR` and the
   * group from `ROCKETMQ_PRODUCER_GROUP` (optional).
   */
  static readonly layerConfig = (
    options: Config.Wrap<ProducerOptions> = {
      nameServers: Config.String("NAMESRV_ADDR"),
      producerGroup: Config.String("ROCKETMQ_PRODUCER_GROUP").pipe(Config.withDefault(defaultProducerGroup))
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
 * Builds a producer in the current scope.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeProducer = (
  options: ResolvedProducerOptions
): Effect.Effect<Producer["Service"], never, RemotingClient | RouteLookup | RouteCache | Scope.Scope> =>
  Effect.gen(function*() {
    const client = yield* RemotingClient
    const lookup = yield* RouteLookup
    const cache = yield* RouteCache
    const prefix = localUniqueIdPrefix()
    const uniqueIds = makeUniqueIdGenerator(prefix)
    const clientId = makeClientId(prefix.ip, options.instanceName)
    // The round robin's random starts come from Effect's Random: seed it for reproducible runs.
    const random = yield* Random.Random
    const selector = yield* makeQueueSelector(options.faultStrategy, () => random.nextDoubleUnsafe())
    const identity = { clientId, producerGroup: options.producerGroup, serializeType: options.serializeType }
    const pipeline = makeSendPipeline({
      client,
      lookup,
      selector,
      options,
      nextUniqueId: () => uniqueIds.next(Date.now())
    })

    yield* sendHeartbeats(client, cache, identity, 3000).pipe(
      Effect.repeat(Schedule.spaced(options.heartbeatBrokerIntervalMillis)),
      Effect.delay("1 second"),
      Effect.forkScoped
    )
    yield* Effect.addFinalizer(() => unregisterClient(client, cache, identity, 3000))

    return Producer.of({ clientId, producerGroup: options.producerGroup, ...pipeline, routeChanges: lookup.changes })
  })
