/**
 * The event published when a cached route changes.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import { RouteDiff } from "./RouteDiff.ts"

/**
 * A topic's route changed: `diff` says how. `removed` is true when the NameServers no longer know
 * the topic and it left the cache.
 *
 * @since 0.1.0
 * @category schemas
 */
export const RouteChanged = Schema.TaggedStruct("RouteChanged", {
  topic: Schema.String,
  diff: RouteDiff,
  fromDefaultTopic: Schema.Boolean,
  removed: Schema.Boolean
})

/**
 * @since 0.1.0
 * @category models
 */
export type RouteChanged = typeof RouteChanged.Type
