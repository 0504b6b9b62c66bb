import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import type { TopicRouteData } from "../../src/protocol/TopicRouteData.ts"
import { makeTestCluster } from "../../src/testkit/TestCluster.ts"
import { makeTestNameServer } from "../../src/testkit/TestNameServer.ts"
import { runCliCapture } from "./cliHarness.ts"

const route: TopicRouteData = {
  brokerDatas: [
    { cluster: "DefaultCluster", brokerName: "broker-b", brokerAddrs: { "0": "127.0.0.1:20911" } },
    { cluster: "DefaultCluster", brokerName: "broker-a", brokerAddrs: { "0": "127.0.0.1:10911", "1": "127.0.0.1:10921" } }
  ],
  filterServerTable: {},
  queueDatas: [
    { brokerName: "broker-b", readQueueNums: 2, writeQueueNums: 2, perm: 6, topicSysFlag: 0 },
    { brokerName: "broker-a", readQueueNums: 4, writeQueueNums: 3, perm: 6, topicSysFlag: 0 }
  ]
}

describe("effect-rocketmq route", () => {
  it.live("prints brokers, queue data and publish queues readably", () =>
    Effect.gen(function*() {
      const ns = yield* makeTestNameServer()
      yield* ns.putTopicRoute("Orders", route)
      const run = yield* runCliCapture(["route", "Orders", "--namesrv", ns.address])
      assert.strictEqual(run.exitCode, 0)
      const text = run.stdout.join("\n")
      assert.include(text, `Route of topic "Orders" from NameServer ${ns.address}`)
      assert.match(text, /broker-a\s+DefaultCluster\s+1\s+slave\s+127\.0\.0\.1:10921/)
      assert.match(text, /broker-a\s+4\s+3\s+RW- \(6\)\s+0/)
      assert.include(text, "Publish queues: 5")
      assert.include(text, "broker-a: 3 queues, ids 0 1 2")
    }).pipe(Effect.scoped))

  it.live("--json prints the route and the publish queues", () =>
    Effect.gen(function*() {
      const ns = yield* makeTestNameServer()
      yield* ns.putTopicRoute("Orders", route)
      const run = yield* runCliCapture(["route", "Orders", "--json", "--namesrv", ns.address])
      assert.strictEqual(run.exitCode, 0)
      const out = JSON.parse(run.stdout[0]!)
      assert.deepStrictEqual(Object.keys(out), ["route", "publishQueues", "fromDefaultTopic"])
      assert.strictEqual(out.fromDefaultTopic, null)
      assert.deepStrictEqual(out.route.queueDatas, route.queueDatas)
      assert.deepStrictEqual(out.publishQueues.map((q: { brokerName: string; queueId: number }) => `${q.brokerName}#${q.queueId}`), [
        "broker-a#0", "broker-a#1", "broker-a#2", "broker-b#0", "broker-b#1"
      ])
      assert.deepStrictEqual(Object.keys(out.publishQueues[0]), ["topic", "brokerName", "queueId"])
    }).pipe(Effect.scoped))

  it.live("a topic with no route: one line that says so, exit code 1", () =>
    Effect.gen(function*() {
      const ns = yield* makeTestNameServer()
      const run = yield* runCliCapture(["route", "Nope", "--namesrv", ns.address])
      assert.strictEqual(run.exitCode, 1)
      assert.deepStrictEqual(run.stdout, [])
      assert.deepStrictEqual(run.stderr, [`effect-rocketmq: NameServer ${ns.address} has no route for topic "Nope" (TOPIC_NOT_EXIST)`])
    }).pipe(Effect.scoped))

  it.live("a topic with no route but a TBW102 route: what a send would use, the default topic's queues capped at 4", () =>
    Effect.gen(function*() {
      const cluster = yield* makeTestCluster({ brokers: 2 })
      const run = yield* runCliCapture(["route", "NoSuch", "--namesrv", cluster.nameServerAddress])
      assert.strictEqual(run.exitCode, 0, run.stderr.join("\n"))
      const text = run.stdout.join("\n")
      assert.include(text, `NameServer ${cluster.nameServerAddress} has no route for topic "NoSuch" (TOPIC_NOT_EXIST).`)
      assert.include(text, "A send would use the route of the default topic TBW102, each broker's queues capped at 4,")
      assert.include(text, "Publish queues: 8")
      assert.include(text, "broker-a: 4 queues, ids 0 1 2 3")
      const json = yield* runCliCapture(["route", "NoSuch", "--json", "--namesrv", cluster.nameServerAddress])
      const out = JSON.parse(json.stdout[0]!)
      assert.strictEqual(out.fromDefaultTopic, "TBW102")
      assert.deepStrictEqual(out.publishQueues.filter((q: { topic: string }) => q.topic === "NoSuch").length, 8)
      for (const queueData of out.route.queueDatas) assert.strictEqual(queueData.writeQueueNums, 4)
      // and a send does go through it
      const send = yield* runCliCapture(["send", "NoSuch", "--namesrv", cluster.nameServerAddress])
      assert.strictEqual(send.exitCode, 0, send.stderr.join("\n"))
    }).pipe(Effect.scoped))

  it.live("a bad topic name or timeout is refused before anything is sent", () =>
    Effect.gen(function*() {
      const ns = yield* makeTestNameServer()
      const cases: Array<[ReadonlyArray<string>, RegExp]> = [
        [["route", "", "--namesrv", ns.address], /^effect-rocketmq: invalid topic \(TopicBlank\)/],
        [["route", "bad topic", "--namesrv", ns.address], /^effect-rocketmq: invalid topic \(TopicInvalidCharacters\)/],
        [["route", "x".repeat(128), "--namesrv", ns.address], /^effect-rocketmq: invalid topic \(TopicTooLong\)/],
        [["route", "Orders", "--timeout", "0", "--namesrv", ns.address], /--timeout.*Expected: a positive integer/],
        [["route", "Orders", "--timeout", "-5", "--namesrv", ns.address], /--timeout.*Expected: a positive integer/]
      ]
      for (const [args, expected] of cases) {
        const run = yield* runCliCapture(args)
        assert.strictEqual(run.exitCode, 1, args.join(" "))
        assert.deepStrictEqual(run.stdout, [])
        assert.strictEqual(run.stderr.length, 1)
        assert.match(run.stderr[0]!, expected)
      }
      assert.strictEqual(ns.requestCount(), 0)
    }).pipe(Effect.scoped))

  it.live("a system topic may be looked up (TBW102)", () =>
    Effect.gen(function*() {
      const cluster = yield* makeTestCluster({ brokers: 1 })
      const run = yield* runCliCapture(["route", "TBW102", "--namesrv", cluster.nameServerAddress])
      assert.strictEqual(run.exitCode, 0, run.stderr.join("\n"))
      assert.include(run.stdout.join("\n"), `Route of topic "TBW102"`)
    }).pipe(Effect.scoped))
})
