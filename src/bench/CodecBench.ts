/**
 * Codec benchmark against ali-ons 3.12's codec, side by side in one process, rounds alternating:
 * - encode+decode of a SEND_MESSAGE_V2 request with a 1 KiB body and the header a producer sends
 *   (this client: the header fields, the frame head and the body kept apart; ali-ons: its
 *   `RemotingCommand.encode()` and `RemotingCommand.decode()`);
 * - decode of a route response recorded from a real 4.9.8 NameServer (fastjson style): frame and
 *   `TopicRouteData` (ali-ons: `RemotingCommand.decode()` and `JSON2.parse` of the body, as it does).
 *
 * @since 0.1.0
 */
import { Buffer } from "node:buffer"
import { readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { Result } from "effect"
import { encodeFrameParts } from "../protocol/Frame.ts"
import { decodeFrame } from "../protocol/FrameDecoder.ts"
import type { SerializeType } from "../protocol/RemotingCommand.ts"
import { parseTopicRouteData } from "../protocol/TopicRouteData.ts"
import { makeMessage } from "../protocol/message/Message.ts"
import { prepareMessage, sendRequest } from "../producer/SendRequest.ts"
import { loadAliOnsCommand, loadJson2 } from "./AliOns.ts"

/**
 * One codec case: this client's and ali-ons's operations per second (medians of the rounds).
 *
 * @since 0.1.0
 * @category benchmarks
 */
export interface CodecSample {
  readonly bench: string
  readonly description: string
  readonly opsPerSec: number
  readonly peerOpsPerSec: number
  /** The median of the rounds' ratios (each round measures both sides back to back). */
  readonly ratio: number
}

const opsPerSecond = (run: () => void, millis: number): number => {
  let ops = 0
  const start = performance.now()
  let elapsed = 0
  while (elapsed < millis) {
    for (let i = 0; i < 200; i++) run()
    ops += 200
    elapsed = performance.now() - start
  }
  return (ops / elapsed) * 1000
}

const median = (values: ReadonlyArray<number>): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0

let sink = 0

const sendCase = (serializeType: SerializeType): () => void => {
  const body = Buffer.alloc(1024, 0x78)
  const message = makeMessage("BenchTopic", body)
  let n = 0
  const queue = { topic: "BenchTopic", brokerName: "broker-a", queueId: 1 }
  const context = { producerGroup: "bench_group", defaultTopic: "TBW102", defaultTopicQueueNums: 4, serializeType }
  // The producer's preparing settings are made once, as the producer makes them.
  const options = {
    nextUniqueId: () => `7F00000144E4AAAA0CB9DE4B${(n++ & 0xffff).toString(16).padStart(8, "0")}`,
    compressThreshold: 4096,
    compressLevel: 5
  }
  return () => {
    const prepared = prepareMessage(message, options, 1795509837387)
    const frame = Result.getOrThrow(encodeFrameParts(sendRequest(prepared, queue, context)))
    const bytes = frame.body === undefined ? frame.head : Buffer.concat([frame.head, frame.body], frame.size)
    const decoded = Result.getOrThrow(decodeFrame(bytes))
    sink += decoded.opaque
  }
}

const aliOnsSendCase = (): () => void => {
  const RemotingCommand = loadAliOnsCommand()
  const body = Buffer.alloc(1024, 0x78)
  let n = 0
  return () => {
    const request = new RemotingCommand({
      code: 310,
      customHeader: {
        a: "bench_group", b: "BenchTopic", c: "TBW102", d: 4, e: 1, f: 0, g: 1795509837387, h: 0,
        i: `UNIQ_KEY\u00017F00000144E4AAAA0CB9DE4B${(n++ & 0xffff).toString(16).padStart(8, "0")}\u0002WAIT\u0001true\u0002`,
        j: 0, k: false
      }
    })
    request.body = body
    const decoded = RemotingCommand.decode(request.encode())
    sink += decoded.opaque
  }
}

const routeFrame = (): Buffer =>
  readFileSync(fileURLToPath(new URL("../../test/fixtures/captures/route-fastjson.bin", import.meta.url)))

const routeCase = (): () => void => {
  const bytes = routeFrame()
  return () => {
    const command = Result.getOrThrow(decodeFrame(bytes))
    const route = Result.getOrThrow(parseTopicRouteData(command.body ?? new Uint8Array(0)))
    sink += route.queueDatas.length
  }
}

const aliOnsRouteCase = (): () => void => {
  const RemotingCommand = loadAliOnsCommand()
  const JSON2 = loadJson2()
  const bytes = routeFrame()
  return () => {
    const command = RemotingCommand.decode(bytes)
    const route = JSON2.parse(String(command.body))
    if (typeof route === "object" && route !== null) sink += 1
  }
}

/**
 * Runs the codec cases: `rounds` rounds of `millisPerRound` per side, alternating, after a warm-up.
 *
 * @since 0.1.0
 * @category benchmarks
 */
export const runCodecBench = (millisPerRound = 300, rounds = 9): ReadonlyArray<CodecSample> => {
  const cases = [
    { bench: "codec.send-v2", description: "SEND_MESSAGE_V2 request, 1 KiB body: encode+decode, JSON header (Java's default, and all ali-ons has)", ours: sendCase("JSON"), peer: aliOnsSendCase() },
    { bench: "codec.send-v2-binary", description: "the same with the binary ROCKETMQ header, this client's default (ali-ons: JSON)", ours: sendCase("ROCKETMQ"), peer: aliOnsSendCase() },
    { bench: "codec.route", description: "route response from a 4.9.8 NameServer (fastjson): decode frame + route", ours: routeCase(), peer: aliOnsRouteCase() }
  ]
  const samples = cases.map((c) => {
    opsPerSecond(c.ours, 200) // warm-up
    opsPerSecond(c.peer, 200)
    const ours: Array<number> = []
    const peer: Array<number> = []
    const ratios: Array<number> = []
    for (let round = 0; round < rounds; round++) {
      // Alternate which side goes first, so a change of load between the two halves evens out.
      const first = round % 2 === 0 ? c.ours : c.peer
      const a = opsPerSecond(first, millisPerRound)
      const b = opsPerSecond(first === c.ours ? c.peer : c.ours, millisPerRound)
      const [o, p] = first === c.ours ? [a, b] : [b, a]
      ours.push(o)
      peer.push(p)
      ratios.push(o / p)
    }
    return { bench: c.bench, description: c.description, opsPerSec: median(ours), peerOpsPerSec: median(peer), ratio: median(ratios) }
  })
  if (sink === -1) process.stdout.write("")
  return samples
}
