/**
 * What a producer tells the brokers it uses: HEART_BEAT every 30 s (so a broker knows the
 * producer group's connection, and the connection never idles out), and UNREGISTER_CLIENT when the
 * producer shuts down (REMOTING.md §16).
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import { encodeUnregisterClientRequestHeader, writeHeartbeatData } from "../protocol/ClientHeaders.ts"
import { makeRequest } from "../protocol/RemotingCommand.ts"
import type { RemotingCommand, SerializeType } from "../protocol/RemotingCommand.ts"
import { RequestCode } from "../protocol/RequestCode.ts"
import { ResponseCode } from "../protocol/ResponseCode.ts"
import { encodeUtf8 } from "../protocol/Utf8.ts"
import type { RouteCache } from "../route/RouteCache.ts"
import { accessDeniedOf } from "../transport/AccessDenied.ts"
import type { RemotingClient } from "../transport/RemotingClient.ts"

/**
 * Who the producer is.
 *
 * @since 0.1.0
 * @category models
 */
export interface ProducerIdentity {
  readonly clientId: string
  readonly producerGroup: string
  readonly serializeType: SerializeType
}

/**
 * The master address of every broker group in the route cache: where heartbeats go when a client
 * has no consumer.
 *
 * @since 0.1.0
 * @category heartbeats
 */
export const masterAddresses = (cache: RouteCache["Service"]): Effect.Effect<ReadonlyArray<string>> =>
  Effect.map(cache.state, (state) => {
    const addresses = new Set<string>()
    for (const ids of state.brokers.values()) {
      const master = ids.get(0)
      if (master !== undefined) addresses.add(master)
    }
    return [...addresses]
  })

/**
 * Sends `request` to every master in the route cache at once, each bounded by `timeoutMillis`;
 * an answer other than SUCCESS, or no answer, is logged as `what` failing, never raised.
 *
 * @since 0.1.0
 * @category heartbeats
 */
export const toEveryMaster = (
  client: RemotingClient["Service"],
  cache: RouteCache["Service"],
  request: RemotingCommand,
  timeoutMillis: number,
  what: string
): Effect.Effect<void> =>
  Effect.flatMap(masterAddresses(cache), (addresses) =>
    Effect.forEach(addresses, (address) =>
      client.invoke(address, request, { timeoutMillis }).pipe(
        Effect.flatMap((response) =>
          response.code === ResponseCode.SUCCESS
            ? Effect.void
            : Effect.logWarning(
              accessDeniedOf(response, { operation: what, address, accessKey: undefined })?.message ??
                `${what} to ${address} answered ${response.code}: ${response.remark ?? ""}`
            )),
        Effect.catch((error) => Effect.logWarning(`${what} to ${address} failed: ${error.message}`))
      ), { concurrency: "unbounded", discard: true }))

/**
 * Sends HEART_BEAT to every master in the route cache.
 *
 * @since 0.1.0
 * @category heartbeats
 */
export const sendHeartbeats = (
  client: RemotingClient["Service"],
  cache: RouteCache["Service"],
  identity: ProducerIdentity,
  timeoutMillis: number
): Effect.Effect<void> =>
  toEveryMaster(client, cache, makeRequest({
    code: RequestCode.HEART_BEAT,
    serializeType: identity.serializeType,
    body: encodeUtf8(writeHeartbeatData({
      clientID: identity.clientId,
      producerDataSet: [{ groupName: identity.producerGroup }],
      consumerDataSet: []
    }))
  }), timeoutMillis, "heartbeat").pipe(Effect.withSpan("Producer.heartbeat"))

/**
 * Sends UNREGISTER_CLIENT for the producer group to every master in the route cache.
 *
 * @since 0.1.0
 * @category heartbeats
 */
export const unregisterClient = (
  client: RemotingClient["Service"],
  cache: RouteCache["Service"],
  identity: ProducerIdentity,
  timeoutMillis: number
): Effect.Effect<void> =>
  toEveryMaster(client, cache, makeRequest({
    code: RequestCode.UNREGISTER_CLIENT,
    serializeType: identity.serializeType,
    extFields: encodeUnregisterClientRequestHeader({ clientID: identity.clientId, producerGroup: identity.producerGroup })
  }), timeoutMillis, "unregistering")
