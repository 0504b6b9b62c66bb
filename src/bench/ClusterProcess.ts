/**
 * A testkit cluster in a process of its own, for benchmarks: prints `READY <nameServerAddress>`
 * on stdout and runs until its stdin closes. Its brokers keep only the latest 20 000 messages, so a
 * million sends do not grow it.
 *
 * Usage: `node ClusterProcess.ts [brokers=1] [topics=BenchTopic (comma-separated)] [generated=0]`;
 * `generated` adds topics `ScaleTopic-0` … `ScaleTopic-<generated - 1>` with one queue each.
 *
 * @since 0.1.0
 */
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import { Effect } from "effect"
import { makeTestCluster } from "../testkit/TestCluster.ts"

const brokers = Number(process.argv[2] ?? "1")
const topics = (process.argv[3] ?? "BenchTopic").split(",")
const generated = Number(process.argv[4] ?? "0")

Effect.gen(function*() {
  const cluster = yield* makeTestCluster({
    brokers,
    topics: [
      ...topics.map((topicName) => ({ topicName })),
      ...Array.from({ length: generated }, (_, i) => ({ topicName: `ScaleTopic-${i}`, queueNums: 1 }))
    ],
    brokerOptions: { retainMessages: 20_000 },
    readyTimeoutMillis: 60_000
  })
  process.stdout.write(`READY ${cluster.nameServerAddress}\n`)
  yield* Effect.callback<void>((resume) => {
    process.stdin.on("end", () => resume(Effect.void))
    process.stdin.on("close", () => resume(Effect.void))
    process.stdin.resume()
  })
}).pipe(Effect.scoped, NodeRuntime.runMain)
