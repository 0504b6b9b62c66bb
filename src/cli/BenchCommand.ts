/**
 * `effect-rocketmq bench <topic>`: keeps `--concurrency` sends in flight through the producer for a
 * warm-up, then measures a window (`--duration` seconds or `--count` sends) and reports
 * throughput, latency percentiles, errors by tag and the process's CPU per 1 000 messages, with an
 * ASCII latency histogram. Works against any cluster, the testkit's included.
 *
 * @since 0.1.0
 */
import { Console, Effect, Option, Schema } from "effect"
import { Argument, Command, Flag } from "effect/cli"
import { makeMessage } from "../protocol/message/Message.ts"
import { Producer } from "../producer/Producer.ts"
import { runBench } from "../measure/BenchRun.ts"
import type { BenchPlan } from "../measure/BenchRun.ts"
import { formatSummary, summarize } from "../measure/BenchSummary.ts"
import { reportFailures } from "./CliFailure.ts"
import { describedWithDefault, producerOptionsOf } from "./CliFlags.ts"
import { jsonFlag, namesrvFlag, resolveNameServers } from "./NameServerFlags.ts"
import { resolveSecurity, securityFlags } from "./SecurityFlags.ts"

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
    size: Flag.Int("size").pipe(describedWithDefault("Body size in bytes", 1024)),
    concurrency: Flag.Int("concurrency").pipe(describedWithDefault("Sends in flight", 64)),
    warmup: Flag.Finite("warmup").pipe(describedWithDefault("Seconds of warm-up, not measured", 2)),
    group: Flag.String("group").pipe(describedWithDefault("Producer group", "effect_rocketmq_bench")),
    timeout: Flag.Int("timeout").pipe(describedWithDefault("Send budget in milliseconds", 3000)),
    json: jsonFlag,
    ...securityFlags
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
    const security = yield* resolveSecurity(flags)
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
    }).pipe(Effect.provide(Producer.layer(producerOptionsOf(nameServers, flags, security))))
    if (live) process.stderr.write("\r\u001b[K")
    yield* Console.log(
      flags.json ? JSON.stringify(summarize(window)) : formatSummary(window, { topic: flags.topic, size: flags.size, concurrency: flags.concurrency })
    )
  }, reportFailures)
).pipe(Command.withDescription("Measure send throughput, latency and CPU per message against a cluster"))
