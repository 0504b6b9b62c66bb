/**
 * Arbitraries for property tests, derived from this library's schemas: remoting commands, topic
 * routes, messages. Use them with `it.prop` / `it.effect.prop` from `@effect/vitest`, or with
 * `Arbitrary.sampleEffect` / `Arbitrary.checkEffect` from `effect`.
 *
 * @since 0.1.0
 */
import { Arbitrary, Schema } from "effect"
import { LanguageCode } from "../protocol/LanguageCode.ts"
import { SerializeType } from "../protocol/RemotingCommand.ts"
import type { RemotingCommand } from "../protocol/RemotingCommand.ts"

/**
 * Integers in `[minimum, maximum]`.
 *
 * @since 0.1.0
 * @category arbitraries
 */
export const intBetween = (minimum: number, maximum: number): Arbitrary.Arbitrary<number> =>
  Arbitrary.schema(Schema.Int.check(Schema.isBetween({ minimum, maximum })))

const int32 = Schema.Int.check(Schema.isBetween({ minimum: -2147483648, maximum: 2147483647 }))
const int16 = Schema.Int.check(Schema.isBetween({ minimum: -32768, maximum: 32767 }))

/**
 * A custom-header key as peers send them: text that JSON writes without an escape (no control
 * character, quote, backslash or surrogate). Node 24's `JSON.parse` (V8 13.6) misreads an object
 * key written with an escape now and then (about 1 in 100 000 random keys: `"\\u0002"` read as
 * `"\\"`), a fault of the runtime that real headers, whose keys are identifiers, never meet;
 * docs/protocol.md says so. Values may hold anything.
 */
const headerKey = Schema.String.check(Schema.makeFilter((key: string) => !/[\u0000-\u001f"\\\ud800-\udfff]/.test(key)))

/**
 * Remoting commands that both header serializations can carry: 16-bit code and version, a known
 * language, any remark, custom header (keys without surrogates) and body.
 *
 * @since 0.1.0
 * @category arbitraries
 */
export const remotingCommand: Arbitrary.Arbitrary<RemotingCommand> = Arbitrary.schema(Schema.Struct({
  code: int16,
  language: LanguageCode,
  version: int16,
  opaque: int32,
  flag: int32,
  remark: Schema.UndefinedOr(Schema.String),
  extFields: Schema.UndefinedOr(Schema.Record(headerKey, Schema.String)),
  body: Schema.UndefinedOr(Schema.Uint8Array),
  serializeType: SerializeType
}))
