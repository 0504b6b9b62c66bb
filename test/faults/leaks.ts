/**
 * Counts what a scenario leaves behind once its scope has closed: open TCP sockets, pending timers
 * (Node's own resource list) and live Effect fibers (every fiber that runs under a counting tracer,
 * minus those that have ended).
 */
import { Effect, Fiber, Tracer } from "effect"
import type { Scope } from "effect"

/** What was left after a scenario, beyond what was there before it. */
export interface Leftovers {
  readonly sockets: number
  readonly timers: number
  readonly fibers: number
}

const resources = (): { readonly sockets: number; readonly timers: number } => {
  let sockets = 0
  let timers = 0
  for (const name of process.getActiveResourcesInfo()) {
    if (name === "TCPSocketWrap" || name === "TCPWRAP") sockets++
    if (name === "Timeout") timers++
  }
  return { sockets, timers }
}

/** A tracer that sees every fiber evaluating under it and keeps the ones not yet ended. */
const fiberCountingTracer = () => {
  const live = new Set<Fiber.Fiber<unknown, unknown>>()
  const seen = new WeakSet<Fiber.Fiber<unknown, unknown>>()
  const tracer = Tracer.make({
    span: (options) => new Tracer.NativeSpan(options),
    context: (primitive, fiber) => {
      if (!seen.has(fiber)) {
        seen.add(fiber)
        live.add(fiber)
        fiber.addObserver(() => live.delete(fiber))
      }
      return primitive["~effect/Effect/evaluate"](fiber)
    }
  })
  return { tracer, live }
}

/**
 * Runs `scenario` in a scope of its own under the fiber-counting tracer, closes the scope, then
 * waits (up to `settleMillis`, closing is asynchronous) until the sockets and timers are back to
 * what they were before and no fiber the scenario started is alive; returns what is left.
 */
export const leftoversOf = <A, E, R>(
  scenario: Effect.Effect<A, E, R | Scope.Scope>,
  settleMillis = 3000
): Effect.Effect<readonly [A, Leftovers], E, Exclude<R, Scope.Scope>> =>
  Effect.gen(function*() {
    const before = resources()
    const { live, tracer } = fiberCountingTracer()
    const self = Fiber.getCurrent()
    // Yielding before and after the scope closes lets fibers forked last take their first step
    // under the tracer (a fiber is counted from its first step).
    const settleFibers = Effect.repeat(Effect.yieldNow, { times: 3 })
    const result = yield* scenario.pipe(
      Effect.tap(() => settleFibers),
      Effect.scoped,
      Effect.ensuring(settleFibers),
      Effect.withTracer(tracer)
    )
    if (self !== undefined) live.delete(self)
    const measure = (): Leftovers => {
      const now = resources()
      return {
        sockets: Math.max(0, now.sockets - before.sockets),
        timers: Math.max(0, now.timers - before.timers),
        fibers: live.size
      }
    }
    const until = Date.now() + settleMillis
    let left = measure()
    while ((left.sockets > 0 || left.timers > 0 || left.fibers > 0) && Date.now() < until) {
      yield* Effect.promise(() => new Promise((resolve) => setTimeout(resolve, 10)))
      left = measure()
    }
    return [result, left] as const
  })
