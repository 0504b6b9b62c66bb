/**
 * `npm run bench`: the benchmarks, each printed with how it was measured.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import { Producer } from "../producer/Producer.ts"
import { runCodecBench } from "./CodecBench.ts"
import { runDeadlinesBench } from "./DeadlinesBench.ts"
import { measureProducer, startClusterProcess } from "./ProducerBench.ts"

const format = (n: number) => Math.round(n).toLocaleString("en-US")

const codec = Effect.sync(() => {
  console.log("Codec: encode/decode of a SEND_MESSAGE_V2 frame with a 1 KiB body and 13 header fields")
  console.log("  measured in one process, 300 ms rounds alternating the two cases, median of 3, after 2 000 warm-up ops")
  const samples = runCodecBench()
  for (const sample of samples) {
    console.log(`  ${sample.serializeType.padEnd(8)}  encode ${format(sample.encodesPerSecond).padStart(10)}/s   decode ${format(sample.decodesPerSecond).padStart(10)}/s`)
  }
  const [json, binary] = samples
  if (json !== undefined && binary !== undefined) {
    console.log(`  ratio ROCKETMQ/JSON: encode ${(binary.encodesPerSecond / json.encodesPerSecond).toFixed(2)}x, decode ${(binary.decodesPerSecond / json.decodesPerSecond).toFixed(2)}x`)
  }
})

const deadlines = Effect.gen(function*() {
  console.log("\nRequest deadlines: the client's Deadlines (one fiber, an entry per request) vs Effect.timeoutOrElse per request")
  console.log("  requests answered on the next event-loop turn, 3 s deadlines; median of 3 alternating rounds")
  const samples = yield* runDeadlinesBench
  for (const inFlight of [1, 64, 1024]) {
    const own = samples.find((s) => s.variant === "Deadlines" && s.inFlight === inFlight)?.requestsPerSecond ?? 0
    const effect = samples.find((s) => s.variant === "Effect.timeout" && s.inFlight === inFlight)?.requestsPerSecond ?? 1
    console.log(
      `  ${String(inFlight).padStart(4)} in flight: Deadlines ${format(own).padStart(9)}/s   Effect.timeout ${format(effect).padStart(9)}/s   ` +
        `ratio ${(own / effect).toFixed(2)}x`
    )
  }
})

const producer = Effect.gen(function*() {
  const topic = "BenchTopic"
  console.log("\nProducer: sync sends, 1 KiB bodies, against a testkit cluster (1 broker) in a separate process")
  console.log("  each concurrency: 2 000 warm-up sends, then 20 000 timed sends; one producer, one connection per broker")
  const { address } = yield* startClusterProcess(1, topic)
  const samples = yield* Effect.forEach([1, 16, 64], (inFlight) =>
    measureProducer(topic, inFlight, inFlight === 1 ? 5000 : 20_000)).pipe(
    Effect.provide(Producer.layer({ nameServers: address, producerGroup: "bench_group" }))
  )
  const base = samples[0]?.perSecond ?? 1
  for (const sample of samples) {
    console.log(
      `  ${String(sample.inFlight).padStart(2)} in flight: ${format(sample.perSecond).padStart(8)} msg/s ` +
        `(${sample.messages} in ${format(sample.millis)} ms, ${(sample.perSecond / base).toFixed(2)}x one in flight)`
    )
  }
  // The same 64 in flight with a span per pipeline step (the `stepSpans` option), to show what they cost.
  const spanned = yield* measureProducer(topic, 64, 20_000).pipe(
    Effect.provide(Producer.layer({ nameServers: address, producerGroup: "bench_group", stepSpans: true }))
  )
  const plain = samples.find((sample) => sample.inFlight === 64)?.perSecond ?? 1
  console.log(
    `  64 in flight, stepSpans: ${format(spanned.perSecond).padStart(8)} msg/s ` +
      `(${(spanned.perSecond / plain).toFixed(2)}x without step spans)`
  )
  console.log("  note: the testkit broker is a Node process too; against a real broker the ratios, not the absolute numbers, carry over")
}).pipe(Effect.scoped)

Effect.runPromise(Effect.andThen(Effect.andThen(codec, deadlines), producer)).then(
  () => process.exit(0),
  (error) => {
    console.error(String(error))
    process.exit(1)
  }
)
