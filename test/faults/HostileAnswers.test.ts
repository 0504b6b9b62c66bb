import { assert, describe, it } from "@effect/vitest"
import { Arbitrary, Context, Effect, Layer } from "effect"
import { makeMessage } from "../../src/protocol/message/Message.ts"
import { Producer } from "../../src/producer/Producer.ts"
import { RequestCode } from "../../src/protocol/RequestCode.ts"
import { RouteCache } from "../../src/route/RouteCache.ts"
import { RouteLookup } from "../../src/route/RouteLookup.ts"
import { makeTestNameServer } from "../../src/testkit/TestNameServer.ts"
import { makeNameServerTransport, NameServerTransport } from "../../src/transport/NameServerTransport.ts"
import { RemotingClient } from "../../src/transport/RemotingClient.ts"
import {
  frameAnswer,
  hostilePeer,
  OutcomeTable,
  PROBE_CODE,
  ROUTE_CODE,
  routeAnswer,
  runFrameCase,
  runRouteCase,
  runSendCase,
  sendAnswer
} from "./hostile.ts"
import { leftoversOf } from "./leaks.ts"

/** Cases per scenario in CI; `npm run soak` runs the same generators at volume. */
const CASES = 80
const SEED = 20261129

const noLeftovers = (left: { readonly sockets: number; readonly timers: number; readonly fibers: number }) =>
  assert.deepStrictEqual(left, { sockets: 0, timers: 0, fibers: 0 }, "left behind after the scope closed")

const report = (table: OutcomeTable) => {
  assert.deepStrictEqual(table.violations, [], table.lines().join("\n"))
}

describe("hostile answers at a live connection", () => {
  it.live("frames: random, truncated, oversized, wrong-opaque, mutated: typed errors, only that connection closes", () =>
    Effect.gen(function*() {
      const answers = yield* Arbitrary.sampleEffect(frameAnswer, { count: CASES, seed: SEED })
      const [table, left] = yield* leftoversOf(Effect.gen(function*() {
        const peer = yield* hostilePeer(PROBE_CODE, answers[0] ?? { kind: "wrongOpaque", count: 1, delta: 1 })
        const healthy = yield* hostilePeer(-1, answers[0] ?? { kind: "wrongOpaque", count: 1, delta: 1 })
        const client = yield* RemotingClient
        const table = new OutcomeTable()
        for (const answer of answers) table.add(answer.kind, yield* runFrameCase(client, peer, healthy, answer))
        return table
      }).pipe(Effect.provide(Layer.fresh(RemotingClient.layer({ connectTimeoutMillis: 1000 })))))
      report(table)
      // What each kind must give, whatever the bytes.
      for (const [kind, allowed] of [
        ["oversized", ["ConnectionClosed"]],
        ["truncated", ["ConnectionClosed"]],
        ["wrongOpaque", ["ok"]]
      ] as const) {
        for (const outcome of table.counts.get(kind)?.keys() ?? []) assert.include(allowed, outcome, `${kind}: ${outcome}`)
      }
      assert.isAtLeast(table.counts.size, 5, table.lines().join("\n"))
      noLeftovers(left)
    }), 60_000)

  it.live("route bodies: a malformed, mangled or oversized route is InvalidNameServerResponse, never a defect", () =>
    Effect.gen(function*() {
      const answers = yield* Arbitrary.sampleEffect(routeAnswer, { count: CASES * 2, seed: SEED + 1 })
      const [table, left] = yield* leftoversOf(Effect.gen(function*() {
        const peer = yield* hostilePeer(ROUTE_CODE, answers[0] ?? { kind: "wrongOpaque", count: 1, delta: 1 })
        const healthy = yield* hostilePeer(-1, answers[0] ?? { kind: "wrongOpaque", count: 1, delta: 1 })
        const client = yield* RemotingClient
        const transport = yield* makeNameServerTransport({ addresses: peer.address, timeoutMillis: 2000 })
        const table = new OutcomeTable()
        for (const answer of answers) table.add(answer.kind, yield* runRouteCase(transport, client, peer, healthy, answer))
        return table
      }).pipe(Effect.provide(Layer.fresh(RemotingClient.layer({ connectTimeoutMillis: 1000 })))))
      report(table)
      const bodies = table.counts.get("routeBody")
      assert.isAbove(bodies?.get("InvalidNameServerResponse") ?? 0, 0, table.lines().join("\n"))
      for (const outcome of bodies?.keys() ?? []) assert.include(["ok", "InvalidNameServerResponse"], outcome)
      noLeftovers(left)
    }), 60_000)

  it.live("send answers: hostile codes and header fields at the broker connection: typed errors, the producer goes on", () =>
    Effect.gen(function*() {
      const answers = yield* Arbitrary.sampleEffect(sendAnswer, { count: CASES, seed: SEED + 2 })
      const [table, left] = yield* leftoversOf(Effect.gen(function*() {
        const peer = yield* hostilePeer(RequestCode.SEND_MESSAGE_V2, answers[0] ?? { kind: "wrongOpaque", count: 1, delta: 1 })
        const healthy = yield* hostilePeer(-1, answers[0] ?? { kind: "wrongOpaque", count: 1, delta: 1 })
        const ns = yield* makeTestNameServer()
        yield* ns.putTopicRoute("Hostile", {
          brokerDatas: [{ cluster: "C", brokerName: "broker-a", brokerAddrs: { "0": peer.address } }],
          filterServerTable: {},
          queueDatas: [{ brokerName: "broker-a", readQueueNums: 4, writeQueueNums: 4, perm: 6, topicSysFlag: 0 }]
        })
        const layer = Layer.fresh(
          Producer.layerNoDeps({ nameServers: ns.address, sendMsgTimeout: "2 seconds" }).pipe(
            Layer.provideMerge(RouteLookup.layer().pipe(
              Layer.provideMerge(RouteCache.layer),
              Layer.provide(NameServerTransport.layer({ addresses: ns.address, timeoutMillis: 2000 }))
            )),
            Layer.provideMerge(RemotingClient.layer({ connectTimeoutMillis: 1000 }))
          )
        )
        const context = yield* Layer.build(layer)
        const producer = Context.get(context, Producer)
        const client = Context.get(context, RemotingClient)
        const table = new OutcomeTable()
        let n = 0
        for (const answer of answers) {
          const message = makeMessage("Hostile", `m${n++}`)
          table.add(answer.kind, yield* runSendCase(producer.send, client, peer, healthy, answer, message))
        }
        return table
      }))
      report(table)
      assert.isAbove(table.counts.get("sendAnswer")?.size ?? 0, 1, table.lines().join("\n"))
      noLeftovers(left)
    }), 60_000)
})
