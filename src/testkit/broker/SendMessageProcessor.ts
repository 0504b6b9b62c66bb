/**
 * What the testkit broker does with a send, whichever request code carried it (Java
 * `AbstractSendMessageProcessor.msgCheck`, `SendMessageProcessor.sendMessage` / `sendBatchMessage`,
 * `TopicConfigManager.createTopicInSendMessageMethod`): Java's checks in Java's order with Java's
 * codes and remarks, automatic topic creation from the header's default topic, then the message is
 * stored (see `BrokerStore`) and answered with the response header a real broker of the chosen
 * profile writes, its extFields in the same order.
 *
 * @since 0.1.0
 */
import { Result } from "effect"
import type { TopicConfig } from "../../protocol/BrokerRegistration.ts"
import { PERM_INHERIT, PERM_READ, PERM_WRITE, isWriteable, permToString } from "../../protocol/Permission.ts"
import type { RemotingCommand, ResponseOptions } from "../../protocol/RemotingCommand.ts"
import { ResponseCode } from "../../protocol/ResponseCode.ts"
import type { SendMessageRequestHeader } from "../../protocol/SendHeaders.ts"
import { NOT_ALLOWED_SEND_TOPICS, TOPIC_MAX_LENGTH } from "../../protocol/TopicValidator.ts"
import { utf8Length } from "../../protocol/Utf8.ts"
import { decodeBatch } from "../../protocol/message/BatchEncoding.ts"
import { decompressBody } from "../../protocol/message/Compression.ts"
import { NAME_VALUE_SEPARATOR, PROPERTY_SEPARATOR, UNIQ_KEY } from "../../protocol/message/MessageConst.ts"
import { MAX_PROPERTIES_BYTES } from "../../protocol/message/MessageLimits.ts"
import { decodeProperties } from "../../protocol/message/MessageProperties.ts"
import { javaHashMapOrder } from "../JavaHashMap.ts"
import type { Session } from "../Session.ts"
import type { BrokerContext } from "./BrokerContext.ts"
import { AUTO_CREATE_TOPIC_KEY, makeTopicConfig } from "./BrokerStore.ts"
import type { BrokerStore, MessageToStore, StoredMessage } from "./BrokerStore.ts"

const RETRY_GROUP_TOPIC_PREFIX = "%RETRY%"
const TOPIC_CHARSET = /^[%|a-zA-Z0-9_-]+$/

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

/** `TopicConfigManager.createTopicInSendMessageMethod`. */
const createFromTemplate = (
  context: BrokerContext,
  hosted: BrokerStore,
  topic: string,
  defaultTopic: string,
  clientQueueNums: number,
  topicSysFlag: number
): TopicConfig | undefined => {
  const template = hosted.topicConfig(defaultTopic)
  if (template === undefined) return undefined
  // Java turns a TBW102 left over from an earlier run into a plain RW topic when auto-creation is off.
  const perm = defaultTopic === AUTO_CREATE_TOPIC_KEY && !context.autoCreateTopicEnable ? PERM_READ | PERM_WRITE : template.perm
  if ((perm & PERM_INHERIT) === 0) return undefined
  const queueNums = Math.max(0, Math.min(clientQueueNums, template.writeQueueNums))
  return context.putTopic(hosted, makeTopicConfig({
    topicName: topic,
    queueNums,
    perm: perm & ~PERM_INHERIT,
    topicSysFlag,
    topicFilterType: template.topicFilterType
  }))
}

const sendResponse = (
  context: BrokerContext,
  queueId: number,
  stored: ReadonlyArray<StoredMessage>,
  transactionId: string | undefined
): ResponseOptions => {
  const first = stored[0]
  return {
    code: ResponseCode.SUCCESS,
    extFields: javaHashMapOrder([
      ...context.responseDefaults,
      ["msgId", stored.map((message) => message.offsetMsgId).join(",")],
      ["queueId", String(queueId)],
      ["queueOffset", String(first?.queueOffset ?? 0)],
      ...(context.traits.v5 && transactionId !== undefined ? [["transactionId", transactionId] as const] : [])
    ], context.traits.extFieldsCapacity)
  }
}

/**
 * Checks, stores and answers one send whose header has been decoded (a batch when `header.batch`).
 *
 * @since 0.1.0
 * @category handlers
 */
export const processSend = (
  request: RemotingCommand,
  header: SendMessageRequestHeader,
  session: Session,
  context: BrokerContext
): ResponseOptions => {
  const hosted = context.store()
  if (hosted === undefined) return { code: ResponseCode.SYSTEM_ERROR, remark: "broker unable to service, it is starting" }
  const { traits } = context
  const topic = header.topic
  const fail = (code: number, remark: string): ResponseOptions => ({ code, remark, extFields: context.errorFields })

  // AbstractSendMessageProcessor.msgCheck
  const badTopic = invalidTopicRemark(topic)
  if (badTopic !== undefined) return fail(traits.invalidParameter, badTopic)
  if (NOT_ALLOWED_SEND_TOPICS.has(topic)) return fail(ResponseCode.NO_PERMISSION, `Sending message to topic[${topic}] is forbidden.`)
  let config = hosted.topicConfig(topic)
  if (config === undefined) {
    const topicSysFlag = unitSysFlag(header.unitMode, topic)
    config = createFromTemplate(context, hosted, topic, header.defaultTopic, header.defaultTopicQueueNums, topicSysFlag) ??
      (topic.startsWith(RETRY_GROUP_TOPIC_PREFIX)
        ? context.putTopic(hosted, makeTopicConfig({ topicName: topic, queueNums: 1, perm: PERM_READ | PERM_WRITE, topicSysFlag }))
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
  if (context.checkTopicWritePermission && !isWriteable(config.perm)) {
    return fail(ResponseCode.NO_PERMISSION, `the topic[${topic}] sending message is forbidden`)
  }
  const illegal = fail(
    ResponseCode.MESSAGE_ILLEGAL,
    `the message is illegal, maybe msg body or properties length not matched. msg body length limit ${context.maxMessageSize}B, msg properties length limit 32KB.`
  )
  const propertiesText = header.properties ?? ""
  if (utf8Length(propertiesText) > MAX_PROPERTIES_BYTES) return illegal
  const body = request.body ?? new Uint8Array(0)
  if (body.length > context.maxMessageSize) return illegal

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
      const separator = properties.length === 0 || properties.endsWith(PROPERTY_SEPARATOR) ? "" : PROPERTY_SEPARATOR
      properties = properties + separator + UNIQ_KEY + NAME_VALUE_SEPARATOR + context.nextUniqueId()
    }
    messages = [{ body: inflated.success, wireBody: body, flag: header.flag, properties }]
  }

  const stored = hosted.append({
    topic,
    queueId,
    sysFlag: header.sysFlag,
    bornTimestamp: header.bornTimestamp,
    bornHost: session.remoteAddress,
    storeTimestamp: context.now(),
    producerGroup: header.producerGroup,
    requestCode: request.code,
    reconsumeTimes: header.reconsumeTimes ?? 0,
    messages
  })
  const transactionId = batch ? decodeProperties(propertiesText)[UNIQ_KEY] : stored[0]?.properties[UNIQ_KEY]
  return sendResponse(context, queueId, stored, transactionId)
}

/**
 * The answer to a send header that does not decode: Java throws while decoding it, and the remoting
 * layer answers SYSTEM_ERROR without extFields.
 *
 * @since 0.1.0
 * @category handlers
 */
export const undecodableHeader = (detail: string): ResponseOptions => ({
  code: ResponseCode.SYSTEM_ERROR,
  remark: `RemotingCommandException: ${detail}`
})
