/**
 * Route lookup: what the Java producer does in `tryToFindTopicPublishInfo` and
 * `updateTopicRouteInfoFromNameServer`. A cached topic is answered at once; a miss asks a
 * NameServer (concurrent misses of one topic share one request, through a `Cache` that keeps a
 * fetch only while it runs), stores the route through
 * `RouteDiff` and returns the publish info. A topic without a route falls back to the default
 * topic (TBW102) when auto-create is allowed. A scoped fiber refreshes every cached topic on a
 * schedule and publishes each change as a `RouteChanged` event.
 *
 * @since 0.1.0
 */
import { Cache, Cause, Clock, Context, Duration, Effect, Fiber, Layer, Metric, PubSub, Schedule, Stream } from "effect"
import type { Scope } from "effect"
import type { TopicRouteData } from "../protocol/TopicRouteData.ts"
import { NameServerTransport } from "../transport/NameServerTransport.ts"
import { NameServerUnavailable } from "../transport/NameServerError.ts"
import { RouteCache } from "./RouteCache.ts"
import type { RouteUpdate } from "./RouteCache.ts"
import type { RouteChanged } from "./RouteChanged.ts"
import type { RouteDiff } from "./RouteDiff.ts"
import { NoRouteInfo } from "./NoRouteInfo.ts"
import { RouteLookupError } from "./RouteLookupError.ts"
import {
  nameServerFetches,
  nameServerFetchFailures,
  nameServerFetchLatency,
  routeCacheHitsSeries,
  routeCacheMisses
} from "./RouteMetrics.ts"
import { capDefaultTopicRoute } from "./TopicPublishInfo.ts"
import type { TopicPublishInfo } from "./TopicPublishInfo.ts"

/**
 * Settings of route lookup, with the Java producer's defaults.
 *
 * @since 0.1.0
 * @category models
 */
export interface RouteLookupOptions {
  /** Fall back to the default topic's route for a topic without one; default true. */
  readonly autoCreateTopic?: boolean | undefined
  /** The broker's template topic; default `TBW102` (`createTopicKey`). */
  readonly defaultTopic?: string | undefined
  /** Queue count cap for topics created through the default topic; default 4. */
  readonly defaultTopicQueueNums?: number | undefined
  /** How often every cached route is refreshed; default 30 s (`pollNameServerInterval`). */
  readonly pollNameServerInterval?: Duration.Input | undefined
}

/**
 * How long a lookup that misses the cache may wait: `timeoutMillis` from now, or until `deadline`
 * (epoch ms on the `Clock`; it wins when both are given). Without either, as long as the fetch takes.
 *
 * @since 0.1.0
 * @category models
 */
export interface PublishInfoOptions {
  readonly timeoutMillis?: number | undefined
  readonly deadline?: number | undefined
}

/**
 * The route lookup service.
 *
 * @since 0.1.0
 * @category services
 */
export class RouteLookup extends Context.Service<RouteLookup, {
  /**
   * The topic's publish info: from the cache, or fetched on a miss. With `timeoutMillis` or
   * `deadline`, a miss that takes longer fails with `NameServerUnavailable` (`timedOut`); the fetch
   * itself goes on, and its route lands in the cache.
   */
  readonly publishInfo: (topic: string, options?: PublishInfoOptions) => Effect.Effect<TopicPublishInfo, RouteLookupError>
  /**
   * The topic's publish info if the cache holds a usable one (counted as a hit in `context`'s
   * metrics), else `undefined` and nothing counted: then `publishInfo` does the lookup. For the send
   * path, which reads the cache once per send without a step of its own.
   */
  readonly cachedPublishInfo: (topic: string, context: Context.Context<never>) => TopicPublishInfo | undefined
  /** Fetches the topic's route now, whether cached or not. */
  readonly refresh: (topic: string) => Effect.Effect<TopicPublishInfo, RouteLookupError>
  /** Refreshes every cached topic once, as the schedule does; failures keep the old routes. */
  readonly refreshAll: Effect.Effect<void>
  /** The address of a broker group's master, from the routes in the cache. */
  readonly masterAddress: (brokerName: string) => Effect.Effect<string | undefined>
  /** The master address of every broker group in the cached routes (where heartbeats go). */
  readonly masterAddresses: Effect.Effect<ReadonlyArray<string>>
  /**
   * Every route change from the moment this effect runs: it subscribes in the current scope, so a
   * change published after it returns is in the stream, however late the stream is run.
   */
  readonly changes: Effect.Effect<Stream.Stream<RouteChanged>, never, Scope.Scope>
}>()("effect-rocketmq/route/RouteLookup") {
  /** Route lookup with a refresh fiber living as long as the layer; needs the transport and a cache. */
  static readonly layer = (
    options?: RouteLookupOptions
  ): Layer.Layer<RouteLookup, never, NameServerTransport | RouteCache> => Layer.effect(RouteLookup, makeRouteLookup(options))
}

/**
 * Builds route lookup and starts its refresh fiber in the current scope.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeRouteLookup = (
  options?: RouteLookupOptions
): Effect.Effect<RouteLookup["Service"], never, NameServerTransport | RouteCache | Scope.Scope> =>
  Effect.gen(function*() {
    const transport = yield* NameServerTransport
    const cache = yield* RouteCache
    const scope = yield* Effect.scope
    const autoCreateTopic = options?.autoCreateTopic ?? true
    const defaultTopic = options?.defaultTopic ?? "TBW102"
    const defaultTopicQueueNums = options?.defaultTopicQueueNums ?? 4
    const pollInterval = Duration.fromInputUnsafe(options?.pollNameServerInterval ?? "30 seconds")
    const events = yield* PubSub.unbounded<RouteChanged>()
    yield* Effect.addFinalizer(() => PubSub.shutdown(events))

    const noRoute = (topic: string, detail: string) =>
      new RouteLookupError({ reason: new NoRouteInfo({ topic, nameServers: transport.addresses, detail }) })

    const fetchRoute = (topic: string): Effect.Effect<TopicRouteData, RouteLookupError | NoRouteInfoSignal> =>
      transport.getRouteInfoByTopic(topic).pipe(
        Effect.mapError(({ reason }) =>
          reason._tag === "TopicNotExist" ? new NoRouteInfoSignal() : new RouteLookupError({ reason })
        ),
        Effect.tapError((error) =>
          error instanceof NoRouteInfoSignal ? Effect.void : Metric.update(Metric.withAttributes(nameServerFetchFailures, { topic }), 1)
        ),
        Effect.trackDuration(Metric.withAttributes(nameServerFetchLatency, { topic })),
        Effect.tap(() => Metric.update(Metric.withAttributes(nameServerFetches, { topic }), 1)),
        Effect.withSpan("RouteLookup.fetchRoute", { attributes: { topic } })
      )

    const store = (topic: string, route: TopicRouteData, fromDefaultTopic: boolean) =>
      Effect.gen(function*() {
        const now = yield* Clock.currentTimeMillis
        const update: RouteUpdate = yield* cache.update(topic, route, { fromDefaultTopic, now })
        if (update.diff !== undefined) {
          yield* PubSub.publish(events, routeChanged(topic, update.diff, fromDefaultTopic, false))
          yield* Effect.logDebug(`route of ${topic} changed`).pipe(Effect.annotateLogs({ topic }))
        }
        return update.info
      })

    const usable = (info: TopicPublishInfo): Effect.Effect<TopicPublishInfo, RouteLookupError> =>
      info.queues.length > 0
        ? Effect.succeed(info)
        : Effect.fail(noRoute(info.topic, "its route has no writable queue on a broker group with a master"))

    /** The default topic's route, capped, stored under `topic`. */
    const fromDefault = (topic: string) =>
      fetchRoute(defaultTopic).pipe(
        Effect.catchTag("NoRouteInfoSignal", () =>
          Effect.fail(noRoute(topic, `the NameServers know no route for it, nor for the default topic ${defaultTopic}`))),
        Effect.flatMap((route) => store(topic, capDefaultTopicRoute(route, defaultTopicQueueNums), true))
      )

    /** One fetch of a topic's route and its storage: the shared work of a miss or a refresh. */
    const update = (topic: string): Effect.Effect<TopicPublishInfo, RouteLookupError> =>
      fetchRoute(topic).pipe(
        Effect.flatMap((route) => store(topic, route, false)),
        Effect.catchTag("NoRouteInfoSignal", () =>
          autoCreateTopic
            ? fromDefault(topic)
            : Effect.fail(noRoute(topic, "the NameServers know no route for it and auto-create is off"))),
        Effect.flatMap(usable)
      )

    /**
     * Runs `update` for a topic once however many fibers ask at the same time: the cache holds a
     * fetch only while it runs (time to live zero), so the next miss asks again.
     */
    const fetches = yield* Cache.makeWith(update, {
      capacity: Number.POSITIVE_INFINITY,
      timeToLive: () => Duration.zero
    })
    const shared = (topic: string): Effect.Effect<TopicPublishInfo, RouteLookupError> => Cache.get(fetches, topic)

    /**
     * The cache-hit counter of each topic served from the cache, built once per topic: a counter
     * with attributes built per lookup costs its series key again each time (about 0.5 µs).
     */
    const hitsByTopic = new Map<string, ReturnType<typeof routeCacheHitsSeries>>()
    const cacheHits = (topic: string) => {
      let hits = hitsByTopic.get(topic)
      if (hits === undefined) {
        hits = routeCacheHitsSeries({ topic })
        hitsByTopic.set(topic, hits)
      }
      return hits
    }

    const cachedPublishInfo = (topic: string, context: Context.Context<never>): TopicPublishInfo | undefined => {
      const cached = cache.getUnsafe(topic)
      if (cached === undefined || cached.queues.length === 0) return undefined
      cacheHits(topic).updateUnsafe(1, context)
      return cached
    }

    const publishInfo = (
      topic: string,
      options?: PublishInfoOptions
    ): Effect.Effect<TopicPublishInfo, RouteLookupError> =>
      Effect.withFiber((fiber) => {
        const cached = cachedPublishInfo(topic, fiber.context)
        if (cached !== undefined) return Effect.succeed(cached)
        const fetch = Effect.andThen(Metric.update(Metric.withAttributes(routeCacheMisses, { topic }), 1), shared(topic))
        const deadline = options?.deadline
        if (deadline === undefined && options?.timeoutMillis === undefined) return fetch
        return Effect.flatMap(Clock.currentTimeMillis, (now) => {
          const timeoutMillis = deadline === undefined ? options?.timeoutMillis ?? 0 : deadline - now
          // The wait is bounded, the fetch is not: it is awaited from the lookup's own scope, so it
          // goes on (and the route lands in the cache) even when every caller gave up.
          return Effect.flatMap(Effect.forkIn(fetch, scope), Fiber.join).pipe(Effect.timeoutOrElse({
            duration: Math.max(1, timeoutMillis),
            orElse: () =>
              Effect.fail(
                new RouteLookupError({
                  reason: new NameServerUnavailable({
                    operation: `route lookup of topic "${topic}"`,
                    tried: [...transport.addresses],
                    lastError: `no route within the ${Math.max(0, Math.round(timeoutMillis))} ms left of the caller's budget`,
                    timedOut: true
                  })
                })
              )
          }))
        })
      })

    /** Refreshes one cached topic: a topic the NameServers dropped leaves the cache (and says so). */
    const refreshCached = (topic: string, cached: TopicPublishInfo) =>
      fetchRoute(topic).pipe(
        Effect.flatMap((route) => store(topic, route, false)),
        Effect.catchTag("NoRouteInfoSignal", () => {
          if (cached.fromDefaultTopic) return fromDefault(topic) // still waiting for the broker to create it
          return Effect.flatMap(cache.remove(topic), (diff) =>
            diff === undefined
              ? Effect.void
              : Effect.andThen(
                PubSub.publish(events, routeChanged(topic, diff, false, true)),
                Effect.logWarning(`topic ${topic} has no route any more; removed from the route cache`)
              ))
        }),
        Effect.asVoid,
        // Whatever goes wrong with one topic (a typed error or a defect) is logged and the refresh
        // goes on with the next topic and the next round; only interruption stops it.
        Effect.catchCause((cause) =>
          Cause.hasInterruptsOnly(cause)
            ? Effect.interrupt
            : Effect.logWarning(`route refresh of ${topic} failed, keeping the cached route: ${causeMessage(cause)}`).pipe(
              Effect.annotateLogs({ topic })
            ))
      )

    const refreshAll = Effect.gen(function*() {
      const { topics } = yield* cache.state
      yield* Effect.forEach(topics, ([topic, cached]) => refreshCached(topic, cached), { discard: true })
    }).pipe(Effect.withSpan("RouteLookup.refreshAll"))

    yield* refreshAll.pipe(
      Effect.repeat(Schedule.spaced(pollInterval)),
      Effect.delay(pollInterval),
      Effect.interruptible,
      Effect.forkIn(scope)
    )

    return RouteLookup.of({
      publishInfo,
      cachedPublishInfo,
      refresh: shared,
      refreshAll,
      masterAddress: (brokerName) => cache.brokerAddress(brokerName, 0),
      masterAddresses: Effect.map(cache.state, (state) => {
        const addresses = new Set<string>()
        for (const ids of state.brokers.values()) {
          const master = ids.get(0)
          if (master !== undefined) addresses.add(master)
        }
        return [...addresses]
      }),
      changes: Effect.map(PubSub.subscribe(events), Stream.fromSubscription)
    })
  })

/** The first error or defect of a cause, as one line. */
const causeMessage = (cause: Cause.Cause<unknown>): string => {
  const error = Cause.squash(cause)
  return error instanceof Error ? `${error.name === "Error" ? "" : `${error.name}: `}${error.message}` : String(error)
}

/** Internal signal: the NameServer answered TOPIC_NOT_EXIST. */
class NoRouteInfoSignal {
  readonly _tag = "NoRouteInfoSignal"
}

const routeChanged = (topic: string, diff: RouteDiff, fromDefaultTopic: boolean, removed: boolean): RouteChanged => ({
  _tag: "RouteChanged",
  topic,
  diff,
  fromDefaultTopic,
  removed
})
