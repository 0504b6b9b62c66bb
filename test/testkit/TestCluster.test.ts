/**
 * A testkit cluster: one NameServer and N brokers registered with it, over real loopback sockets.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer, Result } from "effect"
import { parseClusterInfo } from "../../src/protocol/ClusterInfo.ts"
import { makeRequest } from "../../src/protocol/RemotingCommand.ts"
import { RequestCode } from "../../src/protocol/RequestCode.ts"
import { ResponseCode } from "../../src/protocol/ResponseCode.ts"
import { encodeGetRouteInfoRequestHeader } from "../../src/protocol/RouteHeaders.ts"
import { encodeSendMessageRequestHeaderV2 } from "../../src/protocol/SendHeaders.ts"
import { parseTopicRouteData } from "../../src/protocol/TopicRouteData.ts"
import { encodeUtf8 } from "../../src/protocol/Utf8.ts"
import { clusterBrokerName, makeTestCluster, TestCluster } from "../../src/testkit/TestCluster.ts"
import type { TestClusterInstance } from "../../src/testkit/TestCluster.ts"
import { makeRemotingClient } from "../../src/transport/RemotingClient.ts"

const send = (address: string, topic: string, body: string) =>
  Effect.gen(function*() {
    const client = yield* makeRemotingClient()
    return yield* client.invoke(address, makeRequest({
      code: RequestCode.SEND_MESSAGE_V2,
      extFields: encodeSendMessageRequestHeaderV2({
        producerGroup: "PG",
        topic,
        defaultTopic: "TBW102",
        defaultTopicQueueNums: 4,
        queueId: 0,
        sysFlag: 0,
        bornTimestamp: 1_700_000_000_000,
        flag: 0,
        properties: "WAIT\u0001true"
      }),
      body: encodeUtf8(body)
    }), { timeoutMillis: 3000 })
  }).pipe(Effect.scoped)

const nameServerCall = (cluster: TestClusterInstance, code: number, topic?: string) =>
  Effect.gen(function*() {
    const client = yield* makeRemotingClient()
    return yield* client.invoke(cluster.nameServerAddress, makeRequest({
      code,
      ...(topic === undefined ? {} : { extFields: encodeGetRouteInfoRequestHeader({ topic }) })
    }), { timeoutMillis: 3000 })
  }).pipe(Effect.scoped)

/** Open TCP servers and sockets of this process. */
const handles = () => {
  const counts = new Map<string, number>()
  for (const name of process.getActiveResourcesInfo()) counts.set(name, (counts.get(name) ?? 0) + 1)
  return { servers: counts.get("TCPServerWrap") ?? 0, sockets: counts.get("TCPSocketWrap") ?? 0 }
}

describe("TestCluster", () => {
  it("names brokers broker-a, broker-b, …", () => {
    assert.deepStrictEqual([0, 1, 25, 26].map(clusterBrokerName), ["broker-a", "broker-b", "broker-z", "broker-26"])
  })

  // First, so that no other test's servers are still closing while handles are counted.
  it.live("closing the scope unregisters every broker and leaves no server or socket open", () =>
    Effect.gen(function*() {
      const before = handles()
      const cluster = yield* Effect.scoped(Effect.gen(function*() {
        const cluster = yield* makeTestCluster({ brokers: 2 })
        const during = handles()
        assert.strictEqual(during.servers, before.servers + 3)
        assert.isAbove(during.sockets, before.sockets)
        return cluster
      }))
      assert.strictEqual(cluster.nameServer.requestCount(RequestCode.UNREGISTER_BROKER), 2)
      assert.strictEqual((yield* cluster.nameServer.state).brokers.size, 0)
      let after = handles()
      for (let i = 0; i < 200 && (after.sockets > before.sockets || after.servers > before.servers); i++) {
        yield* Effect.sleep(5)
        after = handles()
      }
      assert.strictEqual(after.servers, before.servers)
      assert.strictEqual(after.sockets, before.sockets)
    }))

  it.live("the layer is ready when built: two brokers registered, GET_BROKER_CLUSTER_INFO lists both", () =>
    Effect.gen(function*() {
      const cluster = yield* TestCluster
      assert.deepStrictEqual(cluster.brokers.map((b) => b.brokerName), ["broker-a", "broker-b"])
      // no waiting: the NameServer knows both as soon as the layer is built
      const state = yield* cluster.nameServer.state
      for (const broker of cluster.brokers) {
        assert.deepStrictEqual(state.brokers.get(broker.brokerName)?.brokerAddrs, { "0": broker.address })
      }
      const answer = yield* nameServerCall(cluster, RequestCode.GET_BROKER_CLUSTER_INFO)
      assert.strictEqual(answer.code, ResponseCode.SUCCESS)
      const info = Result.getOrThrow(parseClusterInfo(answer.body))
      assert.deepStrictEqual([...(info.clusterAddrTable["DefaultCluster"] ?? [])].sort(), ["broker-a", "broker-b"])
      assert.strictEqual(info.brokerAddrTable["broker-b"]?.brokerAddrs["0"], cluster.broker("broker-b")?.address)

      // the topic given to the cluster is routed to both brokers
      const route = yield* nameServerCall(cluster, RequestCode.GET_ROUTEINFO_BY_TOPIC, "Orders")
      const data = Result.getOrThrow(parseTopicRouteData(route.body))
      assert.deepStrictEqual(
        data.queueDatas.map((q) => [q.brokerName, q.writeQueueNums, q.perm]).sort(),
        [["broker-a", 2, 6], ["broker-b", 2, 6]]
      )
    }).pipe(Effect.provide(Layer.fresh(TestCluster.layer({ brokers: 2, topics: [{ topicName: "Orders", queueNums: 2 }] })))))

  it.live("messages gathers every broker's; a topic auto-created on one broker is routed to that broker only", () =>
    Effect.gen(function*() {
      const cluster = yield* TestCluster
      const [a, b] = cluster.brokers
      assert.isDefined(a)
      assert.isDefined(b)
      assert.strictEqual((yield* send(a?.address ?? "", "Orders", "to a")).code, ResponseCode.SUCCESS)
      assert.strictEqual((yield* send(b?.address ?? "", "Orders", "to b")).code, ResponseCode.SUCCESS)
      assert.strictEqual((yield* send(b?.address ?? "", "OnlyB", "new")).code, ResponseCode.SUCCESS)
      const messages = yield* cluster.messages
      assert.deepStrictEqual(messages.map((m) => [m.brokerName, m.topic, new TextDecoder().decode(m.body)]), [
        ["broker-a", "Orders", "to a"],
        ["broker-b", "Orders", "to b"],
        ["broker-b", "OnlyB", "new"]
      ])
      assert.strictEqual((yield* cluster.messagesIn("Orders")).length, 2)
      yield* cluster.awaitRegistered
      const route = yield* nameServerCall(cluster, RequestCode.GET_ROUTEINFO_BY_TOPIC, "OnlyB")
      assert.deepStrictEqual(Result.getOrThrow(parseTopicRouteData(route.body)).queueDatas.map((q) => q.brokerName), ["broker-b"])
    }).pipe(Effect.provide(Layer.fresh(TestCluster.layer({ brokers: 2, profile: "5.3.3", topics: [{ topicName: "Orders" }] })))))

})
