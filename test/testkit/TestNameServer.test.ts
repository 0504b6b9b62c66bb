/**
 * The testkit NameServer answers the recorded requests with exactly the bytes the real servers
 * sent, given the same tables.
 */
import { assert, describe, it } from "@effect/vitest"
import { readFileSync } from "node:fs"
import * as Net from "node:net"
import * as Path from "node:path"
import { Effect } from "effect"
import { makeTestNameServer } from "../../src/testkit/TestNameServer.ts"
import type { TestNameServer, TestNameServerOptions } from "../../src/testkit/TestNameServer.ts"
import { requireCaptures } from "../helpers.ts"
import { exchange } from "../rawSocket.ts"

const captures = requireCaptures()
const capture = (name: string) => readFileSync(Path.join(captures, name))


const brokerA = (ns: TestNameServer) =>
  ns.registerBroker({
    clusterName: "DefaultCluster",
    brokerName: "broker-a",
    brokerId: 0,
    brokerAddr: "127.0.0.1:10911",
    topics: [{ topicName: "BenchSyncTopic", readQueueNums: 4, writeQueueNums: 4, perm: 6, topicSysFlag: 0, order: false }]
  })

const sameAnswer = (options: TestNameServerOptions | undefined, setup: (ns: TestNameServer) => Effect.Effect<void>, pairs: ReadonlyArray<string>) =>
  Effect.gen(function*() {
    const ns = yield* makeTestNameServer(options)
    yield* setup(ns)
    for (const name of pairs) {
      const expected = capture(`${name}.bin`)
      const answer = yield* exchange(ns.port, capture(`${name}.req.bin`), expected.length)
      assert.strictEqual(answer.toString("hex"), expected.toString("hex"), name)
    }
  }).pipe(Effect.scoped)

describe("testkit NameServer against the captures", () => {
  it.live("4.9.8: standard JSON, fastjson, binary header, TOPIC_NOT_EXIST and cluster info, byte for byte", () =>
    sameAnswer(undefined, brokerA, [
      "route-standard-json",
      "route-fastjson",
      "route-binary-header",
      "route-topic-not-exist",
      "cluster-info-fastjson"
    ]))

  it.live("5.3.3: the route with enableActingMaster, byte for byte", () =>
    sameAnswer({ profile: "5.3.3" }, (ns) =>
      ns.registerBroker({
        clusterName: "Cluster5",
        brokerName: "broker-x5",
        brokerId: 0,
        brokerAddr: "127.0.0.1:20911",
        topics: [{ topicName: "RawAutoCreateTopic5", readQueueNums: 4, writeQueueNums: 4, perm: 6, topicSysFlag: 0, order: false }]
      }), ["v5.3.3/route-standard-json"]))

  it.live("REGISTER_BROKER from the Java capture creates the routes; the broker's disconnect removes them", () =>
    Effect.gen(function*() {
      const ns = yield* makeTestNameServer()
      // The capture is oneway (flag 2): no answer comes back.
      const socket = Net.connect(ns.port, "127.0.0.1", () => socket.write(capture("java-client/10-47610-9876-code103.bin")))
      for (let i = 0; i < 200 && ns.requestCount() === 0; i++) yield* Effect.sleep("5 millis")
      const registered = yield* ns.state
      assert.deepStrictEqual(registered.brokers.get("broker-a")?.brokerAddrs, { "0": "127.0.0.1:10911" })
      assert.deepStrictEqual(registered.topics.get("JavaCapTopic")?.get("broker-a"), {
        brokerName: "broker-a", readQueueNums: 4, writeQueueNums: 4, perm: 6, topicSysFlag: 0
      })
      socket.destroy()
      // it registered, then its connection closed: Java removes a broker whose channel is destroyed
      for (let i = 0; i < 100 && (yield* ns.state).brokers.size > 0; i++) yield* Effect.sleep("5 millis")
      assert.strictEqual((yield* ns.state).brokers.size, 0)
    }).pipe(Effect.scoped))
})
