/**
 * Helpers shared by the tests.
 */
import { Buffer } from "node:buffer"
import { existsSync } from "node:fs"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"
import type { RemotingCommand } from "../src/protocol/RemotingCommand.ts"

/** A command with its body as hex, so commands compare by value whatever buffer type holds the body. */
export const comparable = (command: RemotingCommand) => ({
  ...command,
  body: command.body === undefined || command.body.length === 0 ? undefined : Buffer.from(command.body).toString("hex")
})

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

/** The captures folder: `ROCKETMQ_CAPTURES`, else `../shared/protocol/captures` beside the repository. */
export const capturesDir = process.env["ROCKETMQ_CAPTURES"] ?? Path.resolve(repoRoot, "../shared/protocol/captures")

/** Fails with a clear message when the captures folder is missing. */
export const requireCaptures = (): string => {
  if (!existsSync(capturesDir)) {
    throw new Error(
      `The captures folder ${capturesDir} does not exist. Put the shared folder beside the repository ` +
        `or set ROCKETMQ_CAPTURES to the folder holding the recorded frames.`
    )
  }
  return capturesDir
}
