/**
 * The `bench` command's measuring loop for clients whose sends are promises (ali-ons, the raw
 * reference client): the same warm-up, window and accounting as `runBench` (its `BenchTracker`),
 * without Effect in the loop, so those clients are measured on their own cost.
 *
 * @since 0.1.0
 */
import type { BenchPlan } from "../measure/BenchRun.ts"
import { makeBenchTracker } from "../measure/BenchRun.ts"
import type { BenchWindow } from "../measure/BenchSummary.ts"

/**
 * A peer client connected for the benchmarks: `send` sends one message and fails unless the broker
 * stored it.
 *
 * @since 0.1.0
 */
export interface PromiseSender {
  readonly send: () => Promise<void>
  readonly close: () => Promise<void>
}

/**
 * Runs `send` with `plan.concurrency` in flight: warm-up, then the measured window; sends started in
 * the window count, and it closes when the last of them completes.
 *
 * @since 0.1.0
 */
export const runPromiseBench = async (send: () => Promise<unknown>, plan: BenchPlan): Promise<BenchWindow> => {
  const tracker = makeBenchTracker(plan)
  const worker = async () => {
    while (true) {
      const now = performance.now()
      const phase = tracker.begin(now)
      if (phase === "stop") return
      try {
        await send()
        tracker.end(now, phase === "measure", undefined)
      } catch (error) {
        tracker.end(now, phase === "measure", error instanceof Error ? error.name : "Unknown")
      }
    }
  }
  await Promise.all(Array.from({ length: plan.concurrency }, worker))
  return tracker.window()
}
