/**
 * Counts what a scenario leaves behind once its scope has closed: TCP sockets and timers it created
 * and did not destroy (Node's async hooks), and live Effect fibers (every fiber that runs under a
 * counting tracer, minus those that have ended).
 */
import * as AsyncHooks from "node:async_hooks"
import { Effect, Fiber, Tracer } from "effect"
import type { Scope } from "effect"

/** What was left after a scenario, beyond what was there before it. */
export interface Leftovers {
  readonly sockets: number
  readonly timers: number
  readonly fibers: number
}

/**
 * The TCP sockets (client and accepted) and timers created from now on and not yet destroyed, as
 * Node's async hooks see them: exact per scenario, whatever else the process holds.
 */
const trackResources = () => {
  const sockets = new Set<number>()
  const timers = new Set<number>()
  let ignoring = false
  const hook = AsyncHooks.createHook({
    init: (id, type) => {
      if (ignoring) return
      if (type === "TCPWRAP") sockets.add(id)
      if (type === "Timeout") timers.add(id)
    },
    destroy: (id) => {
      sockets.delete(id)
      timers.delete(id)
    }
  })
  hook.enable()
  /** Waits `millis` on a timer of its own, which is not counted. */
  const pause = (millis: number) =>
    new Promise<void>((resolve) => {
      ignoring = true
      try {
        setTimeout(resolve, millis)
      } finally {
        ignoring = false
      }
    })
  return { sockets, timers, pause, stop: () => hook.disable() }
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
 * waits (up to `settleMillis`, closing is asynchronous) until every socket and timer it created is
 * destroyed and no fiber it started is alive; returns what is left.
 */
export const leftoversOf = <A, E, R>(
  scenario: Effect.Effect<A, E, R | Scope.Scope>,
  settleMillis = 3000
): Effect.Effect<readonly [A, Leftovers], E, Exclude<R, Scope.Scope>> =>
  Effect.gen(function*() {
    const resources = trackResources()
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
    const measure = (): Leftovers => ({ sockets: resources.sockets.size, timers: resources.timers.size, fibers: live.size })
    const until = Date.now() + settleMillis
    let left = measure()
    while ((left.sockets > 0 || left.timers > 0 || left.fibers > 0) && Date.now() < until) {
      yield* Effect.promise(() => resources.pause(10))
      left = measure()
    }
    resources.stop()
    return [result, left] as const
  })
