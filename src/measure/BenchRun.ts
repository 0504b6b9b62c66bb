/**
 * The measuring loop of `bench` and of the benchmarks: keeps N sends in flight through any send
 * effect for a warm-up, then measures a window, counting sends started in it, their latencies,
 * their errors by tag and the process's CPU time.
 *
 * @since 0.1.0
 */
import { Cause, Effect, Exit, Fiber, Option } from "effect"
import type { BenchWindow } from "./BenchSummary.ts"
import { formatProgress } from "./BenchSummary.ts"
import { LatencyHistogram } from "./LatencyHistogram.ts"

/**
 * What to run: the window ends after `durationSeconds` or after `count` sends started in it,
 * whichever comes first (at least one of them is set).
 *
 * @since 0.1.0
 * @category models
 */
export interface BenchPlan {
  readonly concurrency: number
  readonly warmupSeconds: number
  readonly durationSeconds: number | undefined
  readonly count: number | undefined
  /** Body bytes of one message, for MB/s. */
  readonly size: number
  /** Called about once a second with the progress so far. */
  readonly onProgress?: ((line: string) => void) | undefined
}

/**
 * The tag an error is counted under: its reason's tag when it has one, else its own tag.
 *
 * @since 0.1.0
 * @category internals
 */
export const errorTag = (error: unknown): string => {
  if (typeof error !== "object" || error === null) return "Unknown"
  const reason: unknown = "reason" in error ? error.reason : undefined
  if (typeof reason === "object" && reason !== null && "_tag" in reason && typeof reason._tag === "string") return reason._tag
  return "_tag" in error && typeof error._tag === "string" ? error._tag : "Unknown"
}

/**
 * The accounting of one run, shared by every loop that drives sends (this module's Effect loop,
 * the benchmarks' promise loop): the warm-up, the window, and what the sends started in it did.
 *
 * @since 0.1.0
 * @category models
 */
export interface BenchTracker {
  /**
   * Called when a send is about to start, at `now` (`performance.now()`): `"stop"` once no more
   * sends should start, else whether this send is in the warm-up or counts in the window.
   */
  readonly begin: (now: number) => "stop" | "warmup" | "measure"
  /** Called when a send begun at `startedAt` ended: `errorTag` is `undefined` on success. */
  readonly end: (startedAt: number, counted: boolean, errorTag: string | undefined) => void
  /** What the progress line shows. */
  readonly progress: () => { readonly measuring: boolean; readonly began: number; readonly sent: number; readonly failed: number; readonly total: number }
  /** The window, once every send has ended. */
  readonly window: () => BenchWindow
}

/**
 * A tracker of `plan`'s warm-up and window, starting now.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeBenchTracker = (plan: BenchPlan): BenchTracker => {
  const latencies = new LatencyHistogram()
  const errors: Record<string, number> = {}
  const began = performance.now()
  const warmupEnd = began + plan.warmupSeconds * 1000
  let measuring = plan.warmupSeconds <= 0
  let windowStart = measuring ? began : Number.POSITIVE_INFINITY
  let windowEnd = plan.durationSeconds === undefined ? Number.POSITIVE_INFINITY : windowStart + plan.durationSeconds * 1000
  let cpuStart = measuring ? process.cpuUsage() : undefined
  let started = 0
  let sent = 0
  let failed = 0
  let total = 0
  return {
    begin: (now) => {
      if (!measuring && now >= warmupEnd) {
        measuring = true
        windowStart = now
        if (plan.durationSeconds !== undefined) windowEnd = now + plan.durationSeconds * 1000
        cpuStart = process.cpuUsage()
      }
      if (now >= windowEnd || (measuring && plan.count !== undefined && started >= plan.count)) return "stop"
      if (!measuring) return "warmup"
      started++
      return "measure"
    },
    end: (startedAt, counted, errorTag) => {
      total++
      if (!counted) return
      if (errorTag === undefined) {
        sent++
        latencies.record((performance.now() - startedAt) * 1000)
      } else {
        failed++
        errors[errorTag] = (errors[errorTag] ?? 0) + 1
      }
    },
    progress: () => ({ measuring, began, sent, failed, total }),
    window: () => {
      const cpu = process.cpuUsage(cpuStart)
      return {
        sent,
        errors,
        bytes: sent * plan.size,
        millis: Number.isFinite(windowStart) ? performance.now() - windowStart : 0,
        cpuMicros: cpuStart === undefined ? 0 : cpu.user + cpu.system,
        latencies
      }
    }
  }
}

/**
 * Runs `send` with `plan.concurrency` in flight: warm-up, then the measured window. Sends started in
 * the window count; the window closes when the last of them completes.
 *
 * @since 0.1.0
 * @category constructors
 */
export const runBench = <E>(send: Effect.Effect<unknown, E>, plan: BenchPlan): Effect.Effect<BenchWindow> =>
  Effect.suspend(() => {
    const tracker = makeBenchTracker(plan)

    const worker = Effect.gen(function*() {
      while (true) {
        const now = performance.now()
        const phase = tracker.begin(now)
        if (phase === "stop") return
        const exit = yield* Effect.exit(send)
        tracker.end(
          now,
          phase === "measure",
          Exit.isSuccess(exit) ? undefined : Option.match(Cause.findErrorOption(exit.cause), { onNone: () => "Defect", onSome: errorTag })
        )
      }
    })

    const progress = plan.onProgress === undefined ? Effect.void : Effect.gen(function*() {
      let lastTotal = 0
      let lastAt = performance.now()
      while (true) {
        yield* Effect.sleep("1 second")
        const now = performance.now()
        const { measuring, began, sent, failed, total } = tracker.progress()
        plan.onProgress!(formatProgress({
          phase: measuring ? "measuring" : "warm-up",
          elapsedSeconds: (now - began) / 1000,
          sent: measuring ? sent : total,
          errors: failed,
          perSecond: ((total - lastTotal) / (now - lastAt)) * 1000
        }))
        lastTotal = total
        lastAt = now
      }
    })

    const workers = Effect.forEach(Array.from({ length: plan.concurrency }), () => worker, {
      concurrency: "unbounded",
      discard: true
    })
    return Effect.gen(function*() {
      const progressFiber = yield* Effect.forkChild(progress)
      yield* workers
      yield* Fiber.interrupt(progressFiber)
    }).pipe(Effect.map(tracker.window))
  })
