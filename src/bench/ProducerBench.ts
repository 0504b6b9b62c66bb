/**
 * Producer throughput: sync sends of 1 KiB bodies with 1, 16 and 64 sends in flight, against a
 * testkit cluster running in another process (so the broker's work does not share this process's
 * event loop). Reports messages per second and the ratio to one in flight.
 *
 * @since 0.1.0
 */
import { spawn } from "node:child_process"
import { fileURLToPath } from "node:url"
import { Effect } from "effect"
import { makeMessage } from "../protocol/message/Message.ts"
import { Producer } from "../producer/Producer.ts"

/**
 * One measured concurrency.
 *
 * @since 0.1.0
 * @category benchmarks
 */
export interface ProducerSample {
  readonly inFlight: number
  readonly messages: number
  readonly millis: number
  readonly perSecond: number
}

/**
 * Starts the cluster process and resolves with its NameServer address and a stop function.
 *
 * @since 0.1.0
 * @category benchmarks
 */
export const startClusterProcess = (brokers: number, topic: string) =>
  Effect.acquireRelease(
    Effect.callback<{ readonly address: string; readonly stop: () => void }, Error>((resume) => {
      // Run from source (Node's type stripping) or from a build: the sibling has this module's extension.
      const extension = import.meta.url.endsWith(".ts") ? ".ts" : ".js"
      const script = fileURLToPath(new URL(`./ClusterProcess${extension}`, import.meta.url))
      const child = spawn(process.execPath, [script, String(brokers), topic], { stdio: ["pipe", "pipe", "inherit"] })
      let output = ""
      child.stdout.on("data", (chunk: Buffer) => {
        output += chunk.toString()
        const match = /READY (\S+)/.exec(output)
        if (match?.[1] !== undefined) resume(Effect.succeed({ address: match[1], stop: () => child.stdin.end() }))
      })
      child.on("exit", (code) => resume(Effect.fail(new Error(`cluster process exited with code ${code}`))))
    }),
    ({ stop }) => Effect.sync(stop)
  )

/**
 * Sends `messages` messages with `inFlight` concurrent sends after a warm-up, and times it.
 *
 * @since 0.1.0
 * @category benchmarks
 */
export const measureProducer = (topic: string, inFlight: number, messages: number) =>
  Effect.gen(function*() {
    const producer = yield* Producer
    const body = new Uint8Array(1024).fill(120)
    const sendAll = (count: number) =>
      Effect.forEach(Array.from({ length: count }), () => producer.send(makeMessage(topic, body)), {
        concurrency: inFlight,
        discard: true
      })
    yield* sendAll(Math.min(2000, messages))
    const started = performance.now()
    yield* sendAll(messages)
    const millis = performance.now() - started
    const sample: ProducerSample = { inFlight, messages, millis, perSecond: (messages / millis) * 1000 }
    return sample
  })
