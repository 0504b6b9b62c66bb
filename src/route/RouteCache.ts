/**
 * The route cache: a `Ref` holding each topic's publish info and the broker address table merged
 * from the cached routes (brokerName → brokerId → address), which the send path reads to find a
 * broker group's master. Updates go through `RouteDiff`, so an unchanged route leaves the cache as
 * it is.
 *
 * @since 0.1.0
 */
import { Context, Effect, Layer, Ref } from "effect"
import type { TopicRouteData } from "../protocol/TopicRouteData.ts"
import { changed, diff } from "./RouteComparison.ts"
import type { RouteDiff } from "./RouteDiff.ts"
import { makeTopicPublishInfo } from "./TopicPublishInfo.ts"
import type { TopicPublishInfo } from "./TopicPublishInfo.ts"

/**
 * The cache's content.
 *
 * @since 0.1.0
 * @category models
 */
export interface RouteCacheState {
  readonly topics: ReadonlyMap<string, TopicPublishInfo>
  /** brokerName → brokerId → address, over every cached route. */
  readonly brokers: ReadonlyMap<string, ReadonlyMap<number, string>>
}

/**
 * What an update did.
 *
 * @since 0.1.0
 * @category models
 */
export interface RouteUpdate {
  /** The topic's publish info after the update. */
  readonly info: TopicPublishInfo
  /** `undefined` when the route did not change (the cache was left untouched). */
  readonly diff: RouteDiff | undefined
}

const emptyRoute: TopicRouteData = { brokerDatas: [], queueDatas: [], filterServerTable: {} }

/**
 * The broker address table merged from routes: for each broker group the addresses of the route
 * that lists it last win, as Java's table is overwritten by each accepted route.
 *
 * @since 0.1.0
 * @category utils
 */
export const mergeBrokerAddresses = (
  routes: Iterable<TopicRouteData>
): ReadonlyMap<string, ReadonlyMap<number, string>> => {
  const brokers = new Map<string, ReadonlyMap<number, string>>()
  for (const route of routes) {
    for (const brokerData of route.brokerDatas) {
      brokers.set(
        brokerData.brokerName,
        new Map(Object.entries(brokerData.brokerAddrs).map(([id, address]) => [Number(id), address]))
      )
    }
  }
  return brokers
}

const withTopics = (topics: ReadonlyMap<string, TopicPublishInfo>): RouteCacheState => ({
  topics,
  brokers: mergeBrokerAddresses([...topics.values()].map((info) => info.route))
})

const sameAddresses = (table: ReadonlyMap<number, string> | undefined, addrs: Readonly<Record<string, string>>): boolean => {
  if (table === undefined) return false
  const ids = Object.keys(addrs)
  if (ids.length !== table.size) return false
  for (const id of ids) if (table.get(Number(id)) !== addrs[id]) return false
  return true
}

/**
 * The state with `topic` set to `info`. The broker table is merged again only when the route
 * could change it: when it names a broker group with other addresses than the table holds, or
 * drops a group the topic's previous route named. Otherwise the merge would give the same table, so
 * caching many topics on the same brokers costs no merge over every cached route each time.
 */
const withTopic = (state: RouteCacheState, topic: string, info: TopicPublishInfo, previous: TopicRouteData | undefined) => {
  const topics = new Map(state.topics)
  topics.set(topic, info)
  const route = info.route
  const keeps = route.brokerDatas.every((brokerData) => sameAddresses(state.brokers.get(brokerData.brokerName), brokerData.brokerAddrs)) &&
    (previous === undefined ||
      previous.brokerDatas.every((old) => route.brokerDatas.some((brokerData) => brokerData.brokerName === old.brokerName)))
  return keeps ? { topics, brokers: state.brokers } : withTopics(topics)
}

/**
 * The route cache service.
 *
 * @since 0.1.0
 * @category services
 */
export class RouteCache extends Context.Service<RouteCache, {
  /** The whole cache. */
  readonly state: Effect.Effect<RouteCacheState>
  /** A topic's publish info, if cached. */
  readonly get: (topic: string) => Effect.Effect<TopicPublishInfo | undefined>
  /** The same, read at once: for the send path, which reads the cache once per send. */
  readonly getUnsafe: (topic: string) => TopicPublishInfo | undefined
  /**
   * Stores a topic's route unless it equals the cached one (by `RouteDiff.changed`) and the cached
   * entry has the same origin; returns what changed.
   */
  readonly update: (
    topic: string,
    route: TopicRouteData,
    options: { readonly fromDefaultTopic: boolean; readonly now: number }
  ) => Effect.Effect<RouteUpdate>
  /** Drops a topic; returns the diff from its last route to nothing, or undefined if it was not cached. */
  readonly remove: (topic: string) => Effect.Effect<RouteDiff | undefined>
  /** The address of a broker group's broker `brokerId` (default 0, the master). */
  readonly brokerAddress: (brokerName: string, brokerId?: number) => Effect.Effect<string | undefined>
}>()("effect-rocketmq/route/RouteCache") {
  /** An empty cache. */
  static readonly layer: Layer.Layer<RouteCache> = Layer.effect(RouteCache, Effect.suspend(() => makeRouteCache))
}

/**
 * Builds an empty cache.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeRouteCache = Effect.gen(function*() {
  const ref = yield* Ref.make<RouteCacheState>({ topics: new Map(), brokers: new Map() })
  return RouteCache.of({
    state: Ref.get(ref),
    get: (topic) => Effect.map(Ref.get(ref), (state) => state.topics.get(topic)),
    getUnsafe: (topic) => Ref.getUnsafe(ref).topics.get(topic),
    update: (topic, route, { fromDefaultTopic, now }) =>
      Ref.modify(ref, (state): [RouteUpdate, RouteCacheState] => {
        const cached = state.topics.get(topic)
        if (cached !== undefined && cached.fromDefaultTopic === fromDefaultTopic && !changed(cached.route, route)) {
          return [{ info: cached, diff: undefined }, state]
        }
        const info = makeTopicPublishInfo(topic, route, fromDefaultTopic, now)
        return [{ info, diff: diff(cached?.route, route) }, withTopic(state, topic, info, cached?.route)]
      }),
    remove: (topic) =>
      Ref.modify(ref, (state): [RouteDiff | undefined, RouteCacheState] => {
        const cached = state.topics.get(topic)
        if (cached === undefined) return [undefined, state]
        const topics = new Map(state.topics)
        topics.delete(topic)
        return [diff(cached.route, emptyRoute), withTopics(topics)]
      }),
    brokerAddress: (brokerName, brokerId = 0) =>
      Effect.map(Ref.get(ref), (state) => state.brokers.get(brokerName)?.get(brokerId))
  })
})
