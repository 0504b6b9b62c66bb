/**
 * The NameServer transport: asks the cluster's NameServers for routes and cluster info over the
 * shared remoting client. Selection follows the Java client: start at a random address, stay on
 * the one that works, move to the next on a connection failure or timeout. One call tries the
 * addresses in turn (a declared `Schedule`) within one time budget.
 *
 * @since 0.1.0
 */
import { Config, Context, Effect, Layer, Random, Result, Schedule } from "effect"
import { parseClusterInfo } from "../protocol/ClusterInfo.ts"
import type { ClusterInfo } from "../protocol/ClusterInfo.ts"
import { makeRequest } from "../protocol/RemotingCommand.ts"
import type { RemotingCommand } from "../protocol/RemotingCommand.ts"
import { RequestCode } from "../protocol/RequestCode.ts"
import { ResponseCode } from "../protocol/ResponseCode.ts"
import { encodeGetRouteInfoRequestHeader } from "../protocol/RouteHeaders.ts"
import { parseTopicRouteData } from "../protocol/TopicRouteData.ts"
import type { TopicRouteData } from "../protocol/TopicRouteData.ts"
import { accessDeniedOf } from "./AccessDenied.ts"
import type { AccessDenied } from "./AccessDenied.ts"
import { parseAddressList } from "./Address.ts"
import type { InvalidAddress } from "./Address.ts"
import { InvalidNameServerResponse, NameServerError, NameServerRejected, NameServerUnavailable, TopicNotExist } from "./NameServerError.ts"
import type { NameServerErrorReason } from "./NameServerError.ts"
import { RemotingClient } from "./RemotingClient.ts"
import type { RemotingError } from "./RemotingError.ts"

/**
 * Settings of the NameServer transport.
 *
 * @since 0.1.0
 * @category models
 */
export interface NameServerTransportOptions {
  /** The NameServers: `"host:port;host:port"` as Java takes it, or a list. */
  readonly addresses: string | ReadonlyArray<string>
  /** Budget of one call, all NameServers tried included; default 3000 ms (Java `mqClientApiTimeout`). */
  readonly timeoutMillis?: number | undefined
  /**
   * Budget of one attempt on one NameServer; default the call budget divided by the number of
   * NameServers (at least 500 ms), so that a hung NameServer leaves time for the next.
   */
  readonly attemptTimeoutMillis?: number | undefined
  /** Source of the random start, a number in [0, 1); default the `Random` service. */
  readonly random?: (() => number) | undefined
  /** The access key requests are signed with (signing itself is a `RemotingClient` request hook), for error messages. */
  readonly accessKey?: string | undefined
}

/**
 * The NameServer transport service.
 *
 * @since 0.1.0
 * @category services
 */
export class NameServerTransport extends Context.Service<NameServerTransport, {
  /** The configured NameServer addresses. */
  readonly addresses: ReadonlyArray<string>
  /** The NameServer calls go to now. */
  readonly current: Effect.Effect<string>
  /**
   * GET_ROUTEINFO_BY_TOPIC: the topic's route, asking for standard JSON and reading either form.
   */
  readonly getRouteInfoByTopic: (topic: string) => Effect.Effect<TopicRouteData, NameServerError>
  /** GET_BROKER_CLUSTER_INFO: every broker group and cluster the NameServer knows. */
  readonly getBrokerClusterInfo: Effect.Effect<ClusterInfo, NameServerError>
}>()("effect-rocketmq/transport/NameServerTransport") {
  /** The transport from explicit options; needs a `RemotingClient`. */
  static readonly layer = (
    options: NameServerTransportOptions
  ): Layer.Layer<NameServerTransport, InvalidAddress, RemotingClient> =>
    Layer.effect(NameServerTransport, makeNameServerTransport(options))

  /**
   * The transport from configuration: by default the addresses come from `NAMESRV_ADDR`.
   */
  static readonly layerConfig = (
    options: Config.Wrap<NameServerTransportOptions> = { addresses: Config.String("NAMESRV_ADDR") }
  ): Layer.Layer<NameServerTransport, InvalidAddress | Config.ConfigError, RemotingClient> =>
    Layer.effect(
      NameServerTransport,
      Effect.flatMap(Config.unwrap(options), makeNameServerTransport)
    )
}

/**
 * Errors after which the next NameServer is tried: the address could not be reached or did not
 * answer in time, or answered that it cannot serve now.
 */
const tryNext = (error: RemotingError | NameServerErrorReason): boolean =>
  error._tag === "RemotingError" ? error.isRetryable : error._tag === "NameServerRejected" && error.isRetryable

/**
 * Builds the transport.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeNameServerTransport = (options: NameServerTransportOptions) =>
  Effect.gen(function*() {
    const client = yield* RemotingClient
    const addresses = yield* Effect.fromResult(
      typeof options.addresses === "string"
        ? parseAddressList(options.addresses)
        : parseAddressList(options.addresses.join(";"))
    )
    const timeoutMillis = options.timeoutMillis ?? 3000
    const attemptTimeoutMillis = options.attemptTimeoutMillis ??
      Math.min(timeoutMillis, Math.max(500, Math.floor(timeoutMillis / addresses.length)))
    let index = options.random === undefined
      ? yield* Random.nextIntBetween(0, 999)
      : Math.floor(options.random() * 999)

    const currentAddress = () => addresses[Math.abs(index) % addresses.length] ?? addresses[0] ?? ""

    /** One attempt per NameServer at most, moving on only for errors that call for another. */
    const acrossNameServers = Schedule.recurs(addresses.length - 1).pipe(
      Schedule.setInputType<RemotingError | NameServerErrorReason>(),
      Schedule.while(({ input }) => tryNext(input))
    )

    const call = <A>(
      operation: string,
      request: RemotingCommand,
      read: (response: RemotingCommand, nameServer: string) => Result.Result<A, NameServerErrorReason>
    ): Effect.Effect<A, NameServerError> => {
      const tried: Array<string> = []
      let lastError = "no attempt finished"
      const attempt = Effect.suspend(() => {
        const address = currentAddress()
        tried.push(address)
        return client.invoke(address, request, { timeoutMillis: attemptTimeoutMillis, closeOnTimeout: true }).pipe(
          Effect.flatMap((response) => Effect.fromResult(read(response, address))),
          Effect.tapError((error) =>
            Effect.sync(() => {
              lastError = error.message
              // Move on only if no other call has moved on already.
              if (tryNext(error) && currentAddress() === address) index = (Math.abs(index) + 1) % addresses.length
            })
          )
        )
      })
      const unavailable = (timedOut: boolean) =>
        new NameServerUnavailable({ operation, tried: [...new Set(tried)], lastError, timedOut })
      return attempt.pipe(
        Effect.retry(acrossNameServers),
        Effect.mapError((error) =>
          new NameServerError({ reason: error._tag === "RemotingError" || tryNext(error) ? unavailable(false) : error })
        ),
        Effect.timeoutOrElse({
          duration: timeoutMillis,
          orElse: () => Effect.fail(new NameServerError({ reason: unavailable(true) }))
        })
      )
    }

    /** An error answer: an ACL denial (final), or any other rejection. */
    const rejected = (operation: string, nameServer: string, response: RemotingCommand): NameServerRejected | AccessDenied =>
      accessDeniedOf(response, { operation, address: nameServer, accessKey: options.accessKey }) ??
        new NameServerRejected({ operation, nameServer, code: response.code, remark: response.remark ?? "" })

    const getRouteInfoByTopic = (topic: string) =>
      call(
        `GET_ROUTEINFO_BY_TOPIC for topic "${topic}"`,
        makeRequest({
          code: RequestCode.GET_ROUTEINFO_BY_TOPIC,
          extFields: encodeGetRouteInfoRequestHeader({ topic, acceptStandardJsonOnly: true })
        }),
        (response, nameServer): Result.Result<TopicRouteData, NameServerErrorReason> => {
          if (response.code === ResponseCode.TOPIC_NOT_EXIST) return Result.fail(new TopicNotExist({ topic, nameServer }))
          if (response.code !== ResponseCode.SUCCESS) {
            return Result.fail(rejected("GET_ROUTEINFO_BY_TOPIC", nameServer, response))
          }
          return Result.mapError(
            parseTopicRouteData(response.body),
            (error) => new InvalidNameServerResponse({ operation: "GET_ROUTEINFO_BY_TOPIC", nameServer, detail: error.detail })
          )
        }
      ).pipe(Effect.withSpan("NameServerTransport.getRouteInfoByTopic", { attributes: { topic } }))

    const getBrokerClusterInfo = call(
      "GET_BROKER_CLUSTER_INFO",
      makeRequest({ code: RequestCode.GET_BROKER_CLUSTER_INFO }),
      (response, nameServer): Result.Result<ClusterInfo, NameServerErrorReason> =>
        response.code !== ResponseCode.SUCCESS
          ? Result.fail(rejected("GET_BROKER_CLUSTER_INFO", nameServer, response))
          : Result.mapError(
            parseClusterInfo(response.body),
            (error) => new InvalidNameServerResponse({ operation: "GET_BROKER_CLUSTER_INFO", nameServer, detail: error.detail })
          )
    ).pipe(Effect.withSpan("NameServerTransport.getBrokerClusterInfo"))

    return NameServerTransport.of({
      addresses,
      current: Effect.sync(currentAddress),
      getRouteInfoByTopic,
      getBrokerClusterInfo: Effect.suspend(() => getBrokerClusterInfo)
    })
  })


