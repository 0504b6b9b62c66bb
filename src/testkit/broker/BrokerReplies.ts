/**
 * Request-reply in the testkit broker: the PUSH_REPLY_MESSAGE_TO_CLIENT (326) a broker sends a
 * requester (`ReplyMessageProcessor.pushReplyMessage`), built from a stored request the way
 * `MessageUtil.createReplyMessage` and a 4.9.8 broker build it: the reply topic
 * `<cluster>_REPLY_TOPIC`, the request's `CORRELATION_ID`, `REPLY_TO_CLIENT` and `TTL`,
 * `MSG_TYPE=reply` and `PUSH_REPLY_TIME`; the frame's body is the raw reply body.
 *
 * @since 0.1.0
 */
import { CORRELATION_ID, MSG_TYPE, PUSH_REPLY_TIME, REPLY_TO_CLIENT, TTL, UNIQ_KEY } from "../../protocol/message/MessageConst.ts"
import { encodeProperties } from "../../protocol/message/MessageProperties.ts"
import { makeRequest } from "../../protocol/RemotingCommand.ts"
import type { RemotingCommand } from "../../protocol/RemotingCommand.ts"
import { encodeReplyMessageRequestHeader } from "../../protocol/ReplyHeaders.ts"
import { RequestCode } from "../../protocol/RequestCode.ts"
import type { StoredMessage } from "./BrokerStore.ts"

/**
 * The requester a stored request wants its reply sent to, and the correlation id; `undefined` for a
 * message that is not a request.
 *
 * @since 0.1.0
 * @category accessors
 */
export const replyTarget = (request: StoredMessage): { readonly clientId: string; readonly correlationId: string } | undefined => {
  const clientId = request.properties[REPLY_TO_CLIENT]
  const correlationId = request.properties[CORRELATION_ID]
  return clientId === undefined || correlationId === undefined ? undefined : { clientId, correlationId }
}

/**
 * The PUSH_REPLY_MESSAGE_TO_CLIENT of a reply to `request` with `body`, as the broker at
 * `brokerAddress` of `clusterName` sends it at `now`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const replyPush = (options: {
  readonly request: StoredMessage
  readonly body: Uint8Array
  readonly clusterName: string
  readonly brokerAddress: string
  readonly version: number
  readonly now: number
  readonly replierGroup?: string | undefined
}): RemotingCommand => {
  const { request } = options
  const properties: Record<string, string> = { [PUSH_REPLY_TIME]: String(options.now), [MSG_TYPE]: "reply" }
  for (const name of [REPLY_TO_CLIENT, UNIQ_KEY, TTL, CORRELATION_ID]) {
    const value = request.properties[name]
    if (value !== undefined) properties[name] = value
  }
  return makeRequest({
    code: RequestCode.PUSH_REPLY_MESSAGE_TO_CLIENT,
    language: "JAVA",
    version: options.version,
    extFields: encodeReplyMessageRequestHeader({
      queueId: 0,
      flag: 0,
      sysFlag: 0,
      reconsumeTimes: 0,
      storeTimestamp: options.now,
      unitMode: false,
      defaultTopic: "TBW102",
      bornHost: options.brokerAddress,
      defaultTopicQueueNums: 4,
      producerGroup: options.replierGroup ?? "testkit_replier",
      topic: `${options.clusterName}_REPLY_TOPIC`,
      bornTimestamp: options.now,
      storeHost: options.brokerAddress,
      properties: encodeProperties(properties)
    }),
    body: options.body
  })
}
