/**
 * `effect-rocketmq inspect <file>`: decodes one captured frame and shows what it holds.
 *
 * @since 0.1.0
 */
import { Buffer } from "node:buffer"
import { Console, Effect, FileSystem, Result, Schema } from "effect"
import { Argument, Command, Flag } from "effect/cli"
import { decodeFrame } from "../protocol/FrameDecoder.ts"
import { parseLenientJson } from "../protocol/LenientJson.ts"
import type { RemotingCommand } from "../protocol/RemotingCommand.ts"
import { isOneway, isResponse } from "../protocol/RemotingCommand.ts"
import { RequestCode, requestCodeName } from "../protocol/RequestCode.ts"
import { responseCodeName } from "../protocol/ResponseCode.ts"
import { sendMessageV2Keys } from "../protocol/SendHeaders.ts"
import { decodeUtf8, isUtf8 } from "../protocol/Utf8.ts"
import { decodeProperties } from "../protocol/message/MessageProperties.ts"
import { reportFailures } from "./CliFailure.ts"
import { plural } from "./Plural.ts"
import { formatTable, printable } from "./TextTable.ts"

/**
 * A file that does not hold one valid frame.
 *
 * @since 0.1.0
 * @category cli
 */
export class InvalidFrameFile extends Schema.TaggedError<InvalidFrameFile>()("InvalidFrameFile", {
  file: Schema.String,
  problem: Schema.String
}) {
  override get message(): string {
    return `${this.file}: not a valid frame: ${this.problem}`
  }
}

/**
 * A file that could not be read.
 *
 * @since 0.1.0
 * @category cli
 */
export class UnreadableFile extends Schema.TaggedError<UnreadableFile>()("UnreadableFile", {
  file: Schema.String,
  problem: Schema.String
}) {
  override get message(): string {
    return `cannot read ${this.file}: ${this.problem}`
  }
}

/**
 * The `--json` form of a decoded frame. Absent values are `null`.
 *
 * @since 0.1.0
 * @category cli
 */
export interface InspectJson {
  readonly serializeType: "JSON" | "ROCKETMQ"
  readonly code: number
  readonly flag: number
  readonly opaque: number
  readonly version: number
  readonly language: string | null
  readonly remark: string | null
  readonly extFields: Readonly<Record<string, string>> | null
  readonly body: { readonly bytes: number; readonly text: string | null; readonly json: unknown }
  /** A send request's header under the Java field names (SEND_MESSAGE_V2's `a`…`n` expanded). */
  readonly sendHeader: Readonly<Record<string, string>> | null
  /** A send request's message properties, decoded from the `properties` header field. */
  readonly properties: Readonly<Record<string, string>> | null
}

const fieldOfShortKey: ReadonlyMap<string, string> = new Map(
  Object.entries(sendMessageV2Keys).map(([field, key]) => [key, field])
)

/**
 * A send request's header fields under their Java names, each with the key it travelled under,
 * and its message properties decoded; `undefined` for any other frame. SEND_MESSAGE_V2 and
 * SEND_BATCH_MESSAGE carry the one-letter keys `a`…`n`; SEND_MESSAGE carries the names themselves.
 *
 * @since 0.1.0
 */
export const expandSendHeader = (command: RemotingCommand): {
  readonly fields: ReadonlyArray<{ readonly key: string; readonly field: string; readonly value: string }>
  readonly properties: Readonly<Record<string, string>>
} | undefined => {
  if (isResponse(command) || command.extFields === undefined) return undefined
  const short = command.code === RequestCode.SEND_MESSAGE_V2 || command.code === RequestCode.SEND_BATCH_MESSAGE
  if (!short && command.code !== RequestCode.SEND_MESSAGE) return undefined
  const fields = Object.entries(command.extFields).map(([key, value]) => ({
    key,
    field: short ? fieldOfShortKey.get(key) ?? key : key === "bname" ? "brokerName" : key,
    value
  }))
  const propertiesText = fields.find((entry) => entry.field === "properties")?.value
  return { fields, properties: propertiesText === undefined ? {} : decodeProperties(propertiesText) }
}

/**
 * A decoded frame as `inspect --json` prints it: `body.text` when the body is UTF-8, `body.json` when
 * that text parses as JSON (fastjson's bare integer keys come out as strings).
 *
 * @since 0.1.0
 * @category cli
 */
export const inspectJson = (command: RemotingCommand): InspectJson => {
  const body = command.body
  const text = body !== undefined && body.length > 0 && isUtf8(body) ? decodeUtf8(body) : null
  const json = text === null ? null : Result.getOrElse(parseLenientJson(text), () => null)
  const send = expandSendHeader(command)
  return {
    serializeType: command.serializeType,
    code: command.code,
    flag: command.flag,
    opaque: command.opaque,
    version: command.version,
    language: command.language ?? null,
    remark: command.remark ?? null,
    extFields: command.extFields ?? null,
    body: { bytes: body?.length ?? 0, text, json },
    sendHeader: send === undefined ? null : Object.fromEntries(send.fields.map((entry) => [entry.field, entry.value])),
    properties: send?.properties ?? null
  }
}

/**
 * Reads a hex dump: plain hex digits (whitespace and `0x` prefixes ignored), or `xxd` output
 * (offsets and the ASCII column dropped).
 *
 * @since 0.1.0
 * @category cli
 */
export const parseHexDump = (text: string): Result.Result<Uint8Array, string> => {
  const lines = text.split(/\r?\n/)
  const xxd = lines.every((line) => line.trim() === "" || /^[0-9a-fA-F]+:\s/.test(line))
  const digits = (xxd
    ? lines.map((line) => line.replace(/^[0-9a-fA-F]+:\s/, "").slice(0, 40)).join("")
    : text.replace(/0x/gi, "")).replace(/\s+/g, "")
  if (!/^(?:[0-9a-fA-F]{2})*$/.test(digits)) return Result.fail("the hex dump holds characters that are not hex digit pairs")
  return Result.succeed(Buffer.from(digits, "hex"))
}

const kindOf = (command: RemotingCommand): string =>
  isResponse(command) ? "response" : isOneway(command) ? "oneway request" : "request"

const codeName = (command: RemotingCommand): string =>
  (isResponse(command) ? responseCodeName(command.code) : requestCodeName(command.code)) ?? "unknown code"

/**
 * A decoded frame in readable form.
 *
 * @since 0.1.0
 * @category cli
 */
export const formatInspect = (command: RemotingCommand, frameSize: number): string => {
  const view = inspectJson(command)
  const send = expandSendHeader(command)
  const lines = [
    `frame       ${frameSize} bytes, ${command.serializeType} header, body ${view.body.bytes} bytes`,
    `kind        ${kindOf(command)} (flag ${command.flag})`,
    `code        ${command.code} ${codeName(command)}`,
    `opaque      ${command.opaque}`,
    `version     ${command.version}`,
    `language    ${command.language ?? "(unknown)"}`,
    `remark      ${command.remark === undefined ? "-" : printable(command.remark)}`
  ]
  const fields = Object.entries(command.extFields ?? {})
  if (command.extFields === undefined) lines.push("extFields   -")
  else if (fields.length === 0) lines.push("extFields   (empty)")
  else if (send !== undefined) {
    lines.push(`extFields   the send header${command.code === RequestCode.SEND_MESSAGE ? "" : " (one-letter keys of SEND_MESSAGE_V2)"}`)
    lines.push(...indent(formatTable(
      ["key", "field", "value"],
      send.fields.map((entry) => [printable(entry.key), entry.field, entry.field === "properties" ? "(below)" : printable(entry.value)])
    )))
    const properties = Object.entries(send.properties)
    lines.push(`properties  ${properties.length === 0 ? "-" : plural(properties.length, "property", "properties")}`)
    if (properties.length > 0) {
      lines.push(...indent(formatTable(["name", "value"], properties.map(([name, value]) => [printable(name), printable(value)]))))
    }
  } else {
    lines.push("extFields")
    lines.push(...indent(formatTable(["key", "value"], fields.map(([k, v]) => [printable(k), printable(v)]))))
  }
  if (view.body.bytes > 0) {
    const shown = view.body.json !== null
      ? JSON.stringify(view.body.json, null, 2)
      : view.body.text !== null
      ? printable(view.body.text)
      : hexPreview(command.body ?? new Uint8Array(0))
    const form = view.body.json !== null ? "JSON" : view.body.text !== null ? "text" : "binary"
    lines.push(`body        ${view.body.bytes} bytes, ${form}`)
    lines.push(...shown.split("\n").map((line) => `  ${line}`))
  } else {
    lines.push("body        -")
  }
  return lines.join("\n")
}

const indent = (table: string): ReadonlyArray<string> => table.split("\n").map((line) => `  ${line}`)

const hexPreview = (bytes: Uint8Array): string => {
  const shown = Buffer.from(bytes.subarray(0, 256)).toString("hex").replace(/(.{32})/g, "$1\n").trim()
  return bytes.length > 256 ? `${shown}\n… ${bytes.length - 256} more bytes` : shown
}

/**
 * Decodes the bytes of a frame file (raw, or a hex dump with `hex`).
 *
 * @since 0.1.0
 * @category cli
 */
export const decodeFrameFile = (file: string, content: Uint8Array, hex: boolean) => {
  const bytes = hex ? parseHexDump(decodeUtf8(content)) : Result.succeed(content)
  if (Result.isFailure(bytes)) return Result.fail(new InvalidFrameFile({ file, problem: bytes.failure }))
  return Result.mapError(
    Result.map(decodeFrame(bytes.success), (command) => ({ command, size: bytes.success.length })),
    (error) => new InvalidFrameFile({ file, problem: error.message })
  )
}

/**
 * The `inspect` command.
 *
 * @since 0.1.0
 * @category cli
 */
export const inspectCommand = Command.make(
  "inspect",
  {
    file: Argument.String("file").pipe(Argument.withDescription("A file holding one remoting frame")),
    hex: Flag.Boolean("hex").pipe(Flag.withDescription("The file is a hex dump (plain hex or xxd output)"), Flag.withDefault(false)),
    json: Flag.Boolean("json").pipe(Flag.withDescription("Print one JSON object"), Flag.withDefault(false))
  },
  Effect.fnUntraced(function*({ file, hex, json }) {
    const fs = yield* FileSystem.FileSystem
    const content = yield* fs.readFile(file).pipe(
      Effect.mapError((error) => new UnreadableFile({ file, problem: error.message }))
    )
    const { command, size } = yield* Effect.fromResult(decodeFrameFile(file, content, hex))
    yield* Console.log(json ? JSON.stringify(inspectJson(command)) : formatInspect(command, size))
  }, reportFailures)
).pipe(Command.withDescription("Decode one captured remoting frame and show its fields"))
