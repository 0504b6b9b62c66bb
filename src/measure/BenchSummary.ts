/**
 * What `bench` reports over its measured window: throughput, latency percentiles, errors by tag and
 * the process's CPU per 1 000 messages; the `--json` object and the readable text with an ASCII
 * latency histogram.
 *
 * @since 0.1.0
 */
import type { LatencyHistogram } from "./LatencyHistogram.ts"

/**
 * The raw figures of one measured window.
 *
 * @since 0.1.0
 * @category models
 */
export interface BenchWindow {
  /** Successful sends in the window. */
  readonly sent: number
  /** Failed sends in the window, by the error's tag (the reason's tag when it has one). */
  readonly errors: Readonly<Record<string, number>>
  /** Body bytes of the successful sends. */
  readonly bytes: number
  /** Length of the window in milliseconds. */
  readonly millis: number
  /** CPU time (user + system) the process spent in the window, in microseconds. */
  readonly cpuMicros: number
  /** The latencies of the successful sends. */
  readonly latencies: LatencyHistogram
}

/**
 * `bench --json`: latencies in milliseconds, `mbPerSec` in MB of 10^6 bytes of message body,
 * `errors` the count of failed sends by tag, `cpuMsPerKmsg` the process's CPU milliseconds per
 * 1 000 sent messages over the measured window.
 *
 * @since 0.1.0
 * @category models
 */
export interface BenchJson {
  readonly msgsPerSec: number
  readonly mbPerSec: number
  readonly p50: number
  readonly p90: number
  readonly p99: number
  readonly max: number
  readonly sent: number
  readonly errors: Readonly<Record<string, number>>
  readonly cpuMsPerKmsg: number
}

const round = (value: number, digits: number): number => {
  const factor = 10 ** digits
  return Math.round(value * factor) / factor
}

/**
 * The summary of a window.
 *
 * @since 0.1.0
 * @category constructors
 */
export const summarize = (window: BenchWindow): BenchJson => {
  const seconds = window.millis / 1000
  const ms = (micros: number) => round(micros / 1000, 3)
  return {
    msgsPerSec: seconds > 0 ? round(window.sent / seconds, 1) : 0,
    mbPerSec: seconds > 0 ? round(window.bytes / 1e6 / seconds, 3) : 0,
    p50: ms(window.latencies.percentile(0.5)),
    p90: ms(window.latencies.percentile(0.9)),
    p99: ms(window.latencies.percentile(0.99)),
    max: ms(window.latencies.max),
    sent: window.sent,
    errors: window.errors,
    cpuMsPerKmsg: window.sent > 0 ? round(window.cpuMicros / window.sent, 2) : 0
  }
}

const formatMicros = (micros: number): string =>
  micros >= 1000 ? `${Number((micros / 1000).toPrecision(3))} ms` : `${round(micros, 0)} µs`

/**
 * The latency histogram as text: one line per power-of-two range, a bar scaled to the fullest
 * range, the count and its share.
 *
 * @since 0.1.0
 * @category formatting
 */
export const formatHistogram = (latencies: LatencyHistogram, width = 40): string => {
  const bins = latencies.bins()
  const fullest = Math.max(1, ...bins.map((bin) => bin.count))
  const labels = bins.map((bin) => `${formatMicros(bin.fromMicros)} – ${formatMicros(bin.toMicros)}`)
  const labelWidth = Math.max(0, ...labels.map((label) => label.length))
  const countWidth = Math.max(0, ...bins.map((bin) => bin.count.toLocaleString("en-US").length))
  return bins.map((bin, i) => {
    const bar = "#".repeat(bin.count === 0 ? 0 : Math.max(1, Math.round((bin.count / fullest) * width)))
    const share = ((bin.count / latencies.count) * 100).toFixed(1)
    return `  ${labels[i]!.padStart(labelWidth)} | ${bar.padEnd(width)} ${bin.count.toLocaleString("en-US").padStart(countWidth)} (${share.padStart(5)} %)`
  }).join("\n")
}

/**
 * The readable summary: throughput, latencies, errors, CPU, then the histogram.
 *
 * @since 0.1.0
 * @category formatting
 */
export const formatSummary = (
  window: BenchWindow,
  setup: { readonly topic: string; readonly size: number; readonly concurrency: number }
): string => {
  const s = summarize(window)
  const errors = Object.entries(s.errors)
  const lines = [
    `bench ${setup.topic}: ${setup.size}-byte bodies, ${setup.concurrency} in flight, ${round(window.millis / 1000, 2)} s measured`,
    `  throughput  ${s.msgsPerSec.toLocaleString("en-US")} msgs/s, ${s.mbPerSec} MB/s (${s.sent.toLocaleString("en-US")} sent)`,
    `  latency     p50 ${s.p50} ms, p90 ${s.p90} ms, p99 ${s.p99} ms, max ${s.max} ms`,
    `  errors      ${errors.length === 0 ? "none" : errors.map(([tag, n]) => `${tag} ${n}`).join(", ")}`,
    `  cpu         ${s.cpuMsPerKmsg} ms per 1 000 messages (this process, user + system)`
  ]
  return window.latencies.count === 0
    ? lines.join("\n")
    : [...lines, "", "  latency histogram", formatHistogram(window.latencies)].join("\n")
}

/**
 * The live progress line: elapsed seconds, phase, sends so far and the current rate.
 *
 * @since 0.1.0
 * @category formatting
 */
export const formatProgress = (
  progress: {
    readonly phase: "warm-up" | "measuring"
    readonly elapsedSeconds: number
    readonly sent: number
    readonly errors: number
    readonly perSecond: number
  }
): string =>
  `${progress.phase.padEnd(9)} ${progress.elapsedSeconds.toFixed(0).padStart(4)} s  ` +
  `${progress.sent.toLocaleString("en-US").padStart(11)} sent  ${progress.errors} errors  ` +
  `${Math.round(progress.perSecond).toLocaleString("en-US").padStart(8)} msgs/s`
