import { assert, describe, it } from "@effect/vitest"
import { ConfigProvider, Effect } from "effect"
import { makeTestNameServer } from "../../src/testkit/TestNameServer.ts"
import { runCliCapture } from "./cliHarness.ts"

const registerTwo = Effect.gen(function*() {
  const ns = yield* makeTestNameServer()
  yield* ns.registerBroker({ clusterName: "DefaultCluster", brokerName: "broker-b", brokerId: 0, brokerAddr: "127.0.0.1:20911", topics: [] })
  yield* ns.registerBroker({ clusterName: "DefaultCluster", brokerName: "broker-a", brokerId: 0, brokerAddr: "127.0.0.1:10911", topics: [] })
  yield* ns.registerBroker({ clusterName: "DefaultCluster", brokerName: "broker-a", brokerId: 1, brokerAddr: "127.0.0.1:10912", topics: [] })
  return ns
})

describe("effect-rocketmq brokers", () => {
  it.live("prints clusters, broker groups and addresses as a table", () =>
    Effect.gen(function*() {
      const ns = yield* registerTwo
      const run = yield* runCliCapture(["brokers", "--namesrv", ns.address])
      assert.strictEqual(run.exitCode, 0)
      const text = run.stdout.join("\n")
      assert.include(text, `NameServer ${ns.address}`)
      assert.match(text, /DefaultCluster\s+broker-a\s+0\s+master\s+127\.0\.0\.1:10911/)
      assert.match(text, /DefaultCluster\s+broker-a\s+1\s+slave\s+127\.0\.0\.1:10912/)
      assert.match(text, /DefaultCluster\s+broker-b\s+0\s+master\s+127\.0\.0\.1:20911/)
    }).pipe(Effect.scoped))

  it.live("--json prints one object; NAMESRV_ADDR is the default", () =>
    Effect.gen(function*() {
      const ns = yield* registerTwo
      const run = yield* runCliCapture(["brokers", "--json"]).pipe(
        Effect.provide(ConfigProvider.layer(ConfigProvider.fromEnv({ env: { NAMESRV_ADDR: ns.address } })))
      )
      assert.strictEqual(run.exitCode, 0)
      assert.strictEqual(run.stdout.length, 1)
      assert.deepStrictEqual(JSON.parse(run.stdout[0]!), {
        nameServer: ns.address,
        clusters: [{
          name: "DefaultCluster",
          brokerGroups: [
            { name: "broker-a", brokers: [
              { brokerId: 0, role: "master", address: "127.0.0.1:10911" },
              { brokerId: 1, role: "slave", address: "127.0.0.1:10912" }
            ] },
            { name: "broker-b", brokers: [{ brokerId: 0, role: "master", address: "127.0.0.1:20911" }] }
          ]
        }]
      })
    }).pipe(Effect.scoped))

  it.live("no NameServer answers: one line listing the addresses tried, exit code 1", () =>
    Effect.gen(function*() {
      const a = yield* makeTestNameServer()
      const b = yield* makeTestNameServer()
      yield* a.refuseConnections
      yield* b.refuseConnections
      const run = yield* runCliCapture(["brokers", "--namesrv", `${a.address};${b.address}`])
      assert.strictEqual(run.exitCode, 1)
      assert.deepStrictEqual(run.stdout, [])
      assert.strictEqual(run.stderr.length, 1)
      assert.match(run.stderr[0]!, /^effect-rocketmq: no NameServer answered GET_BROKER_CLUSTER_INFO/)
      assert.include(run.stderr[0]!, a.address)
      assert.include(run.stderr[0]!, b.address)
    }).pipe(Effect.scoped))

  it.live("no address at all, or a malformed one: one line, exit code 1", () =>
    Effect.gen(function*() {
      const none = yield* runCliCapture(["brokers"]).pipe(
        Effect.provide(ConfigProvider.layer(ConfigProvider.fromEnv({ env: {} })))
      )
      assert.strictEqual(none.exitCode, 1)
      assert.deepStrictEqual(none.stderr, ["effect-rocketmq: no NameServer address: pass --namesrv host:port[;host:port] or set NAMESRV_ADDR"])
      const bad = yield* runCliCapture(["brokers", "--namesrv", "localhost"])
      assert.strictEqual(bad.exitCode, 1)
      assert.match(bad.stderr[0]!, /^effect-rocketmq: invalid address "localhost"/)
    }))

  it.effect("--timeout 0 and -5 are refused while parsing, as every command refuses them", () =>
    Effect.gen(function*() {
      for (const timeout of ["0", "-5"]) {
        const run = yield* runCliCapture(["brokers", "--timeout", timeout, "--namesrv", "127.0.0.1:1"])
        assert.strictEqual(run.exitCode, 1)
        assert.deepStrictEqual(run.stderr, [
          `effect-rocketmq: Invalid value for flag --timeout: "${timeout}". Expected: a positive integer (see: effect-rocketmq brokers --help)`
        ])
      }
      const help = yield* runCliCapture(["brokers", "--help"])
      assert.match(help.stdout.join("\n"), /--timeout integer\s+Time budget of each NameServer call in milliseconds \(default: 3000\)/)
    }))
})
