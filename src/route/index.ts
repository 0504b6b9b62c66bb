/**
 * effect-rocketmq/route: topic routes as a client sees them — route lookup with its cache and
 * refresh, the queues a route gives a producer, and how two routes differ (`RouteDiff`).
 *
 * @since 0.1.0
 */
export * from "./MessageQueue.ts"
export * from "./NoRouteInfo.ts"
export * from "./RouteLookupError.ts"
export * from "./PublishQueues.ts"
export * from "./RouteCache.ts"
export * from "./RouteChanged.ts"
export * from "./RouteComparison.ts"
export * from "./RouteDiff.ts"
export * from "./RouteDiffFormat.ts"
export * from "./RouteLookup.ts"
export * from "./RouteMetrics.ts"
export * from "./TopicPublishInfo.ts"
