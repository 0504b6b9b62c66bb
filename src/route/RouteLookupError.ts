/**
 * Why a route lookup gave no publish info. One error, `RouteLookupError`, whose `reason` is a
 * topic without a usable route (`NoRouteInfo`) or what kept the NameServers from answering.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import { AccessDenied } from "../transport/AccessDenied.ts"
import { InvalidNameServerResponse, NameServerRejected, NameServerUnavailable } from "../transport/NameServerError.ts"
import { NoRouteInfo } from "./NoRouteInfo.ts"

/**
 * What went wrong in a `RouteLookupError`.
 *
 * @since 0.1.0
 * @category errors
 */
export const RouteLookupErrorReason = Schema.Union([
  NoRouteInfo,
  NameServerUnavailable,
  NameServerRejected,
  InvalidNameServerResponse,
  AccessDenied
])

/**
 * @since 0.1.0
 * @category errors
 */
export type RouteLookupErrorReason = typeof RouteLookupErrorReason.Type

/**
 * A route lookup that gave no publish info; `reason` says why.
 *
 * @since 0.1.0
 * @category errors
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
