import { assert, describe, it } from "@effect/vitest"
import { ConfigProvider, Effect, Layer } from "effect"
import { RequestCode } from "../../src/protocol/RequestCode.ts"
import type { TopicRouteData } from "../../src/protocol/TopicRouteData.ts"
import { makeTestNameServer } from "../../src/testkit/TestNameServer.ts"
import type { TestNameServer } from "../../src/testkit/TestNameServer.ts"
import { NameServerTransport } from "../../src/transport/NameServerTransport.ts"
import type { NameServerTransportOptions } from "../../src/transport/NameServerTransport.ts"
import { RemotingClient } from "../../src/transport/RemotingClient.ts"
import { failureTag } from "../helpers.ts"

const route: TopicRouteData = {
  brokerDatas: [{ cluster: "C", brokerName: "broker-a", brokerAddrs: { "0": "127.0.0.1:10911" } }],
  filterServerTable: {},
  queueDatas: [{ brokerName: "broker-a", readQueueNums: 4, writeQueueNums: 4, perm: 6, topicSysFlag: 0 }]
}

const transportLayer = (options: NameServerTransportOptions) =>
  Layer.fresh(NameServerTransport.layer(options).pipe(Layer.provide(RemotingClient.layer({ connectTimeoutMillis: 1000 }))))

const withTransport = <A, E>(
  options: NameServerTransportOptions,
  use: (transport: NameServerTransport["Service"]) => Effect.Effect<A, E>
) => NameServerTransport.use(use).pipe(Effect.provide(transportLayer(options)))

const withRoute = (nameServer: TestNameServer) => nameServer.putTopicRoute("T1", route)

describe("NameServerTransport over loopback sockets", () => {
  it.live("gets a route, the typed TOPIC_NOT_EXIST, and cluster info", () =>
    Effect.gen(function*() {
      const ns = yield* makeTestNameServer()
      yield* withRoute(ns)
      yield* withTransport({ addresses: ns.address }, (transport) =>
        Effect.gen(function*() {
          assert.deepStrictEqual(yield* transport.getRouteInfoByTopic("T1"), route)
          const missing = yield* Effect.exit(transport.getRouteInfoByTopic("Nope"))
          assert.strictEqual(failureTag(missing), "TopicNotExist")
          assert.include(String(missing), `topic "Nope"`)
          const info = yield* transport.getBrokerClusterInfo
          assert.deepStrictEqual(info.clusterAddrTable, { C: ["broker-a"] })
        }))
    }).pipe(Effect.scoped))

  it.live("a NameServer that never answers: the call fails at its budget, nothing stays pending, a later call works", () =>
    Effect.gen(function*() {
      const ns = yield* makeTestNameServer()
      yield* withRoute(ns)
      ns.faults.add({ code: RequestCode.GET_ROUTEINFO_BY_TOPIC, fault: { _tag: "NoResponse" }, times: 1 })
      yield* withTransport({ addresses: ns.address, timeoutMillis: 400 }, (transport) =>
        Effect.gen(function*() {
          const started = Date.now()
          const exit = yield* Effect.exit(transport.getRouteInfoByTopic("T1"))
          const elapsed = Date.now() - started
          assert.strictEqual(failureTag(exit), "NameServerUnavailable")
          assert.isAtLeast(elapsed, 380)
          assert.isBelow(elapsed, 1500)
          const client = yield* RemotingClient
          assert.deepStrictEqual((yield* client.connections).filter((c) => c.pendingRequests > 0), [])
          assert.deepStrictEqual(yield* transport.getRouteInfoByTopic("T1"), route)
        }).pipe(Effect.provide(RemotingClient.layer())))
    }).pipe(Effect.scoped))

  it.live("three NameServers, two refusing connections: every lookup succeeds, from any random start", () =>
    Effect.gen(function*() {
      const servers = [yield* makeTestNameServer(), yield* makeTestNameServer(), yield* makeTestNameServer()]
      yield* Effect.forEach(servers, withRoute)
      yield* servers[0]!.refuseConnections
      yield* servers[2]!.refuseConnections
      const addresses = servers.map((s) => s.address).join(";")
      for (const start of [0, 0.34, 0.67, 0.99]) {
        yield* withTransport({ addresses, random: () => start }, (transport) =>
          Effect.gen(function*() {
            for (let i = 0; i < 3; i++) assert.deepStrictEqual(yield* transport.getRouteInfoByTopic("T1"), route)
            assert.strictEqual(yield* transport.current, servers[1]!.address)
          }))
      }
      // sticky: once on the working one, calls stay there
      assert.strictEqual(servers[1]!.requestCount(RequestCode.GET_ROUTEINFO_BY_TOPIC), 12)
    }).pipe(Effect.scoped))

  it.live("all NameServers down: the typed error lists the addresses tried, within the budget", () =>
    Effect.gen(function*() {
      const servers = [yield* makeTestNameServer(), yield* makeTestNameServer(), yield* makeTestNameServer()]
      yield* Effect.forEach(servers, (s) => s.refuseConnections)
      yield* withTransport({ addresses: servers.map((s) => s.address), timeoutMillis: 2000 }, (transport) =>
        Effect.gen(function*() {
          const started = Date.now()
          const exit = yield* Effect.exit(transport.getRouteInfoByTopic("T1"))
          assert.isBelow(Date.now() - started, 2000)
          assert.strictEqual(failureTag(exit), "NameServerUnavailable")
          const message = String(exit)
          for (const server of servers) assert.include(message, server.address)
          assert.include(message, "cannot connect")
        }))
    }).pipe(Effect.scoped))

  it.live("a hung NameServer among three leaves time for the others", () =>
    Effect.gen(function*() {
      const servers = [yield* makeTestNameServer(), yield* makeTestNameServer(), yield* makeTestNameServer()]
      yield* Effect.forEach(servers, withRoute)
      servers[0]!.faults.add({ fault: { _tag: "NoResponse" } })
      yield* withTransport({ addresses: servers.map((s) => s.address), random: () => 0, timeoutMillis: 3000 }, (transport) =>
        Effect.gen(function*() {
          const started = Date.now()
          assert.deepStrictEqual(yield* transport.getRouteInfoByTopic("T1"), route)
          assert.isBelow(Date.now() - started, 2500)
          assert.strictEqual(yield* transport.current, servers[1]!.address)
        }))
    }).pipe(Effect.scoped))

  it.live("a NameServer answering SYSTEM_ERROR (not ready) is skipped for the next", () =>
    Effect.gen(function*() {
      const servers = [yield* makeTestNameServer(), yield* makeTestNameServer()]
      yield* Effect.forEach(servers, withRoute)
      servers[0]!.faults.add({ fault: { _tag: "RespondWith", code: 1, remark: "name server not ready" } })
      yield* withTransport({ addresses: servers.map((s) => s.address), random: () => 0 }, (transport) =>
        Effect.gen(function*() {
          assert.deepStrictEqual(yield* transport.getRouteInfoByTopic("T1"), route)
          assert.strictEqual(servers[0]!.requestCount(), 1)
        }))
    }).pipe(Effect.scoped))

  it.live("layerConfig reads NAMESRV_ADDR; a bad address list is a typed error", () =>
    Effect.gen(function*() {
      const ns = yield* makeTestNameServer()
      yield* withRoute(ns)
      const fromEnv = (env: Record<string, string>) =>
        Layer.fresh(NameServerTransport.layerConfig().pipe(
          Layer.provide(RemotingClient.layer()),
          Layer.provide(ConfigProvider.layer(ConfigProvider.fromEnv({ env })))
        ))
      const got = yield* NameServerTransport.use((t) => t.getRouteInfoByTopic("T1")).pipe(
        Effect.provide(fromEnv({ NAMESRV_ADDR: `${ns.address};` }))
      )
      assert.deepStrictEqual(got, route)
      const bad = yield* Effect.exit(NameServerTransport.use((t) => t.current).pipe(Effect.provide(fromEnv({ NAMESRV_ADDR: "nohost" }))))
      assert.strictEqual(failureTag(bad), "InvalidAddress")
      const missing = yield* Effect.exit(NameServerTransport.use((t) => t.current).pipe(Effect.provide(fromEnv({}))))
      assert.strictEqual(failureTag(missing), "ConfigError")
    }).pipe(Effect.scoped))

  it.live("a NameServer that sends garbage or trickles its answer is left for the next one, within the budget", () =>
    Effect.gen(function*() {
      for (const fault of [
        { _tag: "Garbage", bytes: new TextEncoder().encode("\u0000\u0000\u0000\u0008garbage!") },
        { _tag: "Trickle", intervalMillis: 50 }
      ] as const) {
        const servers = [yield* makeTestNameServer(), yield* makeTestNameServer()]
        yield* Effect.forEach(servers, withRoute)
        servers[0]!.faults.add({ fault })
        yield* withTransport({ addresses: servers.map((s) => s.address), random: () => 0, timeoutMillis: 2000 }, (transport) =>
          Effect.gen(function*() {
            const started = Date.now()
            assert.deepStrictEqual(yield* transport.getRouteInfoByTopic("T1"), route)
            assert.isBelow(Date.now() - started, 2000)
            assert.strictEqual(yield* transport.current, servers[1]!.address)
          }))
      }
    }).pipe(Effect.scoped))
})
