/**
 * The request codes the testkit NameServer answers, and the handler of each. To answer another
 * code, add a file named after it in this folder exporting a `Handler<NameServerContext>`, and list
 * it here.
 *
 * @since 0.1.0
 */
import { RequestCode } from "../../protocol/RequestCode.ts"
import { makeHandlerTable } from "../Handler.ts"
import { getBrokerClusterInfo } from "./GetBrokerClusterInfo.ts"
import { getRouteInfoByTopic } from "./GetRouteInfoByTopic.ts"
import type { NameServerContext } from "./NameServerContext.ts"
import { registerBroker } from "./RegisterBroker.ts"
import { unregisterBroker } from "./UnregisterBroker.ts"

/**
 * The NameServer's handler table.
 *
 * @since 0.1.0
 * @category handlers
 */
export const nameServerHandlers = makeHandlerTable<NameServerContext>([
  [RequestCode.GET_ROUTEINFO_BY_TOPIC, getRouteInfoByTopic],
  [RequestCode.GET_BROKER_CLUSTER_INFO, getBrokerClusterInfo],
  [RequestCode.REGISTER_BROKER, registerBroker],
  [RequestCode.UNREGISTER_BROKER, unregisterBroker]
])
