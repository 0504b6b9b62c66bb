/**
 * What every producer-side service builds on (Java's `MQClientInstance` as one producer group sees
 * it): a client id, a send pipeline on the shared remoting client and route lookup, heartbeats of
 * its group to the brokers it uses every `heartbeatBrokerInterval`, and UNREGISTER_CLIENT when its
 * scope closes. `TransactionProducer` and `Requester` are built on it.
 *
 * @since 0.1.0
 */
import { Clock, Effect, Layer, Random, Result, Schedule } from "effect"
import type { Scope } from "effect"
import type { Message } from "../protocol/message/Message.ts"
import { makeUniqueIdGenerator } from "../protocol/message/UniqueId.ts"
import { withoutNamespace, wrapNamespace } from "../protocol/Namespace.ts"
import type { MessageQueue } from "../route/MessageQueue.ts"
import { RouteCache } from "../route/RouteCache.ts"
import { RouteLookup } from "../route/RouteLookup.ts"
import { parseAddressList } from "../transport/Address.ts"
import type { InvalidAddress } from "../transport/Address.ts"
import { securedClientOptions } from "../transport/ClientSecurity.ts"
import { NameServerTransport } from "../transport/NameServerTransport.ts"
import { RemotingClient } from "../transport/RemotingClient.ts"
import type { RemotingClientOptions } from "../transport/RemotingClient.ts"
import { makeClientId } from "./ClientId.ts"
import { localUniqueIdPrefix } from "./ClientIp.ts"
import { sendHeartbeats, unregisterClient } from "./Heartbeat.ts"
import type { ProducerIdentity } from "./Heartbeat.ts"
import type { ResolvedProducerOptions } from "./ProducerOptions.ts"
import { makeQueueSelector } from "./QueueSelector.ts"
import { makeSendPipeline } from "./SendPipeline.ts"

/**
 * A producer group's client.
 *
 * @since 0.1.0
 * @category models
 */
export interface ClientInstance {
  readonly client: RemotingClient["Service"]
  readonly lookup: RouteLookup["Service"]
  /** The client id and the group as brokers see them (the group wrapped in the namespace). */
  readonly identity: ProducerIdentity
  /** The send pipeline, on the options as they go on the wire. */
  readonly pipeline: ReturnType<typeof makeSendPipeline>
  /** One HEART_BEAT of the group to every master in the route cache. */
  readonly heartbeat: Effect.Effect<void>
  /** A message's topic in the namespace (unchanged without one). */
  readonly wrap: (message: Message) => Message
  /** A result's topic as the user named it. */
  readonly unwrap: <A extends { readonly messageQueue: MessageQueue }>(result: A) => A
  /** A topic as the user named it. */
  readonly unwrapTopic: (topic: string) => string
}

/**
 * Builds a client instance in the current scope: heartbeats start after 1 s and repeat every
 * `heartbeatBrokerInterval`; closing the scope first stops new sends (they fail with
 * `ProducerClosed`), then unregisters the group. With a namespace the group and the topics travel
 * wrapped (Java wraps them when the producer starts).
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeClientInstance = (
  options: ResolvedProducerOptions
): Effect.Effect<ClientInstance, never, RemotingClient | RouteLookup | Scope.Scope> =>
  Effect.gen(function*() {
    const client = yield* RemotingClient
    const lookup = yield* RouteLookup
    const prefix = localUniqueIdPrefix(yield* Clock.currentTimeMillis)
    const uniqueIds = makeUniqueIdGenerator(prefix)
    const instanceName = options.instanceName ??
      `${process.pid}#${(yield* Random.nextIntBetween(0, 2 ** 48)).toString(36)}`
    const namespace = options.namespace
    const onWire = { ...options, producerGroup: wrapNamespace(namespace, options.producerGroup) }
    const identity: ProducerIdentity = {
      clientId: makeClientId(prefix.ip, instanceName),
      producerGroup: onWire.producerGroup,
      serializeType: options.serializeType,
      accessKey: options.credentials?.accessKey
    }
    const selector = yield* makeQueueSelector(options.faultStrategy)
    let closed = false
    const pipeline = makeSendPipeline({
      client,
      lookup,
      selector,
      options: onWire,
      nextUniqueId: (now) => uniqueIds.next(now),
      isClosed: () => closed
    })
    const heartbeat = sendHeartbeats(client, lookup.masterAddresses, identity, 3000)
    yield* heartbeat.pipe(
      Effect.repeat(Schedule.spaced(options.heartbeatBrokerIntervalMillis)),
      Effect.delay("1 second"),
      Effect.forkScoped
    )
    yield* Effect.addFinalizer(() => unregisterClient(client, lookup.masterAddresses, identity, 3000))
    // Added last, so it runs first when the scope closes: no send starts after that.
    yield* Effect.addFinalizer(() =>
      Effect.sync(() => {
        closed = true
      })
    )
    return {
      client,
      lookup,
      identity,
      pipeline,
      heartbeat,
      wrap: (message) => (namespace === undefined ? message : { ...message, topic: wrapNamespace(namespace, message.topic) }),
      unwrapTopic: (topic) => withoutNamespace(namespace, topic),
      unwrap: (result) =>
        namespace === undefined ? result : {
          ...result,
          messageQueue: { ...result.messageQueue, topic: withoutNamespace(namespace, result.messageQueue.topic) }
        }
    }
  })

/**
 * Provides a producer-side layer with everything it needs, built from its options: a remoting
 * client (ACL signing and TLS as configured), the NameServer transport, a route cache and the route
 * lookup.
 *
 * @since 0.1.0
 * @category layers
 */
export const provideClientLayers = <A, E>(
  options: ResolvedProducerOptions,
  layer: Layer.Layer<A, E, RemotingClient | RouteLookup>
): Layer.Layer<A, E | InvalidAddress> => {
  const client = RemotingClient.layer(remotingClientOptions(options))
  const transport = NameServerTransport.layer({
    addresses: options.nameServers,
    timeoutMillis: options.nameServerTimeoutMillis,
    accessKey: options.credentials?.accessKey
  })
  const routes = RouteLookup.layer(options.route).pipe(Layer.provide(RouteCache.layer), Layer.provide(transport))
  return layer.pipe(Layer.provide(routes), Layer.provide(client))
}

/**
 * The remoting client's settings for a producer: its connect timeout, ACL signing of every request
 * when credentials are set, and TLS per address (`nameServerTls` for the configured NameServers,
 * `tls` for every other address, i.e. the brokers).
 *
 * @since 0.1.0
 * @category layers
 */
export const remotingClientOptions = (options: ResolvedProducerOptions): RemotingClientOptions => {
  const listed = typeof options.nameServers === "string" ? options.nameServers : options.nameServers.join(";")
  const parsed = parseAddressList(listed)
  return {
    connectTimeoutMillis: options.connectTimeoutMillis,
    ...securedClientOptions(Result.isSuccess(parsed) ? parsed.success : [], options)
  }
}
