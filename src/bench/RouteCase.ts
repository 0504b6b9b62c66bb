/**
 * Route benchmarks, in a process of their own against a cluster process:
 * - `lookup`: the CPU of a cached route lookup as a share of the CPU of a send (64 in flight);
 * - `scale`: 10 000 cached topics: the time, NameServer requests and CPU of one refresh cycle, the
 *   heap per cached topic, and send p99 while refresh cycles run against without.
 *
 * Usage: `node RouteCase.ts <namesrv> <topic> <scaleTopics> <sendSeconds>`; prints one JSON line.
 *
 * @since 0.1.0
 */
import { Buffer } from "node:buffer"
import { Effect, Fiber, Layer, Metric } from "effect"
import { runBench } from "../measure/BenchRun.ts"
import { summarize } from "../measure/BenchSummary.ts"
import { makeMessage } from "../protocol/message/Message.ts"
import { Producer } from "../producer/Producer.ts"
import { RouteCache } from "../route/RouteCache.ts"
import { RouteLookup } from "../route/RouteLookup.ts"
import { nameServerFetches } from "../route/RouteMetrics.ts"
import { NameServerTransport } from "../transport/NameServerTransport.ts"
import { RemotingClient } from "../transport/RemotingClient.ts"


/** NameServer route fetches summed over their series (one per topic: the counter has a topic attribute). */
const fetchesOfAllTopics = Effect.map(Metric.snapshot, (snapshots) => {
  let total = 0
  for (const snapshot of snapshots) {
    if (snapshot.id === nameServerFetches.id && snapshot.type === "Counter") total += Number(snapshot.state.count)
  }
  return total
})

const [namesrv = "", topic = "BenchTopic", scaleTopics = "10000", sendSeconds = "3"] = process.argv.slice(2)

const gc = (): void => {
  const collect: unknown = Reflect.get(globalThis, "gc")
  if (typeof collect === "function") {
    collect()
    collect()
  }
}

const cpuMicros = (since: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(since)
  return used.user + used.system
}

const routes = RouteLookup.layer({ pollNameServerInterval: "1 hour" }).pipe(
  Layer.provideMerge(RouteCache.layer),
  Layer.provide(NameServerTransport.layer({ addresses: namesrv, timeoutMillis: 10_000 }))
)
const layer = Producer.layerNoDeps({ nameServers: namesrv, producerGroup: "bench_group_route" }).pipe(
  Layer.provideMerge(routes),
  Layer.provideMerge(RemotingClient.layer())
)

const program = Effect.gen(function*() {
  const producer = yield* Producer
  const lookup = yield* RouteLookup
  const message = makeMessage(topic, Buffer.alloc(1024, 0x78))
  const sends = (seconds: number) =>
    runBench(producer.send(message), { concurrency: 64, warmupSeconds: 1, durationSeconds: seconds, count: undefined, size: 1024 })

  // A cached lookup against a send.
  const sendAlone = summarize(yield* sends(Number(sendSeconds)))
  const lookups = 200_000
  yield* lookup.publishInfo(topic)
  const lookupCpu = process.cpuUsage()
  const lookupStart = performance.now()
  for (let i = 0; i < lookups; i++) yield* lookup.publishInfo(topic)
  const lookupMicros = cpuMicros(lookupCpu) / lookups
  const lookupWallMicros = ((performance.now() - lookupStart) * 1000) / lookups

  // 10 000 cached topics.
  const count = Number(scaleTopics)
  const names = Array.from({ length: count }, (_, i) => `ScaleTopic-${i}`)
  gc()
  const heapBefore = process.memoryUsage().heapUsed
  const loadStart = performance.now()
  yield* Effect.forEach(names, (name) => lookup.publishInfo(name), { concurrency: 32, discard: true })
  const loadMillis = performance.now() - loadStart
  gc()
  const heapPerTopic = (process.memoryUsage().heapUsed - heapBefore) / count

  const fetchesBefore = yield* fetchesOfAllTopics
  const cycleCpu = process.cpuUsage()
  const cycleStart = performance.now()
  yield* lookup.refreshAll
  const cycleMillis = performance.now() - cycleStart
  const cycleCpuMillis = cpuMicros(cycleCpu) / 1000
  const requestsPerCycle = (yield* fetchesOfAllTopics) - fetchesBefore

  const quiet = summarize(yield* sends(Number(sendSeconds)))
  let cycles = 0
  const refreshing = yield* Effect.forkChild(Effect.forever(Effect.andThen(Effect.sync(() => cycles++), lookup.refreshAll)))
  const during = summarize(yield* sends(Number(sendSeconds)))
  yield* Fiber.interrupt(refreshing)
  return {
    lookup: {
      lookupCpuMicros: lookupMicros,
      lookupWallMicros,
      sendCpuMicros: sendAlone.cpuMsPerKmsg,
      share: lookupMicros / sendAlone.cpuMsPerKmsg,
      send: sendAlone
    },
    scale: {
      topics: count,
      loadMillis,
      heapBytesPerTopic: heapPerTopic,
      cycleMillis,
      cycleCpuMillis,
      requestsPerCycle,
      cyclesDuringSends: cycles,
      p99Quiet: quiet.p99,
      p99DuringRefresh: during.p99,
      p99Ratio: during.p99 / quiet.p99,
      quiet,
      during
    }
  }
})

Effect.runPromise(Effect.scoped(Effect.provide(program, layer))).then(
  (result) => {
    process.stdout.write(`${JSON.stringify(result)}\n`)
    process.exit(0)
  },
  (error: unknown) => {
    process.stderr.write(`route case: ${String(error)}\n`)
    process.exit(1)
  }
)
