/**
 * Why a send did not produce a `SendResult`. One error, `ProducerError`, whose `reason` says what
 * happened; each reason says whether sending again later may succeed (`isRetryable`). A failed
 * send's attempts keep their own typed reasons (`SendFailed.attempts`).
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import { NoRouteInfo } from "../route/NoRouteInfo.ts"
import { AccessDenied } from "../transport/AccessDenied.ts"
import { InvalidNameServerResponse, NameServerRejected, NameServerUnavailable } from "../transport/NameServerError.ts"
import {
  ClientClosed,
  ConnectFailed,
  ConnectionClosed,
  ConnectTimedOut,
  InvalidRequest,
  RequestTimedOut,
  TlsFailed,
  WriteFailed,
  WriteTimedOut
} from "../transport/RemotingError.ts"
import { InvalidMessage } from "./MessageValidation.ts"
import { defaultRetryResponseCodes } from "./ProducerOptions.ts"

/**
 * A broker answered the send with an error code: as the reason of a `ProducerError` when the
 * producer does not retry the code (e.g. MESSAGE_ILLEGAL, or SYSTEM_BUSY when it is not in
 * `retryResponseCodes`), and as the reason of a failed attempt otherwise.
 *
 * @since 0.1.0
 * @category errors
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

  /** `true` for the codes Java retries by default (busy, system error, no permission…). */
  get isRetryable(): boolean {
    return defaultRetryResponseCodes.includes(this.code)
  }
}

/**
 * The route gave the attempt's queue a broker group without a master address.
 *
 * @since 0.1.0
 * @category errors
 */
export class NoMasterAddress extends Schema.TaggedError<NoMasterAddress>()("NoMasterAddress", {
  topic: Schema.String,
  brokerName: Schema.String
}) {
  override get message(): string {
    return `the broker group ${this.brokerName} of topic "${this.topic}" has no master in the route`
  }

  /** `true`: another broker group, or a later route, may have one. */
  get isRetryable(): boolean {
    return true
  }
}

/**
 * The topic's route has no queue the send can use.
 *
 * @since 0.1.0
 * @category errors
 */
export class NoWritableQueue extends Schema.TaggedError<NoWritableQueue>()("NoWritableQueue", {
  topic: Schema.String
}) {
  override get message(): string {
    return `the topic "${this.topic}" has no writable queue`
  }

  /** `false`: the same route gives the same answer. */
  get isRetryable(): boolean {
    return false
  }
}

/**
 * Why one attempt of a send failed: the remoting reason of a request that got no answer, or the
 * broker's error answer, or a route that gave it nowhere to go.
 *
 * @since 0.1.0
 * @category errors
 */
export const AttemptFailureReason = Schema.Union([
  ConnectFailed,
  ConnectTimedOut,
  RequestTimedOut,
  WriteTimedOut,
  ConnectionClosed,
  WriteFailed,
  InvalidRequest,
  ClientClosed,
  TlsFailed,
  BrokerRejected,
  AccessDenied,
  NoMasterAddress,
  NoWritableQueue
])

/**
 * @since 0.1.0
 * @category errors
 */
export type AttemptFailureReason = typeof AttemptFailureReason.Type

/**
 * One failed attempt of a send, as `SendFailed` lists them: the broker group and address tried
 * (`"-"` when the attempt got no further) and the typed reason.
 *
 * @since 0.1.0
 * @category errors
 */
export const FailedAttempt = Schema.Struct({
  brokerName: Schema.String,
  address: Schema.String,
  reason: AttemptFailureReason
})

/**
 * @since 0.1.0
 * @category errors
 */
export type FailedAttempt = typeof FailedAttempt.Type

/**
 * Every attempt failed (or the time budget ran out before one succeeded). `attempts` lists each
 * attempt's broker and reason in order; `timedOut` says whether the budget ran out.
 *
 * @since 0.1.0
 * @category errors
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
    const attempts = `${this.attempts.length} ${this.attempts.length === 1 ? "attempt" : "attempts"}`
    return `${why} after ${attempts} in ${this.elapsedMillis} ms, topic "${this.topic}", ` +
      `brokers tried: [${brokers}]${last === undefined ? "" : `; last error: ${last.reason.message}`}`
  }

  /** `true` unless every attempt failed for a reason that cannot change. */
  get isRetryable(): boolean {
    return this.attempts.length === 0 || this.attempts.some((attempt) => attempt.reason.isRetryable)
  }
}

/**
 * The producer was used after its scope closed (or closed while the send was under way).
 *
 * @since 0.1.0
 * @category errors
 */
export class ProducerClosed extends Schema.TaggedError<ProducerClosed>()("ProducerClosed", {}) {
  override get message(): string {
    return "the producer is shut down"
  }

  /** `false`: this producer will not send again. */
  get isRetryable(): boolean {
    return false
  }
}

/**
 * What went wrong in a `ProducerError`.
 *
 * @since 0.1.0
 * @category errors
 */
export const ProducerErrorReason = Schema.Union([
  InvalidMessage,
  NoRouteInfo,
  NameServerUnavailable,
  NameServerRejected,
  InvalidNameServerResponse,
  BrokerRejected,
  AccessDenied,
  SendFailed,
  ProducerClosed
])

/**
 * @since 0.1.0
 * @category errors
 */
export type ProducerErrorReason = typeof ProducerErrorReason.Type

/**
 * A send that did not produce a `SendResult`; `reason` says why.
 *
 * @since 0.1.0
 * @category errors
 */
export class ProducerError extends Schema.TaggedError<ProducerError>()("ProducerError", {
  reason: ProducerErrorReason
}) {
  override get message(): string {
    return this.reason.message
  }

  /** Whether sending again later may succeed (the reason's `isRetryable`). */
  get isRetryable(): boolean {
    return this.reason.isRetryable
  }
}
