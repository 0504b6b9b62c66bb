/**
 * SEND_MESSAGE (10) at the testkit broker: the first send request, its header in full field names.
 * The send is checked, stored and answered by `SendMessageProcessor`.
 *
 * @since 0.1.0
 */
import { Result } from "effect"
import { decodeSendMessageRequestHeader } from "../../protocol/SendHeaders.ts"
import type { Handler } from "../Handler.ts"
import type { BrokerContext } from "./BrokerContext.ts"
import { processSend, undecodableHeader } from "./SendMessageProcessor.ts"

/**
 * Answers SEND_MESSAGE (10).
 *
 * @since 0.1.0
 * @category handlers
 */
export const sendMessage: Handler<BrokerContext> = (request, session, context) => {
  const header = decodeSendMessageRequestHeader(request.extFields)
  return Result.isFailure(header) ? undecodableHeader(header.failure.message) : processSend(request, header.success, session, context)
}
