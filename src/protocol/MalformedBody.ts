/**
 * The error for a frame whose body does not hold what its code promises (a route that is not a
 * route, say).
 *
 * @since 0.1.0
 */
import { Schema } from "effect"

/**
 * A body that could not be read as `what`.
 *
 * @since 0.1.0
 * @category errors
 */
export class MalformedBody extends Schema.TaggedError<MalformedBody>()("MalformedBody", {
  what: Schema.String,
  detail: Schema.String
}) {
  override get message(): string {
    return `malformed ${this.what} body: ${this.detail}`
  }
}
