/**
 * An embedded broker on a loopback port that behaves towards a producer as a real Apache RocketMQ
 * broker does (Java `SendMessageProcessor`, `AbstractSendMessageProcessor.msgCheck`,
 * `TopicConfigManager`, `ClientManageProcessor`, `BrokerOuterAPI`):
 *
 * - SEND_MESSAGE (10), SEND_MESSAGE_V2 (310) and SEND_BATCH_MESSAGE (320): Java's checks in Java's
 *   order with Java's codes and remarks, automatic topic creation from the header's default topic,
 *   then the message is stored (see `BrokerStore`) and answered with the response header a real
 *   broker of the chosen profile writes, its extFields in the same order;
 * - HEART_BEAT (34) and UNREGISTER_CLIENT (35): the producer group → client table;
 * - REGISTER_BROKER with every NameServer at start, whenever a topic is created or changed, and
 *   every 30 s; UNREGISTER_BROKER when its scope closes.
 *
 * Tests read what it stored, script its topics and use the fault controls of the server beneath.
 *
 * @since 0.1.0
 */
import * as Zlib from "node:zlib"
import { Clock, Context, Deferred, Effect, Exit, Layer, Queue, Result, Schema, Scope } from "effect"
import { encodeRegisterBrokerRequestHeader, encodeUnregisterBrokerRequestHeader, writeRegisterBrokerBody } from "../protocol/BrokerRegistration.ts"
import type { TopicConfig } from "../protocol/BrokerRegistration.ts"
import { decodeUnregisterClientRequestHeader, parseHeartbeatData } from "../protocol/ClientHeaders.ts"
import { PERM_INHERIT, PERM_READ, PERM_WRITE, isWriteable, permToString } from "../protocol/Permission.ts"
import { makeRequest } from "../protocol/RemotingCommand.ts"
import type { ExtFields, RemotingCommand, ResponseOptions } from "../protocol/RemotingCommand.ts"
import { RequestCode } from "../protocol/RequestCode.ts"
import { ResponseCode } from "../protocol/ResponseCode.ts"
import { decodeSendMessageRequestHeader, decodeSendMessageRequestHeaderV2 } from "../protocol/SendHeaders.ts"
import { setOwn } from "../protocol/StringMap.ts"
import { encodeUtf8, utf8Length } from "../protocol/Utf8.ts"
import { decodeBatch } from "../protocol/message/BatchEncoding.ts"
import { decompressBody } from "../protocol/message/Compression.ts"
import { MSG_REGION, NAME_VALUE_SEPARATOR, PROPERTY_SEPARATOR, TRACE_ON, UNIQ_KEY } from "../protocol/message/MessageConst.ts"
import { decodeProperties } from "../protocol/message/MessageProperties.ts"
import { DEFAULT_MAX_MESSAGE_SIZE } from "../protocol/message/MessageLimits.ts"
import { NOT_ALLOWED_SEND_TOPICS, TOPIC_MAX_LENGTH } from "../protocol/TopicValidator.ts"
import { parseIpAddress } from "../protocol/IpAddress.ts"
import { makeUniqueIdGenerator } from "../protocol/message/UniqueId.ts"
import type { UniqueIdGenerator } from "../protocol/message/UniqueId.ts"
import { makeRemotingClient } from "../transport/RemotingClient.ts"
import type { TlsSettings } from "../transport/Tls.ts"
import { AUTO_CREATE_TOPIC_KEY, makeBrokerStore, makeTopicConfig, systemTopicConfigs } from "./BrokerStore.ts"
import type { BrokerStore, DataVersion, MessageToStore, StoredMessage, TopicSpec } from "./BrokerStore.ts"
import { makeRemotingServer, notSupported } from "./RemotingServer.ts"
import type { RemotingServer, ServerOptions, ServerStartFailed, Session } from "./RemotingServer.ts"
import type { ServerProfile } from "./TestNameServer.ts"

/**
 * Settings of the testkit broker.
 *
 * @since 0.1.0
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

interface ProfileTraits {
  readonly version: number
  /** Capacity of the `HashMap` holding a response's extFields: it decides their order on the wire. */
  readonly extFieldsCapacity: number
  /** The code of a bad topic name or queue id: INVALID_PARAMETER since 5.3.2, SYSTEM_ERROR before. */
  readonly invalidParameter: number
  readonly faqUrl: string
  /** 5.x: `transactionId` in the answer, a UNIQ_KEY made for messages without one. */
  readonly v5: boolean
}

const profiles: Record<ServerProfile, ProfileTraits> = {
  "4.9.8": {
    version: 409,
    extFieldsCapacity: 16,
    invalidParameter: ResponseCode.SYSTEM_ERROR,
    faqUrl: "http://rocketmq.apache.org/docs/faq/",
    v5: false
  },
  "5.3.3": {
    version: 479,
    extFieldsCapacity: 256,
    invalidParameter: ResponseCode.INVALID_PARAMETER,
    faqUrl: "https://rocketmq.apache.org/docs/bestPractice/06FAQ",
    v5: true
  }
}

const RETRY_GROUP_TOPIC_PREFIX = "%RETRY%"
const MAX_PROPERTIES_LENGTH = 32767
const TOPIC_CHARSET = /^[%|a-zA-Z0-9_-]+$/

/** Java's `String.hashCode`. */
const javaStringHash = (text: string): number => {
  let hash = 0
  for (let i = 0; i < text.length; i++) hash = (Math.imul(31, hash) + text.charCodeAt(i)) | 0
  return hash
}

/**
 * The entries in the order a Java `HashMap` of `initialCapacity` iterates them after they were put
 * in this order: by bucket (`(h ^ h >>> 16) & (capacity - 1)`, the table doubling past a 0.75 load),
 * then by insertion within a bucket. Servers write extFields in this order.
 */
const javaHashMapOrder = (entries: ReadonlyArray<readonly [string, string]>, initialCapacity: number): ExtFields => {
  const values = new Map<string, string>()
  for (const [key, value] of entries) values.set(key, value)
  let capacity = initialCapacity
  while (values.size > capacity * 0.75) capacity *= 2
  const bucketOf = (key: string) => {
    const hash = javaStringHash(key)
    return (hash ^ (hash >>> 16)) & (capacity - 1)
  }
  const ordered = [...values.keys()]
    .map((key, index) => ({ key, index, bucket: bucketOf(key) }))
    .sort((a, b) => a.bucket - b.bucket || a.index - b.index)
  const fields: Record<string, string> = {}
  for (const { key } of ordered) setOwn(fields, key, values.get(key) ?? "")
  return fields
}

/** Java's `UtilAll.isBlank`: empty or only whitespace. */
const isBlank = (text: string): boolean => text.trim().length === 0

/** `TopicValidator.validateTopic`'s remark for a bad name, in Java's order of checks. */
const invalidTopicRemark = (topic: string): string | undefined => {
  if (isBlank(topic)) return "The specified topic is blank."
  if (!TOPIC_CHARSET.test(topic)) {
    return "The specified topic contains illegal characters, allowing only ^[%|a-zA-Z0-9_-]+$"
  }
  if (topic.length > TOPIC_MAX_LENGTH) return "The specified topic is longer than topic max length."
  return undefined
}

/** Java's `TopicConfig.toString`. */
const topicConfigText = (config: TopicConfig, v5: boolean): string =>
  `TopicConfig [topicName=${config.topicName}, readQueueNums=${config.readQueueNums}, writeQueueNums=${config.writeQueueNums}, ` +
  `perm=${permToString(config.perm)}, topicFilterType=${config.topicFilterType ?? "SINGLE_TAG"}, ` +
  `topicSysFlag=${config.topicSysFlag}, order=${config.order}${v5 ? ", attributes={}" : ""}]`

/** Java's `TopicSysFlag.buildSysFlag(unit, hasUnitSub)`. */
const unitSysFlag = (unitMode: boolean | undefined, topic: string): number =>
  unitMode !== true ? 0 : topic.startsWith(RETRY_GROUP_TOPIC_PREFIX) ? 2 : 1

/**
 * Starts a testkit broker in the current scope: it listens, registers with its NameServers (an
 * unreachable one is logged and skipped), and re-registers every `registerIntervalMillis`. Closing
 * the scope unregisters it (best effort, 1 s at most) and closes every connection.
 *
 * @since 0.1.0
 */
export const makeTestBroker = (
  options: TestBrokerOptions
): Effect.Effect<TestBroker, ServerStartFailed, Scope.Scope> =>
  Effect.gen(function*() {
    const profile = options.profile ?? "4.9.8"
    const traits = profiles[profile]
    const brokerName = options.brokerName
    const clusterName = options.clusterName ?? "DefaultCluster"
    const brokerId = options.brokerId ?? 0
    const autoCreateTopicEnable = options.autoCreateTopicEnable ?? true
    const maxMessageSize = options.maxMessageSize ?? DEFAULT_MAX_MESSAGE_SIZE
    const checkTopicWritePermission = options.checkTopicWritePermission ?? false
    const nameServers = options.nameServers ?? []
    const registerTimeoutMillis = options.registerTimeoutMillis ?? 3000
    const host = options.host ?? "127.0.0.1"
    const responseDefaults: ReadonlyArray<readonly [string, string]> = [
      [MSG_REGION, options.regionId ?? "DefaultRegion"],
      [TRACE_ON, String(options.traceOn ?? true)]
    ]
    const errorFields = javaHashMapOrder(responseDefaults, traits.extFieldsCapacity)
    const clock = yield* Clock.clockWith(Effect.succeed)
    const now = () => clock.currentTimeMillisUnsafe()

    // The store needs the port, known once listening; requests cannot arrive before (see `send`).
    let store: BrokerStore | undefined
    let brokerAddr = ""
    let uniqueIds: UniqueIdGenerator | undefined
    /** Producer group → connection → client id (Java `ProducerManager`, keyed by channel). */
    const producerTable = new Map<string, Map<Session, string>>()
    const registrationRequests = yield* Queue.unbounded<void>()
    let registeredVersion = -1
    let waiters: Array<{ readonly version: number; readonly deferred: Deferred.Deferred<void> }> = []

    const requestRegistration = () => {
      if (nameServers.length > 0) Queue.offerUnsafe(registrationRequests, undefined)
    }

    const putTopic = (hosted: BrokerStore, config: TopicConfig): TopicConfig => {
      hosted.putTopicConfig(config, now())
      requestRegistration()
      return config
    }

    /** `TopicConfigManager.createTopicInSendMessageMethod`. */
    const createFromTemplate = (
      hosted: BrokerStore,
      topic: string,
      defaultTopic: string,
      clientQueueNums: number,
      topicSysFlag: number
    ): TopicConfig | undefined => {
      const template = hosted.topicConfig(defaultTopic)
      if (template === undefined) return undefined
      // Java turns a TBW102 left over from an earlier run into a plain RW topic when auto-creation is off.
      const perm = defaultTopic === AUTO_CREATE_TOPIC_KEY && !autoCreateTopicEnable ? PERM_READ | PERM_WRITE : template.perm
      if ((perm & PERM_INHERIT) === 0) return undefined
      const queueNums = Math.max(0, Math.min(clientQueueNums, template.writeQueueNums))
      return putTopic(hosted, makeTopicConfig({
        topicName: topic,
        queueNums,
        perm: perm & ~PERM_INHERIT,
        topicSysFlag,
        topicFilterType: template.topicFilterType
      }))
    }

    const sendResponse = (
      queueId: number,
      stored: ReadonlyArray<StoredMessage>,
      transactionId: string | undefined
    ): ResponseOptions => {
      const first = stored[0]
      return {
        code: ResponseCode.SUCCESS,
        extFields: javaHashMapOrder([
          ...responseDefaults,
          ["msgId", stored.map((message) => message.offsetMsgId).join(",")],
          ["queueId", String(queueId)],
          ["queueOffset", String(first?.queueOffset ?? 0)],
          ...(traits.v5 && transactionId !== undefined ? [["transactionId", transactionId] as const] : [])
        ], traits.extFieldsCapacity)
      }
    }

    const send = (request: RemotingCommand, session: Session): ResponseOptions => {
      const hosted = store
      if (hosted === undefined) return { code: ResponseCode.SYSTEM_ERROR, remark: "broker unable to service, it is starting" }
      const decoded = request.code === RequestCode.SEND_MESSAGE
        ? decodeSendMessageRequestHeader(request.extFields)
        : decodeSendMessageRequestHeaderV2(request.extFields)
      // Java throws while decoding the header; the remoting layer answers SYSTEM_ERROR, no extFields.
      if (Result.isFailure(decoded)) {
        return { code: ResponseCode.SYSTEM_ERROR, remark: `RemotingCommandException: ${decoded.failure.message}` }
      }
      const header = decoded.success
      const topic = header.topic
      const fail = (code: number, remark: string): ResponseOptions => ({ code, remark, extFields: errorFields })

      // AbstractSendMessageProcessor.msgCheck
      const badTopic = invalidTopicRemark(topic)
      if (badTopic !== undefined) return fail(traits.invalidParameter, badTopic)
      if (NOT_ALLOWED_SEND_TOPICS.has(topic)) return fail(ResponseCode.NO_PERMISSION, `Sending message to topic[${topic}] is forbidden.`)
      let config = hosted.topicConfig(topic)
      if (config === undefined) {
        const topicSysFlag = unitSysFlag(header.unitMode, topic)
        config = createFromTemplate(hosted, topic, header.defaultTopic, header.defaultTopicQueueNums, topicSysFlag) ??
          (topic.startsWith(RETRY_GROUP_TOPIC_PREFIX)
            ? putTopic(hosted, makeTopicConfig({ topicName: topic, queueNums: 1, perm: PERM_READ | PERM_WRITE, topicSysFlag }))
            : undefined)
        if (config === undefined) {
          return fail(
            ResponseCode.TOPIC_NOT_EXIST,
            `topic[${topic}] not exist, apply first please!\nSee ${traits.faqUrl} for further details.`
          )
        }
      }
      if (header.queueId >= Math.max(config.writeQueueNums, config.readQueueNums)) {
        return fail(
          traits.invalidParameter,
          `request queueId[${header.queueId}] is illegal, ${topicConfigText(config, traits.v5)} Producer: ${session.remoteAddress}`
        )
      }

      // SendMessageProcessor.sendMessage / sendBatchMessage
      let queueId = header.queueId
      if (queueId < 0) {
        // Java: nextInt(99999999) % writeQueueNums, which throws on 0 queues.
        if (config.writeQueueNums <= 0) return { code: ResponseCode.SYSTEM_ERROR, remark: "java.lang.ArithmeticException: / by zero" }
        queueId = Math.floor(Math.random() * 99999999) % config.writeQueueNums
      }
      const batch = header.batch === true
      if (batch && traits.v5 && topic.startsWith(RETRY_GROUP_TOPIC_PREFIX)) {
        return fail(ResponseCode.MESSAGE_ILLEGAL, `batch request does not support retry group ${topic}`)
      }
      if (checkTopicWritePermission && !isWriteable(config.perm)) {
        return fail(ResponseCode.NO_PERMISSION, `the topic[${topic}] sending message is forbidden`)
      }
      const illegal = fail(
        ResponseCode.MESSAGE_ILLEGAL,
        `the message is illegal, maybe msg body or properties length not matched. msg body length limit ${maxMessageSize}B, msg properties length limit 32KB.`
      )
      const propertiesText = header.properties ?? ""
      if (utf8Length(propertiesText) > MAX_PROPERTIES_LENGTH) return illegal
      const body = request.body ?? new Uint8Array(0)
      if (body.length > maxMessageSize) return illegal

      const testkitIllegal = (detail: string) => fail(ResponseCode.MESSAGE_ILLEGAL, `testkit broker: ${detail}`)
      let messages: Array<MessageToStore>
      if (batch) {
        const records = decodeBatch(body)
        if (Result.isFailure(records)) return testkitIllegal(records.failure.message)
        if (records.success.length === 0) return testkitIllegal("the batch holds no message")
        messages = []
        for (const record of records.success) {
          const inflated = decompressBody(record.body, header.sysFlag)
          if (Result.isFailure(inflated)) return testkitIllegal(inflated.failure.message)
          messages.push({ body: inflated.success, wireBody: record.body, flag: record.flag, properties: record.properties })
        }
      } else {
        const inflated = decompressBody(body, header.sysFlag)
        if (Result.isFailure(inflated)) return testkitIllegal(inflated.failure.message)
        let properties = propertiesText
        // 5.x gives a message without UNIQ_KEY one of its own.
        if (traits.v5 && (decodeProperties(properties)[UNIQ_KEY] ?? "").length === 0) {
          uniqueIds ??= makeUniqueIdGenerator({
            ip: parseIpAddress(host) ?? Uint8Array.of(127, 0, 0, 1),
            pid: process.pid,
            salt: Math.floor(Math.random() * 0x100000000)
          })
          const separator = properties.length === 0 || properties.endsWith(PROPERTY_SEPARATOR) ? "" : PROPERTY_SEPARATOR
          properties = properties + separator + UNIQ_KEY + NAME_VALUE_SEPARATOR + uniqueIds.next(now())
        }
        messages = [{ body: inflated.success, wireBody: body, flag: header.flag, properties }]
      }

      const stored = hosted.append({
        topic,
        queueId,
        sysFlag: header.sysFlag,
        bornTimestamp: header.bornTimestamp,
        bornHost: session.remoteAddress,
        storeTimestamp: now(),
        producerGroup: header.producerGroup,
        requestCode: request.code,
        reconsumeTimes: header.reconsumeTimes ?? 0,
        messages
      })
      const transactionId = batch ? decodeProperties(propertiesText)[UNIQ_KEY] : stored[0]?.properties[UNIQ_KEY]
      return sendResponse(queueId, stored, transactionId)
    }

    const heartbeat = (request: RemotingCommand, session: Session): ResponseOptions => {
      const data = parseHeartbeatData(request.body)
      if (Result.isFailure(data)) return { code: ResponseCode.SYSTEM_ERROR, remark: data.failure.message }
      for (const producer of data.success.producerDataSet) {
        const clients = producerTable.get(producer.groupName) ?? new Map<Session, string>()
        clients.set(session, data.success.clientID)
        producerTable.set(producer.groupName, clients)
      }
      return traits.v5
        ? {
          code: ResponseCode.SUCCESS,
          extFields: javaHashMapOrder([["IS_SUPPORT_HEART_BEAT_V2", "true"], ["IS_SUB_CHANGE", "true"]], 256)
        }
        : { code: ResponseCode.SUCCESS }
    }

    const unregisterClient = (request: RemotingCommand, session: Session): ResponseOptions => {
      const header = decodeUnregisterClientRequestHeader(request.extFields)
      if (Result.isFailure(header)) {
        return { code: ResponseCode.SYSTEM_ERROR, remark: `RemotingCommandException: ${header.failure.message}` }
      }
      const group = header.success.producerGroup
      if (group !== undefined) {
        const clients = producerTable.get(group)
        clients?.delete(session)
        if (clients?.size === 0) producerTable.delete(group)
      }
      return { code: ResponseCode.SUCCESS, extFields: {} }
    }

    const server = yield* makeRemotingServer((request, session) => {
      switch (request.code) {
        case RequestCode.SEND_MESSAGE:
        case RequestCode.SEND_MESSAGE_V2:
        case RequestCode.SEND_BATCH_MESSAGE:
          return send(request, session)
        case RequestCode.HEART_BEAT:
          return heartbeat(request, session)
        case RequestCode.UNREGISTER_CLIENT:
          return unregisterClient(request, session)
        default:
          return notSupported(request)
      }
    }, {
      ...options,
      version: traits.version,
      onDisconnect: (session) => {
        for (const [group, clients] of producerTable) {
          clients.delete(session)
          if (clients.size === 0) producerTable.delete(group)
        }
      }
    })
    brokerAddr = server.address
    const hosted = makeBrokerStore({
      brokerName,
      storeHost: host,
      storePort: server.port,
      now: now(),
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

    // Registration (BrokerOuterAPI.registerBrokerAll / unregisterBrokerAll)
    // The client lives in a scope of its own, closed after the unregistration: a scope that is closing
    // cannot start the fibers that dial.
    const clientScope = yield* Scope.make()
    yield* Effect.addFinalizer(() => Scope.close(clientScope, Exit.void))
    const client = yield* Scope.provide(makeRemotingClient({
      connectTimeoutMillis: registerTimeoutMillis,
      tlsFor: () => options.nameServerTls
    }), clientScope)
    const haServerAddr = `${host}:${server.port + 1}`

    const registerRequest = (): RemotingCommand => {
      const body = encodeUtf8(writeRegisterBrokerBody({
        filterServerList: [],
        topicConfigSerializeWrapper: {
          dataVersion: hosted.dataVersion(),
          topicConfigTable: Object.fromEntries(hosted.topicConfigs().map((config) => [config.topicName, config]))
        }
      }))
      const header = encodeRegisterBrokerRequestHeader({
        brokerName,
        brokerAddr,
        clusterName,
        haServerAddr,
        brokerId,
        ...(traits.v5 ? { enableActingMaster: false } : {}),
        compressed: false,
        bodyCrc32: Zlib.crc32(body) & 0x7fffffff
      })
      return makeRequest({
        code: RequestCode.REGISTER_BROKER,
        extFields: javaHashMapOrder(Object.entries(header), 16),
        body,
        language: "JAVA",
        version: traits.version
      })
    }

    const registerWith = (address: string, request: RemotingCommand) =>
      client.invoke(address, request, { timeoutMillis: registerTimeoutMillis }).pipe(
        Effect.flatMap((response) =>
          response.code === ResponseCode.SUCCESS
            ? Effect.void
            : Effect.logWarning(
              `testkit broker ${brokerName}: the NameServer ${address} refused the registration (code ${response.code}): ${response.remark ?? ""}`
            )
        ),
        Effect.catch((error) =>
          Effect.logWarning(`testkit broker ${brokerName}: cannot register with the NameServer ${address}: ${error.message}`)
        )
      )

    const markRegistered = (version: number) => {
      registeredVersion = Math.max(registeredVersion, version)
      const done = waiters.filter((waiter) => waiter.version <= registeredVersion)
      waiters = waiters.filter((waiter) => waiter.version > registeredVersion)
      for (const waiter of done) Deferred.doneUnsafe(waiter.deferred, Effect.void)
    }

    const registerAll = Effect.suspend(() => {
      const version = hosted.dataVersion().counter
      const request = registerRequest()
      return Effect.forEach(nameServers, (address) => registerWith(address, request), {
        concurrency: "unbounded",
        discard: true
      }).pipe(Effect.andThen(Effect.sync(() => markRegistered(version))))
    })

    const awaitRegistration: Effect.Effect<void> = Effect.suspend(() => {
      if (nameServers.length === 0) return Effect.void
      const version = hosted.dataVersion().counter
      if (registeredVersion >= version) return Effect.void
      const deferred = Deferred.makeUnsafe<void>()
      waiters.push({ version, deferred })
      return Deferred.await(deferred)
    })

    const unregisterRequest = makeRequest({
      code: RequestCode.UNREGISTER_BROKER,
      extFields: javaHashMapOrder(Object.entries(encodeUnregisterBrokerRequestHeader({ brokerName, brokerAddr, clusterName, brokerId })), 16),
      language: "JAVA",
      version: traits.version
    })

    if (nameServers.length > 0) yield* registerAll
    // Runs after the registration fibers below are interrupted, before the client and the server close.
    yield* Effect.addFinalizer(() =>
      Effect.forEach(
        nameServers,
        (address) => Effect.ignore(client.invoke(address, unregisterRequest, { timeoutMillis: 1000 })),
        { concurrency: "unbounded", discard: true }
      )
    )
    if (nameServers.length > 0) {
      yield* Effect.forkScoped(Effect.forever(Effect.andThen(Queue.takeAll(registrationRequests), registerAll)))
      yield* Effect.forkScoped(Effect.forever(Effect.andThen(
        Effect.sleep(options.registerIntervalMillis ?? 30_000),
        Effect.sync(requestRegistration)
      )))
    }

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
      registerNow: Effect.suspend(() => (nameServers.length === 0 ? Effect.void : registerAll))
    } satisfies TestBroker
  })

/**
 * The testkit broker as a service, for layer-based tests.
 *
 * @since 0.1.0
 */
export class TestBrokerService extends Context.Service<TestBrokerService, TestBroker>()(
  "effect-rocketmq/testkit/TestBroker"
) {
  /** A broker that lives as long as the layer. */
  static readonly layer = (options: TestBrokerOptions): Layer.Layer<TestBrokerService, ServerStartFailed> =>
    Layer.effect(TestBrokerService, makeTestBroker(options))
}
