/**
 * An embedded NameServer on a loopback port that speaks the remoting protocol as a real one does:
 * GET_ROUTEINFO_BY_TOPIC (same codes and remarks; fastjson's legacy body for requests below
 * version 401 that do not ask for standard JSON, standard JSON otherwise), GET_BROKER_CLUSTER_INFO
 * (always legacy), REGISTER_BROKER and UNREGISTER_BROKER from brokers. Tests script its tables and
 * its faults, and read its request counters.
 *
 * @since 0.1.0
 */
import { Context, Effect, Layer, Result } from "effect"
import type { Scope } from "effect"
import { decodeRegisterBrokerRequestHeader, decodeUnregisterBrokerRequestHeader, parseRegisterBrokerBody } from "../protocol/BrokerRegistration.ts"
import { writeClusterInfo } from "../protocol/ClusterInfo.ts"
import { decodeGetRouteInfoRequestHeader } from "../protocol/RouteHeaders.ts"
import type { RemotingCommand, ResponseOptions } from "../protocol/RemotingCommand.ts"
import { RequestCode } from "../protocol/RequestCode.ts"
import { ResponseCode } from "../protocol/ResponseCode.ts"
import type { TopicRouteData } from "../protocol/TopicRouteData.ts"
import { writeTopicRouteData } from "../protocol/TopicRouteData.ts"
import { encodeUtf8 } from "../protocol/Utf8.ts"
import {
  clusterInfo,
  emptyNameServerState,
  pickupTopicRoute,
  putTopicRoute,
  registerBroker,
  removeTopic,
  unregisterBroker
} from "./NameServerState.ts"
import type { BrokerRegistration, NameServerState } from "./NameServerState.ts"
import { makeRemotingServer, notSupported } from "./RemotingServer.ts"
import type { RemotingServer, ServerOptions, ServerStartFailed, Session } from "./RemotingServer.ts"

/**
 * Which real server line the testkit imitates: answer version, 5.x-only fields, remark wording.
 *
 * @since 0.1.0
 */
export type ServerProfile = "4.9.8" | "5.3.3"

/**
 * Settings of the testkit NameServer.
 *
 * @since 0.1.0
 */
export interface TestNameServerOptions extends Omit<ServerOptions, "version" | "onDisconnect"> {
  /** The real server to imitate; default 4.9.8. */
  readonly profile?: ServerProfile | undefined
}

/**
 * A running testkit NameServer: the server controls plus its tables.
 *
 * @since 0.1.0
 */
export interface TestNameServer extends RemotingServer {
  readonly profile: ServerProfile
  /** The current tables. */
  readonly state: Effect.Effect<NameServerState>
  /** Sets a topic's route (its queue data and the broker groups it names). */
  readonly putTopicRoute: (topic: string, route: TopicRouteData) => Effect.Effect<void>
  /** Removes a topic: GET_ROUTEINFO_BY_TOPIC answers TOPIC_NOT_EXIST from now on. */
  readonly removeTopic: (topic: string) => Effect.Effect<void>
  /** Registers a broker as REGISTER_BROKER would. */
  readonly registerBroker: (registration: BrokerRegistration) => Effect.Effect<void>
  /** Removes the broker at `brokerAddr` (of group `brokerName`, if given). */
  readonly unregisterBroker: (brokerAddr: string, brokerName?: string) => Effect.Effect<void>
}

const profileVersion = { "4.9.8": 409, "5.3.3": 479 } as const

const faqLink = {
  "4.9.8": "http://rocketmq.apache.org/docs/faq/",
  "5.3.3": "https://rocketmq.apache.org/docs/bestPractice/06FAQ"
} as const

/**
 * The remark of TOPIC_NOT_EXIST, worded as the imitated server words it.
 *
 * @since 0.1.0
 */
export const topicNotExistRemark = (topic: string, profile: ServerProfile): string =>
  `No topic route info in name server for the topic: ${topic}\nSee ${faqLink[profile]} for further details.`

/**
 * Starts a testkit NameServer in the current scope.
 *
 * @since 0.1.0
 */
export const makeTestNameServer = (
  options?: TestNameServerOptions
): Effect.Effect<TestNameServer, ServerStartFailed, Scope.Scope> =>
  Effect.gen(function*() {
    const profile = options?.profile ?? "4.9.8"
    let state = emptyNameServerState
    /** Brokers registered over each connection, removed when it closes (Java `onChannelDestroy`). */
    const registeredBy = new Map<Session, Set<string>>()

    const withProfile = (route: TopicRouteData): TopicRouteData =>
      profile === "4.9.8"
        ? route
        : { ...route, brokerDatas: route.brokerDatas.map((b) => ({ ...b, enableActingMaster: b.enableActingMaster ?? false })) }

    const routeInfo = (request: RemotingCommand): ResponseOptions => {
      const header = decodeGetRouteInfoRequestHeader(request.extFields)
      if (Result.isFailure(header)) {
        return { code: ResponseCode.SYSTEM_ERROR, remark: `invalid GET_ROUTEINFO_BY_TOPIC header: ${header.failure.message}` }
      }
      const { topic, acceptStandardJsonOnly } = header.success
      const route = pickupTopicRoute(state, topic)
      if (route === undefined) return { code: ResponseCode.TOPIC_NOT_EXIST, remark: topicNotExistRemark(topic, profile) }
      const style = request.version >= 401 || acceptStandardJsonOnly === true ? "standard" : "legacy"
      return { code: ResponseCode.SUCCESS, body: encodeUtf8(writeTopicRouteData(withProfile(route), style)) }
    }

    const register = (request: RemotingCommand, session: Session): ResponseOptions => {
      const header = decodeRegisterBrokerRequestHeader(request.extFields)
      if (Result.isFailure(header)) return { code: ResponseCode.SYSTEM_ERROR, remark: header.failure.message }
      if (header.success.compressed === true) {
        return { code: ResponseCode.SYSTEM_ERROR, remark: "the testkit NameServer takes uncompressed registrations only" }
      }
      const body = parseRegisterBrokerBody(request.body)
      if (Result.isFailure(body)) return { code: ResponseCode.SYSTEM_ERROR, remark: body.failure.message }
      const { brokerName, brokerAddr, clusterName, brokerId, haServerAddr } = header.success
      state = registerBroker(state, {
        clusterName,
        brokerName,
        brokerId,
        brokerAddr,
        topics: Object.values(body.success.topicConfigSerializeWrapper.topicConfigTable)
      })
      const addresses = registeredBy.get(session) ?? new Set<string>()
      addresses.add(brokerAddr)
      registeredBy.set(session, addresses)
      const masterAddr = state.brokers.get(brokerName)?.brokerAddrs["0"]
      return {
        code: ResponseCode.SUCCESS,
        extFields: { haServerAddr, ...(masterAddr === undefined ? {} : { masterAddr }) }
      }
    }

    const unregister = (request: RemotingCommand): ResponseOptions => {
      const header = decodeUnregisterBrokerRequestHeader(request.extFields)
      if (Result.isFailure(header)) return { code: ResponseCode.SYSTEM_ERROR, remark: header.failure.message }
      state = unregisterBroker(state, header.success.brokerName, header.success.brokerAddr)
      return { code: ResponseCode.SUCCESS }
    }

    const server = yield* makeRemotingServer((request, session) => {
      switch (request.code) {
        case RequestCode.GET_ROUTEINFO_BY_TOPIC:
          return routeInfo(request)
        case RequestCode.GET_BROKER_CLUSTER_INFO:
          return { code: ResponseCode.SUCCESS, body: encodeUtf8(writeClusterInfo(clusterInfo(state))) }
        case RequestCode.REGISTER_BROKER:
          return register(request, session)
        case RequestCode.UNREGISTER_BROKER:
          return unregister(request)
        default:
          return notSupported(request)
      }
    }, {
      ...options,
      version: profileVersion[profile],
      onDisconnect: (session) => {
        for (const address of registeredBy.get(session) ?? []) state = unregisterBroker(state, undefined, address)
        registeredBy.delete(session)
      }
    })

    return {
      ...server,
      profile,
      state: Effect.sync(() => state),
      putTopicRoute: (topic, route) => Effect.sync(() => void (state = putTopicRoute(state, topic, route))),
      removeTopic: (topic) => Effect.sync(() => void (state = removeTopic(state, topic))),
      registerBroker: (registration) => Effect.sync(() => void (state = registerBroker(state, registration))),
      unregisterBroker: (brokerAddr, brokerName) =>
        Effect.sync(() => void (state = unregisterBroker(state, brokerName, brokerAddr)))
    } satisfies TestNameServer
  })

/**
 * The testkit NameServer as a service, for layer-based tests.
 *
 * @since 0.1.0
 */
export class TestNameServerService extends Context.Service<TestNameServerService, TestNameServer>()(
  "effect-rocketmq/testkit/TestNameServer"
) {
  /** A NameServer that lives as long as the layer. */
  static readonly layer = (options?: TestNameServerOptions): Layer.Layer<TestNameServerService, ServerStartFailed> =>
    Layer.effect(TestNameServerService, makeTestNameServer(options))
}
