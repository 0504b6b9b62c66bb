/**
 * Why a route lookup gave no publish info. One error, `RouteLookupError`, whose `reason` is a
 * topic without a usable route (`NoRouteInfo`) or what kept the NameServers from answering.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import { InvalidNameServerResponse, NameServerRejected, NameServerUnavailable } from "../transport/NameServerError.ts"

/**
 * No route to send the topic's messages: the NameServers know no route for it (and, with
 * auto-create, none for the default topic either), or its route has no writable queue on a broker
 * with a master.
 *
 * @since 0.1.0
 */
export class NoRouteInfo extends Schema.TaggedError<NoRouteInfo>()("NoRouteInfo", {
  topic: Schema.String,
  nameServers: Schema.Array(Schema.String),
  detail: Schema.String
}) {
  override get message(): string {
    return `No route info of topic "${this.topic}": ${this.detail}. Check that the topic exists, that the ` +
      `NameServer address (${this.nameServers.join(";")}) is right, and that a broker hosting the topic is ` +
      `registered with it (mqadmin topicRoute / clusterList).`
  }

  /** `false`: asking again gives the same answer until the topic's route changes. */
  get isRetryable(): boolean {
    return false
  }
}

/**
 * What went wrong in a `RouteLookupError`.
 *
 * @since 0.1.0
 */
export const RouteLookupErrorReason = Schema.Union([
  NoRouteInfo,
  NameServerUnavailable,
  NameServerRejected,
  InvalidNameServerResponse
])

/**
 * @since 0.1.0
 */
export type RouteLookupErrorReason = typeof RouteLookupErrorReason.Type

/**
 * A route lookup that gave no publish info; `reason` says why.
 *
 * @since 0.1.0
 */
export class RouteLookupError extends Schema.TaggedError<RouteLookupError>()("RouteLookupError", {
  reason: RouteLookupErrorReason
}) {
  override get message(): string {
    return this.reason.message
  }

  /** Whether a later lookup may succeed (the reason's `isRetryable`). */
  get isRetryable(): boolean {
    return this.reason.isRetryable
  }
}
