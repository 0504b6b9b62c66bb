/**
 * Control hooks of the testkit servers over real loopback sockets: a test scripts what happens to
 * each request of a code with an Effect, without a new server option.
 */
import { assert, describe, it } from "@effect/vitest"
import { Deferred, Effect, Fiber } from "effect"
import { TestClock } from "effect/testing"
import { makeRequest } from "../../src/protocol/RemotingCommand.ts"
import { RequestCode } from "../../src/protocol/RequestCode.ts"
import { ResponseCode } from "../../src/protocol/ResponseCode.ts"
import { encodeGetRouteInfoRequestHeader } from "../../src/protocol/RouteHeaders.ts"
import { makeMessage } from "../../src/protocol/message/Message.ts"
import { Producer } from "../../src/producer/Producer.ts"
import { Control } from "../../src/testkit/Control.ts"
import { makeTestCluster } from "../../src/testkit/TestCluster.ts"
import { makeTestNameServer } from "../../src/testkit/TestNameServer.ts"
import { rawConnection } from "../rawSocket.ts"

const routeRequest = (topic: string) =>
  makeRequest({ code: RequestCode.GET_ROUTEINFO_BY_TOPIC, extFields: encodeGetRouteInfoRequestHeader({ topic }) })
const clusterInfoRequest = makeRequest({ code: RequestCode.GET_BROKER_CLUSTER_INFO })

describe("testkit control hooks", () => {
  it.live("a hook scripts the answer per request of its code; other codes and passed requests reach the handler", () =>
    Effect.gen(function*() {
      const ns = yield* makeTestNameServer()
      let seen = 0
      yield* ns.control(RequestCode.GET_ROUTEINFO_BY_TOPIC, () =>
        Effect.sync(() => (++seen === 2 ? Control.respond(ResponseCode.SYSTEM_BUSY, "busy now") : Control.pass)))
      const connection = yield* rawConnection(ns.port)
      const answers = yield* Effect.forEach([1, 2, 3], () => connection.request(routeRequest("Nowhere")))
      assert.deepStrictEqual(answers.map((answer) => answer.code), [
        ResponseCode.TOPIC_NOT_EXIST,
        ResponseCode.SYSTEM_BUSY,
        ResponseCode.TOPIC_NOT_EXIST
      ])
      assert.strictEqual(answers[1]!.remark, "busy now")
      assert.strictEqual((yield* connection.request(clusterInfoRequest)).code, ResponseCode.SUCCESS)
      assert.strictEqual(seen, 3)
    }).pipe(Effect.scoped))

  it.live("times: a hook is used up after deciding that many times; a passing hook lets the next one decide", () =>
    Effect.gen(function*() {
      const ns = yield* makeTestNameServer()
      const observed: Array<number> = []
      yield* ns.control(undefined, (request) => Effect.sync(() => (observed.push(request.code), Control.pass)))
      yield* ns.control(RequestCode.GET_ROUTEINFO_BY_TOPIC, Control.always(Control.respond(ResponseCode.SYSTEM_ERROR)), { times: 2 })
      const connection = yield* rawConnection(ns.port)
      const codes = yield* Effect.forEach([1, 2, 3], () => Effect.map(connection.request(routeRequest("T")), (a) => a.code))
      assert.deepStrictEqual(codes, [ResponseCode.SYSTEM_ERROR, ResponseCode.SYSTEM_ERROR, ResponseCode.TOPIC_NOT_EXIST])
      assert.deepStrictEqual(observed, [105, 105, 105])
    }).pipe(Effect.scoped))

  it.live("a hook is removed when the scope it was added in closes", () =>
    Effect.gen(function*() {
      const ns = yield* makeTestNameServer()
      const connection = yield* rawConnection(ns.port)
      const refused = yield* Effect.scoped(Effect.gen(function*() {
        yield* ns.control(RequestCode.GET_ROUTEINFO_BY_TOPIC, Control.always(Control.respond(ResponseCode.NO_PERMISSION)))
        return (yield* connection.request(routeRequest("T"))).code
      }))
      assert.strictEqual(refused, ResponseCode.NO_PERMISSION)
      assert.strictEqual((yield* connection.request(routeRequest("T"))).code, ResponseCode.TOPIC_NOT_EXIST)
    }).pipe(Effect.scoped))

  it.live("intercept: a hook holds a request until the test lets it through, and the state it changed meanwhile is answered", () =>
    Effect.gen(function*() {
      const ns = yield* makeTestNameServer()
      const arrived = yield* Deferred.make<void>()
      const release = yield* Deferred.make<void>()
      yield* ns.control(RequestCode.GET_ROUTEINFO_BY_TOPIC, () =>
        Deferred.succeed(arrived, undefined).pipe(Effect.andThen(Deferred.await(release)), Effect.as(Control.pass)))
      const connection = yield* rawConnection(ns.port)
      const answer = yield* Effect.forkChild(connection.request(routeRequest("Held")))
      yield* Deferred.await(arrived)
      // While the request is held, the route appears: the handler runs after the hook, so it sees it.
      yield* ns.registerBroker({
        clusterName: "C",
        brokerName: "broker-a",
        brokerId: 0,
        brokerAddr: "127.0.0.1:10911",
        topics: [{ topicName: "Held", readQueueNums: 4, writeQueueNums: 4, perm: 6, topicSysFlag: 0, order: false }]
      })
      yield* Deferred.succeed(release, undefined)
      assert.strictEqual((yield* Fiber.join(answer)).code, ResponseCode.SUCCESS)
    }).pipe(Effect.scoped))

  it.effect("delay: a hook's sleep runs on the clock of the scope that started the server (TestClock here)", () =>
    Effect.gen(function*() {
      const ns = yield* makeTestNameServer()
      const arrived = yield* Deferred.make<void>()
      let slept = false
      yield* ns.control(RequestCode.GET_BROKER_CLUSTER_INFO, (request, session) =>
        Deferred.succeed(arrived, undefined).pipe(
          Effect.andThen(Control.delay(5_000)(request, session)),
          Effect.tap(() => Effect.sync(() => void (slept = true)))
        ))
      const connection = yield* rawConnection(ns.port)
      const answer = yield* Effect.forkChild(connection.request(clusterInfoRequest))
      yield* Deferred.await(arrived)
      yield* TestClock.adjust(4_999)
      assert.isFalse(slept)
      yield* TestClock.adjust(1)
      assert.isTrue(slept)
      assert.strictEqual((yield* Fiber.join(answer)).code, ResponseCode.SUCCESS)
    }).pipe(Effect.scoped))

  it.live("drop and close: a dropped request gets no answer, a closing hook closes the connection", () =>
    Effect.gen(function*() {
      const ns = yield* makeTestNameServer()
      const firstArrived = yield* Deferred.make<void>()
      yield* ns.control(undefined, () => Effect.as(Deferred.succeed(firstArrived, undefined), Control.pass))
      yield* ns.control(RequestCode.GET_ROUTEINFO_BY_TOPIC, Control.always(Control.drop), { times: 1 })
      yield* ns.control(RequestCode.GET_BROKER_CLUSTER_INFO, Control.always(Control.closeConnection))
      const connection = yield* rawConnection(ns.port)
      const dropped = yield* Effect.forkChild(connection.request(routeRequest("T")))
      yield* Deferred.await(firstArrived)
      // Answers on one connection come in order of handling: the next one proves the first was swallowed.
      assert.strictEqual((yield* connection.request(routeRequest("T"))).code, ResponseCode.TOPIC_NOT_EXIST)
      assert.isUndefined(dropped.pollUnsafe())
      yield* Effect.forkChild(connection.request(clusterInfoRequest))
      yield* connection.closed
      assert.strictEqual(ns.requestCount(RequestCode.GET_ROUTEINFO_BY_TOPIC), 2)
      assert.strictEqual(ns.requestCount(RequestCode.GET_BROKER_CLUSTER_INFO), 1)
    }).pipe(Effect.scoped))

  it.live("a hook that dies is answered SYSTEM_ERROR with the defect, and the server carries on", () =>
    Effect.gen(function*() {
      const ns = yield* makeTestNameServer()
      yield* ns.control(RequestCode.GET_ROUTEINFO_BY_TOPIC, () => Effect.die(new Error("hook bug")), { times: 1 })
      const connection = yield* rawConnection(ns.port)
      const broken = yield* connection.request(routeRequest("T"))
      assert.strictEqual(broken.code, ResponseCode.SYSTEM_ERROR)
      assert.strictEqual(broken.remark, "hook bug")
      assert.strictEqual((yield* connection.request(routeRequest("T"))).code, ResponseCode.TOPIC_NOT_EXIST)
    }).pipe(Effect.scoped))

  it.live("on a broker: the first send is refused with a given code, the producer's retry is stored once", () =>
    Effect.gen(function*() {
      const cluster = yield* makeTestCluster({ brokers: 1, topics: [{ topicName: "Scripted" }] })
      const broker = cluster.brokers[0]!
      yield* broker.control(
        RequestCode.SEND_MESSAGE_V2,
        Control.always(Control.respond(ResponseCode.SYSTEM_BUSY, "[REJECTREQUEST]system busy")),
        { times: 1 }
      )
      const result = yield* Producer.use((producer) => producer.send(makeMessage("Scripted", "once"))).pipe(
        Effect.provide(Producer.layer({ nameServers: cluster.nameServerAddress, producerGroup: "control_test" }))
      )
      assert.strictEqual(result.status, "SEND_OK")
      assert.strictEqual(broker.requestCount(RequestCode.SEND_MESSAGE_V2), 2)
      assert.strictEqual((yield* broker.messagesIn("Scripted")).length, 1)
    }).pipe(Effect.scoped))
})
