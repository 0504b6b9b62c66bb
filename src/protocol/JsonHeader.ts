/**
 * The JSON header (serialize type 0): a UTF-8 JSON object with the command's fields, written with
 * the keys in the order Java writes them (REMOTING.md §4).
 *
 * @since 0.1.0
 */
import { Predicate } from "effect"
import { JsonByte, JsonCursor, KeySet, MEMBER_FAILED, MEMBERS_END } from "./JsonCursor.ts"
import { languageFromJson, languageNames } from "./LanguageCode.ts"
import type { LanguageCode } from "./LanguageCode.ts"
import { MalformedHeader } from "./ProtocolError.ts"
import type { ExtFields, RemotingCommand } from "./RemotingCommand.ts"
import { setOwn } from "./StringMap.ts"
import { decodeUtf8 } from "./Utf8.ts"

/**
 * The JSON header text of a command: keys in alphabetical order as Java's fastjson writes them,
 * absent fields omitted, `serializeTypeCurrentRPC` included.
 *
 * @since 0.1.0
 * @category encoding
 */
export const encodeJsonHeader = (command: RemotingCommand): string => {
  let text = `{"code":${command.code}`
  if (command.extFields !== undefined) text += `,"extFields":${JSON.stringify(command.extFields)}`
  text += `,"flag":${command.flag}`
  if (command.language !== undefined) text += `,"language":"${command.language}"`
  text += `,"opaque":${command.opaque}`
  if (command.remark !== undefined) text += `,"remark":${JSON.stringify(command.remark)}`
  return text + `,"serializeTypeCurrentRPC":"JSON","version":${command.version}}`
}

const malformed = (detail: string) => new MalformedHeader({ serializeType: "JSON", detail })

const readInt = (header: Record<string, unknown>, key: string): number | MalformedHeader => {
  const value = header[key]
  if (value === undefined || value === null) return 0
  if (typeof value === "number" && Number.isSafeInteger(value)) return value
  return malformed(`"${key}" is ${JSON.stringify(value)}, not an integer`)
}

/** Whether every own value is a string: then JSON.parse's object is the map itself, no copy. */
const isStringMap = (value: { readonly [key: string]: unknown }): value is Record<string, string> => {
  // for…in without the array Object.values would build; JSON.parse's objects inherit nothing enumerable.
  for (const key in value) if (typeof value[key] !== "string") return false
  return true
}

const readExtFields = (value: unknown): ExtFields | undefined | MalformedHeader => {
  if (value === undefined || value === null) return undefined
  if (!Predicate.isObject(value) || Array.isArray(value)) return malformed(`"extFields" is not an object`)
  // JSON.parse made the object, with plain own properties ("__proto__" included): keep it.
  if (isStringMap(value)) return value
  const fields: Record<string, string> = {}
  for (const [key, field] of Object.entries(value)) {
    // fastjson fills Map<String,String> by coercing scalars; null entries are dropped.
    if (typeof field === "string") setOwn(fields, key, field)
    else if (typeof field === "number" || typeof field === "boolean") setOwn(fields, key, String(field))
    else if (field !== null) return malformed(`extFields["${key}"] is not a string`)
  }
  return fields
}

/**
 * Decodes the JSON header in `bytes[start, end)` into a command carrying `body`. Absent numbers are
 * 0 and an unknown language is `undefined`, as Java's decoder has them; anything that is not a JSON
 * object of the right field types is a `MalformedHeader`.
 *
 * A header without `extFields` is read from its bytes by `readJsonHeader`; the rest (and every
 * error) takes `JSON.parse`, to the same result.
 *
 * @since 0.1.0
 * @category decoding
 */
export const decodeJsonHeader = (
  bytes: Uint8Array,
  start: number,
  end: number,
  body: Uint8Array | undefined
): RemotingCommand | MalformedHeader =>
  (carriesExtFields(bytes, start, end) ? undefined : readJsonHeader(bytes, start, end, body)) ??
    decodeJsonHeaderByParse(bytes, start, end, body)

const asciiBytes = (text: string): Uint8Array => Uint8Array.from(text, (ch) => ch.charCodeAt(0))
const codePrefix = asciiBytes(`{"code":`)
const extFieldsInfix = asciiBytes(`,"extFields":{`)

/**
 * Whether the header starts as the usual header with `extFields` does (`{"code":…,"extFields":{`),
 * which `readJsonHeader` would leave to `JSON.parse` at once.
 */
const carriesExtFields = (bytes: Uint8Array, start: number, end: number): boolean => {
  if (end - start < 32) return false
  for (let i = 0; i < codePrefix.length; i++) if (bytes[start + i] !== codePrefix[i]) return false
  let pos = start + codePrefix.length
  if (bytes[pos] === 0x2d) pos++
  while (pos < end && (bytes[pos] ?? 0) >= 0x30 && (bytes[pos] ?? 0) <= 0x39) pos++
  if (pos + extFieldsInfix.length > end) return false
  for (let i = 0; i < extFieldsInfix.length; i++) if (bytes[pos + i] !== extFieldsInfix[i]) return false
  return true
}

const CODE = 0
const EXT_FIELDS = 1
const FLAG = 2
const LANGUAGE = 3
const OPAQUE = 4
const REMARK = 5
const VERSION = 6
const headerKeys = new KeySet(["code", "extFields", "flag", "language", "opaque", "remark", "version"])
const languageKeys = new KeySet(languageNames)

/** The language of the span's string, as `languageFromJson` reads it. */
const languageOf = (cursor: JsonCursor): LanguageCode | undefined => {
  if (!cursor.plain) return languageFromJson(cursor.text())
  return languageNames[cursor.keyOf(languageKeys)]
}

/** An integer field: a JSON integer or null (0); `undefined` for anything else. */
const readHeaderInt = (cursor: JsonCursor): number | undefined => {
  if (cursor.readInt()) return cursor.int
  return cursor.eatNull() ? 0 : undefined
}

/**
 * Reads the JSON header in `bytes[start, end)` straight from its bytes, as `decodeJsonHeaderByParse`
 * does, or returns `undefined` for a header it leaves to that: one with `extFields` (V8's
 * `JSON.parse` builds string maps faster than this reader, which is faster on the rest), a number
 * that is not a plain integer, a language that is not a string, and every header that is not valid
 * (so that `JSON.parse` words the error).
 *
 * @since 0.1.0
 * @category internals
 */
export const readJsonHeader = (
  bytes: Uint8Array,
  start: number,
  end: number,
  body: Uint8Array | undefined
): RemotingCommand | undefined => {
  const cursor = new JsonCursor(bytes, start, end, false)
  if (!cursor.eat(JsonByte.openBrace)) return undefined
  let code = 0
  let language: LanguageCode | undefined = undefined
  let version = 0
  let opaque = 0
  let flag = 0
  let remark: string | undefined = undefined
  let extFields: ExtFields | undefined = undefined
  for (let key = cursor.member(headerKeys, true); key !== MEMBERS_END; key = cursor.member(headerKeys, false)) {
    switch (key) {
      case MEMBER_FAILED:
        return undefined
      case CODE: {
        const value = readHeaderInt(cursor)
        if (value === undefined) return undefined
        code = value
        break
      }
      case VERSION: {
        const value = readHeaderInt(cursor)
        if (value === undefined) return undefined
        version = value
        break
      }
      case OPAQUE: {
        const value = readHeaderInt(cursor)
        if (value === undefined) return undefined
        opaque = value
        break
      }
      case FLAG: {
        const value = readHeaderInt(cursor)
        if (value === undefined) return undefined
        flag = value
        break
      }
      case LANGUAGE: {
        if (cursor.eatNull()) language = undefined
        else if (cursor.peek() === JsonByte.quote && cursor.scanString()) language = languageOf(cursor)
        else return undefined
        break
      }
      case REMARK: {
        if (cursor.eatNull()) remark = undefined
        else if (cursor.peek() === JsonByte.quote && cursor.scanString()) remark = cursor.text()
        else return undefined
        break
      }
      case EXT_FIELDS:
        // V8's JSON.parse builds a string map faster than this reader can: such headers are its.
        if (!cursor.eatNull()) return undefined
        extFields = undefined
        break
      default:
        if (!cursor.skipValue()) return undefined
    }
  }
  if (!cursor.atEnd()) return undefined
  return { code, language, version, opaque, flag, remark, extFields, body, serializeType: "JSON" }
}

/**
 * `decodeJsonHeader` by `JSON.parse` of the header's text: the path of the headers the byte reader
 * leaves (and of every error), and the reference it is held equal to.
 *
 * @since 0.1.0
 * @category internals
 */
export const decodeJsonHeaderByParse = (
  bytes: Uint8Array,
  start: number,
  end: number,
  body: Uint8Array | undefined
): RemotingCommand | MalformedHeader => {
  let header: unknown
  try {
    header = JSON.parse(decodeUtf8(bytes, start, end))
  } catch (cause) {
    return malformed(cause instanceof Error ? cause.message : "not JSON")
  }
  if (!Predicate.isObject(header) || Array.isArray(header)) return malformed("not a JSON object")
  const fields: Record<string, unknown> = header
  const code = readInt(fields, "code")
  if (typeof code !== "number") return code
  const version = readInt(fields, "version")
  if (typeof version !== "number") return version
  const opaque = readInt(fields, "opaque")
  if (typeof opaque !== "number") return opaque
  const flag = readInt(fields, "flag")
  if (typeof flag !== "number") return flag
  const remark = fields["remark"]
  if (remark !== undefined && remark !== null && typeof remark !== "string") {
    return malformed(`"remark" is not a string`)
  }
  const extFields = readExtFields(fields["extFields"])
  if (extFields instanceof MalformedHeader) return extFields
  return {
    code,
    language: languageFromJson(fields["language"]),
    version,
    opaque,
    flag,
    remark: remark ?? undefined,
    extFields,
    body,
    serializeType: "JSON"
  }
}
