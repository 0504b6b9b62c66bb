/**
 * A user's program, importing the package by name through its exports map: a testkit cluster, a
 * producer on it, three sends, and what the brokers stored, printed as one JSON line.
 */
import { Effect } from "effect"
import { makeMessage, Producer } from "effect-rocketmq"
import type { SendResult } from "effect-rocketmq"
import { makeTestCluster } from "effect-rocketmq/testkit"

const program = Effect.gen(function*() {
  const cluster = yield* makeTestCluster({ brokers: 2, topics: [{ topicName: "Orders" }] })
  const results: ReadonlyArray<SendResult> = yield* Effect.gen(function*() {
    const producer = yield* Producer
    return yield* Effect.forEach([1, 2, 3], (n) => producer.send(makeMessage("Orders", `order #${n}`, { keys: [`order-${n}`] })))
  }).pipe(Effect.provide(Producer.layer({ nameServers: cluster.nameServerAddress, producerGroup: "package_test" })))
  const stored = yield* cluster.messagesIn("Orders")
  return { statuses: results.map((result) => result.status), msgIds: results.map((result) => result.msgId), stored: stored.length }
}).pipe(Effect.scoped)

Effect.runPromise(program).then(
  (summary) => console.log(JSON.stringify(summary)),
  (error: unknown) => {
    console.error(error)
    process.exitCode = 1
  }
)
