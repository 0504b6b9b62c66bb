/**
 * The `language` of a remoting command: which client or server implementation sent it
 * (REMOTING.md §3.3). Names go on the wire in JSON headers, ordinals in binary headers.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"

/**
 * Every language name a RocketMQ server knows, in ordinal order (`NODE_JS` only from 5.3.3 on).
 *
 * @since 0.1.0
 * @category constants
 */
export const languageNames = [
  "JAVA",
  "CPP",
  "DOTNET",
  "PYTHON",
  "DELPHI",
  "ERLANG",
  "RUBY",
  "OTHER",
  "HTTP",
  "GO",
  "PHP",
  "OMS",
  "RUST",
  "NODE_JS"
] as const

/**
 * A language name as the JSON header carries it.
 *
 * @since 0.1.0
 * @category schemas
 */
export const LanguageCode = Schema.Literals(languageNames)

/**
 * @since 0.1.0
 * @category models
 */
export type LanguageCode = typeof LanguageCode.Type

/**
 * The language this client declares: `OTHER`, which every 4.9.x and 5.x server accepts
 * (`NODE_JS` breaks servers older than 5.3.3).
 *
 * @since 0.1.0
 * @category constants
 */
export const clientLanguage: LanguageCode = "OTHER"

/**
 * The ordinal byte of a language in the binary header.
 *
 * @since 0.1.0
 * @category conversions
 */
export const languageToByte = (language: LanguageCode): number => languageNames.indexOf(language)

/**
 * The language of an ordinal byte; `undefined` for a byte no server defines (Java decodes it to null).
 *
 * @since 0.1.0
 * @category conversions
 */
export const languageFromByte = (byte: number): LanguageCode | undefined => languageNames[byte]

const languageByName: ReadonlyMap<string, LanguageCode> = new Map(languageNames.map((name) => [name, name]))

/**
 * The language of a JSON header value: a name, or an ordinal (fastjson accepts both).
 *
 * @since 0.1.0
 * @category conversions
 */
export const languageFromJson = (value: unknown): LanguageCode | undefined => {
  if (typeof value === "string") return languageByName.get(value)
  if (typeof value === "number") return languageNames[value]
  return undefined
}
