/**
 * The `bench` command's measuring loop for clients whose sends are promises (ali-ons, the raw
 * reference client): the same warm-up, window and accounting as `runBench`, without Effect in the
 * loop, so those clients are measured on their own cost.
 *
 * @since 0.1.0
 */
import type { BenchPlan } from "../measure/BenchRun.ts"
import type { BenchWindow } from "../measure/BenchSummary.ts"
import { LatencyHistogram } from "../measure/LatencyHistogram.ts"

/**
 * Runs `send` with `plan.concurrency` in flight: warm-up, then the measured window; sends started in
 * the window count, and it closes when the last of them completes.
 *
 * @since 0.1.0
 */
export const runPromiseBench = async (send: () => Promise<unknown>, plan: BenchPlan): Promise<BenchWindow> => {
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

  const worker = async () => {
    while (true) {
      const now = performance.now()
      if (!measuring && now >= warmupEnd) {
        measuring = true
        windowStart = now
        if (plan.durationSeconds !== undefined) windowEnd = now + plan.durationSeconds * 1000
        cpuStart = process.cpuUsage()
      }
      if (now >= windowEnd || (measuring && plan.count !== undefined && started >= plan.count)) return
      const counted = measuring
      if (counted) started++
      try {
        await send()
        if (counted) {
          sent++
          latencies.record((performance.now() - now) * 1000)
        }
      } catch (error) {
        if (counted) {
          const tag = error instanceof Error ? error.name : "Unknown"
          errors[tag] = (errors[tag] ?? 0) + 1
        }
      }
    }
  }
  await Promise.all(Array.from({ length: plan.concurrency }, worker))
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
