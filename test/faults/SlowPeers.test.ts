import { assert, describe, it } from "@effect/vitest"
import { Effect, Exit, Layer } from "effect"
import { makeMessage } from "../../src/protocol/message/Message.ts"
import { Producer } from "../../src/producer/Producer.ts"
import { RequestCode } from "../../src/protocol/RequestCode.ts"
import type { Fault } from "../../src/testkit/Faults.ts"
import { makeTestCluster } from "../../src/testkit/TestCluster.ts"
import { failureTag } from "../helpers.ts"
import { leftoversOf } from "./leaks.ts"

const BUDGET_MILLIS = 1500
/** Wall-clock slack for a loaded machine: real sockets, real timers. */
const SLACK_MILLIS = 1500

interface Case {
  readonly name: string
  readonly code: number
  readonly fault: Fault
  readonly allowed: ReadonlyArray<string>
}

const cases: ReadonlyArray<Case> = [
  { name: "a hung broker", code: RequestCode.SEND_MESSAGE_V2, fault: { _tag: "NoResponse" }, allowed: ["SendFailed"] },
  { name: "a slow broker (200 ms)", code: RequestCode.SEND_MESSAGE_V2, fault: { _tag: "Delay", millis: 200 }, allowed: ["SEND_OK"] },
  { name: "a trickling broker (1 byte / 2 ms)", code: RequestCode.SEND_MESSAGE_V2, fault: { _tag: "Trickle", intervalMillis: 2 }, allowed: ["SEND_OK", "SendFailed"] },
  { name: "a hung NameServer", code: RequestCode.GET_ROUTEINFO_BY_TOPIC, fault: { _tag: "NoResponse" }, allowed: ["NameServerUnavailable"] },
  { name: "a trickling NameServer (1 byte / 2 ms)", code: RequestCode.GET_ROUTEINFO_BY_TOPIC, fault: { _tag: "Trickle", intervalMillis: 2 }, allowed: ["SEND_OK", "NameServerUnavailable"] }
]

describe("hung, slow and trickling peers", () => {
  for (const { allowed, code, fault, name } of cases) {
    it.live(`${name}: each send ends within its budget, ${allowed.join(" or ")}; nothing is left behind`, () =>
      Effect.gen(function*() {
        const [outcomes, left] = yield* leftoversOf(Effect.gen(function*() {
          const cluster = yield* makeTestCluster({ brokers: 1, topics: [{ topicName: "Slow" }] })
          const target = code === RequestCode.GET_ROUTEINFO_BY_TOPIC ? cluster.nameServer : cluster.brokers[0]
          target?.faults.add({ code, fault })
          return yield* Effect.gen(function*() {
            const producer = yield* Producer
            return yield* Effect.forEach(Array.from({ length: 8 }, (_, i) => i), (i) =>
              Effect.gen(function*() {
                const started = Date.now()
                const exit = yield* Effect.exit(producer.send(makeMessage("Slow", `m${i}`)))
                return { outcome: Exit.isSuccess(exit) ? exit.value.status : failureTag(exit), millis: Date.now() - started }
              }), { concurrency: "unbounded" })
          }).pipe(Effect.provide(Layer.fresh(Producer.layer({
            nameServers: cluster.nameServerAddress,
            sendMsgTimeout: BUDGET_MILLIS,
            nameServerTimeout: "1 second"
          }))))
        }))
        for (const { millis, outcome } of outcomes) {
          assert.include(allowed, outcome)
          assert.isBelow(millis, BUDGET_MILLIS + SLACK_MILLIS, outcome)
        }
        assert.deepStrictEqual(left, { sockets: 0, timers: 0, fibers: 0 })
      }), 30_000)
  }
})
