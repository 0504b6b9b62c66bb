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
  /** The access key requests are signed with, if any, named when a broker denies them. */
  readonly accessKey?: string | undefined
}

/**
 * Sends `request` at once to every address `masters` gives (the master of every broker group in
 * the cached routes: where heartbeats go when a client has no consumer), each bounded by
 * `timeoutMillis`; an answer other than SUCCESS, or no answer, is logged as `what` failing, never
 * raised.
 *
 * @since 0.1.0
 * @category heartbeats
 */
export const toEveryMaster = (
  client: RemotingClient["Service"],
  masters: Effect.Effect<ReadonlyArray<string>>,
  request: RemotingCommand,
  timeoutMillis: number,
  what: string,
  accessKey?: string | undefined
): Effect.Effect<void> =>
  Effect.flatMap(masters, (addresses) =>
    Effect.forEach(addresses, (address) =>
      client.invoke(address, request, { timeoutMillis }).pipe(
        Effect.flatMap((response) =>
          response.code === ResponseCode.SUCCESS
            ? Effect.void
            : Effect.logWarning(
              accessDeniedOf(response, { operation: what, address, accessKey })?.message ??
                `${what} to ${address} answered ${response.code}: ${response.remark ?? ""}`
            )),
        Effect.catch((error) => Effect.logWarning(`${what} to ${address} failed: ${error.message}`))
      ), { concurrency: "unbounded", discard: true }))

/**
 * Sends HEART_BEAT to every master.
 *
 * @since 0.1.0
 * @category heartbeats
 */
export const sendHeartbeats = (
  client: RemotingClient["Service"],
  masters: Effect.Effect<ReadonlyArray<string>>,
  identity: ProducerIdentity,
  timeoutMillis: number
): Effect.Effect<void> =>
  toEveryMaster(client, masters, makeRequest({
    code: RequestCode.HEART_BEAT,
    serializeType: identity.serializeType,
    body: encodeUtf8(writeHeartbeatData({
      clientID: identity.clientId,
      producerDataSet: [{ groupName: identity.producerGroup }],
      consumerDataSet: []
    }))
  }), timeoutMillis, "heartbeat", identity.accessKey).pipe(Effect.withSpan("Producer.heartbeat"))

/**
 * Sends UNREGISTER_CLIENT for the producer group to every master.
 *
 * @since 0.1.0
 * @category heartbeats
 */
export const unregisterClient = (
  client: RemotingClient["Service"],
  masters: Effect.Effect<ReadonlyArray<string>>,
  identity: ProducerIdentity,
  timeoutMillis: number
): Effect.Effect<void> =>
  toEveryMaster(client, masters, makeRequest({
    code: RequestCode.UNREGISTER_CLIENT,
    serializeType: identity.serializeType,
    extFields: encodeUnregisterClientRequestHeader({ clientID: identity.clientId, producerGroup: identity.producerGroup })
  }), timeoutMillis, "unregistering", identity.accessKey)
