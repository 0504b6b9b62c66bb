/**
 * What can go wrong when asking a NameServer.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"

/**
 * The NameServer has no route for the topic (TOPIC_NOT_EXIST): no live broker hosts it.
 *
 * @since 0.1.0
 */
export class TopicNotExist extends Schema.TaggedError<TopicNotExist>()("TopicNotExist", {
  topic: Schema.String,
  nameServer: Schema.String
}) {
  override get message(): string {
    return `NameServer ${this.nameServer} has no route for topic "${this.topic}" (TOPIC_NOT_EXIST)`
  }
}

/**
 * No NameServer answered within the call's budget: every address tried failed to connect, timed
 * out, or asked to be skipped.
 *
 * @since 0.1.0
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
}

/**
 * A NameServer answered with an error code.
 *
 * @since 0.1.0
 */
export class NameServerRejected extends Schema.TaggedError<NameServerRejected>()("NameServerRejected", {
  operation: Schema.String,
  nameServer: Schema.String,
  code: Schema.Number,
  remark: Schema.String
}) {
  override get message(): string {
    return `NameServer ${this.nameServer} answered ${this.operation} with code ${this.code}: ${this.remark}`
  }
}

/**
 * A NameServer answered with a body that is not what the operation returns.
 *
 * @since 0.1.0
 */
export class InvalidNameServerResponse extends Schema.TaggedError<InvalidNameServerResponse>()("InvalidNameServerResponse", {
  operation: Schema.String,
  nameServer: Schema.String,
  detail: Schema.String
}) {
  override get message(): string {
    return `NameServer ${this.nameServer} sent an invalid answer to ${this.operation}: ${this.detail}`
  }
}
