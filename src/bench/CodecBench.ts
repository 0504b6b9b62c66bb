/**
 * Codec benchmark: encode and decode a 1 KiB SEND_MESSAGE_V2 frame with each header serialization,
 * side by side in one process, and report the ratio.
 *
 * @since 0.1.0
 */
import { Buffer } from "node:buffer"
import { Result } from "effect"
import { encodeFrameParts } from "../protocol/Frame.ts"
import { FrameDecoder } from "../protocol/FrameDecoder.ts"
import { makeRequest } from "../protocol/RemotingCommand.ts"
import type { SerializeType } from "../protocol/RemotingCommand.ts"
import { RequestCode } from "../protocol/RequestCode.ts"

/**
 * One measured case.
 *
 * @since 0.1.0
 * @category benchmarks
 */
export interface CodecSample {
  readonly serializeType: SerializeType
  readonly encodesPerSecond: number
  readonly decodesPerSecond: number
}

const sendRequest = (serializeType: SerializeType) =>
  makeRequest({
    code: RequestCode.SEND_MESSAGE_V2,
    serializeType,
    extFields: {
      a: "bench_group",
      b: "BenchTopic",
      c: "TBW102",
      d: "4",
      e: "1",
      f: "0",
      g: "1795509837387",
      h: "0",
      i: "UNIQ_KEY\u00017F00000144E4AAAA0CB9DE4B0001\u0002WAIT\u0001true",
      j: "0",
      k: "false",
      m: "false",
      n: "broker-a"
    },
    body: new Uint8Array(1024).fill(120)
  })

const opsPerSecond = (run: () => void, millis: number): number => {
  for (let i = 0; i < 2000; i++) run() // warm up
  let ops = 0
  const start = performance.now()
  let elapsed = 0
  while (elapsed < millis) {
    for (let i = 0; i < 500; i++) run()
    ops += 500
    elapsed = performance.now() - start
  }
  return (ops / elapsed) * 1000
}

/**
 * Measures encode and decode rates of both serializations, alternating rounds so that both see
 * the same machine conditions.
 *
 * @since 0.1.0
 * @category benchmarks
 */
export const runCodecBench = (millisPerRound = 300, rounds = 3): ReadonlyArray<CodecSample> => {
  const cases = (["JSON", "ROCKETMQ"] as const).map((serializeType) => {
    const command = sendRequest(serializeType)
    const frame = Result.getOrThrow(encodeFrameParts(command))
    const bytes = Buffer.concat(frame.body === undefined ? [frame.head] : [frame.head, frame.body])
    const encodes: Array<number> = []
    const decodes: Array<number> = []
    return { serializeType, command, bytes, decoder: new FrameDecoder(), encodes, decodes }
  })
  let sink = 0
  for (let round = 0; round < rounds; round++) {
    for (const c of cases) {
      c.encodes.push(opsPerSecond(() => {
        sink += Result.getOrThrow(encodeFrameParts(c.command)).size
      }, millisPerRound))
      c.decodes.push(opsPerSecond(() => {
        c.decoder.push(c.bytes, (decoded) => {
          sink += decoded.opaque
        })
      }, millisPerRound))
    }
  }
  if (sink === -1) console.log(sink)
  return cases.map((c) => ({ serializeType: c.serializeType, encodesPerSecond: median(c.encodes), decodesPerSecond: median(c.decodes) }))
}

const median = (values: ReadonlyArray<number>): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0
