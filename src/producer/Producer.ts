/**
 * The producer: sends messages to a RocketMQ cluster with the Java producer's semantics and
 * defaults. A scoped layer: it heartbeats the brokers it uses every 30 s and unregisters from them
 * when its scope closes.
 *
 * @since 0.1.0
 */
import { Clock, Config, Context, Effect, Layer, Random, Schedule } from "effect"
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
import type { ProducerError } from "./ProducerError.ts"
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
): Effect.Effect<Producer["Service"], never, RemotingClient | RouteLookup | Scope.Scope> =>
  Effect.gen(function*() {
    const client = yield* RemotingClient
    const lookup = yield* RouteLookup
    const prefix = localUniqueIdPrefix(yield* Clock.currentTimeMillis)
    const uniqueIds = makeUniqueIdGenerator(prefix)
    const instanceName = options.instanceName ??
      `${process.pid}#${(yield* Random.nextIntBetween(0, 2 ** 48)).toString(36)}`
    const clientId = makeClientId(prefix.ip, instanceName)
    const selector = yield* makeQueueSelector(options.faultStrategy)
    const identity = { clientId, producerGroup: options.producerGroup, serializeType: options.serializeType }
    let closed = false
    const pipeline = makeSendPipeline({
      client,
      lookup,
      selector,
      options,
      nextUniqueId: (now) => uniqueIds.next(now),
      isClosed: () => closed
    })

    yield* sendHeartbeats(client, lookup.masterAddresses, identity, 3000).pipe(
      Effect.repeat(Schedule.spaced(options.heartbeatBrokerIntervalMillis)),
      Effect.delay("1 second"),
      Effect.forkScoped
    )
    yield* Effect.addFinalizer(() => unregisterClient(client, lookup.masterAddresses, identity, 3000))
    // Added last, so it runs first when the scope closes: no send starts after that.
    yield* Effect.addFinalizer(() => Effect.sync(() => {
      closed = true
    }))

    return Producer.of({ clientId, producerGroup: options.producerGroup, ...pipeline, routeChanges: lookup.changes })
  })
