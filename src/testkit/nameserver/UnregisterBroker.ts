/**
 * UNREGISTER_BROKER (104) at the testkit NameServer (Java `DefaultRequestProcessor.unregisterBroker`):
 * forgets the broker at the given address.
 *
 * @since 0.1.0
 */
import { Result } from "effect"
import { decodeUnregisterBrokerRequestHeader } from "../../protocol/BrokerRegistration.ts"
import type { ResponseOptions } from "../../protocol/RemotingCommand.ts"
import { ResponseCode } from "../../protocol/ResponseCode.ts"
import type { Handler } from "../Handler.ts"
import type { NameServerContext } from "./NameServerContext.ts"
import { unregisterBroker as unregister } from "./NameServerState.ts"

/**
 * Answers UNREGISTER_BROKER.
 *
 * @since 0.1.0
 * @category handlers
 */
export const unregisterBroker: Handler<NameServerContext> = (request, _session, context): ResponseOptions => {
  const header = decodeUnregisterBrokerRequestHeader(request.extFields)
  if (Result.isFailure(header)) return { code: ResponseCode.SYSTEM_ERROR, remark: header.failure.message }
  context.state = unregister(context.state, header.success.brokerName, header.success.brokerAddr)
  return { code: ResponseCode.SUCCESS }
}
