/**
 * `npm run bench`: the benchmarks, printed with how they were measured.
 *
 * @since 0.1.0
 */
import { runCodecBench } from "./CodecBench.ts"

const format = (n: number) => Math.round(n).toLocaleString("en-US")

console.log("codec: encode/decode of a SEND_MESSAGE_V2 frame with a 1 KiB body, 13 header fields")
console.log("method: one process, alternating 300 ms rounds per case, median of 3 rounds, after 2000 warm-up ops")
const samples = runCodecBench()
for (const sample of samples) {
  console.log(`  ${sample.serializeType.padEnd(8)}  encode ${format(sample.encodesPerSecond).padStart(10)}/s   decode ${format(sample.decodesPerSecond).padStart(10)}/s`)
}
const [json, binary] = samples
if (json !== undefined && binary !== undefined) {
  console.log(`  ratio ROCKETMQ/JSON: encode ${(binary.encodesPerSecond / json.encodesPerSecond).toFixed(2)}x, decode ${(binary.decodesPerSecond / json.decodesPerSecond).toFixed(2)}x`)
}
