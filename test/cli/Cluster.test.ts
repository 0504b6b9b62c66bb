import { assert, describe, it } from "@effect/vitest"
import { Effect, Result } from "effect"
import { formatRequestsServed, parseTopicFlag, requestsServed } from "../../src/cli/ClusterCommand.ts"
import { intBetween, makeTestCluster, sendableTopicName } from "../../src/testkit/index.ts"
import { assertRefused, runCliCapture } from "./cliHarness.ts"
import { freePort, freePortPair, scriptCommand, startCli, startCliOnTty } from "./cliProcess.ts"

describe("effect-rocketmq cluster", () => {
  it.prop("--topic NAME:QUEUES reads back the name and the count", [sendableTopicName, intBetween(1, 1024)], ([name, queues]) => {
    const parsed = parseTopicFlag(`${name}:${queues}`)
    assert.isTrue(Result.isSuccess(parsed))
    if (Result.isSuccess(parsed)) assert.deepStrictEqual(parsed.success, { topicName: name, queueNums: queues })
    const bare = parseTopicFlag(name)
    assert.isTrue(Result.isSuccess(bare) && bare.success.queueNums === 8)
  })

  it("--topic refuses bad names and counts", () => {
    for (const value of ["", "bad topic:4", "Orders:0", "Orders:x", "Orders:2000", "Orders:-1", "Orders:"]) {
      assert.isTrue(Result.isFailure(parseTopicFlag(value)), value)
    }
  })

  it.live("the live line counts the requests clients made, by code, most frequent first", () =>
    Effect.gen(function*() {
      const cluster = yield* makeTestCluster({ brokers: 1, topics: [{ topicName: "Live" }] })
      assert.strictEqual(formatRequestsServed(requestsServed(cluster)), "no request served yet")
      yield* runCliCapture(["send", "Live", "--count", "2", "--namesrv", cluster.nameServerAddress])
      const served = requestsServed(cluster)
      assert.deepStrictEqual(served.find((entry) => entry.code === "SEND_MESSAGE_V2")?.count, 2)
      assert.isUndefined(served.find((entry) => entry.code === "REGISTER_BROKER"))
      assert.match(formatRequestsServed(served), /^\d+ requests served: 2 SEND_MESSAGE_V2, /)
    }).pipe(Effect.scoped))

  it.effect("bad flags: one line, exit 1, nothing started", () =>
    Effect.gen(function*() {
      const cases: Array<[ReadonlyArray<string>, RegExp]> = [
        [["cluster", "--brokers", "0"], /--brokers.*a positive integer/],
        [["cluster", "--brokers", "27"], /at most 26 brokers/],
        [["cluster", "--namesrv-port", "70000"], /--namesrv-port.*a port from 0 to 65535/],
        [["cluster", "--broker-port", "-1"], /--broker-port.*a port from 0 to 65535/],
        [["cluster", "--topic", "bad topic"], /--topic "bad topic": .*characters outside/]
      ]
      yield* assertRefused(cases)
    }))

  it.live("a port in use: one line that says so and how to pick others, exit 1", () =>
    Effect.gen(function*() {
      const taken = yield* makeTestCluster({ brokers: 1 })
      const port = taken.nameServerAddress.split(":")[1] ?? ""
      const run = yield* runCliCapture(["cluster", "--namesrv-port", port, "--broker-port", "0"])
      assert.strictEqual(run.exitCode, 1)
      assert.strictEqual(run.stderr.length, 1)
      assert.match(run.stderr[0]!, new RegExp(`EADDRINUSE.*127\\.0\\.0\\.1:${port}: .*pick other ports with --namesrv-port and --broker-port`))
    }).pipe(Effect.scoped))

  it.live("--json prints one line once ready; the other commands work against it; Ctrl-C stops it with exit 0", () =>
    Effect.gen(function*() {
      const nameServerPort = yield* freePort
      const cluster = yield* startCli([
        "cluster", "--json", "--namesrv-port", String(nameServerPort), "--broker-port", "0", "--topic", "Orders:8"
      ])
      const ready: { nameServer: string; brokers: Array<{ name: string; address: string }> } = JSON.parse(
        yield* cluster.line(/^\{/)
      )
      assert.deepStrictEqual(Object.keys(ready), ["nameServer", "brokers"])
      assert.strictEqual(ready.nameServer, `127.0.0.1:${nameServerPort}`)
      assert.deepStrictEqual(ready.brokers.map((broker) => broker.name), ["broker-a", "broker-b"])
      for (const broker of ready.brokers) assert.match(broker.address, /^127\.0\.0\.1:\d+$/)

      const brokers = yield* runCliCapture(["brokers", "--namesrv", ready.nameServer, "--json"])
      assert.strictEqual(brokers.exitCode, 0, brokers.stderr.join("\n"))
      const view = JSON.parse(brokers.stdout[0]!)
      assert.strictEqual(view.clusters[0].name, "DefaultCluster")
      assert.deepStrictEqual(
        view.clusters[0].brokerGroups.map((group: { brokers: Array<{ address: string }> }) => group.brokers[0]!.address),
        ready.brokers.map((broker) => broker.address)
      )
      const route = yield* runCliCapture(["route", "Orders", "--namesrv", ready.nameServer, "--json"])
      assert.strictEqual(JSON.parse(route.stdout[0]!).publishQueues.length, 16)
      const send = yield* runCliCapture(["send", "Orders", "--body", "hi", "--count", "3", "--namesrv", ready.nameServer, "--json"])
      assert.strictEqual(send.exitCode, 0, send.stderr.join("\n"))
      assert.deepStrictEqual(send.stdout.map((line) => JSON.parse(line).status), ["SEND_OK", "SEND_OK", "SEND_OK"])

      cluster.interrupt()
      assert.strictEqual(yield* cluster.exited, 0)
      assert.strictEqual(cluster.stdout.length, 1)
      assert.strictEqual(cluster.stderr.join(""), "")
    }).pipe(Effect.scoped), { timeout: 60_000 })

  it.live("plain output: addresses, topics, what to try; brokers on consecutive ports; a summary when stopped", () =>
    Effect.gen(function*() {
      const brokerPort = yield* freePortPair
      const cluster = yield* startCli([
        "cluster", "--namesrv-port", "0", "--broker-port", String(brokerPort), "--topic", "Orders"
      ])
      yield* cluster.line(/Ctrl-C stops it\./)
      const text = cluster.stdout.join("\n")
      assert.include(text, `broker-a    127.0.0.1:${brokerPort}  master of cluster DefaultCluster`)
      assert.include(text, `broker-b    127.0.0.1:${brokerPort + 1}  master of cluster DefaultCluster`)
      assert.include(text, "Orders: 8 queues on each broker")
      const nameServer = /NameServer\s+(127\.0\.0\.1:\d+)/.exec(text)?.[1]
      assert.isDefined(nameServer)
      assert.include(text, `export NAMESRV_ADDR=${nameServer}`)
      assert.include(text, "npx effect-rocketmq send Orders --body hi --count 3")
      const send = yield* runCliCapture(["send", "Orders", "--namesrv", nameServer!])
      assert.strictEqual(send.exitCode, 0, send.stderr.join("\n"))
      cluster.interrupt()
      assert.strictEqual(yield* cluster.exited, 0)
      assert.match(cluster.stdout.join("\n"), /Stopped; \d+ requests served: .*1 SEND_MESSAGE_V2/)
    }).pipe(Effect.scoped), { timeout: 60_000 })

  it.live.skipIf(scriptCommand === undefined)("on a terminal: a live line of requests served; Ctrl-C stops it cleanly, exit 0", () =>
    Effect.gen(function*() {
      const cluster = yield* startCliOnTty(["cluster", "--namesrv-port", "0", "--broker-port", "0", "--topic", "Live:2"])
      yield* cluster.waitFor(/no request served yet/)
      const nameServer = /NameServer\s+(127\.0\.0\.1:\d+)/.exec(cluster.output())?.[1]
      assert.isDefined(nameServer)
      const send = yield* runCliCapture(["send", "Live", "--count", "2", "--namesrv", nameServer!])
      assert.strictEqual(send.exitCode, 0)
      yield* cluster.waitFor(/\r\u001b\[2K\d+ requests served: .*2 SEND_MESSAGE_V2/)
      cluster.typeCtrlC()
      assert.strictEqual(yield* cluster.exited, 0)
      assert.match(cluster.output(), /Stopped; \d+ requests served: .*2 SEND_MESSAGE_V2/)
    }).pipe(Effect.scoped), { timeout: 60_000 })
})
