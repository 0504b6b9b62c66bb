/**
 * Request deadlines: the client's `Deadlines` (one fiber for all deadlines, an entry per request)
 * against Effect's own `Effect.timeoutOrElse` around each request (a race with a sleep per
 * request). Each "request" is an `Effect.callback` answered on the next turn of the event loop, as
 * a response read from a socket would be, well before its 3 s deadline; only the deadline
 * machinery differs between the two cases.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import { makeDeadlines } from "../transport/Deadlines.ts"
import { makeNextTurnAnswers } from "./NextTurnAnswers.ts"

/**
 * One measured case.
 *
 * @since 0.1.0
 * @category models
 */
export interface DeadlinesSample {
  readonly variant: "Deadlines" | "Effect.timeout"
  readonly inFlight: number
  readonly requestsPerSecond: number
}

class TimedOut {
  readonly _tag = "TimedOut"
}

const timeoutMillis = 3000

/** `count` requests with `inFlight` at a time; returns requests per second. */
const measure = (variant: DeadlinesSample["variant"], inFlight: number, count: number) =>
  Effect.scoped(Effect.gen(function*() {
    const deadlines = yield* makeDeadlines
    const respond = makeNextTurnAnswers()
    const request: Effect.Effect<number, TimedOut> = variant === "Deadlines"
      ? Effect.callback<number, TimedOut>((resume) => {
        const entry = deadlines.add(deadlines.now() + timeoutMillis, { expire: () => resume(Effect.fail(new TimedOut())) })
        respond(() => {
          entry.cancel()
          resume(Effect.succeed(1))
        })
        return Effect.sync(() => entry.cancel())
      })
      : Effect.callback<number, TimedOut>((resume) => {
        respond(() => resume(Effect.succeed(1)))
      }).pipe(Effect.timeoutOrElse({ duration: timeoutMillis, orElse: () => Effect.fail(new TimedOut()) }))
    const run = (n: number) => Effect.forEach(Array.from({ length: n }), () => request, { concurrency: inFlight, discard: true })
    yield* run(Math.min(count, 5000))
    const started = performance.now()
    yield* run(count)
    return (count / (performance.now() - started)) * 1000
  }))

/**
 * Runs both variants at 1, 64 and 1 024 requests in flight, alternating them in 3 rounds, and
 * keeps each one's median.
 *
 * @since 0.1.0
 * @category constructors
 */
export const runDeadlinesBench: Effect.Effect<ReadonlyArray<DeadlinesSample>, TimedOut> = Effect.gen(function*() {
  const samples: Array<DeadlinesSample> = []
  for (const inFlight of [1, 64, 1024]) {
    const count = inFlight === 1 ? 20_000 : 100_000
    const rounds: Record<DeadlinesSample["variant"], Array<number>> = { "Deadlines": [], "Effect.timeout": [] }
    for (let round = 0; round < 3; round++) {
      for (const variant of ["Deadlines", "Effect.timeout"] as const) {
        rounds[variant].push(yield* measure(variant, inFlight, count))
      }
    }
    for (const variant of ["Deadlines", "Effect.timeout"] as const) {
      const sorted = [...rounds[variant]].sort((a, b) => a - b)
      samples.push({ variant, inFlight, requestsPerSecond: sorted[1] ?? 0 })
    }
  }
  return samples
})
