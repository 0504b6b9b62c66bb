import { assert, describe, it } from "@effect/vitest"
import { Effect, Exit, Layer } from "effect"
import { makeMessage } from "../../src/protocol/message/Message.ts"
import { Producer } from "../../src/producer/Producer.ts"
import { makeTestBroker } from "../../src/testkit/TestBroker.ts"
import { makeTestNameServer } from "../../src/testkit/TestNameServer.ts"
import type { TestNameServer } from "../../src/testkit/TestNameServer.ts"
import { failureTag } from "../helpers.ts"
import { leftoversOf } from "./leaks.ts"

const topics = ["Cached", "New1", "New2", "New3"] as const

const down = (ns: TestNameServer) => Effect.andThen(ns.refuseConnections, ns.dropConnections)

describe("NameServers going down while sending", () => {
  it.live("1, 2, then all 3 down: cached routes keep flowing, new topics fail typed, recovery when one returns", () =>
    Effect.gen(function*() {
      const [steps, left] = yield* leftoversOf(Effect.gen(function*() {
        const nameServers = yield* Effect.all([makeTestNameServer(), makeTestNameServer(), makeTestNameServer()])
        const broker = yield* makeTestBroker({
          brokerName: "broker-a",
          nameServers: nameServers.map((ns) => ns.address),
          topics: topics.map((topicName) => ({ topicName }))
        })
        yield* broker.awaitRegistration
        const steps: Array<string> = []
        yield* Effect.gen(function*() {
          const producer = yield* Producer
          const sendTo = (topic: string, text: string) =>
            Effect.map(Effect.exit(producer.send(makeMessage(topic, text))), (exit) => {
              const outcome = Exit.isSuccess(exit) ? exit.value.status : failureTag(exit)
              steps.push(`${text}: ${topic} ${outcome}`)
              return outcome
            })
          const burst = (topic: string, text: string) =>
            Effect.forEach(Array.from({ length: 20 }, (_, i) => i), (i) => sendTo(topic, `${text}#${i}`), { concurrency: 8 })

          assert.deepStrictEqual(new Set(yield* burst("Cached", "all up")), new Set(["SEND_OK"]))
          yield* down(nameServers[0])
          assert.deepStrictEqual(new Set(yield* burst("Cached", "1 down")), new Set(["SEND_OK"]))
          assert.strictEqual(yield* sendTo("New1", "1 down, new topic"), "SEND_OK")
          yield* down(nameServers[1])
          assert.deepStrictEqual(new Set(yield* burst("Cached", "2 down")), new Set(["SEND_OK"]))
          assert.strictEqual(yield* sendTo("New2", "2 down, new topic"), "SEND_OK")
          yield* down(nameServers[2])
          assert.deepStrictEqual(new Set(yield* burst("Cached", "all down")), new Set(["SEND_OK"]))
          assert.strictEqual(yield* sendTo("New3", "all down, new topic"), "NameServerUnavailable")
          // A NameServer forgets a broker whose connection closed (as Java's does): it knows the
          // routes again at the broker's next registration.
          yield* nameServers[1].acceptConnections
          yield* broker.registerNow
          assert.strictEqual(yield* sendTo("New3", "one back, new topic"), "SEND_OK")
          assert.deepStrictEqual(new Set(yield* burst("Cached", "one back")), new Set(["SEND_OK"]))
        }).pipe(
          Effect.provide(Layer.fresh(Producer.layer({
            nameServers: nameServers.map((ns) => ns.address),
            sendMsgTimeout: "2 seconds",
            nameServerTimeout: "1 second"
          })))
        )
        return steps
      }))
      assert.strictEqual(steps.length, 5 * 20 + 4)
      assert.deepStrictEqual(left, { sockets: 0, timers: 0, fibers: 0 })
    }), 60_000)
})
