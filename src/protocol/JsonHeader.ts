/**
 * The JSON header (serialize type 0): a UTF-8 JSON object with the command's fields, written with
 * the keys in the order Java writes them (REMOTING.md §4).
 *
 * @since 0.1.0
 */
import { Predicate } from "effect"
import { languageFromJson } from "./LanguageCode.ts"
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
 * @since 0.1.0
 * @category decoding
 */
export const decodeJsonHeader = (
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
