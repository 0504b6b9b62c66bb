/**
 * Reading JSON bodies: either JSON form servers write, checked against a schema.
 *
 * @since 0.1.0
 */
import { Result, Schema } from "effect"
import { parseLenientJson } from "./LenientJson.ts"
import { MalformedBody } from "./MalformedBody.ts"
import { decodeUtf8 } from "./Utf8.ts"

/**
 * A compiled reader of bodies holding a `what` (standard JSON or fastjson's bare-integer-key form).
 * With `fast`, a hand-written reader of the common shape is tried first: it returns what the schema
 * would decode, or `undefined` to leave the value to the schema (which also words the errors).
 *
 * @since 0.1.0
 * @category decoding
 */
export const jsonBodyParser = <A>(
  schema: Schema.Codec<A, unknown>,
  what: string,
  fast?: (json: unknown) => A | undefined
) => {
  const decode = Schema.decodeUnknownResult(schema)
  return (body: Uint8Array | string | undefined): Result.Result<A, MalformedBody> => {
    const text = body === undefined ? "" : typeof body === "string" ? body : decodeUtf8(body)
    const json = parseLenientJson(text)
    if (Result.isFailure(json)) return Result.fail(new MalformedBody({ what, detail: json.failure }))
    const read = fast?.(json.success)
    if (read !== undefined) return Result.succeed(read)
    return Result.mapError(decode(json.success), (error) => new MalformedBody({ what, detail: error.message }))
  }
}
