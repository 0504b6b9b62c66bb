import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import type { TopicRouteData } from "../../src/protocol/TopicRouteData.ts"
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
      assert.include(text, "broker-a: 3 queue(s), ids 0 1 2")
    }).pipe(Effect.scoped))

  it.live("--json prints the route and the publish queues", () =>
    Effect.gen(function*() {
      const ns = yield* makeTestNameServer()
      yield* ns.putTopicRoute("Orders", route)
      const run = yield* runCliCapture(["route", "Orders", "--json", "--namesrv", ns.address])
      assert.strictEqual(run.exitCode, 0)
      const out = JSON.parse(run.stdout[0]!)
      assert.deepStrictEqual(Object.keys(out), ["route", "publishQueues"])
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
})
