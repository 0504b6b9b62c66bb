import { Arbitrary, Effect, Result } from "effect"
import { isDeepStrictEqual } from "node:util"
import { encodeFrame } from "./src/protocol/Frame.ts"
import { decodeFrame } from "./src/protocol/FrameDecoder.ts"
import { remotingCommand } from "./src/testkit/Arbitraries.ts"
import { comparable } from "./test/helpers.ts"
const r = Effect.runSync(Arbitrary.checkEffect(remotingCommand, (command) => Effect.sync(() => {
  const json = { ...command, serializeType: "JSON" as const }
  const decoded = Result.getOrThrow(decodeFrame(Result.getOrThrow(encodeFrame(json))))
  const ok = isDeepStrictEqual(comparable(decoded), comparable(json))
  if (!ok) console.log("MISMATCH", comparable(decoded).extFields, comparable(json).extFields)
  return ok
}), { runs: 60000 }))
console.log(r._tag)
