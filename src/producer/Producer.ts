/**
 * The producer: sends messages to a RocketMQ cluster with the Java producer's semantics and
 * defaults. A scoped layer: it heartbeats the brokers it uses every 30 s and unregisters from them
 * when its scope closes.
 *
 * @since 0.1.0
 */
import { Clock, Config, Context, Effect, Layer, Option, Random, Result, Schedule } from "effect"
import type { Stream } from "effect"
import type { Scope } from "effect"
import { RouteCache } from "../route/RouteCache.ts"
import type { RouteChanged } from "../route/RouteChanged.ts"
import { RouteLookup } from "../route/RouteLookup.ts"
import type { InvalidAddress } from "../transport/Address.ts"
import { NameServerTransport } from "../transport/NameServerTransport.ts"
import { parseAddressList } from "../transport/Address.ts"
import { RemotingClient } from "../transport/RemotingClient.ts"
import type { RemotingClientOptions } from "../transport/RemotingClient.ts"
import { securedClientOptions } from "../transport/ClientSecurity.ts"
import { withoutNamespace, wrapNamespace } from "../protocol/Namespace.ts"
import { makeClientId } from "./ClientId.ts"
import { sendHeartbeats, unregisterClient } from "./Heartbeat.ts"
import type { Message } from "../protocol/message/Message.ts"
import type { ProducerError } from "./ProducerError.ts"
import { credentialsConfig, defaultProducerGroup, InvalidProducerOptions, resolveProducerOptions } from "./ProducerOptions.ts"
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
      const client = RemotingClient.layer(remotingClientOptions(resolved))
      const transport = NameServerTransport.layer({
        addresses: resolved.nameServers,
        timeoutMillis: resolved.nameServerTimeoutMillis,
        accessKey: resolved.credentials?.accessKey
      })
      const routes = RouteLookup.layer(resolved.route).pipe(Layer.provideMerge(RouteCache.layer), Layer.provide(transport))
      return Layer.effect(Producer, makeProducer(resolved)).pipe(Layer.provide(routes), Layer.provide(client))
    }))

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
 * The remoting client's settings for a producer: its connect timeout, ACL signing of every request
 * when credentials are set, and TLS per address (`nameServerTls` for the configured NameServers,
 * `tls` for every other address, i.e. the brokers).
 *
 * @since 0.1.0
 */
export const remotingClientOptions = (options: ResolvedProducerOptions): RemotingClientOptions => {
  const listed = typeof options.nameServers === "string" ? options.nameServers : options.nameServers.join(";")
  const parsed = parseAddressList(listed)
  return {
    connectTimeoutMillis: options.connectTimeoutMillis,
    ...securedClientOptions(Result.isSuccess(parsed) ? parsed.success : [], options)
  }
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
    const namespace = options.namespace
    // With a namespace the group travels wrapped (Java wraps it when the producer starts).
    const onWire = { ...options, producerGroup: wrapNamespace(namespace, options.producerGroup) }
    const identity = {
      clientId,
      producerGroup: onWire.producerGroup,
      serializeType: options.serializeType,
      accessKey: options.credentials?.accessKey
    }
    let closed = false
    const pipeline = makeSendPipeline({
      client,
      lookup,
      selector,
      options: onWire,
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

    const base = { clientId, producerGroup: options.producerGroup, routeChanges: lookup.changes }
    if (namespace === undefined) return Producer.of({ ...base, ...pipeline })
    // Topics travel wrapped; results name them as the user did.
    const wrap = (message: Message): Message => ({ ...message, topic: wrapNamespace(namespace, message.topic) })
    const unwrap = <A extends { readonly messageQueue: SendResult["messageQueue"] }>(result: A): A => ({
      ...result,
      messageQueue: { ...result.messageQueue, topic: withoutNamespace(namespace, result.messageQueue.topic) }
    })
    return Producer.of({
      ...base,
      send: (message) => Effect.map(pipeline.send(wrap(message)), unwrap),
      sendBatch: (messages) => Effect.map(pipeline.sendBatch(messages.map(wrap)), unwrap),
      sendOrderly: (message, shardingKey) => Effect.map(pipeline.sendOrderly(wrap(message), shardingKey), unwrap),
      sendOneway: (message) => Effect.map(pipeline.sendOneway(wrap(message)), unwrap)
    })
  })
