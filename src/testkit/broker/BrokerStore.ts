/**
 * The in-memory store of the testkit broker: the topics it hosts (Java `TopicConfigManager`) and
 * the messages written to it (Java `CommitLog` plus one consume queue per topic and queue id).
 * Every call is synchronous and effect-free; the broker wraps it in Effects.
 *
 * Messages are kept as the sender meant them: the body inflated when the sender compressed it, a
 * batch split into its messages, the properties decoded. Offsets behave as a real broker's: queue
 * offsets count from 0 per `(topic, queueId)`, and the commit-log offset grows by the size the
 * message would take in a real commit log, so the offset message ids look like real ones.
 *
 * @since 0.1.0
 */
import { Result } from "effect"
import type { TopicConfig } from "../../protocol/BrokerRegistration.ts"
import { PERM_INHERIT, PERM_READ, PERM_WRITE } from "../../protocol/Permission.ts"
import { utf8Length } from "../../protocol/Utf8.ts"
import { decodeProperties } from "../../protocol/message/MessageProperties.ts"
import { parseIpAddress } from "../../protocol/IpAddress.ts"
import { createOffsetMsgId } from "../../protocol/message/OffsetMsgId.ts"

/**
 * The template topic of automatic topic creation (`TopicValidator.AUTO_CREATE_TOPIC_KEY_TOPIC`).
 *
 * @since 0.1.0
 * @category constants
 */
export const AUTO_CREATE_TOPIC_KEY = "TBW102"

/**
 * Queues of TBW102 on a broker (`BrokerConfig.defaultTopicQueueNums`, 8).
 *
 * @since 0.1.0
 * @category constants
 */
export const DEFAULT_BROKER_TOPIC_QUEUE_NUMS = 8

/**
 * Queues of a topic given without queue counts: 4, as the captures' topics and the producer's
 * `defaultTopicQueueNums`. (Java's `new TopicConfig(name)` has 16.)
 *
 * @since 0.1.0
 * @category constants
 */
export const DEFAULT_TOPIC_QUEUE_NUMS = 4

/**
 * A topic to host: only the name is required.
 *
 * - queue counts default to `queueNums`, else {@link DEFAULT_TOPIC_QUEUE_NUMS};
 * - `perm` defaults to read + write (6), `topicSysFlag` to 0, `order` to false, `topicFilterType`
 *   to `SINGLE_TAG`, as Java's `TopicConfig`.
 *
 * A full `TopicConfig` is a `TopicSpec`.
 *
 * @since 0.1.0
 * @category models
 */
export interface TopicSpec {
  readonly topicName: string
  readonly queueNums?: number | undefined
  readonly readQueueNums?: number | undefined
  readonly writeQueueNums?: number | undefined
  readonly perm?: number | undefined
  readonly topicSysFlag?: number | undefined
  readonly order?: boolean | undefined
  readonly topicFilterType?: string | undefined
}

/**
 * A `TopicConfig` from a spec, its keys in the order fastjson writes them (alphabetical), so that a
 * REGISTER_BROKER body reads like a Java broker's.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeTopicConfig = (spec: TopicSpec): TopicConfig => {
  const queueNums = spec.queueNums ?? DEFAULT_TOPIC_QUEUE_NUMS
  return {
    order: spec.order ?? false,
    perm: spec.perm ?? (PERM_READ | PERM_WRITE),
    readQueueNums: spec.readQueueNums ?? queueNums,
    topicFilterType: spec.topicFilterType ?? "SINGLE_TAG",
    topicName: spec.topicName,
    topicSysFlag: spec.topicSysFlag ?? 0,
    writeQueueNums: spec.writeQueueNums ?? queueNums
  }
}

/**
 * Settings of {@link systemTopicConfigs}.
 *
 * @since 0.1.0
 * @category models
 */
export interface SystemTopicOptions {
  readonly clusterName: string
  readonly brokerName: string
  /** With it, TBW102 is hosted (perm 7); default true. */
  readonly autoCreateTopicEnable?: boolean | undefined
  /** TBW102's queue count; default 8. */
  readonly defaultTopicQueueNums?: number | undefined
}

/**
 * The topics a 4.9.8 broker creates at start (`TopicConfigManager`'s constructor): SELF_TEST_TOPIC,
 * TBW102 (only with `autoCreateTopicEnable`), BenchmarkTest (1024 queues), the cluster-name topic
 * (16 queues) and the broker-name topic (1 queue), both perm 7 (`clusterTopicEnable` and
 * `brokerTopicEnable` are on by default), OFFSET_MOVED_EVENT, SCHEDULE_TOPIC_XXXX (18 queues, one
 * per delay level) and `<cluster>_REPLY_TOPIC`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const systemTopicConfigs = (options: SystemTopicOptions): ReadonlyArray<TopicConfig> => {
  const all = PERM_INHERIT | PERM_READ | PERM_WRITE
  const tbw102 = options.defaultTopicQueueNums ?? DEFAULT_BROKER_TOPIC_QUEUE_NUMS
  return [
    makeTopicConfig({ topicName: "SELF_TEST_TOPIC", queueNums: 1 }),
    ...(options.autoCreateTopicEnable === false ? [] : [makeTopicConfig({ topicName: AUTO_CREATE_TOPIC_KEY, queueNums: tbw102, perm: all })]),
    makeTopicConfig({ topicName: "BenchmarkTest", queueNums: 1024 }),
    makeTopicConfig({ topicName: options.clusterName, queueNums: 16, perm: all }),
    makeTopicConfig({ topicName: options.brokerName, queueNums: 1, perm: all }),
    makeTopicConfig({ topicName: "OFFSET_MOVED_EVENT", queueNums: 1 }),
    makeTopicConfig({ topicName: "SCHEDULE_TOPIC_XXXX", queueNums: 18 }),
    makeTopicConfig({ topicName: `${options.clusterName}_REPLY_TOPIC`, queueNums: 1 })
  ]
}

/**
 * A message as the broker stored it.
 *
 * @since 0.1.0
 * @category models
 */
export interface StoredMessage {
  /** The broker that stored it. */
  readonly brokerName: string
  readonly topic: string
  readonly queueId: number
  /** Its offset in `(topic, queueId)`, from 0. */
  readonly queueOffset: number
  /** Its physical offset in the broker's commit log. */
  readonly commitLogOffset: number
  /** The id the broker answered for it (`msgId` of the response; `SendResult.offsetMsgId`). */
  readonly offsetMsgId: string
  /** The body the sender meant: inflated when the sender compressed it. */
  readonly body: Uint8Array
  /** The body as it travelled (compressed or not; for a batch, this message's record body). */
  readonly wireBody: Uint8Array
  /** The `sysFlag` of the request header, untouched. */
  readonly sysFlag: number
  /** The message's user flag. */
  readonly flag: number
  /** The message's properties, decoded (for a batch: the inner message's own, with its UNIQ_KEY). */
  readonly properties: Readonly<Record<string, string>>
  readonly bornTimestamp: number
  /** The sender's `ip:port`. */
  readonly bornHost: string
  /** When the broker stored it (ms since the epoch). */
  readonly storeTimestamp: number
  readonly producerGroup: string
  /** The request code it arrived with: 10, 310 or 320. */
  readonly requestCode: number
  readonly reconsumeTimes: number
}

/**
 * One message of an append: its bodies, flag and encoded properties.
 *
 * @since 0.1.0
 * @category models
 */
export interface MessageToStore {
  readonly body: Uint8Array
  readonly wireBody: Uint8Array
  readonly flag: number
  /** The encoded properties string (see `encodeProperties`). */
  readonly properties: string
}

/**
 * What one send request appends: one message, or a batch's messages, to one queue.
 *
 * @since 0.1.0
 * @category models
 */
export interface AppendRequest {
  readonly topic: string
  readonly queueId: number
  readonly sysFlag: number
  readonly bornTimestamp: number
  readonly bornHost: string
  readonly storeTimestamp: number
  readonly producerGroup: string
  readonly requestCode: number
  readonly reconsumeTimes: number
  readonly messages: ReadonlyArray<MessageToStore>
}

/**
 * The version of a topic table, as a broker sends it with REGISTER_BROKER (Java `DataVersion`).
 *
 * @since 0.1.0
 * @category models
 */
export interface DataVersion {
  readonly counter: number
  readonly timestamp: number
}

/**
 * A broker's topics and messages.
 *
 * @since 0.1.0
 * @category models
 */
export interface BrokerStore {
  /** The topic's config, if hosted. */
  readonly topicConfig: (topic: string) => TopicConfig | undefined
  /** Every hosted topic, in the order they were added. */
  readonly topicConfigs: () => ReadonlyArray<TopicConfig>
  /** Adds or replaces a topic; the data version moves on. */
  readonly putTopicConfig: (config: TopicConfig, now: number) => DataVersion
  readonly dataVersion: () => DataVersion
  /** Stores messages at the end of their queue; returns them as stored, in order. */
  readonly append: (request: AppendRequest) => ReadonlyArray<StoredMessage>
  /** Every stored message, in store order. */
  readonly messages: () => ReadonlyArray<StoredMessage>
  /** The messages of a topic (of one of its queues, with `queueId`), in store order. */
  readonly messagesIn: (topic: string, queueId?: number) => ReadonlyArray<StoredMessage>
  /** The offset the next message of `(topic, queueId)` gets. */
  readonly nextQueueOffset: (topic: string, queueId: number) => number
}

/**
 * Settings of {@link makeBrokerStore}.
 *
 * @since 0.1.0
 * @category models
 */
export interface BrokerStoreOptions {
  readonly brokerName: string
  /** The broker's IP (the offset message ids carry it); not an IP literal → 127.0.0.1. */
  readonly storeHost: string
  readonly storePort: number
  /** The topics hosted from the start. */
  readonly topics?: Iterable<TopicConfig> | undefined
  /** Timestamp of the first data version. */
  readonly now?: number | undefined
  /**
   * Keep about this many of the latest messages (between this and twice this), dropping the oldest
   * as a real broker deletes old commit-log files; offsets go on. Default: keep every message.
   */
  readonly retainMessages?: number | undefined
}

/** Bytes of a commit-log record besides its body, topic and properties (`CommitLog.calMsgLength`). */
const recordOverhead = (storeHostLength: number) =>
  4 + 4 + 4 + 4 + 4 + 8 + 8 + 4 + 8 + 8 + 8 + (storeHostLength === 16 ? 20 : 8) + 4 + 8 + 4 + 1 + 2

/**
 * An empty store (apart from `topics`).
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeBrokerStore = (options: BrokerStoreOptions): BrokerStore => {
  const storeHost = parseIpAddress(options.storeHost) === undefined ? "127.0.0.1" : options.storeHost
  const overhead = recordOverhead(parseIpAddress(storeHost)?.length ?? 4)
  const topics = new Map<string, TopicConfig>()
  for (const config of options.topics ?? []) topics.set(config.topicName, config)
  let version: DataVersion = { counter: 0, timestamp: options.now ?? 0 }
  let all: Array<StoredMessage> = []
  const queues = new Map<string, Array<StoredMessage>>()
  const nextOffsets = new Map<string, number>()
  let commitLogOffset = 0
  const retain = options.retainMessages ?? Number.POSITIVE_INFINITY

  /** Drops the oldest messages once twice `retain` are stored. */
  const trim = () => {
    if (all.length < 2 * retain) return
    all = all.slice(all.length - retain)
    const first = all[0]?.commitLogOffset ?? commitLogOffset
    for (const [key, queue] of queues) queues.set(key, queue.filter((message) => message.commitLogOffset >= first))
  }

  const queueKey = (topic: string, queueId: number) => `${queueId}@${topic}`

  const offsetMsgId = (offset: number): string =>
    Result.getOrElse(
      createOffsetMsgId({ host: storeHost, port: options.storePort, commitLogOffset: BigInt(offset) }),
      () => offset.toString(16).toUpperCase().padStart(32, "0")
    )

  const append = (request: AppendRequest): ReadonlyArray<StoredMessage> => {
    const key = queueKey(request.topic, request.queueId)
    const queue = queues.get(key) ?? []
    queues.set(key, queue)
    let nextOffset = nextOffsets.get(key) ?? 0
    const topicLength = utf8Length(request.topic)
    const stored = request.messages.map((message) => {
      const record: StoredMessage = {
        brokerName: options.brokerName,
        topic: request.topic,
        queueId: request.queueId,
        queueOffset: nextOffset++,
        commitLogOffset,
        offsetMsgId: offsetMsgId(commitLogOffset),
        body: message.body,
        wireBody: message.wireBody,
        sysFlag: request.sysFlag,
        flag: message.flag,
        properties: decodeProperties(message.properties),
        bornTimestamp: request.bornTimestamp,
        bornHost: request.bornHost,
        storeTimestamp: request.storeTimestamp,
        producerGroup: request.producerGroup,
        requestCode: request.requestCode,
        reconsumeTimes: request.reconsumeTimes
      }
      commitLogOffset += overhead + message.wireBody.length + topicLength + utf8Length(message.properties)
      queue.push(record)
      all.push(record)
      return record
    })
    nextOffsets.set(key, nextOffset)
    trim()
    return stored
  }

  return {
    topicConfig: (topic) => topics.get(topic),
    topicConfigs: () => [...topics.values()],
    putTopicConfig: (config, now) => {
      topics.set(config.topicName, config)
      version = { counter: version.counter + 1, timestamp: now }
      return version
    },
    dataVersion: () => version,
    append,
    messages: () => all.slice(),
    messagesIn: (topic, queueId) =>
      queueId === undefined
        ? all.filter((message) => message.topic === topic)
        : (queues.get(queueKey(topic, queueId)) ?? []).slice(),
    nextQueueOffset: (topic, queueId) => nextOffsets.get(queueKey(topic, queueId)) ?? 0
  }
}
