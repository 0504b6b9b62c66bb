/**
 * GET_ROUTEINFO_BY_TOPIC (105) at the testkit NameServer (Java `DefaultRequestProcessor.getRouteInfoByTopic`):
 * the topic's route, with the same codes and remarks as a real NameServer; fastjson's legacy body for
 * requests below version 401 that do not ask for standard JSON, standard JSON otherwise.
 *
 * @since 0.1.0
 */
import { Result } from "effect"
import type { ResponseOptions } from "../../protocol/RemotingCommand.ts"
import { ResponseCode } from "../../protocol/ResponseCode.ts"
import { decodeGetRouteInfoRequestHeader } from "../../protocol/RouteHeaders.ts"
import { writeTopicRouteData } from "../../protocol/TopicRouteData.ts"
import type { TopicRouteData } from "../../protocol/TopicRouteData.ts"
import { encodeUtf8 } from "../../protocol/Utf8.ts"
import type { Handler } from "../Handler.ts"
import { profileTraits } from "../ServerProfile.ts"
import type { ServerProfile } from "../ServerProfile.ts"
import type { NameServerContext } from "./NameServerContext.ts"
import { pickupTopicRoute } from "./NameServerState.ts"

/**
 * The remark of TOPIC_NOT_EXIST, worded as the imitated server words it.
 *
 * @since 0.1.0
 * @category remarks
 */
export const topicNotExistRemark = (topic: string, profile: ServerProfile): string =>
  `No topic route info in name server for the topic: ${topic}\nSee ${profileTraits[profile].faqUrl} for further details.`

const withProfile = (route: TopicRouteData, profile: ServerProfile): TopicRouteData =>
  profileTraits[profile].v5
    ? { ...route, brokerDatas: route.brokerDatas.map((b) => ({ ...b, enableActingMaster: b.enableActingMaster ?? false })) }
    : route

/**
 * Answers GET_ROUTEINFO_BY_TOPIC.
 *
 * @since 0.1.0
 * @category handlers
 */
export const getRouteInfoByTopic: Handler<NameServerContext> = (request, _session, context): ResponseOptions => {
  const header = decodeGetRouteInfoRequestHeader(request.extFields)
  if (Result.isFailure(header)) {
    return { code: ResponseCode.SYSTEM_ERROR, remark: `invalid GET_ROUTEINFO_BY_TOPIC header: ${header.failure.message}` }
  }
  const { acceptStandardJsonOnly, topic } = header.success
  const route = pickupTopicRoute(context.state, topic)
  if (route === undefined) return { code: ResponseCode.TOPIC_NOT_EXIST, remark: topicNotExistRemark(topic, context.profile) }
  const style = request.version >= 401 || acceptStandardJsonOnly === true ? "standard" : "legacy"
  return { code: ResponseCode.SUCCESS, body: encodeUtf8(writeTopicRouteData(withProfile(route, context.profile), style)) }
}
