/**
 * The reason of a route lookup for a topic without a usable route.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"

/**
 * No route to send the topic's messages: the NameServers know no route for it (and, with
 * auto-create, none for the default topic either), or its route has no writable queue on a broker
 * with a master.
 *
 * @since 0.1.0
 * @category errors
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
