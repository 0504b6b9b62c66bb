/**
 * `effect-rocketmq demo`: the guided run that `npm start` performs on the embedded default.
 *
 * @since 0.1.0
 */
import { Buffer } from "node:buffer"
import { Console, Effect, Result } from "effect"
import { Command } from "effect/cli"
import { encodeFrame } from "../protocol/Frame.ts"
import { decodeFrame } from "../protocol/FrameDecoder.ts"
import { makeRequest } from "../protocol/RemotingCommand.ts"
import { RequestCode } from "../protocol/RequestCode.ts"
import { encodeGetRouteInfoRequestHeader } from "../protocol/RouteHeaders.ts"
import { inspectJson } from "./InspectCommand.ts"

/**
 * The `demo` command.
 *
 * @since 0.1.0
 */
export const demoCommand = Command.make(
  "demo",
  {},
  Effect.fnUntraced(function*() {
    const request = makeRequest({
      code: RequestCode.GET_ROUTEINFO_BY_TOPIC,
      extFields: encodeGetRouteInfoRequestHeader({ topic: "DemoTopic", acceptStandardJsonOnly: true }),
      opaque: 1
    })
    const frame = yield* Effect.fromResult(encodeFrame(request))
    yield* Console.log(`GET_ROUTEINFO_BY_TOPIC for DemoTopic encodes to ${frame.length} bytes:`)
    yield* Console.log(Buffer.from(frame).toString("hex"))
    const decoded = yield* Effect.fromResult(decodeFrame(frame))
    yield* Console.log("and decodes back to:")
    yield* Console.log(JSON.stringify(inspectJson(decoded), null, 2))
    yield* Console.log(Result.isSuccess(decodeFrame(frame)) ? "codec round trip ok" : "codec round trip failed")
  })
).pipe(Command.withDescription("Run the guided demo on the embedded NameServer and broker"))
