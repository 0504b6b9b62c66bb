/**
 * UNREGISTER_CLIENT (35) at the testkit broker (Java `ClientManageProcessor.unregisterClient`):
 * removes the connection's client from its producer group.
 *
 * @since 0.1.0
 */
import { Result } from "effect"
import { decodeUnregisterClientRequestHeader } from "../../protocol/ClientHeaders.ts"
import type { ResponseOptions } from "../../protocol/RemotingCommand.ts"
import { ResponseCode } from "../../protocol/ResponseCode.ts"
import type { Handler } from "../Handler.ts"
import type { BrokerContext } from "./BrokerContext.ts"

/**
 * Answers UNREGISTER_CLIENT.
 *
 * @since 0.1.0
 * @category handlers
 */
export const unregisterClient: Handler<BrokerContext> = (request, session, context): ResponseOptions => {
  const header = decodeUnregisterClientRequestHeader(request.extFields)
  if (Result.isFailure(header)) {
    return { code: ResponseCode.SYSTEM_ERROR, remark: `RemotingCommandException: ${header.failure.message}` }
  }
  const group = header.success.producerGroup
  if (group !== undefined) {
    const clients = context.producerTable.get(group)
    clients?.delete(session)
    if (clients?.size === 0) context.producerTable.delete(group)
  }
  return { code: ResponseCode.SUCCESS, extFields: {} }
}
