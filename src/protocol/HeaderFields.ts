/**
 * Typed custom headers. On the wire every custom header field is a string in `extFields`; these
 * codecs map such string maps to typed values and back the way Java does (`Integer.parseInt`,
 * `Long.parseLong`, `Boolean.parseBoolean` on the way in, `toString()` on the way out).
 *
 * @since 0.1.0
 */
import { Result, Schema, SchemaTransformation } from "effect"
import type { ExtFields } from "./RemotingCommand.ts"

/**
 * A Java `int` carried as a decimal string.
 *
 * @since 0.1.0
 * @category schemas
 */
export const IntFromString = Schema.String.check(Schema.isPattern(/^[+-]?\d{1,10}$/)).pipe(
  Schema.decodeTo(
    Schema.Int.check(Schema.isBetween({ minimum: -2147483648, maximum: 2147483647 })),
    SchemaTransformation.transform({ decode: (text) => Number.parseInt(text, 10), encode: (n) => String(n) })
  )
)

/**
 * A Java `long` carried as a decimal string (within JavaScript's safe integers, which covers every
 * offset and timestamp a broker produces).
 *
 * @since 0.1.0
 * @category schemas
 */
export const LongFromString = Schema.String.check(Schema.isPattern(/^[+-]?\d{1,16}$/)).pipe(
  Schema.decodeTo(
    Schema.Int.check(Schema.isBetween({ minimum: Number.MIN_SAFE_INTEGER, maximum: Number.MAX_SAFE_INTEGER })),
    SchemaTransformation.transform({ decode: (text) => Number.parseInt(text, 10), encode: (n) => String(n) })
  )
)

/**
 * A Java `boolean` carried as a string: `"true"` in any case is true, anything else false
 * (`Boolean.parseBoolean`); encoded as `"true"` / `"false"`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const BooleanFromString = Schema.String.pipe(
  Schema.decodeTo(
    Schema.Boolean,
    SchemaTransformation.transform({
      decode: (text) => text.toLowerCase() === "true",
      encode: (flag) => (flag ? "true" : "false")
    })
  )
)

/**
 * A schema for a custom header: typed on one side, a string map on the other.
 *
 * @since 0.1.0
 * @category models
 */
export type HeaderSchema<A> = Schema.Codec<A, { readonly [key: string]: string | undefined }>

/**
 * A compiled decoder from `extFields` to a typed header. Build it once and reuse it.
 *
 * @since 0.1.0
 * @category decoding
 */
export const headerDecoder = <A>(schema: HeaderSchema<A>) => {
  const decode = Schema.decodeUnknownResult(schema)
  return (extFields: ExtFields | undefined): Result.Result<A, Schema.SchemaError> => decode(extFields ?? {})
}

/**
 * A compiled encoder from a typed header to `extFields`. Build it once and reuse it.
 *
 * @since 0.1.0
 * @category encoding
 */
export const headerEncoder = <A>(schema: HeaderSchema<A>) => {
  const encode = Schema.encodeSync(schema)
  return (header: A): ExtFields => {
    const fields: Record<string, string> = {}
    for (const [key, value] of Object.entries(encode(header))) if (value !== undefined) fields[key] = value
    return fields
  }
}
