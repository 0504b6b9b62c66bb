/**
 * SEND_MESSAGE_V2 (310) at the testkit broker: the send request of every current client, its
 * header in one-letter field names (`a` … `n`). The send is checked, stored and answered by
 * `SendMessageProcessor`.
 *
 * @since 0.1.0
 */
import { Result } from "effect"
import { decodeSendMessageRequestHeaderV2 } from "../../protocol/SendHeaders.ts"
import type { Handler } from "../Handler.ts"
import type { BrokerContext } from "./BrokerContext.ts"
import { processSend, undecodableHeader } from "./SendMessageProcessor.ts"

/**
 * Answers SEND_MESSAGE_V2 (310).
 *
 * @since 0.1.0
 * @category handlers
 */
export const sendMessageV2: Handler<BrokerContext> = (request, session, context) => {
  const header = decodeSendMessageRequestHeaderV2(request.extFields)
  return Result.isFailure(header) ? undecodableHeader(header.failure.message) : processSend(request, header.success, session, context)
}
