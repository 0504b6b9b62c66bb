/**
 * One client of the producer benchmark, in a process of its own: sends 1 KiB bodies with N in
 * flight against a cluster (a warm-up, then a measured window) and prints one `bench --json`
 * summary line on stdout. With `--expose-gc`, a full collection runs near the end of the warm-up.
 *
 * Usage: `node ProducerCase.ts <effect-rocketmq|effect-rocketmq-spans|ali-ons|raw|raw-effect-net|raw-effect-platform> <namesrv> <topic> <inFlight> <warmupS> <durationS> [count]`
 *
 * @since 0.1.0
 */
import { Buffer } from "node:buffer"
import { Effect } from "effect"
import { runBench } from "../measure/BenchRun.ts"
import type { BenchPlan } from "../measure/BenchRun.ts"
import { summarize } from "../measure/BenchSummary.ts"
import type { BenchWindow } from "../measure/BenchSummary.ts"
import { makeMessage } from "../protocol/message/Message.ts"
import { Producer } from "../producer/Producer.ts"
import { connectAliOnsSender } from "./AliOns.ts"
import { runPromiseBench } from "./PromiseDriver.ts"
import type { PromiseSender } from "./PromiseDriver.ts"
import { connectEffectRawClient, EffectRawClientError } from "./EffectRawClient.ts"
import type { EffectRawSocket } from "./EffectRawClient.ts"
import { connectRawSender, rawTarget } from "./RawTarget.ts"

const [client = "effect-rocketmq", namesrv = "", topic = "BenchTopic", inFlight = "64", warmup = "2", duration = "8", count] =
  process.argv.slice(2)
const size = 1024
const plan: BenchPlan = {
  concurrency: Number(inFlight),
  warmupSeconds: Number(warmup),
  durationSeconds: count === undefined ? Number(duration) : undefined,
  count: count === undefined ? undefined : Number(count),
  size
}
const body = Buffer.alloc(size, 0x78)

// Run with `--expose-gc`: one full collection near the end of the warm-up, as a long-running
// process has them now and then; what a client keeps in a `Map` can be promoted from then on.
const collect: unknown = Reflect.get(globalThis, "gc")
if (typeof collect === "function" && plan.warmupSeconds > 0) {
  setTimeout(() => collect(), Math.max(0, plan.warmupSeconds * 1000 - 300)).unref()
}

const thisClient = (stepSpans: boolean): Promise<BenchWindow> => {
  const message = makeMessage(topic, body)
  return Effect.runPromise(
    Effect.gen(function*() {
      const producer = yield* Producer
      return yield* runBench(producer.send(message), plan)
    }).pipe(Effect.provide(Producer.layer({ nameServers: namesrv, producerGroup: "bench_group", stepSpans })))
  )
}

/** A peer client through the promise loop, closed after the window. */
const peer = async (connect: () => Promise<PromiseSender>): Promise<BenchWindow> => {
  const sender = await connect()
  const window = await runPromiseBench(sender.send, plan)
  await sender.close()
  return window
}

const rawOnEffect = async (socket: EffectRawSocket): Promise<BenchWindow> => {
  const { address, frame } = await rawTarget(namesrv, topic, body)
  return Effect.runPromise(
    Effect.gen(function*() {
      const send = yield* connectEffectRawClient(address, frame, socket)
      return yield* runBench(
        Effect.flatMap(send, (code) => code === 0 ? Effect.void : Effect.fail(new EffectRawClientError({ detail: `response code ${code}` }))),
        plan
      )
    }).pipe(Effect.scoped)
  )
}

const run = client === "ali-ons"
  ? () => peer(() => connectAliOnsSender(namesrv, "bench_group_ali", topic, body))
  : client === "raw"
  ? () => peer(() => connectRawSender(namesrv, topic, body))
  : client === "raw-effect-net"
  ? () => rawOnEffect("node:net")
  : client === "raw-effect-platform"
  ? () => rawOnEffect("platform")
  : () => thisClient(client === "effect-rocketmq-spans")
run().then(
  (window) => {
    process.stdout.write(`${JSON.stringify({ client, inFlight: plan.concurrency, ...summarize(window) })}\n`)
    process.exit(0)
  },
  (error: unknown) => {
    process.stderr.write(`${client}: ${error instanceof Error ? error.stack : String(error)}\n`)
    process.exit(1)
  }
)
