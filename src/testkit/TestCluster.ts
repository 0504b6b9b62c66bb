/**
 * A whole testkit cluster on loopback ports: one testkit NameServer and N testkit brokers
 * (`broker-a`, `broker-b`, …, all masters of one cluster) registered with it. Building it waits
 * until the NameServer knows every broker and every topic they host, so a producer started next
 * finds its routes at once.
 *
 * @since 0.1.0
 */
import { Context, Effect, Layer, Schema } from "effect"
import type { Scope } from "effect"
import type { TopicConfig } from "../protocol/BrokerRegistration.ts"
import type { AclAccount } from "./AclAccounts.ts"
import type { StoredMessage, TopicSpec } from "./broker/BrokerStore.ts"
import type { ServerStartFailed, ServerTlsSettings } from "./RemotingServer.ts"
import { makeTestBroker } from "./TestBroker.ts"
import type { TestBroker, TestBrokerOptions } from "./TestBroker.ts"
import { makeTestNameServer } from "./TestNameServer.ts"
import type { ServerProfile } from "./ServerProfile.ts"
import type { TestNameServer } from "./TestNameServer.ts"

/**
 * Settings of a testkit cluster.
 *
 * @since 0.1.0
 * @category models
 */
export interface TestClusterOptions {
  /** How many brokers; default 1. */
  readonly brokers?: number | undefined
  /** The real servers to imitate; default 4.9.8. */
  readonly profile?: ServerProfile | undefined
  /** Topics every broker hosts from the start. */
  readonly topics?: ReadonlyArray<TopicSpec> | undefined
  /** Brokers host TBW102 and create unknown topics on first send; default true. */
  readonly autoCreateTopicEnable?: boolean | undefined
  /** Default `DefaultCluster`. */
  readonly clusterName?: string | undefined
  /** Further settings given to every broker. */
  readonly brokerOptions?: Partial<Omit<TestBrokerOptions, "brokerName" | "nameServers" | "clusterName" | "profile">> | undefined
  /** The NameServer's port; default 0 (an ephemeral port). */
  readonly nameServerPort?: number | undefined
  /**
   * The first broker's port, the next brokers on the ports after it (`10911` gives 10911, 10912,
   * …); default 0 (every broker on an ephemeral port).
   */
  readonly brokerPort?: number | undefined
  /** How long to wait for the NameServer to know every broker; default 5000 ms. */
  readonly readyTimeoutMillis?: number | undefined
  /**
   * Require ACL with these accounts: brokers check signatures and topic permissions, the
   * NameServer checks signatures (a real 4.9.8 NameServer checks nothing; this one is stricter so
   * that route lookups can be tested signed).
   */
  readonly acl?: ReadonlyArray<AclAccount> | undefined
  /** With `acl`, whether the NameServer checks signatures too; default true (false is a real 4.9.8 NameServer). */
  readonly nameServerAcl?: boolean | undefined
  /** Brokers serve TLS only, with this certificate. */
  readonly tls?: ServerTlsSettings | undefined
  /** The NameServer serves TLS only, with this certificate (brokers register over TLS). */
  readonly nameServerTls?: ServerTlsSettings | undefined
}

/**
 * The NameServer did not come to know every broker in time.
 *
 * @since 0.1.0
 * @category errors
 */
export class ClusterNotReady extends Schema.TaggedError<ClusterNotReady>()("ClusterNotReady", {
  detail: Schema.String
}) {
  override get message(): string {
    return `testkit cluster not ready: ${this.detail}`
  }
}

/**
 * A running testkit cluster.
 *
 * @since 0.1.0
 * @category models
 */
export interface TestClusterInstance {
  readonly nameServer: TestNameServer
  /** `host:port` of the NameServer, for a producer's `nameServers`. */
  readonly nameServerAddress: string
  /** The brokers, in name order. */
  readonly brokers: ReadonlyArray<TestBroker>
  /** The broker of a group, if any. */
  readonly broker: (brokerName: string) => TestBroker | undefined
  /** Every broker's stored messages: broker by broker (in name order), each in store order. */
  readonly messages: Effect.Effect<ReadonlyArray<StoredMessage>>
  /** The stored messages of a topic, across brokers. */
  readonly messagesIn: (topic: string) => Effect.Effect<ReadonlyArray<StoredMessage>>
  /**
   * Completes once every broker's latest registration is answered and the NameServer holds every
   * broker at its address with every topic it hosts as that broker has it.
   */
  readonly awaitRegistered: Effect.Effect<void, ClusterNotReady>
}

/**
 * The name of the `index`-th broker: broker-a … broker-z, then broker-26, broker-27, ….
 *
 * @since 0.1.0
 * @category utils
 */
export const clusterBrokerName = (index: number): string =>
  index < 26 ? `broker-${String.fromCharCode(97 + index)}` : `broker-${index}`

/** What the NameServer is missing about `broker`, or undefined when it knows everything. */
const missing = (nameServer: TestNameServer, broker: TestBroker) =>
  Effect.gen(function*() {
    const state = yield* nameServer.state
    const group = state.brokers.get(broker.brokerName)
    if (group?.brokerAddrs[String(broker.brokerId)] !== broker.address) {
      return `${broker.brokerName} at ${broker.address} is not registered`
    }
    if (broker.brokerId !== 0) return undefined
    const topics: ReadonlyArray<TopicConfig> = yield* broker.topicConfigs
    for (const config of topics) {
      const queueData = state.topics.get(config.topicName)?.get(broker.brokerName)
      if (
        queueData === undefined || queueData.perm !== config.perm ||
        queueData.readQueueNums !== config.readQueueNums || queueData.writeQueueNums !== config.writeQueueNums
      ) {
        return `the NameServer does not have ${broker.brokerName}'s topic ${config.topicName} as it is`
      }
    }
    return undefined
  })

/**
 * Starts a testkit cluster in the current scope; it is ready (every broker registered) when this
 * completes. Closing the scope unregisters the brokers, then stops every server.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeTestCluster = (
  options?: TestClusterOptions
): Effect.Effect<TestClusterInstance, ServerStartFailed | ClusterNotReady, Scope.Scope> =>
  Effect.gen(function*() {
    const profile = options?.profile ?? "4.9.8"
    const count = Math.max(1, Math.floor(options?.brokers ?? 1))
    const readyTimeoutMillis = options?.readyTimeoutMillis ?? 5000
    const nameServer = yield* makeTestNameServer({
      profile,
      port: options?.nameServerPort,
      ...(options?.acl === undefined || options.nameServerAcl === false ? {} : { acl: options.acl, aclPermissions: false }),
      ...(options?.nameServerTls === undefined ? {} : { tls: options.nameServerTls })
    })
    const firstBrokerPort = options?.brokerPort ?? 0
    const brokers = yield* Effect.forEach(
      Array.from({ length: count }, (_, index) => clusterBrokerName(index)),
      (brokerName, index) =>
        makeTestBroker({
          ...options?.brokerOptions,
          port: firstBrokerPort === 0 ? options?.brokerOptions?.port : firstBrokerPort + index,
          brokerName,
          clusterName: options?.clusterName ?? "DefaultCluster",
          profile,
          nameServers: [nameServer.address],
          autoCreateTopicEnable: options?.autoCreateTopicEnable ?? options?.brokerOptions?.autoCreateTopicEnable,
          topics: [...(options?.brokerOptions?.topics ?? []), ...(options?.topics ?? [])],
          ...(options?.acl === undefined ? {} : { acl: options.acl }),
          ...(options?.tls === undefined ? {} : { tls: options.tls }),
          // Inside the testkit, brokers trust the NameServer's certificate whatever signed it.
          ...(options?.nameServerTls === undefined ? {} : { nameServerTls: { insecure: true } })
        }),
      { concurrency: "unbounded" }
    )

    const check = Effect.gen(function*() {
      for (const broker of brokers) {
        const problem = yield* missing(nameServer, broker)
        if (problem !== undefined) return problem
      }
      return undefined
    })

    const awaitRegistered: Effect.Effect<void, ClusterNotReady> = Effect.gen(function*() {
      yield* Effect.forEach(brokers, (broker) => broker.awaitRegistration, { discard: true })
      let problem = yield* check
      for (let waited = 0; problem !== undefined && waited < readyTimeoutMillis; waited += 10) {
        yield* Effect.sleep(10)
        problem = yield* check
      }
      if (problem !== undefined) return yield* new ClusterNotReady({ detail: problem })
    })

    yield* awaitRegistered

    const allMessages = Effect.map(
      Effect.forEach(brokers, (broker) => broker.messages),
      (perBroker) => perBroker.flat()
    )

    return {
      nameServer,
      nameServerAddress: nameServer.address,
      brokers,
      broker: (brokerName) => brokers.find((broker) => broker.brokerName === brokerName),
      messages: allMessages,
      messagesIn: (topic) => Effect.map(allMessages, (messages) => messages.filter((message) => message.topic === topic)),
      awaitRegistered
    } satisfies TestClusterInstance
  })

/**
 * The testkit cluster as a service: `TestCluster.layer(options)` builds a ready cluster that lives
 * as long as the layer.
 *
 * @since 0.1.0
 * @category services
 */
export class TestCluster extends Context.Service<TestCluster, TestClusterInstance>()(
  "effect-rocketmq/testkit/TestCluster"
) {
  /** A ready cluster (every broker registered) that lives as long as the layer. */
  static readonly layer = (
    options?: TestClusterOptions
  ): Layer.Layer<TestCluster, ServerStartFailed | ClusterNotReady> => Layer.effect(TestCluster, makeTestCluster(options))

  /**
   * Producer options pointing at the cluster's NameServer, with `extra` options added: feed it to
   * `Producer.layerFrom` for a producer on this cluster, one layer with `TestCluster.layer`:
   *
   * ```ts
   * const OnTestCluster = Producer.layerFrom(TestCluster.producerOptions({ producerGroup: "orders" })).pipe(
   *   Layer.provideMerge(TestCluster.layer({ brokers: 2, topics: [{ topicName: "Orders" }] }))
   * )
   * ```
   */
  static readonly producerOptions = <const Extra extends object>(
    extra: Extra
  ): Effect.Effect<Extra & { readonly nameServers: string }, never, TestCluster> =>
    Effect.gen(function*() {
      const cluster = yield* TestCluster
      return { ...extra, nameServers: cluster.nameServerAddress }
    })
}
