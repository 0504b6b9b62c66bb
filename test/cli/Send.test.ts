import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { makeTestCluster } from "../../src/testkit/TestCluster.ts"
import { assertRefused, runCliCapture } from "./cliHarness.ts"

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
      yield* assertRefused(cases)
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

describe("effect-rocketmq send --transaction", () => {
  const txCluster = (topic: string, checkIntervalMillis: number) =>
    makeTestCluster({
      brokers: 2,
      topics: [{ topicName: topic }],
      brokerOptions: { transactions: { checkIntervalMillis, timeoutMillis: 0 } }
    })

  it.live("commit and rollback: --json lines with send's fields plus transactionId and localState; only commits are stored", () =>
    Effect.gen(function*() {
      const cluster = yield* txCluster("CliTx", 3_600_000)
      const commit = yield* runCliCapture(["send", "CliTx", "--namesrv", cluster.nameServerAddress, "--transaction", "commit", "--count", "2", "--json"])
      assert.strictEqual(commit.exitCode, 0, commit.stderr.join("\n"))
      const lines = commit.stdout.map((line) => JSON.parse(line))
      assert.strictEqual(lines.length, 2)
      for (const line of lines) {
        assert.deepStrictEqual(Object.keys(line), [
          "status", "msgId", "offsetMsgId", "topic", "brokerName", "queueId", "queueOffset", "transactionId", "localState"
        ])
        assert.include(line, { status: "SEND_OK", topic: "CliTx", localState: "COMMIT" })
        assert.strictEqual(line.transactionId, line.msgId)
      }
      const rollback = yield* runCliCapture(["send", "CliTx", "--namesrv", cluster.nameServerAddress, "--transaction", "rollback"])
      assert.strictEqual(rollback.exitCode, 0)
      assert.match(rollback.stdout[0]!, /^SEND_OK .* transactionId [0-9A-F]{32} {2}local ROLLBACK$/)
      for (let i = 0; i < 100 && (yield* cluster.messagesIn("CliTx")).length < 2; i++) yield* Effect.sleep("10 millis")
      yield* Effect.sleep("50 millis")
      const stored = yield* cluster.messagesIn("CliTx")
      assert.sameMembers(stored.map((m) => m.properties["UNIQ_KEY"]), lines.map((l) => l.msgId))
    }).pipe(Effect.scoped))

  it.live("unknown-then-commit and unknown-then-rollback wait for the broker's check-back, which decides", () =>
    Effect.gen(function*() {
      const cluster = yield* txCluster("CliCheck", 300)
      const commit = yield* runCliCapture([
        "send", "CliCheck", "--namesrv", cluster.nameServerAddress, "--transaction", "unknown-then-commit", "--json", "--check-timeout", "20"
      ])
      assert.strictEqual(commit.exitCode, 0, commit.stderr.join("\n"))
      const line = JSON.parse(commit.stdout[0]!)
      assert.strictEqual(line.localState, "UNKNOWN")
      assert.isTrue(commit.stderr.some((text) => text.includes(`${line.msgId} COMMIT`)))
      const rollback = yield* runCliCapture([
        "send", "CliCheck", "--namesrv", cluster.nameServerAddress, "--transaction", "unknown-then-rollback", "--check-timeout", "20"
      ])
      assert.strictEqual(rollback.exitCode, 0, rollback.stderr.join("\n"))
      const stored = yield* cluster.messagesIn("CliCheck")
      assert.deepStrictEqual(stored.map((m) => m.properties["UNIQ_KEY"]), [line.msgId])
    }).pipe(Effect.scoped))

  it.live("no check-back within --check-timeout: exit code 1 with one line", () =>
    Effect.gen(function*() {
      const cluster = yield* txCluster("CliNoCheck", 3_600_000)
      const run = yield* runCliCapture([
        "send", "CliNoCheck", "--namesrv", cluster.nameServerAddress, "--transaction", "unknown-then-commit", "--check-timeout", "1"
      ])
      assert.strictEqual(run.exitCode, 1)
      assert.match(run.stderr.at(-1)!, /no check-back from the broker within 1 s/)
    }).pipe(Effect.scoped))

  it.live("--queue and --broker send to one queue; contradictory flags are refused", () =>
    Effect.gen(function*() {
      const cluster = yield* makeTestCluster({ brokers: 2, topics: [{ topicName: "CliQueue" }] })
      const namesrv = cluster.nameServerAddress
      const both = yield* runCliCapture(["send", "CliQueue", "--namesrv", namesrv, "--broker", "broker-b", "--queue", "3", "--count", "3", "--json"])
      assert.strictEqual(both.exitCode, 0, both.stderr.join("\n"))
      assert.isTrue(both.stdout.map((l) => JSON.parse(l)).every((l) => l.brokerName === "broker-b" && l.queueId === 3))
      const queueOnly = yield* runCliCapture(["send", "CliQueue", "--namesrv", namesrv, "--queue", "1", "--count", "4", "--json"])
      assert.isTrue(queueOnly.stdout.map((l) => JSON.parse(l)).every((l) => l.queueId === 1))
      const brokerOnly = yield* runCliCapture(["send", "CliQueue", "--namesrv", namesrv, "--broker", "broker-a", "--count", "4", "--json"])
      const lines = brokerOnly.stdout.map((l) => JSON.parse(l))
      assert.isTrue(lines.every((l) => l.brokerName === "broker-a"))
      assert.strictEqual(new Set(lines.map((l) => l.queueId)).size, 4)
      const bad = yield* runCliCapture(["send", "CliQueue", "--namesrv", namesrv, "--transaction", "commit", "--queue", "1"])
      assert.strictEqual(bad.exitCode, 1)
      assert.match(bad.stderr[0]!, /--transaction cannot be combined/)
      const nowhere = yield* runCliCapture(["send", "CliQueue", "--namesrv", namesrv, "--broker", "broker-z"])
      assert.strictEqual(nowhere.exitCode, 1)
      assert.match(nowhere.stderr[0]!, /selector returned no queue/)
    }).pipe(Effect.scoped))
})
