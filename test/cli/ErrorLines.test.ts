/**
 * Error lines a user meets first: a broker's address given as a NameServer's, an unknown command.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { makeTestBroker } from "../../src/testkit/TestBroker.ts"
import { testServerTls } from "../../src/testkit/TestCertificates.ts"
import { makeTestCluster } from "../../src/testkit/TestCluster.ts"
import { runCliCapture } from "./cliHarness.ts"

describe("effect-rocketmq error lines", () => {
  it.live("a broker's address as --namesrv: the code is named, the remark trimmed, and the address questioned", () =>
    Effect.gen(function*() {
      const broker = yield* makeTestBroker({ brokerName: "broker-a" })
      const run = yield* runCliCapture(["brokers", "--namesrv", broker.address])
      assert.strictEqual(run.exitCode, 1)
      assert.deepStrictEqual(run.stdout, [])
      assert.deepStrictEqual(run.stderr, [
        `effect-rocketmq: NameServer ${broker.address} answered GET_BROKER_CLUSTER_INFO with code 3 (REQUEST_CODE_NOT_SUPPORTED): ` +
        `request type 106 not supported; is ${broker.address} a NameServer's address?`
      ])
    }).pipe(Effect.scoped))

  it.effect("an unknown command points at the top-level help, spaced as a command line", () =>
    Effect.gen(function*() {
      const run = yield* runCliCapture(["nosuchcommand"])
      assert.strictEqual(run.exitCode, 1)
      assert.strictEqual(run.stderr.length, 1)
      assert.match(run.stderr[0]!, /^effect-rocketmq: Unknown subcommand "nosuchcommand"/)
      assert.isTrue(run.stderr[0]!.endsWith(" (see: effect-rocketmq --help)"), run.stderr[0])
    }))
})

describe("effect-rocketmq log lines", () => {
  it.live("a failed send is one line on stderr: the producer's warnings (an unregister that fails) are not printed", () =>
    Effect.gen(function*() {
      // TLS-only brokers: a plain client's connections are closed, and so is its unregister at shutdown
      const cluster = yield* makeTestCluster({ brokers: 1, topics: [{ topicName: "Orders" }], tls: testServerTls })
      const run = yield* runCliCapture(["send", "Orders", "--namesrv", cluster.nameServerAddress, "--timeout", "1000"])
      assert.strictEqual(run.exitCode, 1)
      assert.strictEqual(run.stderr.length, 1, run.stderr.join("\n"))
      assert.match(run.stderr[0]!, /^effect-rocketmq: send failed/)
      assert.deepStrictEqual(run.stdout, [])
    }).pipe(Effect.scoped))

  it.live("--log-level warn shows the warnings, on stderr: stdout (--json) stays data only", () =>
    Effect.gen(function*() {
      const cluster = yield* makeTestCluster({ brokers: 1, topics: [{ topicName: "Orders" }], tls: testServerTls })
      const run = yield* runCliCapture(["--log-level", "warn", "send", "Orders", "--json", "--namesrv", cluster.nameServerAddress, "--timeout", "1000"])
      assert.strictEqual(run.exitCode, 1)
      assert.deepStrictEqual(run.stdout, [])
      const text = run.stderr.join("\n")
      assert.include(text, "WARN")
      assert.include(text, "unregistering to")
      assert.match(text, /effect-rocketmq: send failed/)
    }).pipe(Effect.scoped))
})
