/**
 * What can go wrong when asking a NameServer. One error, `NameServerError`, whose `reason` says
 * what happened; each reason says whether another attempt may succeed (`isRetryable`).
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import { ResponseCode, responseCodeName } from "../protocol/ResponseCode.ts"
import { AccessDenied } from "./AccessDenied.ts"

/**
 * The NameServer has no route for the topic (TOPIC_NOT_EXIST): no live broker hosts it.
 *
 * @since 0.1.0
 * @category errors
 */
export class TopicNotExist extends Schema.TaggedError<TopicNotExist>()("TopicNotExist", {
  topic: Schema.String,
  nameServer: Schema.String
}) {
  override get message(): string {
    return `NameServer ${this.nameServer} has no route for topic "${this.topic}" (TOPIC_NOT_EXIST)`
  }

  /** `false`: the NameServers answered; asking again gives the same answer until a broker hosts the topic. */
  get isRetryable(): boolean {
    return false
  }
}

/**
 * No NameServer answered within the call's budget: every address tried failed to connect, timed
 * out, or asked to be skipped.
 *
 * @since 0.1.0
 * @category errors
 */
export class NameServerUnavailable extends Schema.TaggedError<NameServerUnavailable>()("NameServerUnavailable", {
  operation: Schema.String,
  tried: Schema.Array(Schema.String),
  lastError: Schema.String,
  timedOut: Schema.Boolean
}) {
  override get message(): string {
    const tried = this.tried.length === 0 ? "none reached" : `tried ${this.tried.join(", ")}`
    const budget = this.timedOut ? "; the call's time budget ran out" : ""
    return `no NameServer answered ${this.operation} (${tried}${budget}): ${this.lastError}`
  }

  /** `true`: a NameServer may answer later. */
  get isRetryable(): boolean {
    return true
  }
}

/**
 * A NameServer answered with an error code.
 *
 * @since 0.1.0
 * @category errors
 */
export class NameServerRejected extends Schema.TaggedError<NameServerRejected>()("NameServerRejected", {
  operation: Schema.String,
  nameServer: Schema.String,
  code: Schema.Number,
  remark: Schema.String
}) {
  override get message(): string {
    const name = responseCodeName(this.code)
    const code = name === undefined ? `code ${this.code}` : `code ${this.code} (${name})`
    const remark = this.remark.trim()
    const hint = this.code === ResponseCode.REQUEST_CODE_NOT_SUPPORTED
      ? `; is ${this.nameServer} a NameServer's address?`
      : ""
    return `NameServer ${this.nameServer} answered ${this.operation} with ${code}${remark === "" ? "" : `: ${remark}`}${hint}`
  }

  /** `true` for SYSTEM_ERROR and SYSTEM_BUSY (another NameServer, or a later call, may serve it). */
  get isRetryable(): boolean {
    return this.code === ResponseCode.SYSTEM_ERROR || this.code === ResponseCode.SYSTEM_BUSY
  }
}

/**
 * A NameServer answered with a body that is not what the operation returns.
 *
 * @since 0.1.0
 * @category errors
 */
export class InvalidNameServerResponse extends Schema.TaggedError<InvalidNameServerResponse>()("InvalidNameServerResponse", {
  operation: Schema.String,
  nameServer: Schema.String,
  detail: Schema.String
}) {
  override get message(): string {
    return `NameServer ${this.nameServer} sent an invalid answer to ${this.operation}: ${this.detail}`
  }

  /** `false`: the NameServer answered something this client cannot read. */
  get isRetryable(): boolean {
    return false
  }
}

/**
 * What went wrong in a `NameServerError`.
 *
 * @since 0.1.0
 * @category errors
 */
export const NameServerErrorReason = Schema.Union([
  TopicNotExist,
  NameServerUnavailable,
  NameServerRejected,
  InvalidNameServerResponse,
  AccessDenied
])

/**
 * @since 0.1.0
 * @category errors
 */
export type NameServerErrorReason = typeof NameServerErrorReason.Type

/**
 * A NameServer call that did not give its answer; `reason` says why.
 *
 * @since 0.1.0
 * @category errors
 */
export class NameServerError extends Schema.TaggedError<NameServerError>()("NameServerError", {
  reason: NameServerErrorReason
}) {
  override get message(): string {
    return this.reason.message
  }

  /** Whether another call may succeed (the reason's `isRetryable`). */
  get isRetryable(): boolean {
    return this.reason.isRetryable
  }
}
