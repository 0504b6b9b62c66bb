import { assert, describe, it } from "@effect/vitest"
import { Buffer } from "node:buffer"
import { Effect, Exit, Layer } from "effect"
import { makeMessage } from "../../src/protocol/message/Message.ts"
import { Producer } from "../../src/producer/Producer.ts"
import { RequestCode } from "../../src/protocol/RequestCode.ts"
import { makeTestCluster } from "../../src/testkit/TestCluster.ts"
import { failureTag } from "../helpers.ts"
import { leftoversOf } from "./leaks.ts"

const SENDERS = 64
const PER_SENDER = 12

describe("a broker lost under load", () => {
  it.live(`two brokers, ${SENDERS} concurrent senders, one broker's sockets dropped and refused mid-run: every send accounted for`, () =>
    Effect.gen(function*() {
      const [summary, left] = yield* leftoversOf(Effect.gen(function*() {
        const cluster = yield* makeTestCluster({ brokers: 2, topics: [{ topicName: "Load", queueNums: 4 }] })
        const lost = cluster.brokers[1]
        if (lost === undefined) return yield* Effect.die("the cluster has no second broker")
        // Stored at once, answered 5 ms later: a drop catches requests the broker already stored.
        lost.faults.add({ code: RequestCode.SEND_MESSAGE_V2, fault: { _tag: "Delay", millis: 5 } })
        const outcomes = new Map<string, string>()
        let done = 0
        yield* Effect.gen(function*() {
          const producer = yield* Producer
          const sender = (s: number) =>
            Effect.forEach(Array.from({ length: PER_SENDER }, (_, i) => `s${s}-m${i}`), (body) =>
              Effect.map(Effect.exit(producer.send(makeMessage("Load", body))), (exit) => {
                done++
                outcomes.set(body, Exit.isSuccess(exit) ? exit.value.status : failureTag(exit))
              }), { discard: true })
          const load = Effect.forEach(Array.from({ length: SENDERS }, (_, s) => s), sender, { concurrency: "unbounded", discard: true })
          const total = SENDERS * PER_SENDER
          const after = (fraction: number) => Effect.gen(function*() {
            while (done < total * fraction) yield* Effect.sleep("1 millis")
          })
          // Dropped twice while it stays up (the producer re-dials), then lost for good.
          const loss = Effect.gen(function*() {
            yield* after(0.2)
            yield* lost.dropConnections
            yield* after(0.4)
            yield* lost.dropConnections
            yield* after(0.6)
            yield* lost.refuseConnections
            yield* lost.dropConnections
          })
          yield* Effect.all([load, loss], { concurrency: "unbounded", discard: true })
        }).pipe(Effect.provide(Layer.fresh(Producer.layer({ nameServers: cluster.nameServerAddress, sendMsgTimeout: "3 seconds" }))))

        const stored = new Map<string, number>()
        for (const message of yield* cluster.messagesIn("Load")) {
          const body = Buffer.from(message.body).toString("utf8")
          stored.set(body, (stored.get(body) ?? 0) + 1)
        }
        return { outcomes, stored }
      }))
      const { outcomes, stored } = summary
      assert.strictEqual(outcomes.size, SENDERS * PER_SENDER)
      const tally = new Map<string, number>()
      let lostSends = 0
      let duplicates = 0
      for (const [body, outcome] of outcomes) {
        const times = stored.get(body) ?? 0
        if (outcome === "SEND_OK" && times === 0) lostSends++
        if (times > 1) duplicates++
        tally.set(outcome, (tally.get(outcome) ?? 0) + 1)
      }
      const line = `${[...tally].map(([k, v]) => `${k} ${v}`).join(", ")}; stored twice or more: ${duplicates}`
      console.info(`broker lost under load: ${line}`)
      // Every outcome is SEND_OK or a typed error; no SEND_OK is missing from the store.
      for (const outcome of tally.keys()) assert.include(["SEND_OK", "SendFailed", "NameServerUnavailable", "NoRouteInfo"], outcome, line)
      assert.strictEqual(lostSends, 0, line)
      assert.isAtLeast(tally.get("SEND_OK") ?? 0, SENDERS * PER_SENDER * 0.9, line)
      assert.deepStrictEqual(left, { sockets: 0, timers: 0, fibers: 0 })
    }), 60_000)
})
