/**
 * An embedded broker on a loopback port that behaves towards a producer as a real Apache RocketMQ
 * broker does. It answers the request codes of its handler table (`broker/BrokerHandlers.ts`, one
 * file per code): SEND_MESSAGE (10), SEND_MESSAGE_V2 (310) and SEND_BATCH_MESSAGE (320) through
 * `broker/SendMessageProcessor.ts`, HEART_BEAT (34) and UNREGISTER_CLIENT (35); it registers with
 * its NameServers (`broker/NameServerRegistration.ts`).
 *
 * Tests read what it stored, script its topics, and script any fault with a control hook per
 * request code (`control`, see `Control.ts`) or the fault rules of the server beneath.
 *
 * @since 0.1.0
 */
import { Clock, Context, Effect, Layer, Queue, Schema } from "effect"
import type { Scope } from "effect"
import type { TopicConfig } from "../protocol/BrokerRegistration.ts"
import { parseIpAddress } from "../protocol/IpAddress.ts"
import { MSG_REGION, TRACE_ON } from "../protocol/message/MessageConst.ts"
import { DEFAULT_MAX_MESSAGE_SIZE } from "../protocol/message/MessageLimits.ts"
import { makeUniqueIdGenerator } from "../protocol/message/UniqueId.ts"
import type { TlsSettings } from "../transport/Tls.ts"
import type { UniqueIdGenerator } from "../protocol/message/UniqueId.ts"
import type { BrokerContext } from "./broker/BrokerContext.ts"
import { brokerHandlers } from "./broker/BrokerHandlers.ts"
import { AUTO_CREATE_TOPIC_KEY, makeBrokerStore, makeTopicConfig, systemTopicConfigs } from "./broker/BrokerStore.ts"
import type { BrokerStore, DataVersion, StoredMessage, TopicSpec } from "./broker/BrokerStore.ts"
import { startNameServerRegistration } from "./broker/NameServerRegistration.ts"
import { dispatch } from "./Handler.ts"
import { javaHashMapOrder } from "./JavaHashMap.ts"
import { makeRemotingServer } from "./RemotingServer.ts"
import type { RemotingServer, ServerOptions, ServerStartFailed } from "./RemotingServer.ts"
import { profileTraits } from "./ServerProfile.ts"
import type { ServerProfile } from "./ServerProfile.ts"
import type { Session } from "./Session.ts"

/**
 * Settings of the testkit broker.
 *
 * @since 0.1.0
 * @category models
 */
export interface TestBrokerOptions extends Omit<ServerOptions, "version" | "onDisconnect"> {
  /** The broker group's name, e.g. `broker-a`. */
  readonly brokerName: string
  /** Default `DefaultCluster`. */
  readonly clusterName?: string | undefined
  /** 0 (the default) is the master. */
  readonly brokerId?: number | undefined
  /** NameServer addresses (`host:port`) to register with; none by default. */
  readonly nameServers?: ReadonlyArray<string> | undefined
  /** The real broker to imitate; default 4.9.8. */
  readonly profile?: ServerProfile | undefined
  /** Host TBW102 (8 queues, perm 7) so that unknown topics are created on first send; default true. */
  readonly autoCreateTopicEnable?: boolean | undefined
  /** TBW102's queue count (Java `defaultTopicQueueNums`); default 8. */
  readonly defaultTopicQueueNums?: number | undefined
  /** Topics hosted from the start (after the system topics, which they may replace). */
  readonly topics?: ReadonlyArray<TopicSpec> | undefined
  /** Host the system topics a real broker creates at start (see `systemTopicConfigs`); default true. */
  readonly systemTopics?: boolean | undefined
  /** Largest body (or batch body) accepted, in bytes; default 4 MiB. */
  readonly maxMessageSize?: number | undefined
  /** Keep only about this many of the latest messages (see `BrokerStoreOptions`); default all. */
  readonly retainMessages?: number | undefined
  /**
   * Answer NO_PERMISSION to a send to a topic without PERM_WRITE; default false, as real 4.9.8 and
   * 5.3.3 brokers do not check the topic's permission on a producer's send (only the NameServer
   * route hides such queues from producers). Set true to test how a producer handles the refusal.
   */
  readonly checkTopicWritePermission?: boolean | undefined
  /** `MSG_REGION` of answers; default `DefaultRegion`. */
  readonly regionId?: string | undefined
  /** `TRACE_ON` of answers; default true. */
  readonly traceOn?: boolean | undefined
  /** Interval of the periodic re-registration; default 30 000 ms (Java `registerNameServerPeriod`). */
  readonly registerIntervalMillis?: number | undefined
  /** Time allowed to each REGISTER_BROKER; default 3000 ms. */
  readonly registerTimeoutMillis?: number | undefined
  /** TLS to the NameServers the broker registers with; default plain. */
  readonly nameServerTls?: TlsSettings | undefined
}

/**
 * A broker asked about a topic it does not host.
 *
 * @since 0.1.0
 * @category errors
 */
export class TopicNotHosted extends Schema.TaggedError<TopicNotHosted>()("TopicNotHosted", {
  brokerName: Schema.String,
  topic: Schema.String
}) {
  override get message(): string {
    return `the testkit broker ${this.brokerName} does not host the topic ${this.topic}`
  }
}

/**
 * A running testkit broker: the server controls plus its store and tables.
 *
 * @since 0.1.0
 * @category models
 */
export interface TestBroker extends RemotingServer {
  readonly brokerName: string
  readonly clusterName: string
  readonly brokerId: number
  readonly profile: ServerProfile
  /** Every stored message, in store order. */
  readonly messages: Effect.Effect<ReadonlyArray<StoredMessage>>
  /** The stored messages of a topic (or of one of its queues), in store order. */
  readonly messagesIn: (topic: string, queueId?: number) => Effect.Effect<ReadonlyArray<StoredMessage>>
  /** A hosted topic's config. */
  readonly topicConfig: (topic: string) => Effect.Effect<TopicConfig | undefined>
  /** Every hosted topic. */
  readonly topicConfigs: Effect.Effect<ReadonlyArray<TopicConfig>>
  /** The topic table's version. */
  readonly dataVersion: Effect.Effect<DataVersion>
  /** Producer group → ids of the clients whose heartbeat named it (on connections still open). */
  readonly producers: Effect.Effect<ReadonlyMap<string, ReadonlyArray<string>>>
  /** Hosts a topic (or replaces its config), then re-registers; completes once registered. */
  readonly createTopic: (spec: TopicSpec) => Effect.Effect<TopicConfig>
  /** Changes a topic's permission (4 = read-only), then re-registers; completes once registered. */
  readonly setTopicPerm: (topic: string, perm: number) => Effect.Effect<TopicConfig, TopicNotHosted>
  /**
   * Completes once every NameServer has answered (or failed to answer) a registration of the current
   * topic table: after a send created a topic, the NameServer's route holds it from then on.
   */
  readonly awaitRegistration: Effect.Effect<void>
  /** Registers with every NameServer now, and waits for the answers. */
  readonly registerNow: Effect.Effect<void>
}

/**
 * Starts a testkit broker in the current scope: it listens, registers with its NameServers (an
 * unreachable one is logged and skipped), and re-registers every `registerIntervalMillis`. Closing
 * the scope unregisters it (best effort, 1 s at most) and closes every connection.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeTestBroker = (
  options: TestBrokerOptions
): Effect.Effect<TestBroker, ServerStartFailed, Scope.Scope> =>
  Effect.gen(function*() {
    const profile = options.profile ?? "4.9.8"
    const traits = profileTraits[profile]
    const brokerName = options.brokerName
    const clusterName = options.clusterName ?? "DefaultCluster"
    const brokerId = options.brokerId ?? 0
    const autoCreateTopicEnable = options.autoCreateTopicEnable ?? true
    const nameServers = options.nameServers ?? []
    const host = options.host ?? "127.0.0.1"
    const responseDefaults: ReadonlyArray<readonly [string, string]> = [
      [MSG_REGION, options.regionId ?? "DefaultRegion"],
      [TRACE_ON, String(options.traceOn ?? true)]
    ]
    const clock = yield* Clock.clockWith(Effect.succeed)
    const now = () => clock.currentTimeMillisUnsafe()

    // The store needs the port, known once listening; requests cannot arrive before (see `processSend`).
    let store: BrokerStore | undefined
    let uniqueIds: UniqueIdGenerator | undefined
    const registrationRequests = yield* Queue.unbounded<void>()
    const producerTable = new Map<string, Map<Session, string>>()

    const putTopic = (hosted: BrokerStore, config: TopicConfig): TopicConfig => {
      hosted.putTopicConfig(config, now())
      if (nameServers.length > 0) Queue.offerUnsafe(registrationRequests, undefined)
      return config
    }

    const context: BrokerContext = {
      brokerName,
      profile,
      traits,
      autoCreateTopicEnable,
      maxMessageSize: options.maxMessageSize ?? DEFAULT_MAX_MESSAGE_SIZE,
      checkTopicWritePermission: options.checkTopicWritePermission ?? false,
      responseDefaults,
      errorFields: javaHashMapOrder(responseDefaults, traits.extFieldsCapacity),
      now,
      nextUniqueId: () => {
        uniqueIds ??= makeUniqueIdGenerator({
          ip: parseIpAddress(host) ?? Uint8Array.of(127, 0, 0, 1),
          pid: process.pid,
          salt: Math.floor(Math.random() * 0x100000000)
        })
        return uniqueIds.next(now())
      },
      store: () => store,
      putTopic,
      producerTable
    }

    const server = yield* makeRemotingServer(dispatch(brokerHandlers, context), {
      ...options,
      version: traits.version,
      onDisconnect: (session) => {
        for (const [group, clients] of producerTable) {
          clients.delete(session)
          if (clients.size === 0) producerTable.delete(group)
        }
      }
    })
    const hosted = makeBrokerStore({
      brokerName,
      storeHost: host,
      storePort: server.port,
      now: now(),
      retainMessages: options.retainMessages,
      topics: [
        ...systemTopicConfigs({
          clusterName,
          brokerName,
          autoCreateTopicEnable,
          defaultTopicQueueNums: options.defaultTopicQueueNums
        }).filter((config) => options.systemTopics !== false || config.topicName === AUTO_CREATE_TOPIC_KEY),
        ...(options.topics ?? []).map(makeTopicConfig)
      ]
    })
    store = hosted

    const { awaitRegistration, registerNow } = yield* startNameServerRegistration({
      brokerName,
      clusterName,
      brokerId,
      brokerAddr: server.address,
      haServerAddr: `${host}:${server.port + 1}`,
      nameServers,
      traits,
      store: hosted,
      requests: registrationRequests,
      registerTimeoutMillis: options.registerTimeoutMillis ?? 3000,
      registerIntervalMillis: options.registerIntervalMillis ?? 30_000,
      nameServerTls: options.nameServerTls
    })

    const afterChange = (config: TopicConfig) => Effect.as(awaitRegistration, config)

    return {
      ...server,
      brokerName,
      clusterName,
      brokerId,
      profile,
      messages: Effect.sync(() => hosted.messages()),
      messagesIn: (topic, queueId) => Effect.sync(() => hosted.messagesIn(topic, queueId)),
      topicConfig: (topic) => Effect.sync(() => hosted.topicConfig(topic)),
      topicConfigs: Effect.sync(() => hosted.topicConfigs()),
      dataVersion: Effect.sync(() => hosted.dataVersion()),
      producers: Effect.sync(() =>
        new Map([...producerTable].map(([group, clients]) => [group, [...new Set(clients.values())]] as const))
      ),
      createTopic: (spec) => Effect.suspend(() => afterChange(putTopic(hosted, makeTopicConfig(spec)))),
      setTopicPerm: (topic, perm) =>
        Effect.suspend(() => {
          const config = hosted.topicConfig(topic)
          return config === undefined
            ? Effect.fail(new TopicNotHosted({ brokerName, topic }))
            : afterChange(putTopic(hosted, { ...config, perm }))
        }),
      awaitRegistration,
      registerNow
    } satisfies TestBroker
  })

/**
 * The testkit broker as a service, for layer-based tests.
 *
 * @since 0.1.0
 * @category services
 */
export class TestBrokerService extends Context.Service<TestBrokerService, TestBroker>()(
  "effect-rocketmq/testkit/TestBroker"
) {
  /** A broker that lives as long as the layer. */
  static readonly layer = (options: TestBrokerOptions): Layer.Layer<TestBrokerService, ServerStartFailed> =>
    Layer.effect(TestBrokerService, makeTestBroker(options))
}
