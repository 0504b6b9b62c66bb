/**
 * What the two message ids (REMOTING.md §13) share: their error and their hex form.
 *
 * @since 0.1.0
 */
import { Result, Schema } from "effect"
import { Buffer } from "node:buffer"

/**
 * A string that is not a message id of the expected kind, or an address that cannot go into one.
 *
 * @since 0.1.0
 * @category errors
 */
export class InvalidMessageId extends Schema.TaggedError<InvalidMessageId>()("InvalidMessageId", {
  id: Schema.String,
  detail: Schema.String
}) {
  override get message(): string {
    return `invalid message id ${JSON.stringify(this.id.length > 80 ? this.id.slice(0, 80) + "…" : this.id)}: ${this.detail}`
  }
}

const HEX_TEXT = /^[0-9A-Fa-f]*$/

/**
 * The bytes of a message id in hex: 32 characters (IPv4 host) or 56 (IPv6), either case. `kind`
 * names the id in the error.
 *
 * @since 0.1.0
 * @category decoding
 */
export const messageIdBytes = (id: unknown, kind: string): Result.Result<Buffer, InvalidMessageId> => {
  if (typeof id !== "string") return Result.fail(new InvalidMessageId({ id: String(id), detail: `${kind} must be a string` }))
  if (id.length !== 32 && id.length !== 56) {
    return Result.fail(new InvalidMessageId({ id, detail: `${kind} has ${id.length} characters, not 32 (IPv4) or 56 (IPv6)` }))
  }
  if (!HEX_TEXT.test(id)) return Result.fail(new InvalidMessageId({ id, detail: `${kind} is not hexadecimal` }))
  return Result.succeed(Buffer.from(id, "hex"))
}
