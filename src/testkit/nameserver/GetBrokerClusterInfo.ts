/**
 * GET_BROKER_CLUSTER_INFO (106) at the testkit NameServer (Java `DefaultRequestProcessor.getBrokerClusterInfo`):
 * every registered broker and cluster, always in fastjson's legacy body.
 *
 * @since 0.1.0
 */
import { writeClusterInfo } from "../../protocol/ClusterInfo.ts"
import { ResponseCode } from "../../protocol/ResponseCode.ts"
import { encodeUtf8 } from "../../protocol/Utf8.ts"
import type { Handler } from "../Handler.ts"
import type { NameServerContext } from "./NameServerContext.ts"
import { clusterInfo } from "./NameServerState.ts"

/**
 * Answers GET_BROKER_CLUSTER_INFO.
 *
 * @since 0.1.0
 * @category handlers
 */
export const getBrokerClusterInfo: Handler<NameServerContext> = (_request, _session, context) => ({
  code: ResponseCode.SUCCESS,
  body: encodeUtf8(writeClusterInfo(clusterInfo(context.state)))
})
