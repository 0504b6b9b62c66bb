/**
 * RSS before and after a million sends (64 in flight, 1 KiB bodies) through one producer, in a
 * process of its own run with `--expose-gc`; both measured after a full collection, with the JS
 * heap in use, external memory and the young generation's committed size (V8 grows it with the
 * allocation rate up to its maximum, `--max-semi-space-size`, and keeps it).
 *
 * Usage: `node --expose-gc RssCase.ts <namesrv> <topic> <sends>`; prints one JSON line.
 *
 * @since 0.1.0
 */
import { Buffer } from "node:buffer"
import { getHeapSpaceStatistics } from "node:v8"
import { Effect } from "effect"
import { runBench } from "../measure/BenchRun.ts"
import { summarize } from "../measure/BenchSummary.ts"
import { makeMessage } from "../protocol/message/Message.ts"
import { Producer } from "../producer/Producer.ts"

const [namesrv = "", topic = "BenchTopic", sends = "1000000"] = process.argv.slice(2)

const settledMemory = () => {
  const collect: unknown = Reflect.get(globalThis, "gc")
  if (typeof collect === "function") {
    collect()
    collect()
  }
  const usage = process.memoryUsage()
  const newSpace = getHeapSpaceStatistics().find((space) => space.space_name === "new_space")?.space_size ?? 0
  return { rss: usage.rss, heap: usage.heapUsed, external: usage.external, newSpace }
}

const program = Effect.gen(function*() {
  const producer = yield* Producer
  const message = makeMessage(topic, Buffer.alloc(1024, 0x78))
  const plan = (count: number) => ({ concurrency: 64, warmupSeconds: 0, durationSeconds: undefined, count, size: 1024 })
  yield* runBench(producer.send(message), plan(20_000)) // connections, routes, JIT
  const before = settledMemory()
  const window = yield* runBench(producer.send(message), plan(Number(sends)))
  const after = settledMemory()
  return {
    before: before.rss,
    after: after.rss,
    growth: after.rss - before.rss,
    heapBefore: before.heap,
    heapAfter: after.heap,
    externalBefore: before.external,
    externalAfter: after.external,
    newSpaceBefore: before.newSpace,
    newSpaceAfter: after.newSpace,
    ...summarize(window)
  }
})

Effect.runPromise(Effect.scoped(Effect.provide(program, Producer.layer({ nameServers: namesrv, producerGroup: "bench_group_rss" })))).then(
  (result) => {
    process.stdout.write(`${JSON.stringify(result)}\n`)
    process.exit(0)
  },
  (error: unknown) => {
    process.stderr.write(`rss case: ${String(error)}\n`)
    process.exit(1)
  }
)
