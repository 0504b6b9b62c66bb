/**
 * An embedded NameServer on a loopback port that speaks the remoting protocol as a real one does:
 * GET_ROUTEINFO_BY_TOPIC (same codes and remarks; fastjson's legacy body for requests below
 * version 401 that do not ask for standard JSON, standard JSON otherwise), GET_BROKER_CLUSTER_INFO
 * (always legacy), REGISTER_BROKER and UNREGISTER_BROKER from brokers. Tests script its tables and
 * its faults, and read its request counters.
 *
 * @since 0.1.0
 */
import { Context, Effect, Layer } from "effect"
import type { Scope } from "effect"
import type { TopicRouteData } from "../protocol/TopicRouteData.ts"
import { dispatch } from "./Handler.ts"
import type { NameServerContext } from "./nameserver/NameServerContext.ts"
import { nameServerHandlers } from "./nameserver/NameServerHandlers.ts"
import { emptyNameServerState, putTopicRoute, registerBroker, removeTopic, unregisterBroker } from "./nameserver/NameServerState.ts"
import type { BrokerRegistration, NameServerState } from "./nameserver/NameServerState.ts"
import { makeRemotingServer } from "./RemotingServer.ts"
import type { RemotingServer, ServerOptions, ServerStartFailed } from "./RemotingServer.ts"
import { profileTraits } from "./ServerProfile.ts"
import type { ServerProfile } from "./ServerProfile.ts"

/**
 * Settings of the testkit NameServer.
 *
 * @since 0.1.0
 * @category models
 */
export interface TestNameServerOptions extends Omit<ServerOptions, "version" | "onDisconnect"> {
  /** The real server to imitate; default 4.9.8. */
  readonly profile?: ServerProfile | undefined
}

/**
 * A running testkit NameServer: the server controls plus its tables.
 *
 * @since 0.1.0
 * @category models
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

/**
 * Starts a testkit NameServer in the current scope.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeTestNameServer = (
  options?: TestNameServerOptions
): Effect.Effect<TestNameServer, ServerStartFailed, Scope.Scope> =>
  Effect.gen(function*() {
    const profile = options?.profile ?? "4.9.8"
    const context: NameServerContext = { profile, state: emptyNameServerState, registeredBy: new Map() }
    const server = yield* makeRemotingServer(dispatch(nameServerHandlers, context), {
      ...options,
      version: profileTraits[profile].version,
      onDisconnect: (session) => {
        for (const address of context.registeredBy.get(session) ?? []) {
          context.state = unregisterBroker(context.state, undefined, address)
        }
        context.registeredBy.delete(session)
      }
    })

    return {
      ...server,
      profile,
      state: Effect.sync(() => context.state),
      putTopicRoute: (topic, route) => Effect.sync(() => void (context.state = putTopicRoute(context.state, topic, route))),
      removeTopic: (topic) => Effect.sync(() => void (context.state = removeTopic(context.state, topic))),
      registerBroker: (registration) => Effect.sync(() => void (context.state = registerBroker(context.state, registration))),
      unregisterBroker: (brokerAddr, brokerName) =>
        Effect.sync(() => void (context.state = unregisterBroker(context.state, brokerName, brokerAddr)))
    } satisfies TestNameServer
  })

/**
 * The testkit NameServer as a service, for layer-based tests.
 *
 * @since 0.1.0
 * @category services
 */
export class TestNameServerService extends Context.Service<TestNameServerService, TestNameServer>()(
  "effect-rocketmq/testkit/TestNameServer"
) {
  /** A NameServer that lives as long as the layer. */
  static readonly layer = (options?: TestNameServerOptions): Layer.Layer<TestNameServerService, ServerStartFailed> =>
    Layer.effect(TestNameServerService, makeTestNameServer(options))
}
