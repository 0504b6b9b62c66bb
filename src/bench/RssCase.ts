/**
 * RSS before and after a million sends (64 in flight, 1 KiB bodies) through one client (this
 * producer, or a peer: ali-ons's producer or the raw reference client, measured the same way), in
 * a process of its own run with `--expose-gc`; each measured after a full collection, with the JS
 * heap in use, external memory and the young generation's committed size. V8 grows the young
 * generation in steps, up to its maximum (`--max-semi-space-size`), each time as many bytes as it
 * holds have survived young collections since the last step, and keeps it while the allocation
 * rate stays high: RSS is taken after 20 000 sends ("early"), again once the young generation
 * stayed the same for three batches ("before"), after each quarter of the million, and at the end
 * ("after").
 *
 * Usage: `node --expose-gc RssCase.ts <effect-rocketmq|ali-ons|raw> <namesrv> <topic> <sends>`;
 * prints one JSON line.
 *
 * @since 0.1.0
 */
import { Buffer } from "node:buffer"
import { getHeapSpaceStatistics } from "node:v8"
import { Effect, ManagedRuntime } from "effect"
import type { BenchPlan } from "../measure/BenchRun.ts"
import { runBench } from "../measure/BenchRun.ts"
import type { BenchWindow } from "../measure/BenchSummary.ts"
import { makeMessage } from "../protocol/message/Message.ts"
import { Producer } from "../producer/Producer.ts"
import { connectAliOnsSender } from "./AliOns.ts"
import { runPromiseBench } from "./PromiseDriver.ts"
import type { PromiseSender } from "./PromiseDriver.ts"
import { connectRawSender } from "./RawTarget.ts"

const [client = "effect-rocketmq", namesrv = "", topic = "BenchTopic", sends = "1000000"] = process.argv.slice(2)
const body = Buffer.alloc(1024, 0x78)
const plan = (count: number): BenchPlan => ({ concurrency: 64, warmupSeconds: 0, durationSeconds: undefined, count, size: 1024 })

/** A connected client: `run` sends `count` messages with 64 in flight. */
interface Driver {
  readonly run: (count: number) => Promise<BenchWindow>
  readonly close: () => Promise<void>
}

const thisClient = async (): Promise<Driver> => {
  const runtime = ManagedRuntime.make(Producer.layer({ nameServers: namesrv, producerGroup: "bench_group_rss" }))
  const message = makeMessage(topic, body)
  const producer = await runtime.runPromise(Effect.gen(function*() {
    return yield* Producer
  }))
  const send = producer.send(message)
  return { run: (count) => runtime.runPromise(runBench(send, plan(count))), close: () => runtime.dispose() }
}

/** A peer client through the promise loop. */
const peer = async (connect: () => Promise<PromiseSender>): Promise<Driver> => {
  const sender = await connect()
  return { run: (count) => runPromiseBench(sender.send, plan(count)), close: sender.close }
}

/** The young generation's committed size. */
const newSpaceSize = () => getHeapSpaceStatistics().find((space) => space.space_name === "new_space")?.space_size ?? 0

const settledMemory = () => {
  const collect: unknown = Reflect.get(globalThis, "gc")
  if (typeof collect === "function") {
    collect()
    collect()
  }
  const usage = process.memoryUsage()
  return { rss: usage.rss, heap: usage.heapUsed, external: usage.external, newSpace: newSpaceSize() }
}

const measure = async (driver: Driver) => {
  await driver.run(20_000) // connections, routes, JIT
  const early = settledMemory()
  // V8 grows the young generation in steps, by the bytes that survive young collections, and keeps
  // it: go on until its committed size stayed the same for three batches in a row.
  let warmupSends = 20_000
  let steady = 0
  let newSpace = early.newSpace
  while (steady < 3 && warmupSends < 500_000) {
    await driver.run(20_000)
    warmupSends += 20_000
    const now = newSpaceSize()
    steady = now === newSpace ? steady + 1 : 0
    newSpace = now
  }
  const before = settledMemory()
  // The window in four quarters, RSS after a full collection at the end of each: a leak grows
  // quarter after quarter, V8's own sizing does not.
  const total = Number(sends)
  const quarters: Array<number> = []
  const windows: Array<BenchWindow> = []
  for (let quarter = 0; quarter < 4; quarter++) {
    windows.push(await driver.run(Math.round(total / 4)))
    quarters.push(settledMemory().rss)
  }
  const after = settledMemory()
  const sent = windows.reduce((sum, window) => sum + window.sent, 0)
  const millis = windows.reduce((sum, window) => sum + window.millis, 0)
  const errors: Record<string, number> = {}
  for (const window of windows) for (const [tag, count] of Object.entries(window.errors)) errors[tag] = (errors[tag] ?? 0) + count
  return {
    early: early.rss,
    earlyNewSpace: early.newSpace,
    warmupSends,
    before: before.rss,
    after: after.rss,
    growth: after.rss - before.rss,
    growthSinceEarly: after.rss - early.rss,
    quarters,
    heapBefore: before.heap,
    heapAfter: after.heap,
    externalBefore: before.external,
    externalAfter: after.external,
    newSpaceBefore: before.newSpace,
    newSpaceAfter: after.newSpace,
    msgsPerSec: millis > 0 ? (sent / millis) * 1000 : 0,
    sent,
    errors
  }
}

const connect = client === "ali-ons"
  ? () => peer(() => connectAliOnsSender(namesrv, "bench_group_rss_ali", topic, body))
  : client === "raw"
  ? () => peer(() => connectRawSender(namesrv, topic, body))
  : thisClient
connect().then(async (driver) => {
  const result = await measure(driver)
  await driver.close()
  return { client, ...result }
}).then(
  (result) => {
    process.stdout.write(`${JSON.stringify(result)}\n`)
    process.exit(0)
  },
  (error: unknown) => {
    process.stderr.write(`rss case: ${String(error)}\n`)
    process.exit(1)
  }
)
