/**
 * SEND_BATCH_MESSAGE (320) at the testkit broker: a batch of messages in one body (see
 * `BatchEncoding`), its header in the V2 form. The send is checked, stored and answered by
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
 * Answers SEND_BATCH_MESSAGE (320).
 *
 * @since 0.1.0
 * @category handlers
 */
export const sendBatchMessage: Handler<BrokerContext> = (request, session, context) => {
  const header = decodeSendMessageRequestHeaderV2(request.extFields)
  return Result.isFailure(header) ? undecodableHeader(header.failure.message) : processSend(request, header.success, session, context)
}
