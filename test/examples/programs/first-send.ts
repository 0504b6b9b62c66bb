import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import { Effect } from "effect"
import { makeMessage, Producer } from "../../../src/index.ts"

const program = Effect.gen(function*() {
  const producer = yield* Producer
  const result = yield* producer.send(makeMessage("Orders", "order #1", { tags: "new", keys: ["order-1"] }))
  yield* Effect.log(`${result.status} ${result.msgId} on ${result.messageQueue.brokerName}#${result.messageQueue.queueId}`)
})

program.pipe(
  Effect.provide(Producer.layerConfig()), // NAMESRV_ADDR, and ROCKETMQ_PRODUCER_GROUP if set
  NodeRuntime.runMain // logs a failure (a missing NAMESRV_ADDR, a typed send error) and exits with code 1
)
