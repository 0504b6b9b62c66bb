import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { makeTestCluster } from "../../src/testkit/TestCluster.ts"
import { runCliCapture } from "./cliHarness.ts"

describe("effect-rocketmq bench", () => {
  it.live("--json prints one summary object with the named fields; every counted send reached the broker", () =>
    Effect.gen(function*() {
      const cluster = yield* makeTestCluster({ brokers: 2, topics: [{ topicName: "Bench" }] })
      const run = yield* runCliCapture([
        "bench", "Bench", "--namesrv", cluster.nameServerAddress, "--count", "300", "--concurrency", "8",
        "--warmup", "0", "--size", "100", "--json"
      ])
      assert.strictEqual(run.exitCode, 0, run.stderr.join("\n"))
      assert.strictEqual(run.stdout.length, 1)
      const summary = JSON.parse(run.stdout[0]!)
      assert.deepStrictEqual(Object.keys(summary), ["msgsPerSec", "mbPerSec", "p50", "p90", "p99", "max", "sent", "errors", "cpuMsPerKmsg"])
      assert.strictEqual(summary.sent, 300)
      assert.deepStrictEqual(summary.errors, {})
      assert.isAbove(summary.msgsPerSec, 0)
      assert.closeTo(summary.mbPerSec, (summary.msgsPerSec * 100) / 1e6, 0.002)
      assert.isAbove(summary.p50, 0)
      assert.isAtMost(summary.p50, summary.p90)
      assert.isAtMost(summary.p90, summary.p99)
      assert.isAtMost(summary.p99, summary.max)
      assert.isAbove(summary.cpuMsPerKmsg, 0)
      const stored = [
        ...(yield* cluster.messagesIn("Bench"))
      ]
      assert.strictEqual(stored.length, 300)
      assert.isTrue(stored.every((message) => message.body.length === 100))
    }).pipe(Effect.scoped))

  it.live("plain output: throughput, latencies, errors, CPU and a histogram; a warm-up is not counted", () =>
    Effect.gen(function*() {
      const cluster = yield* makeTestCluster({ brokers: 1, topics: [{ topicName: "Bench" }] })
      const run = yield* runCliCapture([
        "bench", "Bench", "--namesrv", cluster.nameServerAddress, "--duration", "0.3", "--warmup", "0.2", "--concurrency", "4"
      ])
      assert.strictEqual(run.exitCode, 0, run.stderr.join("\n"))
      const text = run.stdout.join("\n")
      assert.match(text, /^bench Bench: 1024-byte bodies, 4 in flight, 0\.\d+ s measured$/m)
      assert.match(text, /^ {2}throughput {2}[\d,.]+ msgs\/s, [\d.]+ MB\/s \(([\d,]+) sent\)$/m)
      assert.match(text, /^ {2}latency {5}p50 [\d.]+ ms, p90 [\d.]+ ms, p99 [\d.]+ ms, max [\d.]+ ms$/m)
      assert.match(text, /^ {2}errors {6}none$/m)
      assert.match(text, /^ {2}cpu {9}[\d.]+ ms per 1 000 messages/m)
      assert.match(text, /latency histogram\n( +[\d.]+ (µs|ms) – [\d.]+ (µs|ms) \| #* +[\d,]+ \( *[\d.]+ %\)\n?)+$/)
      const sent = Number(/\(([\d,]+) sent\)/.exec(text)![1]!.replaceAll(",", ""))
      const stored = yield* cluster.messagesIn("Bench")
      assert.isAbove(stored.length, sent, "the warm-up sent messages too, outside the window")
    }).pipe(Effect.scoped))

  it.live("failed sends are counted by tag, not measured", () =>
    Effect.gen(function*() {
      const cluster = yield* makeTestCluster({ brokers: 1, autoCreateTopicEnable: false })
      const run = yield* runCliCapture([
        "bench", "NoSuchTopic", "--namesrv", cluster.nameServerAddress, "--count", "5", "--concurrency", "1", "--warmup", "0", "--json"
      ])
      assert.strictEqual(run.exitCode, 0, run.stderr.join("\n"))
      const summary = JSON.parse(run.stdout[0]!)
      assert.strictEqual(summary.sent, 0)
      assert.deepStrictEqual(summary.errors, { NoRouteInfo: 5 })
      assert.strictEqual(summary.p99, 0)
    }).pipe(Effect.scoped))

  it.live("flags out of range: one line, exit code 1, nothing sent", () =>
    Effect.gen(function*() {
      const cases: Array<[ReadonlyArray<string>, RegExp]> = [
        [["--concurrency", "0"], /--concurrency must be between 1 and 4096, got 0/],
        [["--count", "0"], /--count must be at least 1/],
        [["--duration", "0"], /--duration must be positive/],
        [["--size", "0"], /--size must be at least 1/],
        [["--warmup", "-1"], /--warmup must be 0 or more/]
      ]
      for (const [flags, expected] of cases) {
        const run = yield* runCliCapture(["bench", "T", "--namesrv", "127.0.0.1:1", ...flags])
        assert.strictEqual(run.exitCode, 1, flags.join(" "))
        assert.deepStrictEqual(run.stdout, [])
        assert.match(run.stderr.join("\n"), expected)
      }
    }))
})
