/**
 * A testkit cluster in a process of its own, for benchmarks: prints `READY <nameServerAddress>`
 * on stdout and runs until its stdin closes.
 *
 * @since 0.1.0
 */
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import { Effect } from "effect"
import { makeTestCluster } from "../testkit/TestCluster.ts"

const brokers = Number(process.argv[2] ?? "1")
const topics = (process.argv[3] ?? "BenchTopic").split(",")

Effect.gen(function*() {
  const cluster = yield* makeTestCluster({ brokers, topics: topics.map((topicName) => ({ topicName })) })
  process.stdout.write(`READY ${cluster.nameServerAddress}\n`)
  yield* Effect.callback<void>((resume) => {
    process.stdin.on("end", () => resume(Effect.void))
    process.stdin.on("close", () => resume(Effect.void))
    process.stdin.resume()
  })
}).pipe(Effect.scoped, NodeRuntime.runMain)
