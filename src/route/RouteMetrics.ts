/**
 * The metrics of route lookup.
 *
 * @since 0.1.0
 */
import { Metric } from "effect"

const cacheHits = { name: "rocketmq_route_cache_hits", description: "Route lookups answered from the cache" }

/**
 * Lookups answered from the cache.
 *
 * @since 0.1.0
 * @category metrics
 */
export const routeCacheHits = Metric.counter(cacheHits.name, { description: cacheHits.description })

/**
 * The series of {@link routeCacheHits} with `attributes`, as a metric of its own: the same series
 * in the registry as `Metric.withAttributes(routeCacheHits, attributes)`, without the context that
 * `withAttributes` builds on every update.
 *
 * @since 0.1.0
 * @category metrics
 */
export const routeCacheHitsSeries = (attributes: Metric.Metric.Attributes) =>
  Metric.counter(cacheHits.name, { description: cacheHits.description, attributes })

/**
 * Lookups that had to ask a NameServer.
 *
 * @since 0.1.0
 * @category metrics
 */
export const routeCacheMisses = Metric.counter("rocketmq_route_cache_misses", {
  description: "Route lookups that missed the cache"
})

/**
 * GET_ROUTEINFO_BY_TOPIC calls made (misses and refreshes; concurrent misses share one).
 *
 * @since 0.1.0
 * @category metrics
 */
export const nameServerFetches = Metric.counter("rocketmq_nameserver_route_fetches", {
  description: "Route fetches from a NameServer"
})

/**
 * Route fetches that failed (NameServer unreachable, hung, or rejecting).
 *
 * @since 0.1.0
 * @category metrics
 */
export const nameServerFetchFailures = Metric.counter("rocketmq_nameserver_route_fetch_failures", {
  description: "Route fetches that failed"
})

/**
 * How long route fetches take.
 *
 * @since 0.1.0
 * @category metrics
 */
export const nameServerFetchLatency = Metric.timer("rocketmq_nameserver_route_fetch_latency", {
  description: "Latency of route fetches from a NameServer"
})
