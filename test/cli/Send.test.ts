import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { makeTestCluster } from "../../src/testkit/TestCluster.ts"
import { runCliCapture } from "./cliHarness.ts"

describe("effect-rocketmq send", () => {
  it.live("--json prints one line per message with the seven fields; the broker stored them", () =>
    Effect.gen(function*() {
      const cluster = yield* makeTestCluster({ brokers: 2, topics: [{ topicName: "Cli" }] })
      const run = yield* runCliCapture([
        "send", "Cli", "--namesrv", cluster.nameServerAddress, "--count", "3", "--json",
        "--body", "hi", "--tag", "TagA", "--keys", "k1,k2", "--property", "color=red", "--property", "size=L"
      ])
      assert.strictEqual(run.exitCode, 0, run.stderr.join("\n"))
      assert.strictEqual(run.stdout.length, 3)
      const lines = run.stdout.map((line) => JSON.parse(line))
      for (const line of lines) {
        assert.deepStrictEqual(Object.keys(line), ["status", "msgId", "offsetMsgId", "topic", "brokerName", "queueId", "queueOffset"])
        assert.include(line, { status: "SEND_OK", topic: "Cli" })
      }
      const stored = yield* cluster.messagesIn("Cli")
      assert.strictEqual(stored.length, 3)
      for (const message of stored) {
        assert.include(message.properties, { TAGS: "TagA", KEYS: "k1 k2", color: "red", size: "L" })
        assert.strictEqual(Buffer.from(message.body).toString(), "hi")
      }
      assert.sameMembers(lines.map((l) => l.msgId), stored.map((m) => m.properties["UNIQ_KEY"]))
    }).pipe(Effect.scoped))

  it.live("plain output, --size, batches and oneway", () =>
    Effect.gen(function*() {
      const cluster = yield* makeTestCluster({ brokers: 1, topics: [{ topicName: "Cli" }] })
      const plain = yield* runCliCapture(["send", "Cli", "--namesrv", cluster.nameServerAddress, "--size", "5000"])
      assert.strictEqual(plain.exitCode, 0)
      assert.match(plain.stdout[0]!, /^SEND_OK {2}msgId [0-9A-F]{32} {2}broker-a#\d offset \d+ {2}offsetMsgId [0-9A-F]{32}$/)
      const batch = yield* runCliCapture(["send", "Cli", "--namesrv", cluster.nameServerAddress, "--count", "5", "--batch", "2", "--json"])
      assert.strictEqual(batch.stdout.length, 5)
      const oneway = yield* runCliCapture(["send", "Cli", "--namesrv", cluster.nameServerAddress, "--count", "2", "--oneway"])
      assert.strictEqual(oneway.exitCode, 0)
      assert.strictEqual(oneway.stdout.length, 2)
      for (let i = 0; i < 100 && (yield* cluster.messagesIn("Cli")).length < 8; i++) yield* Effect.sleep("10 millis")
      const stored = yield* cluster.messagesIn("Cli")
      assert.strictEqual(stored.length, 8)
      assert.strictEqual(stored[0]!.body.length, 5000)
    }).pipe(Effect.scoped))

  it.live("bad input or no route: one line, exit code 1", () =>
    Effect.gen(function*() {
      const cluster = yield* makeTestCluster({ brokers: 1, autoCreateTopicEnable: false })
      const namesrv = cluster.nameServerAddress
      const cases: Array<[ReadonlyArray<string>, RegExp]> = [
        [["send", "bad topic", "--namesrv", namesrv], /^effect-rocketmq: invalid message \(TopicInvalidCharacters\)/],
        [["send", "T", "--namesrv", namesrv, "--size", "0"], /^effect-rocketmq: --size must be at least 1/],
        [["send", "T", "--namesrv", namesrv, "--body", "x", "--size", "3"], /^effect-rocketmq: give --body or --size, not both/],
        [["send", "NoRoute", "--namesrv", namesrv], /^effect-rocketmq: No route info of topic "NoRoute"/]
      ]
      for (const [args, expected] of cases) {
        const run = yield* runCliCapture(args)
        assert.strictEqual(run.exitCode, 1, args.join(" "))
        assert.deepStrictEqual(run.stdout, [])
        assert.strictEqual(run.stderr.length, 1, JSON.stringify(run.stderr))
        assert.match(run.stderr[0]!, expected)
      }
    }).pipe(Effect.scoped))
})
