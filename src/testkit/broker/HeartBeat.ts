/**
 * HEART_BEAT (34) at the testkit broker (Java `ClientManageProcessor.heartBeat`): records which
 * client of which producer group is on the connection; 5.x answers that it supports heartbeat v2.
 *
 * @since 0.1.0
 */
import { Result } from "effect"
import { parseHeartbeatData } from "../../protocol/ClientHeaders.ts"
import type { ResponseOptions } from "../../protocol/RemotingCommand.ts"
import { ResponseCode } from "../../protocol/ResponseCode.ts"
import type { Handler } from "../Handler.ts"
import { javaHashMapOrder } from "../JavaHashMap.ts"
import type { Session } from "../Session.ts"
import type { BrokerContext } from "./BrokerContext.ts"

/**
 * Answers HEART_BEAT.
 *
 * @since 0.1.0
 * @category handlers
 */
export const heartBeat: Handler<BrokerContext> = (request, session, context): ResponseOptions => {
  const data = parseHeartbeatData(request.body)
  if (Result.isFailure(data)) return { code: ResponseCode.SYSTEM_ERROR, remark: data.failure.message }
  for (const producer of data.success.producerDataSet) {
    const clients = context.producerTable.get(producer.groupName) ?? new Map<Session, string>()
    clients.set(session, data.success.clientID)
    context.producerTable.set(producer.groupName, clients)
  }
  return context.traits.v5
    ? {
      code: ResponseCode.SUCCESS,
      extFields: javaHashMapOrder([["IS_SUPPORT_HEART_BEAT_V2", "true"], ["IS_SUB_CHANGE", "true"]], 256)
    }
    : { code: ResponseCode.SUCCESS }
}
