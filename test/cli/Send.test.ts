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
      assert.match(oneway.stdout[0]!, /^ONEWAY {2}msgId [0-9A-F]{32} {2}broker-a#\d {2}\(written, no answer expected\)$/)
      for (let i = 0; i < 100 && (yield* cluster.messagesIn("Cli")).length < 8; i++) yield* Effect.sleep("10 millis")
      const stored = yield* cluster.messagesIn("Cli")
      assert.strictEqual(stored.length, 8)
      assert.strictEqual(stored[0]!.body.length, 5000)
      const onewayIds = oneway.stdout.map((line) => /msgId ([0-9A-F]{32})/.exec(line)?.[1])
      assert.includeMembers(stored.map((m) => m.properties["UNIQ_KEY"]), onewayIds)
    }).pipe(Effect.scoped))

  it.live("bad input or no route: one line, exit code 1", () =>
    Effect.gen(function*() {
      const cluster = yield* makeTestCluster({ brokers: 1, autoCreateTopicEnable: false })
      const namesrv = cluster.nameServerAddress
      const cases: Array<[ReadonlyArray<string>, RegExp]> = [
        [["send", "bad topic", "--namesrv", namesrv], /^effect-rocketmq: invalid topic \(TopicInvalidCharacters\)/],
        [["send", "T", "--namesrv", namesrv, "--size", "0"], /^effect-rocketmq: Invalid value for flag --size: "0"\. Expected: a positive integer/],
        [["send", "T", "--namesrv", namesrv, "--count", "-1"], /--count.*Expected: a positive integer/],
        [["send", "T", "--namesrv", namesrv, "--timeout", "0"], /--timeout.*Expected: a positive integer/],
        [["send", "T", "--namesrv", namesrv, "--batch", "0"], /--batch.*Expected: a positive integer/],
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

  it.live("--oneway --json: the msgId the broker stores and the queue written to", () =>
    Effect.gen(function*() {
      const cluster = yield* makeTestCluster({ brokers: 1, topics: [{ topicName: "Cli" }] })
      const run = yield* runCliCapture(["send", "Cli", "--namesrv", cluster.nameServerAddress, "--oneway", "--json"])
      assert.strictEqual(run.exitCode, 0)
      const line = JSON.parse(run.stdout[0]!)
      assert.deepStrictEqual(Object.keys(line), ["status", "msgId", "offsetMsgId", "topic", "brokerName", "queueId", "queueOffset"])
      assert.include(line, { status: "ONEWAY", topic: "Cli", brokerName: "broker-a", offsetMsgId: null, queueOffset: null })
      assert.match(line.msgId, /^[0-9A-F]{32}$/)
      for (let i = 0; i < 100 && (yield* cluster.messagesIn("Cli")).length < 1; i++) yield* Effect.sleep("10 millis")
      const [stored] = yield* cluster.messagesIn("Cli")
      assert.strictEqual(stored?.properties["UNIQ_KEY"], line.msgId)
      assert.strictEqual(stored?.queueId, line.queueId)
    }).pipe(Effect.scoped))

  it.live("help shows each flag's default", () =>
    Effect.gen(function*() {
      const run = yield* runCliCapture(["send", "--help"])
      const help = run.stdout.join("\n")
      assert.match(help, /--count integer\s+How many messages \(default: 1\)/)
      assert.match(help, /--timeout integer\s+Send budget in milliseconds \(default: 3000\)/)
      assert.match(help, /--group string\s+Producer group \(default: effect_rocketmq_cli\)/)
      assert.match(help, /--body string\s+The message body \(text\) \(default: "hello from effect-rocketmq"\)/)
    }))
})
