/**
 * Code that must NOT type-check against the published declarations: it proves the check in the
 * package test reads real types, not `any`.
 */
import { Effect } from "effect"
import { Producer } from "effect-rocketmq"

export const wrong = Effect.gen(function*() {
  const producer = yield* Producer
  return yield* producer.send({ topic: 42, body: "x" })
})
