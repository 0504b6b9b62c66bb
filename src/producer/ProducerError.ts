/**
 * Why a send did not produce a `SendResult`.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import type { AccessDenied } from "../transport/AccessDenied.ts"
import type { InvalidNameServerResponse, NameServerRejected, NameServerUnavailable } from "../transport/NameServerError.ts"
import type { NoRouteInfo } from "../route/NoRouteInfo.ts"
import type { InvalidMessage } from "./MessageValidation.ts"

/**
 * A broker answered the send with an error code the producer does not retry (e.g. MESSAGE_ILLEGAL,
 * or SYSTEM_BUSY when it is not in `retryResponseCodes`).
 *
 * @since 0.1.0
 */
export class BrokerRejected extends Schema.TaggedError<BrokerRejected>()("BrokerRejected", {
  topic: Schema.String,
  brokerName: Schema.String,
  address: Schema.String,
  code: Schema.Number,
  remark: Schema.String
}) {
  override get message(): string {
    return `broker ${this.brokerName} (${this.address}) rejected the message for topic "${this.topic}" with code ${this.code}: ${this.remark}`
  }
}

/**
 * One failed attempt of a send, as `SendFailed` lists them.
 *
 * @since 0.1.0
 */
export const FailedAttempt = Schema.Struct({
  brokerName: Schema.String,
  address: Schema.String,
  error: Schema.String
})

/**
 * @since 0.1.0
 */
export type FailedAttempt = typeof FailedAttempt.Type

/**
 * Every attempt failed (or the time budget ran out before one succeeded). `attempts` lists each
 * attempt's broker and error in order; `timedOut` says whether the budget ran out.
 *
 * @since 0.1.0
 */
export class SendFailed extends Schema.TaggedError<SendFailed>()("SendFailed", {
  topic: Schema.String,
  attempts: Schema.Array(FailedAttempt),
  elapsedMillis: Schema.Number,
  timedOut: Schema.Boolean
}) {
  override get message(): string {
    const brokers = [...new Set(this.attempts.map((attempt) => attempt.brokerName))].join(", ")
    const last = this.attempts[this.attempts.length - 1]
    const why = this.timedOut ? "the send timed out" : "send failed"
    return `${why} after ${this.attempts.length} attempt(s) in ${this.elapsedMillis} ms, topic "${this.topic}", ` +
      `brokers tried: [${brokers}]${last === undefined ? "" : `; last error: ${last.error}`}`
  }
}

/**
 * The producer was shut down.
 *
 * @since 0.1.0
 */
export class ProducerClosed extends Schema.TaggedError<ProducerClosed>()("ProducerClosed", {}) {
  override get message(): string {
    return "the producer is shut down"
  }
}

/**
 * Every error a send can fail with.
 *
 * @since 0.1.0
 */
export type SendError =
  | InvalidMessage
  | NoRouteInfo
  | NameServerUnavailable
  | NameServerRejected
  | InvalidNameServerResponse
  | BrokerRejected
  | AccessDenied
  | SendFailed
