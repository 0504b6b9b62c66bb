/**
 * The testkit broker's registration with its NameServers (Java `BrokerOuterAPI.registerBrokerAll` /
 * `unregisterBrokerAll`): REGISTER_BROKER with every NameServer at start, whenever a topic is
 * created or changed, and every `registerIntervalMillis`; UNREGISTER_BROKER when the scope closes.
 *
 * @since 0.1.0
 */
import * as Zlib from "node:zlib"
import { Deferred, Effect, Exit, Queue, Scope } from "effect"
import { encodeRegisterBrokerRequestHeader, encodeUnregisterBrokerRequestHeader, writeRegisterBrokerBody } from "../../protocol/BrokerRegistration.ts"
import { makeRequest } from "../../protocol/RemotingCommand.ts"
import type { RemotingCommand } from "../../protocol/RemotingCommand.ts"
import { RequestCode } from "../../protocol/RequestCode.ts"
import { ResponseCode } from "../../protocol/ResponseCode.ts"
import { encodeUtf8 } from "../../protocol/Utf8.ts"
import { makeRemotingClient } from "../../transport/RemotingClient.ts"
import type { TlsSettings } from "../../transport/Tls.ts"
import { javaHashMapOrder } from "../JavaHashMap.ts"
import type { ProfileTraits } from "../ServerProfile.ts"
import type { BrokerStore } from "./BrokerStore.ts"

/**
 * Who registers, where, and how often.
 *
 * @since 0.1.0
 * @category models
 */
export interface NameServerRegistrationOptions {
  readonly brokerName: string
  readonly clusterName: string
  readonly brokerId: number
  /** The broker's `host:port`. */
  readonly brokerAddr: string
  /** The HA address announced (the port after the broker's). */
  readonly haServerAddr: string
  readonly nameServers: ReadonlyArray<string>
  readonly traits: ProfileTraits
  readonly store: BrokerStore
  /** Coalesced requests for a registration (see `BrokerContext.putTopic`). */
  readonly requests: Queue.Queue<void>
  readonly registerTimeoutMillis: number
  readonly registerIntervalMillis: number
  /** TLS to the NameServers; `undefined` for plain TCP. */
  readonly nameServerTls?: TlsSettings | undefined
}

/**
 * A running registration.
 *
 * @since 0.1.0
 * @category models
 */
export interface NameServerRegistration {
  /**
   * Completes once every NameServer has answered (or failed to answer) a registration of the current
   * topic table.
   */
  readonly awaitRegistration: Effect.Effect<void>
  /** Registers with every NameServer now, and waits for the answers. */
  readonly registerNow: Effect.Effect<void>
}

/**
 * Registers with every NameServer (an unreachable one is logged and skipped), then keeps the
 * registration current in fibers of the current scope; closing the scope unregisters (best effort,
 * 1 s at most).
 *
 * @since 0.1.0
 * @category constructors
 */
export const startNameServerRegistration = (
  options: NameServerRegistrationOptions
): Effect.Effect<NameServerRegistration, never, Scope.Scope> =>
  Effect.gen(function*() {
    const { brokerAddr, brokerId, brokerName, clusterName, nameServers, registerTimeoutMillis, store, traits } = options
    let registeredVersion = -1
    let waiters: Array<{ readonly version: number; readonly deferred: Deferred.Deferred<void> }> = []

    // The client lives in a scope of its own, closed after the unregistration: a scope that is closing
    // cannot start the fibers that dial.
    const clientScope = yield* Scope.make()
    yield* Effect.addFinalizer(() => Scope.close(clientScope, Exit.void))
    const client = yield* Scope.provide(makeRemotingClient({
      connectTimeoutMillis: registerTimeoutMillis,
      tlsFor: () => options.nameServerTls
    }), clientScope)

    const registerRequest = (): RemotingCommand => {
      const body = encodeUtf8(writeRegisterBrokerBody({
        filterServerList: [],
        topicConfigSerializeWrapper: {
          dataVersion: store.dataVersion(),
          topicConfigTable: Object.fromEntries(store.topicConfigs().map((config) => [config.topicName, config]))
        }
      }))
      const header = encodeRegisterBrokerRequestHeader({
        brokerName,
        brokerAddr,
        clusterName,
        haServerAddr: options.haServerAddr,
        brokerId,
        ...(traits.v5 ? { enableActingMaster: false } : {}),
        compressed: false,
        bodyCrc32: Zlib.crc32(body) & 0x7fffffff
      })
      return makeRequest({
        code: RequestCode.REGISTER_BROKER,
        extFields: javaHashMapOrder(Object.entries(header), 16),
        body,
        language: "JAVA",
        version: traits.version
      })
    }

    const registerWith = (address: string, request: RemotingCommand) =>
      client.invoke(address, request, { timeoutMillis: registerTimeoutMillis }).pipe(
        Effect.flatMap((response) =>
          response.code === ResponseCode.SUCCESS
            ? Effect.void
            : Effect.logWarning(
              `testkit broker ${brokerName}: the NameServer ${address} refused the registration (code ${response.code}): ${response.remark ?? ""}`
            )
        ),
        Effect.catch((error) =>
          Effect.logWarning(`testkit broker ${brokerName}: cannot register with the NameServer ${address}: ${error.message}`)
        )
      )

    const markRegistered = (version: number) => {
      registeredVersion = Math.max(registeredVersion, version)
      const done = waiters.filter((waiter) => waiter.version <= registeredVersion)
      waiters = waiters.filter((waiter) => waiter.version > registeredVersion)
      for (const waiter of done) Deferred.doneUnsafe(waiter.deferred, Effect.void)
    }

    const registerAll = Effect.suspend(() => {
      const version = store.dataVersion().counter
      const request = registerRequest()
      return Effect.forEach(nameServers, (address) => registerWith(address, request), {
        concurrency: "unbounded",
        discard: true
      }).pipe(Effect.andThen(Effect.sync(() => markRegistered(version))))
    })

    const awaitRegistration: Effect.Effect<void> = Effect.suspend(() => {
      if (nameServers.length === 0) return Effect.void
      const version = store.dataVersion().counter
      if (registeredVersion >= version) return Effect.void
      const deferred = Deferred.makeUnsafe<void>()
      waiters.push({ version, deferred })
      return Deferred.await(deferred)
    })

    const unregisterRequest = makeRequest({
      code: RequestCode.UNREGISTER_BROKER,
      extFields: javaHashMapOrder(Object.entries(encodeUnregisterBrokerRequestHeader({ brokerName, brokerAddr, clusterName, brokerId })), 16),
      language: "JAVA",
      version: traits.version
    })

    if (nameServers.length > 0) yield* registerAll
    // Runs after the registration fibers below are interrupted, before the client and the server close.
    yield* Effect.addFinalizer(() =>
      Effect.forEach(
        nameServers,
        (address) => Effect.ignore(client.invoke(address, unregisterRequest, { timeoutMillis: 1000 })),
        { concurrency: "unbounded", discard: true }
      )
    )
    if (nameServers.length > 0) {
      yield* Effect.forkScoped(Effect.forever(Effect.andThen(Queue.takeAll(options.requests), registerAll)))
      yield* Effect.forkScoped(Effect.forever(Effect.andThen(
        Effect.sleep(options.registerIntervalMillis),
        Queue.offer(options.requests, undefined)
      )))
    }

    return {
      awaitRegistration,
      registerNow: Effect.suspend(() => (nameServers.length === 0 ? Effect.void : registerAll))
    }
  })
