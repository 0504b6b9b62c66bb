/**
 * REGISTER_BROKER (103) at the testkit NameServer (Java `DefaultRequestProcessor.registerBroker`):
 * records the broker and the topics it hosts, remembers the connection it came over, and answers
 * with the HA address and the group's master address.
 *
 * @since 0.1.0
 */
import { Result } from "effect"
import { decodeRegisterBrokerRequestHeader, parseRegisterBrokerBody } from "../../protocol/BrokerRegistration.ts"
import type { ResponseOptions } from "../../protocol/RemotingCommand.ts"
import { ResponseCode } from "../../protocol/ResponseCode.ts"
import type { Handler } from "../Handler.ts"
import type { NameServerContext } from "./NameServerContext.ts"
import { registerBroker as register } from "./NameServerState.ts"

/**
 * Answers REGISTER_BROKER; compressed registrations are refused.
 *
 * @since 0.1.0
 * @category handlers
 */
export const registerBroker: Handler<NameServerContext> = (request, session, context): ResponseOptions => {
  const header = decodeRegisterBrokerRequestHeader(request.extFields)
  if (Result.isFailure(header)) return { code: ResponseCode.SYSTEM_ERROR, remark: header.failure.message }
  if (header.success.compressed === true) {
    return { code: ResponseCode.SYSTEM_ERROR, remark: "the testkit NameServer takes uncompressed registrations only" }
  }
  const body = parseRegisterBrokerBody(request.body)
  if (Result.isFailure(body)) return { code: ResponseCode.SYSTEM_ERROR, remark: body.failure.message }
  const { brokerAddr, brokerId, brokerName, clusterName, haServerAddr } = header.success
  context.state = register(context.state, {
    clusterName,
    brokerName,
    brokerId,
    brokerAddr,
    topics: Object.values(body.success.topicConfigSerializeWrapper.topicConfigTable)
  })
  const addresses = context.registeredBy.get(session) ?? new Set<string>()
  addresses.add(brokerAddr)
  context.registeredBy.set(session, addresses)
  const masterAddr = context.state.brokers.get(brokerName)?.brokerAddrs["0"]
  return {
    code: ResponseCode.SUCCESS,
    extFields: { haServerAddr, ...(masterAddr === undefined ? {} : { masterAddr }) }
  }
}
