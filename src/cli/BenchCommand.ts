/**
 * `effect-rocketmq bench <topic>`: keeps `--concurrency` sends in flight through the producer for a
 * warm-up, then measures a window (`--duration` seconds or `--count` sends) and reports
 * throughput, latency percentiles, errors by tag and the process's CPU per 1 000 messages, with an
 * ASCII latency histogram. Works against any cluster, the testkit's included.
 *
 * @since 0.1.0
 */
import { Cause, Console, Effect, Exit, Fiber, Option, Schema } from "effect"
import { Argument, Command, Flag } from "effect/cli"
import { makeMessage } from "../protocol/message/Message.ts"
import { Producer } from "../producer/Producer.ts"
import { formatProgress, formatSummary, summarize } from "./BenchSummary.ts"
import type { BenchWindow } from "./BenchSummary.ts"
import { reportFailures } from "./CliFailure.ts"
import { LatencyHistogram } from "./LatencyHistogram.ts"
import { jsonFlag, namesrvFlag, resolveNameServers } from "./NameServerFlags.ts"

/**
 * Flags out of range.
 *
 * @since 0.1.0
 * @category errors
 */
export class InvalidBenchFlags extends Schema.TaggedError<InvalidBenchFlags>()("InvalidBenchFlags", {
  detail: Schema.String
}) {
  override get message(): string {
    return this.detail
  }
}

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
 * Runs `send` with `plan.concurrency` in flight: warm-up, then the measured window. Sends started in
 * the window count; the window closes when the last of them completes.
 *
 * @since 0.1.0
 * @category constructors
 */
export const runBench = <E>(send: Effect.Effect<unknown, E>, plan: BenchPlan): Effect.Effect<BenchWindow> =>
  Effect.suspend(() => {
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

    const openWindow = (now: number) => {
      measuring = true
      windowStart = now
      if (plan.durationSeconds !== undefined) windowEnd = now + plan.durationSeconds * 1000
      cpuStart = process.cpuUsage()
    }

    const worker = Effect.gen(function*() {
      while (true) {
        const now = performance.now()
        if (!measuring && now >= warmupEnd) openWindow(now)
        if (now >= windowEnd || (measuring && plan.count !== undefined && started >= plan.count)) return
        const counted = measuring
        if (counted) started++
        const exit = yield* Effect.exit(send)
        total++
        if (!counted) continue
        if (Exit.isSuccess(exit)) {
          sent++
          latencies.record((performance.now() - now) * 1000)
        } else {
          failed++
          const tag = Option.match(Cause.findErrorOption(exit.cause), { onNone: () => "Defect", onSome: errorTag })
          errors[tag] = (errors[tag] ?? 0) + 1
        }
      }
    })

    const progress = plan.onProgress === undefined ? Effect.void : Effect.gen(function*() {
      let lastTotal = 0
      let lastAt = performance.now()
      while (true) {
        yield* Effect.sleep("1 second")
        const now = performance.now()
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
    }).pipe(
      Effect.map((): BenchWindow => {
        const cpu = process.cpuUsage(cpuStart)
        return {
          sent,
          errors,
          bytes: sent * plan.size,
          millis: Number.isFinite(windowStart) ? performance.now() - windowStart : 0,
          cpuMicros: cpuStart === undefined ? 0 : cpu.user + cpu.system,
          latencies
        }
      })
    )
  })

/**
 * The `bench` command.
 *
 * @since 0.1.0
 * @category commands
 */
export const benchCommand = Command.make(
  "bench",
  {
    topic: Argument.String("topic").pipe(Argument.withDescription("The topic to send to")),
    namesrv: namesrvFlag,
    duration: Flag.Finite("duration").pipe(
      Flag.withDescription("Seconds to measure after the warm-up (default 10 unless --count is given)"),
      Flag.optional
    ),
    count: Flag.Int("count").pipe(Flag.withDescription("Sends to measure after the warm-up"), Flag.optional),
    size: Flag.Int("size").pipe(Flag.withDescription("Body size in bytes"), Flag.withDefault(1024)),
    concurrency: Flag.Int("concurrency").pipe(Flag.withDescription("Sends in flight"), Flag.withDefault(64)),
    warmup: Flag.Finite("warmup").pipe(Flag.withDescription("Seconds of warm-up, not measured"), Flag.withDefault(2)),
    group: Flag.String("group").pipe(Flag.withDescription("Producer group"), Flag.withDefault("effect_rocketmq_bench")),
    timeout: Flag.Int("timeout").pipe(Flag.withDescription("Send budget in milliseconds"), Flag.withDefault(3000)),
    json: jsonFlag
  },
  Effect.fnUntraced(function*(flags) {
    const invalid = (detail: string) => Effect.fail(new InvalidBenchFlags({ detail }))
    const duration = Option.getOrUndefined(flags.duration)
    const count = Option.getOrUndefined(flags.count)
    if (duration !== undefined && !(duration > 0)) return yield* invalid(`--duration must be positive, got ${duration}`)
    if (count !== undefined && count < 1) return yield* invalid(`--count must be at least 1, got ${count}`)
    if (flags.size < 1) return yield* invalid(`--size must be at least 1, got ${flags.size}`)
    if (flags.concurrency < 1 || flags.concurrency > 4096) {
      return yield* invalid(`--concurrency must be between 1 and 4096, got ${flags.concurrency}`)
    }
    if (!(flags.warmup >= 0)) return yield* invalid(`--warmup must be 0 or more, got ${flags.warmup}`)
    if (flags.timeout < 1) return yield* invalid(`--timeout must be positive, got ${flags.timeout}`)
    const nameServers = yield* resolveNameServers(flags.namesrv)
    const message = makeMessage(flags.topic, new Uint8Array(flags.size).fill(0x78))
    const live = !flags.json && process.stderr.isTTY === true
    const plan: BenchPlan = {
      concurrency: flags.concurrency,
      warmupSeconds: flags.warmup,
      durationSeconds: duration ?? (count === undefined ? 10 : undefined),
      count,
      size: flags.size,
      onProgress: live ? (line) => process.stderr.write(`\r${line}`) : undefined
    }
    const window = yield* Effect.gen(function*() {
      const producer = yield* Producer
      return yield* runBench(producer.send(message), plan)
    }).pipe(Effect.provide(Producer.layer({
      nameServers,
      producerGroup: flags.group,
      sendMsgTimeout: flags.timeout,
      nameServerTimeout: flags.timeout
    })))
    if (live) process.stderr.write("\r\u001b[K")
    yield* Console.log(
      flags.json ? JSON.stringify(summarize(window)) : formatSummary(window, { topic: flags.topic, size: flags.size, concurrency: flags.concurrency })
    )
  }, reportFailures)
).pipe(Command.withDescription("Measure send throughput, latency and CPU per message against a cluster"))
