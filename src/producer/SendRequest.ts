/**
 * The wire side of a send, as pure functions: a validated message (or batch) prepared once for
 * every attempt — properties with its unique id, body compressed if large — then the
 * SEND_MESSAGE_V2 / SEND_BATCH_MESSAGE request for a chosen queue, and the reading of the broker's
 * answer into a `SendResult` (REMOTING.md §11, §12).
 *
 * @since 0.1.0
 */
import { Result } from "effect"
import { makeRequest } from "../protocol/RemotingCommand.ts"
import type { RemotingCommand, SerializeType } from "../protocol/RemotingCommand.ts"
import { RequestCode } from "../protocol/RequestCode.ts"
import { ResponseCode } from "../protocol/ResponseCode.ts"
import { decodeSendMessageResponseHeader, encodeSendMessageRequestHeaderV2 } from "../protocol/SendHeaders.ts"
import type { MessageQueue } from "../route/MessageQueue.ts"
import { encodeBatch } from "../protocol/message/BatchEncoding.ts"
import { compressBody } from "../protocol/message/Compression.ts"
import type { Message } from "../protocol/message/Message.ts"
import { DELAY, INSTANCE_ID, TRAN_MSG, UNIQ_KEY, WAIT } from "../protocol/message/MessageConst.ts"
import { appendProperties, appendProperty, encodeMessageProperties, encodeProperties } from "../protocol/message/MessageProperties.ts"
import { TRANSACTION_PREPARED_TYPE } from "../protocol/message/MessageSysFlag.ts"
import { InvalidMessage } from "./MessageValidation.ts"
import type { SendResult, SendStatus } from "./SendResult.ts"

/**
 * A message as every attempt sends it.
 *
 * @since 0.1.0
 * @category models
 */
export interface PreparedMessage {
  readonly topic: string
  /** The frame body: the (possibly compressed) body, or the encoded batch. */
  readonly body: Uint8Array
  readonly sysFlag: number
  readonly flag: number
  /** The encoded properties of the message (of the batch wrapper for a batch). */
  readonly properties: string
  /** `SendResult.msgId`: the unique id, or the batch's inner ids joined by commas. */
  readonly msgId: string
  readonly bornTimestamp: number
  readonly batch: boolean
}

/**
 * How messages are prepared: the producer's settings, the same for every message.
 *
 * @since 0.1.0
 * @category models
 */
export interface PrepareOptions {
  /** A fresh unique id for a message born at `now` (epoch ms). */
  readonly nextUniqueId: (now: number) => string
  readonly compressThreshold: number
  readonly compressLevel: number
  /** The namespace, sent as property `INSTANCE_ID` after `UNIQ_KEY` (Java's `setInstanceId`). */
  readonly namespace?: string | undefined
}

/**
 * Prepares a validated message born at `now`: its unique id (`UNIQ_KEY`) is added to its
 * properties, and a body of at least `compressThreshold` bytes is zlib-compressed (sysFlag
 * `0x301`). `systemProperties` are those the client adds after `UNIQ_KEY` (`TRAN_MSG` and `PGROUP`
 * for a half message, `CORRELATION_ID`, `REPLY_TO_CLIENT` and `TTL` for a request); they are not
 * validated as user properties.
 *
 * @since 0.1.0
 * @category constructors
 */
export const prepareMessage = (
  message: Message,
  options: PrepareOptions,
  now: number,
  systemProperties?: Readonly<Record<string, string>>
): PreparedMessage => {
  const msgId = options.nextUniqueId(now)
  const { body, sysFlag } = compressBody(message.body, { threshold: options.compressThreshold, level: options.compressLevel })
  // Appended one by one: no map of the added properties is built for each message.
  const withId = appendProperty(encodeMessageProperties(message), UNIQ_KEY, msgId)
  const named = options.namespace === undefined ? withId : appendProperty(withId, INSTANCE_ID, options.namespace)
  return {
    topic: message.topic,
    body,
    // A half message of a transaction (Java's `sendKernelImpl`: TRAN_MSG=true → PREPARED).
    sysFlag: systemProperties?.[TRAN_MSG] === "true" ? sysFlag | TRANSACTION_PREPARED_TYPE : sysFlag,
    flag: message.flag ?? 0,
    properties: systemProperties === undefined ? named : appendProperties(named, systemProperties),
    msgId,
    bornTimestamp: now,
    batch: false
  }
}

const batchInvalid = (detail: string) => new InvalidMessage({ rule: "BatchInvalid", detail })

/**
 * Prepares validated messages as one batch (Java `MessageBatch`): one topic, one `WAIT` value, no
 * delay, not a retry topic; each message gets its own unique id, the batch wrapper another; bodies
 * are not compressed; the encoded batch must fit `maxMessageSize`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const prepareBatch = (
  messages: ReadonlyArray<Message>,
  options: PrepareOptions & { readonly maxMessageSize: number },
  now: number
): Result.Result<PreparedMessage, InvalidMessage> => {
  const [first] = messages
  if (first === undefined) return Result.fail(batchInvalid("a batch needs at least one message"))
  const wait = first.waitStoreMsgOK !== false
  for (const message of messages) {
    if (message.topic !== first.topic) {
      return Result.fail(batchInvalid(`every message of a batch has one topic; found "${first.topic}" and "${message.topic}"`))
    }
    if ((message.waitStoreMsgOK !== false) !== wait) return Result.fail(batchInvalid("the messages of a batch disagree on waitStoreMsgOK"))
    if (
      (message.delayTimeLevel ?? 0) > 0 || message.deliverTimeMs !== undefined || message.delayTimeSec !== undefined ||
      message.delayTimeMs !== undefined || message.properties?.[DELAY] !== undefined
    ) {
      return Result.fail(batchInvalid("a batch cannot hold delayed messages"))
    }
  }
  if (first.topic.startsWith("%RETRY%")) return Result.fail(batchInvalid("a batch cannot go to a retry topic"))
  const ids: Array<string> = []
  const records = messages.map((message) => {
    const id = options.nextUniqueId(now)
    ids.push(id)
    return { body: message.body, flag: message.flag ?? 0, properties: encodeMessageProperties(message, { [UNIQ_KEY]: id }) }
  })
  const encoded = encodeBatch(records)
  if (Result.isFailure(encoded)) return Result.fail(batchInvalid(encoded.failure.message))
  const body = encoded.success
  if (body.length > options.maxMessageSize) {
    return Result.fail(new InvalidMessage({
      rule: "BodyTooLarge",
      detail: `the encoded batch has ${body.length} bytes, more than the maximum of ${options.maxMessageSize}`
    }))
  }
  return Result.succeed({
    topic: first.topic,
    body,
    sysFlag: 0,
    flag: 0,
    properties: encodeProperties({
      [WAIT]: wait ? "true" : "false",
      [UNIQ_KEY]: options.nextUniqueId(now),
      ...(options.namespace === undefined ? {} : { [INSTANCE_ID]: options.namespace })
    }),
    msgId: ids.join(","),
    bornTimestamp: now,
    batch: true
  })
}

/**
 * What the request header needs from the producer.
 *
 * @since 0.1.0
 * @category models
 */
export interface RequestContext {
  readonly producerGroup: string
  readonly defaultTopic: string
  readonly defaultTopicQueueNums: number
  readonly serializeType: SerializeType
}

/**
 * The SEND_MESSAGE_V2 (or SEND_BATCH_MESSAGE) request of a prepared message for a queue, with the
 * header fields Java 4.9.8 sends (`k` and `m` always, `n` the broker name).
 *
 * @since 0.1.0
 * @category constructors
 */
export const sendRequest = (
  message: PreparedMessage,
  queue: MessageQueue,
  context: RequestContext,
  oneway = false
): RemotingCommand =>
  makeRequest({
    code: message.batch ? RequestCode.SEND_BATCH_MESSAGE : RequestCode.SEND_MESSAGE_V2,
    oneway,
    serializeType: context.serializeType,
    body: message.body,
    extFields: encodeSendMessageRequestHeaderV2({
      producerGroup: context.producerGroup,
      topic: message.topic,
      defaultTopic: context.defaultTopic,
      defaultTopicQueueNums: context.defaultTopicQueueNums,
      queueId: queue.queueId,
      sysFlag: message.sysFlag,
      bornTimestamp: message.bornTimestamp,
      flag: message.flag,
      properties: message.properties,
      reconsumeTimes: 0,
      unitMode: false,
      batch: message.batch,
      brokerName: queue.brokerName
    })
  })

/**
 * A broker's non-success answer to a send: its code and remark.
 *
 * @since 0.1.0
 * @category models
 */
export interface BrokerErrorResponse {
  readonly _tag: "BrokerErrorResponse"
  readonly code: number
  readonly remark: string
}

const storeStatus = (code: number): SendStatus | undefined => {
  switch (code) {
    case ResponseCode.SUCCESS:
      return "SEND_OK"
    case ResponseCode.FLUSH_DISK_TIMEOUT:
      return "FLUSH_DISK_TIMEOUT"
    case ResponseCode.FLUSH_SLAVE_TIMEOUT:
      return "FLUSH_SLAVE_TIMEOUT"
    case ResponseCode.SLAVE_NOT_AVAILABLE:
      return "SLAVE_NOT_AVAILABLE"
    default:
      return undefined
  }
}

/**
 * Reads a broker's answer to a send (Java `processSendResponse`): a stored message's `SendResult`,
 * or the error code and remark. An answer whose header is unreadable is an error answer too
 * (SYSTEM_ERROR with the reason), never a crash.
 *
 * @since 0.1.0
 * @category decoding
 */
export const readSendResponse = (
  response: RemotingCommand,
  message: PreparedMessage,
  queue: MessageQueue
): Result.Result<SendResult, BrokerErrorResponse> => {
  const status = storeStatus(response.code)
  if (status === undefined) {
    return Result.fail({ _tag: "BrokerErrorResponse", code: response.code, remark: response.remark ?? "" })
  }
  const header = decodeSendMessageResponseHeader(response.extFields)
  if (Result.isFailure(header)) {
    return Result.fail({
      _tag: "BrokerErrorResponse",
      code: ResponseCode.SYSTEM_ERROR,
      remark: `the broker's answer has an invalid send response header: ${header.failure.message}`
    })
  }
  const fields = header.success
  // Built as a literal and filled in, not spread: a send reads one of these per message.
  const result: { -readonly [K in keyof SendResult]: SendResult[K] } = {
    status,
    msgId: message.batch && fields.batchUniqId !== undefined ? fields.batchUniqId : message.msgId,
    offsetMsgId: fields.msgId,
    messageQueue: { topic: queue.topic, brokerName: queue.brokerName, queueId: fields.queueId },
    queueOffset: fields.queueOffset,
    regionId: fields.regionId ?? "DefaultRegion",
    traceOn: fields.traceOn ?? true
  }
  if (fields.transactionId !== undefined) result.transactionId = fields.transactionId
  if (fields.batchUniqId !== undefined) result.batchUniqId = fields.batchUniqId
  if (fields.recallHandle !== undefined) result.recallHandle = fields.recallHandle
  return Result.succeed(result)
}
