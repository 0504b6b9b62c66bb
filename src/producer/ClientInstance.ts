/**
 * What every producer-side service builds on (Java's `MQClientInstance` as one producer group sees
 * it): a client id, a send pipeline on the shared remoting client and route lookup, heartbeats of
 * its group to the brokers it uses every `heartbeatBrokerInterval`, and UNREGISTER_CLIENT when its
 * scope closes. `TransactionProducer` and `Requester` are built on it.
 *
 * @since 0.1.0
 */
import { Clock, Effect, Layer, Random, Schedule } from "effect"
import type { Scope } from "effect"
import { makeUniqueIdGenerator } from "../protocol/message/UniqueId.ts"
import { RouteCache } from "../route/RouteCache.ts"
import { RouteLookup } from "../route/RouteLookup.ts"
import type { InvalidAddress } from "../transport/Address.ts"
import { NameServerTransport } from "../transport/NameServerTransport.ts"
import { RemotingClient } from "../transport/RemotingClient.ts"
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
  readonly identity: ProducerIdentity
  readonly pipeline: ReturnType<typeof makeSendPipeline>
  /** One HEART_BEAT of the group to every master in the route cache. */
  readonly heartbeat: Effect.Effect<void>
}

/**
 * Builds a client instance in the current scope: heartbeats start after 1 s and repeat every
 * `heartbeatBrokerInterval`; closing the scope first stops new sends (they fail with
 * `ProducerClosed`), then unregisters the group.
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
    const identity: ProducerIdentity = {
      clientId: makeClientId(prefix.ip, instanceName),
      producerGroup: options.producerGroup,
      serializeType: options.serializeType
    }
    const selector = yield* makeQueueSelector(options.faultStrategy)
    let closed = false
    const pipeline = makeSendPipeline({
      client,
      lookup,
      selector,
      options,
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
    return { client, lookup, identity, pipeline, heartbeat }
  })

/**
 * Provides a producer-side layer with everything it needs, built from its options: a remoting
 * client, the NameServer transport, a route cache and the route lookup.
 *
 * @since 0.1.0
 * @category layers
 */
export const provideClientLayers = <A, E>(
  options: ResolvedProducerOptions,
  layer: Layer.Layer<A, E, RemotingClient | RouteLookup>
): Layer.Layer<A, E | InvalidAddress> => {
  const client = RemotingClient.layer({ connectTimeoutMillis: options.connectTimeoutMillis })
  const transport = NameServerTransport.layer({ addresses: options.nameServers, timeoutMillis: options.nameServerTimeoutMillis })
  const routes = RouteLookup.layer(options.route).pipe(Layer.provide(RouteCache.layer), Layer.provide(transport))
  return layer.pipe(Layer.provide(routes), Layer.provide(client))
}
