/**
 * Helpers shared by the tests.
 */
import { Buffer } from "node:buffer"
import { existsSync } from "node:fs"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"
import { Tracer } from "effect"
import type { RemotingCommand } from "../src/protocol/RemotingCommand.ts"

/**
 * A command compared by value: its body as hex (whatever buffer type holds it), and its extFields as
 * a plain object of own entries (a decoder may hand back `JSON.parse`'s object, an arbitrary a
 * null-prototype one; the entries are what the codec promises).
 */
export const comparable = (command: RemotingCommand) => ({
  ...command,
  extFields: command.extFields === undefined ? undefined : { ...command.extFields },
  body: command.body === undefined || command.body.length === 0 ? undefined : Buffer.from(command.body).toString("hex")
})

/**
 * A copy of JSON `bytes` with the byte at `where` (modulo the length) replaced by a JSON-ish byte
 * picked by `what`. Never a backslash: it could make an escaped key, which Node 24's JSON.parse
 * misreads now and then (docs/protocol.md).
 */
export const damagedJson = (bytes: Uint8Array, where: number, what: number): Buffer => {
  const alphabet = Buffer.from("{}[]:,\" -0123456789.eEtrufalsn\t\nxé\u0001")
  const damaged = Buffer.from(bytes)
  damaged[where % damaged.length] = alphabet[what % alphabet.length] ?? 0
  return damaged
}

/** What a command becomes after a trip through the binary header: it cannot tell "" from absent. */
export const binaryNormalized = (command: RemotingCommand) => {
  const wellFormed = (text: string) => Buffer.from(text, "utf8").toString("utf8")
  const extFields = command.extFields === undefined || Object.keys(command.extFields).length === 0
    ? undefined
    : Object.fromEntries(Object.entries(command.extFields).map(([k, v]) => [wellFormed(k), wellFormed(v)]))
  return comparable({
    ...command,
    remark: command.remark === undefined || command.remark.length === 0 ? undefined : wellFormed(command.remark),
    extFields
  })
}

/** What a command becomes after a trip through its own serialization. */
export const roundTripped = (command: RemotingCommand) =>
  command.serializeType === "ROCKETMQ" ? binaryNormalized(command) : comparable(command)

const repoRoot = Path.resolve(Path.dirname(fileURLToPath(import.meta.url)), "..")

/** The captures folder: `ROCKETMQ_CAPTURES` if set, else the recorded frames in `test/fixtures/captures`. */
export const capturesDir = process.env["ROCKETMQ_CAPTURES"] ?? Path.resolve(repoRoot, "test/fixtures/captures")

/** The captures folder, failing with a clear message when it is missing. */
export const requireCaptures = (): string => {
  if (!existsSync(capturesDir)) {
    throw new Error(
      `The captures folder ${capturesDir} does not exist. It ships with the repository under ` +
        `test/fixtures/captures; ROCKETMQ_CAPTURES, when set, must name a folder with the same layout.`
    )
  }
  return capturesDir
}

/**
 * The tag of a failed exit's error reason (`error.reason._tag` for errors with a reason, else
 * `error._tag`); "success", "defect" or "interrupt" otherwise.
 */
export const failureTag = (exit: { readonly _tag: "Success" | "Failure" } & object): string => {
  if (exit._tag === "Success") return "success"
  const cause: unknown = Reflect.get(exit, "cause")
  const reasons: unknown = typeof cause === "object" && cause !== null ? Reflect.get(cause, "reasons") : undefined
  const first: unknown = Array.isArray(reasons) ? reasons[0] : undefined
  if (typeof first !== "object" || first === null) return "unknown"
  const tag: unknown = Reflect.get(first, "_tag")
  if (tag !== "Fail") return tag === "Die" ? "defect" : "interrupt"
  const error: unknown = Reflect.get(first, "error")
  if (typeof error !== "object" || error === null) return "unknown"
  const reason: unknown = Reflect.get(error, "reason")
  const reasonTag: unknown = typeof reason === "object" && reason !== null ? Reflect.get(reason, "_tag") : undefined
  return String(reasonTag ?? Reflect.get(error, "_tag"))
}

/** A tracer that keeps every span it starts, in order, in `spans`. */
export const recordingTracer = () => {
  const spans: Array<Tracer.NativeSpan> = []
  const tracer = Tracer.make({
    span: (options) => {
      const span = new Tracer.NativeSpan(options)
      spans.push(span)
      return span
    }
  })
  return { spans, tracer }
}
