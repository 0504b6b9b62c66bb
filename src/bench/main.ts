/**
 * `npm run bench`: every benchmark, side by side in one run, each with how it was measured, then
 * one table. `-- --json` prints one JSON line per case instead:
 * `{"bench", "ops_per_sec", "peer", "peer_ops_per_sec", "ratio", …the case's own figures}`.
 * `-- --quick` shortens every case (for a smoke run; not for figures). `-- --only codec,producer`
 * runs some of `codec`, `deadlines`, `sendpath`, `producer`, `route`, `rss`, `brokers`.
 *
 * @since 0.1.0
 */
import * as Os from "node:os"
import { Effect, Schema } from "effect"
import { aliOnsVersion } from "./AliOns.ts"
import { runCodecBench } from "./CodecBench.ts"
import { runDeadlinesBench } from "./DeadlinesBench.ts"
import { pinned, runCase, startCluster } from "./Processes.ts"
import type { CaseOptions } from "./Processes.ts"

const args = process.argv.slice(2)
const cases = ["codec", "deadlines", "sendpath", "producer", "route", "rss", "brokers"]
const usage = `npm run bench [-- [--json] [--quick] [--only ${cases.join(",")}]]

Runs the benchmarks side by side against a testkit cluster in another process (about 11 minutes).
  --json    one JSON line per case: {"bench", "ops_per_sec", "peer", "peer_ops_per_sec", "ratio", ...}
  --quick   every case shortened: a smoke run, not figures
  --only    a comma-separated subset of the cases
See docs/benchmarks.md.`
const unknown = args.filter((arg, i) => !["--json", "--quick", "--only"].includes(arg) && args[i - 1] !== "--only")
if (args.includes("--help") || args.includes("-h") || unknown.length > 0) {
  if (unknown.length > 0 && !args.includes("--help") && !args.includes("-h")) process.stderr.write(`unknown argument(s): ${unknown.join(" ")}\n\n`)
  process.stdout.write(`${usage}\n`)
  process.exit(unknown.length > 0 && !args.includes("--help") && !args.includes("-h") ? 1 : 0)
}
const json = args.includes("--json")
const quick = args.includes("--quick")
const onlyIndex = args.indexOf("--only")
const only = onlyIndex >= 0 ? (args[onlyIndex + 1] ?? "").split(",") : cases
const selected = (name: string) => only.includes(name)
const unknownCases = only.filter((name) => !cases.includes(name))
if (unknownCases.length > 0) {
  process.stderr.write(`unknown case(s): ${unknownCases.join(", ")}; the cases are ${cases.join(", ")}\n`)
  process.exit(1)
}

const say = (text = "") => {
  if (!json) process.stdout.write(`${text}\n`)
}
const emit = (line: Record<string, unknown>) => {
  if (json) process.stdout.write(`${JSON.stringify(line)}\n`)
}
const fmt = (n: number, digits = 0) => n.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits })
const median = (values: ReadonlyArray<number>) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0

const CaseSummary = Schema.Struct({
  client: Schema.String,
  inFlight: Schema.Number,
  msgsPerSec: Schema.Number,
  mbPerSec: Schema.Number,
  p50: Schema.Number,
  p90: Schema.Number,
  p99: Schema.Number,
  max: Schema.Number,
  sent: Schema.Number,
  errors: Schema.Record(Schema.String, Schema.Number),
  cpuMsPerKmsg: Schema.Number
})
type CaseSummary = typeof CaseSummary.Type
const decodeCase = Schema.decodeUnknownSync(CaseSummary)

/** The rounds of one client: the first round's summary with the medians of msgs/s, p50, p99 and CPU, and every round. */
const mediansOf = (list: ReadonlyArray<CaseSummary>) => {
  const [first] = list
  if (first === undefined) return undefined
  return { ...first, msgsPerSec: median(list.map((r) => r.msgsPerSec)), p50: median(list.map((r) => r.p50)), p99: median(list.map((r) => r.p99)), cpuMsPerKmsg: median(list.map((r) => r.cpuMsPerKmsg)), rounds: list }
}
/** `lowest–highest` of the rounds' values, or the one value. */
const range = (values: ReadonlyArray<number>, digits: number) =>
  values.length > 1 ? `${fmt(Math.min(...values), digits)}–${fmt(Math.max(...values), digits)}` : fmt(values[0] ?? 0, digits)
/** A case's errors by tag, for a table cell. */
const errorsCell = (errors: Readonly<Record<string, number>>) => Object.entries(errors).map(([tag, n]) => `${tag} ${n}`).join(", ") || "0"
/** The clients in the order of `round`: each round starts one further along, so none always goes first. */
const rotated = <A>(clients: ReadonlyArray<A>, round: number): Array<A> =>
  [...clients.slice(round % clients.length), ...clients.slice(0, round % clients.length)]

type Medians = NonNullable<ReturnType<typeof mediansOf>>
/** A producer table row: the client's rates and CPU over its rounds, and its CPU against each floor given. */
const producerRow = (label: string, client: string, r: Medians, floors: ReadonlyArray<Medians | undefined>): Array<string> => [
  label, client, range(r.rounds.map((x) => x.msgsPerSec), 0), fmt(r.p50, 3), fmt(r.p99, 3),
  range(r.rounds.map((x) => x.cpuMsPerKmsg), 1),
  ...floors.map((floor) => floor === undefined ? "" : `${(r.cpuMsPerKmsg / floor.cpuMsPerKmsg).toFixed(2)}×`),
  errorsCell(r.errors)
]
/** The figures of a producer JSON line comparing this client (`ours`) with a peer: rates, CPU and their ratios. */
const versus = (ours: Medians, peer: string, r: Medians) => ({
  ops_per_sec: ours.msgsPerSec, peer, peer_ops_per_sec: r.msgsPerSec,
  ratio: Number((ours.msgsPerSec / r.msgsPerSec).toFixed(3)),
  cpuMsPerKmsg: ours.cpuMsPerKmsg, peer_cpuMsPerKmsg: r.cpuMsPerKmsg,
  cpu_ratio: Number((ours.cpuMsPerKmsg / r.cpuMsPerKmsg).toFixed(3))
})

const SendSummary = Schema.Struct({ msgsPerSec: Schema.Number, p50: Schema.Number, p99: Schema.Number, cpuMsPerKmsg: Schema.Number })
const RouteResult = Schema.Struct({
  lookup: Schema.Struct({
    lookupCpuMicros: Schema.Number,
    lookupWallMicros: Schema.Number,
    sendCpuMicros: Schema.Number,
    share: Schema.Number,
    send: SendSummary
  }),
  scale: Schema.Struct({
    topics: Schema.Number,
    loadMillis: Schema.Number,
    heapBytesPerTopic: Schema.Number,
    cycleMillis: Schema.Number,
    cycleCpuMillis: Schema.Number,
    requestsPerCycle: Schema.Number,
    cyclesDuringSends: Schema.Number,
    p99Quiet: Schema.Number,
    p99DuringRefresh: Schema.Number,
    p99Ratio: Schema.Number,
    quiet: SendSummary,
    during: SendSummary
  })
})
const RssResult = Schema.Struct({
  client: Schema.String,
  early: Schema.Number,
  earlyNewSpace: Schema.Number,
  warmupSends: Schema.Number,
  growthSinceEarly: Schema.Number,
  quarters: Schema.Array(Schema.Number),
  before: Schema.Number,
  after: Schema.Number,
  growth: Schema.Number,
  heapBefore: Schema.Number,
  heapAfter: Schema.Number,
  externalBefore: Schema.Number,
  externalAfter: Schema.Number,
  newSpaceBefore: Schema.Number,
  newSpaceAfter: Schema.Number,
  msgsPerSec: Schema.Number,
  sent: Schema.Number,
  errors: Schema.Record(Schema.String, Schema.Number)
})

const describeMachine = () => {
  const cpus = Os.cpus()
  const [one, five] = Os.loadavg()
  return {
    cpu: `${cpus.length} × ${cpus[0]?.model.trim() ?? "unknown CPU"}`,
    memory: `${fmt(Os.totalmem() / 2 ** 30, 1)} GiB`,
    os: `${Os.type()} ${Os.release()} ${Os.arch()}`,
    node: process.version,
    load: `load average ${fmt(one ?? 0, 2)} (1 min), ${fmt(five ?? 0, 2)} (5 min) at the start`
  }
}

const warmup = quick ? 1 : 2
const duration = quick ? 2 : 8
const clients = ["effect-rocketmq", "ali-ons", "raw", "raw-effect-net", "raw-effect-platform"] as const
const peerName = {
  "effect-rocketmq": "effect-rocketmq",
  "ali-ons": `ali-ons ${aliOnsVersion()}`,
  raw: "raw pipelined",
  "raw-effect-net": "raw on Effect, node:net",
  "raw-effect-platform": "raw on Effect, platform socket"
}
/** The raw clients run at 64 in flight only. */
const rawClients: ReadonlyArray<string> = ["raw", "raw-effect-net", "raw-effect-platform"]

const codec = () => {
  say("== Codec: this client against ali-ons's RemotingCommand, in this process")
  say("   9 rounds of 300 ms per side back to back (which side goes first alternates), after 200 ms of warm-up each;")
  say("   medians of the rounds' rates, and the median of the rounds' ratios")
  const samples = quick ? runCodecBench(100, 3) : runCodecBench()
  for (const sample of samples) {
    const ratio = sample.ratio
    say(`   ${sample.description}`)
    say(`     effect-rocketmq ${fmt(sample.opsPerSec).padStart(10)} ops/s   ali-ons ${fmt(sample.peerOpsPerSec).padStart(10)} ops/s   ratio ${ratio.toFixed(2)}×`)
    emit({ bench: sample.bench, ops_per_sec: Math.round(sample.opsPerSec), peer: peerName["ali-ons"], peer_ops_per_sec: Math.round(sample.peerOpsPerSec), ratio: Number(ratio.toFixed(3)) })
  }
  say()
}

const deadlines = async () => {
  say("== Request deadlines: the client's Deadlines (one fiber, an entry per request) against Effect.timeoutOrElse per request")
  say("   requests answered on the next event-loop turn, 3 s deadlines; median of 3 alternating rounds")
  const samples = await Effect.runPromise(runDeadlinesBench)
  for (const inFlight of [1, 64, 1024]) {
    const own = samples.find((s) => s.variant === "Deadlines" && s.inFlight === inFlight)?.requestsPerSecond ?? 0
    const effect = samples.find((s) => s.variant === "Effect.timeout" && s.inFlight === inFlight)?.requestsPerSecond ?? 1
    say(`   ${String(inFlight).padStart(4)} in flight: Deadlines ${fmt(own).padStart(9)}/s   Effect.timeout ${fmt(effect).padStart(9)}/s   ratio ${(own / effect).toFixed(2)}×`)
    emit({ bench: `deadlines.inflight-${inFlight}`, ops_per_sec: Math.round(own), peer: "Effect.timeoutOrElse", peer_ops_per_sec: Math.round(effect), ratio: Number((own / effect).toFixed(3)) })
  }
  say()
}

const SendPathResult = Schema.Struct({ client: Schema.String, cpuMicrosPerSend: Schema.Number, rounds: Schema.Array(Schema.Number) })

const sendPath = async () => {
  const sends = quick ? 50_000 : 200_000
  const rounds = quick ? 2 : 5
  say("== Send path without sockets: each client's own CPU per send, 64 in flight, 1 KiB bodies")
  say("   each client in its own process; answers come from memory, those of one event-loop turn at once, so no system")
  say(`   call and no broker is in the measure; ${rounds} rounds of ${fmt(sends)} sends after one more not counted; CPU per send, median`)
  say("   every answer is a real broker's answer as bytes (a copy with the request's opaque), read by the client as it reads")
  say("   a socket's. effect-rocketmq: the producer on a remoting client whose requests are encoded as usual and whose answers")
  say("   go through its frame decoder; raw on Effect: per send an Effect.callback and a copy of a template frame, answers read")
  say("   as the raw clients read theirs; raw: the same with a promise")
  const cluster = await startCluster(1, "BenchTopic")
  try {
    const measured: Record<string, typeof SendPathResult.Type> = {}
    for (const client of ["effect-rocketmq", "raw-effect", "raw"]) {
      measured[client] = Schema.decodeUnknownSync(SendPathResult)(
        await runCase("SendPathCase", [client, cluster.address, "BenchTopic", String(sends), String(rounds)])
      )
    }
    const ours = measured["effect-rocketmq"]?.cpuMicrosPerSend ?? 0
    for (const [client, name] of [["raw-effect", "raw on Effect, no socket"], ["raw", "raw, no socket"]] as const) {
      const peer = measured[client]?.cpuMicrosPerSend ?? 0
      say(`   effect-rocketmq ${fmt(ours, 2)} µs   ${name} ${fmt(peer, 2)} µs   ratio ${(ours / peer).toFixed(2)}×   (${fmt(ours - peer, 2)} µs more per send)`)
      emit({
        bench: `sendpath.inflight-64.vs-${client}`, ops_per_sec: Math.round(1e6 / ours), peer: name, peer_ops_per_sec: Math.round(1e6 / peer),
        ratio: Number((peer / ours).toFixed(3)), cpu_us_per_send: ours, peer_cpu_us_per_send: peer, cpu_ratio: Number((ours / peer).toFixed(3)),
        rounds: measured["effect-rocketmq"]?.rounds, peer_rounds: measured[client]?.rounds
      })
    }
    say()
  } finally {
    cluster.stop()
  }
}

let producer64: CaseSummary | undefined

/**
 * Rounds at 64 in flight: the figure of the CPU target, which moves by ±5 % from run to run with
 * the broker's pace; five rounds give a steadier median than three.
 */
const roundsAt64 = 5

/**
 * The clients measured again at 64 in flight in other conditions (after a full collection; on the
 * broker's CPU), and the rounds of each: an odd count, so the median is one round's figure.
 */
const extraClients = ["effect-rocketmq", "ali-ons", "raw"] as const
const extraRoundCount = 3

/**
 * More rounds at 64 in flight of this client, ali-ons and the raw client, run another way
 * (`options`): their table rows (CPU against the raw client's), a line with each client's msgs/s
 * against the raw client's, and their JSON lines (`producer.inflight-64.<name>.vs-<client>`).
 */
const extraRounds = async (
  address: string,
  label: string,
  name: string,
  options: CaseOptions
): Promise<{ readonly rows: Array<Array<string>>; readonly throughput: string }> => {
  const results: Record<string, Array<CaseSummary>> = Object.fromEntries(extraClients.map((client) => [client, []]))
  for (let round = 0; round < extraRoundCount; round++) {
    for (const client of rotated(extraClients, round)) {
      results[client]!.push(decodeCase(await runCase("ProducerCase", [client, address, "BenchTopic", "64", String(warmup), String(duration)], options)))
    }
  }
  const ours = mediansOf(results["effect-rocketmq"] ?? [])
  const floor = mediansOf(results["raw"] ?? [])
  if (ours === undefined || floor === undefined) return { rows: [], throughput: "" }
  const rows: Array<Array<string>> = []
  const throughput: Array<string> = []
  for (const client of extraClients) {
    const r = mediansOf(results[client] ?? [])
    if (r === undefined) continue
    rows.push(producerRow(label, peerName[client], r, [floor, undefined]))
    if (client !== "raw") throughput.push(`${peerName[client]} ${(r.msgsPerSec / floor.msgsPerSec).toFixed(2)}×`)
    if (client === "effect-rocketmq") continue
    emit({ bench: `producer.inflight-64.${name}.vs-${client}`, ...versus(ours, peerName[client], r), rounds: extraRoundCount })
  }
  return { rows, throughput: `${label}: msgs/s against the raw client's: ${throughput.join(", ")}` }
}

const producer = async () => {
  say("== Producer: sync sends of 1 KiB bodies against a testkit cluster (1 broker) in another process")
  say(`   each client in its own process, one after the other: ${warmup} s warm-up, then ${duration} s measured;`)
  say(`   the order of the clients rotates each round; ${quick ? "one round" : `${roundsAt64} rounds at 64 in flight`}, medians shown.`)
  say("   CPU: the client process's user + system time over the measured window, per 1 000 messages.")
  say("   Headers: effect-rocketmq its default, the binary ROCKETMQ header; ali-ons JSON (all it has); the raw clients binary.")
  say("   raw pipelined: one SEND_MESSAGE_V2 frame encoded once, per send a copy with a new opaque, answers matched by opaque.")
  say("   raw on Effect: the same work, each send an Effect run by the Effect driver's fibers, on a node:net socket, or on the")
  say("   @effect/platform-node socket as this client's transport uses it: a reader fiber pulling it, each frame written by its")
  say("   caller to the Node socket under it, corked as the transport corks it (src/bench/EffectRawClient.ts): the least CPU an")
  say("   Effect client on that socket spends per send; the rest of this client's CPU is its own work.")
  if (!quick) {
    say(`   "64, after a full GC": ${extraRoundCount} more rounds of this client, ali-ons and the raw client, each run with --expose-gc and one`)
    say("   full collection near the end of its warm-up, as a long-running process has them now and then.")
    if (pinned) {
      say(`   "64, sharing the broker's CPU": ${extraRoundCount} more rounds of the same three, each client pinned to the cluster's CPU, so every`)
      say("   microsecond the client spends is taken from the broker (as on a small machine where the broker wants every core):")
      say("   msgs/s is then what the client's and the broker's CPU per message together allow.")
    }
  }
  const cluster = await startCluster(1, "BenchTopic")
  try {
    const rows: Array<Array<string>> = []
    for (const inFlight of [1, 16, 64]) {
      const rounds = inFlight === 64 && !quick ? roundsAt64 : 1
      const results: Record<string, Array<CaseSummary>> = Object.fromEntries(clients.map((client) => [client, []]))
      for (let round = 0; round < rounds; round++) {
        for (const client of rotated(clients, round)) {
          if (rawClients.includes(client) && inFlight < 64) continue
          const result = decodeCase(await runCase("ProducerCase", [client, cluster.address, "BenchTopic", String(inFlight), String(warmup), String(duration)]))
          results[client]!.push(result)
        }
      }
      const pick = (client: string) => mediansOf(results[client] ?? [])
      const ours = pick("effect-rocketmq")!
      if (inFlight === 64) producer64 = ours
      const floor = pick("raw")
      const effectFloor = pick("raw-effect-platform")
      for (const client of clients) {
        const r = pick(client)
        if (r === undefined) continue
        rows.push(producerRow(String(inFlight), peerName[client], r, [floor, effectFloor]))
        if (client === "effect-rocketmq") continue
        emit({
          bench: `producer.inflight-${inFlight}.vs-${client}`,
          ...versus(ours, peerName[client], r),
          p50: ours.p50, p99: ours.p99, peer_p50: r.p50, peer_p99: r.p99,
          p50_ratio: Number((ours.p50 / r.p50).toFixed(3)),
          rounds: ours.rounds.length
        })
      }
    }
    const notes: Array<string> = []
    if (!quick) {
      // At 64 in flight after one full collection near the end of the warm-up, as a long-running process has them;
      // then on the broker's CPU: what each client's CPU costs the broker's throughput.
      const conditions: Array<readonly [string, string, CaseOptions]> = [["64, after a full GC", "after-full-gc", { nodeFlags: ["--expose-gc"] }]]
      if (pinned) conditions.push(["64, sharing the broker's CPU", "shared-cpu", { sharesClusterCpu: true }])
      for (const [label, name, options] of conditions) {
        const extra = await extraRounds(cluster.address, label, name, options)
        rows.push(...extra.rows)
        notes.push(extra.throughput)
      }
    }
    // The same at 64 in flight with a span per pipeline step (the `stepSpans` option), to show what they cost.
    const spans = decodeCase(await runCase("ProducerCase", ["effect-rocketmq-spans", cluster.address, "BenchTopic", "64", String(warmup), String(duration)]))
    rows.push(["64", "effect-rocketmq, stepSpans", fmt(spans.msgsPerSec), fmt(spans.p50, 3), fmt(spans.p99, 3), fmt(spans.cpuMsPerKmsg, 1), "", "", errorsCell(spans.errors)])
    if (producer64 !== undefined) {
      emit({
        bench: "producer.inflight-64.step-spans", ops_per_sec: spans.msgsPerSec, peer: "effect-rocketmq without step spans",
        peer_ops_per_sec: producer64.msgsPerSec, ratio: Number((spans.msgsPerSec / producer64.msgsPerSec).toFixed(3)),
        cpuMsPerKmsg: spans.cpuMsPerKmsg, peer_cpuMsPerKmsg: producer64.cpuMsPerKmsg
      })
    }
    say()
    say(table(["in flight", "client", "msgs/s", "p50 ms", "p99 ms", "CPU ms/1000", "CPU vs raw", "vs raw on Effect", "errors"], rows))
    for (const note of notes) say(note)
    say()
  } finally {
    cluster.stop()
  }
}

const route = async () => {
  const topics = quick ? 1000 : 10_000
  say(`== Route: a cached lookup's CPU against a send's; ${fmt(topics)} cached topics`)
  say("   one process against a testkit cluster process; 200 000 cached lookups of one topic timed by process CPU;")
  say(`   ${fmt(topics)} topics (one queue each) looked up, heap after a full GC; one refreshAll cycle timed;`)
  say("   then 64 sends in flight for the same time without refreshing and while refresh cycles run back to back.")
  const cluster = await startCluster(1, "BenchTopic", topics)
  try {
    const r = Schema.decodeUnknownSync(RouteResult)(await runCase("RouteCase", [cluster.address, "BenchTopic", String(topics), String(quick ? 2 : 4)], { nodeFlags: ["--expose-gc"] }))
    say(`   cached lookup ${fmt(r.lookup.lookupCpuMicros, 2)} µs CPU (${fmt(r.lookup.lookupWallMicros, 2)} µs wall); a send ${fmt(r.lookup.sendCpuMicros, 1)} µs CPU: ${(r.lookup.share * 100).toFixed(1)} % of a send`)
    say(`   ${fmt(r.scale.topics)} topics: loaded in ${fmt(r.scale.loadMillis)} ms, ${fmt(r.scale.heapBytesPerTopic)} bytes of heap per cached topic`)
    say(`   refresh cycle: ${fmt(r.scale.cycleMillis)} ms, ${fmt(r.scale.requestsPerCycle)} NameServer requests, ${fmt(r.scale.cycleCpuMillis)} ms CPU`)
    say(`   send p99 ${fmt(r.scale.p99Quiet, 3)} ms without refresh, ${fmt(r.scale.p99DuringRefresh, 3)} ms while refresh cycles ran back to back (${r.scale.cyclesDuringSends} started): ${r.scale.p99Ratio.toFixed(2)}×`)
    say(`   (msgs/s ${fmt(r.scale.quiet.msgsPerSec)} without, ${fmt(r.scale.during.msgsPerSec)} during)`)
    say()
    emit({
      bench: "route.cached-lookup", ops_per_sec: Math.round(1e6 / r.lookup.lookupCpuMicros), peer: "send at 64 in flight (CPU)",
      peer_ops_per_sec: Math.round(1e6 / r.lookup.sendCpuMicros), ratio: Number((r.lookup.sendCpuMicros / r.lookup.lookupCpuMicros).toFixed(1)),
      lookup_cpu_us: r.lookup.lookupCpuMicros, send_cpu_us: r.lookup.sendCpuMicros, share: Number(r.lookup.share.toFixed(4))
    })
    emit({
      bench: `scale.${topics}-topics-refresh`, ops_per_sec: Math.round((r.scale.topics / r.scale.cycleMillis) * 1000), peer: "sends without refresh",
      peer_ops_per_sec: r.scale.quiet.msgsPerSec, ratio: Number((r.scale.during.msgsPerSec / r.scale.quiet.msgsPerSec).toFixed(3)),
      cycle_ms: Math.round(r.scale.cycleMillis), requests_per_cycle: r.scale.requestsPerCycle, cycle_cpu_ms: Math.round(r.scale.cycleCpuMillis),
      heap_bytes_per_topic: Math.round(r.scale.heapBytesPerTopic), p99_quiet: r.scale.p99Quiet, p99_during_refresh: r.scale.p99DuringRefresh,
      p99_ratio: Number(r.scale.p99Ratio.toFixed(3))
    })
  } finally {
    cluster.stop()
  }
}

const rss = async () => {
  const sends = quick ? 100_000 : 1_000_000
  say(`== Memory: RSS over ${fmt(sends)} sends (64 in flight, 1 KiB), one client, each figure after a full GC`)
  say("   in a process of its own; RSS after 20 000 sends (early), then after more 20 000-send batches until V8's young")
  say("   generation stayed the same for three of them (it grows in steps, by the bytes that survive young collections:")
  say("   before), after each quarter of the sends, and at the end. This client with Node's defaults and with the young")
  say("   generation capped (--max-semi-space-size=16); then ali-ons and the raw reference client with Node's defaults,")
  say("   measured the same way.")
  say("   The growth outside the young generation is the RSS growth less the growth of the young generation's committed size")
  const cluster = await startCluster(1, "BenchTopic")
  try {
    const runs = [
      ["effect-rocketmq", "defaults", []],
      ["effect-rocketmq", "semi-space 16 MiB", ["--max-semi-space-size=16"]],
      ["ali-ons", "defaults", []],
      ["raw", "defaults", []]
    ] as const
    for (const [client, label, flags] of runs) {
      const r = Schema.decodeUnknownSync(RssResult)(
        await runCase("RssCase", [client, cluster.address, "BenchTopic", String(sends)], { nodeFlags: ["--expose-gc", ...flags] })
      )
      const mb = (bytes: number) => bytes / 2 ** 20
      const delta = (before: number, after: number) => `${after >= before ? "+" : ""}${fmt(mb(after - before), 1)}`
      say(`   ${client}, ${label}: RSS ${fmt(mb(r.before), 1)} → ${fmt(mb(r.after), 1)} MiB (${delta(r.before, r.after)} MiB) over ${fmt(r.sent)} sends at ${fmt(r.msgsPerSec)} msgs/s`)
      say(`     after each quarter: ${r.quarters.map((q) => fmt(mb(q), 1)).join(", ")} MiB`)
      say(`     since the early point (${fmt(mb(r.early), 1)} MiB, young generation ${fmt(mb(r.earlyNewSpace), 1)} MiB, ${fmt(r.warmupSends)} sends before "before"): ${delta(r.early, r.after)} MiB`)
      say(`     JS heap in use ${delta(r.heapBefore, r.heapAfter)} MiB, external ${delta(r.externalBefore, r.externalAfter)} MiB, young generation committed ${fmt(mb(r.newSpaceBefore), 1)} → ${fmt(mb(r.newSpaceAfter), 1)} MiB`)
      // What V8's sizing of its young generation does not explain: the client's own growth.
      const outsideYoung = (rssFrom: number, youngFrom: number) => mb(r.after - rssFrom - (r.newSpaceAfter - youngFrom))
      say(`     RSS growth outside the young generation: ${fmt(outsideYoung(r.before, r.newSpaceBefore), 1)} MiB from "before", ${fmt(outsideYoung(r.early, r.earlyNewSpace), 1)} MiB from the early point`)
      const variant = flags.length === 0 ? "" : ".semi-space-16"
      emit({
        bench: `rss.${sends}-sends${client === "effect-rocketmq" ? "" : `.${client}`}${variant}`, client,
        ops_per_sec: r.msgsPerSec, peer: null, peer_ops_per_sec: null, ratio: null,
        rss_before_mb: Number(mb(r.before).toFixed(1)), rss_after_mb: Number(mb(r.after).toFixed(1)), growth_mb: Number(mb(r.growth).toFixed(1)),
        rss_quarters_mb: r.quarters.map((q) => Number(mb(q).toFixed(1))),
        rss_early_mb: Number(mb(r.early).toFixed(1)), growth_since_early_mb: Number(mb(r.growthSinceEarly).toFixed(1)), warmup_sends: r.warmupSends,
        heap_growth_mb: Number(mb(r.heapAfter - r.heapBefore).toFixed(1)), external_growth_mb: Number(mb(r.externalAfter - r.externalBefore).toFixed(1)),
        new_space_early_mb: Number(mb(r.earlyNewSpace).toFixed(1)),
        new_space_before_mb: Number(mb(r.newSpaceBefore).toFixed(1)), new_space_after_mb: Number(mb(r.newSpaceAfter).toFixed(1)),
        growth_outside_young_mb: Number(outsideYoung(r.before, r.newSpaceBefore).toFixed(1)),
        growth_since_early_outside_young_mb: Number(outsideYoung(r.early, r.earlyNewSpace).toFixed(1)),
        sent: r.sent, errors: r.errors, node_flags: flags.join(" ")
      })
    }
    say()
  } finally {
    cluster.stop()
  }
}

const brokers = async () => {
  const count = quick ? 20 : 100
  say(`== Scale: one producer sending to a topic on ${count} brokers (64 in flight, ${duration} s), against one broker`)
  const wide = await startCluster(count, "WideTopic")
  let many: CaseSummary
  try {
    many = decodeCase(await runCase("ProducerCase", ["effect-rocketmq", wide.address, "WideTopic", "64", String(warmup), String(duration)]))
  } finally {
    wide.stop()
  }
  let one = producer64
  if (one === undefined) {
    const single = await startCluster(1, "BenchTopic")
    try {
      one = decodeCase(await runCase("ProducerCase", ["effect-rocketmq", single.address, "BenchTopic", "64", String(warmup), String(duration)]))
    } finally {
      single.stop()
    }
  }
  say(`   ${count} brokers: ${fmt(many.msgsPerSec)} msgs/s, p50 ${many.p50} ms, p99 ${many.p99} ms, ${many.cpuMsPerKmsg} ms CPU per 1 000`)
  say(`   1 broker:   ${fmt(one.msgsPerSec)} msgs/s, p50 ${one.p50} ms, p99 ${one.p99} ms, ${one.cpuMsPerKmsg} ms CPU per 1 000`)
  say()
  emit({
    bench: `scale.${count}-brokers`, ops_per_sec: many.msgsPerSec, peer: "1 broker", peer_ops_per_sec: one.msgsPerSec,
    ratio: Number((many.msgsPerSec / one.msgsPerSec).toFixed(3)), p99: many.p99, peer_p99: one.p99,
    cpuMsPerKmsg: many.cpuMsPerKmsg, peer_cpuMsPerKmsg: one.cpuMsPerKmsg, errors: many.errors
  })
}

const table = (header: ReadonlyArray<string>, rows: ReadonlyArray<ReadonlyArray<string>>) => {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? "").length)))
  const line = (cells: ReadonlyArray<string>) => `| ${cells.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join(" | ")} |`
  return [line(header), `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`, ...rows.map(line)].join("\n")
}

const main = async () => {
  const machine = describeMachine()
  say("effect-rocketmq benchmarks")
  say(`machine: ${machine.cpu}, ${machine.memory}, ${machine.os}; Node ${machine.node}; ${machine.load}`)
  say("The broker is the testkit's (a Node process), not Apache RocketMQ: compare the clients side by side, not the absolute numbers.")
  say(pinned
    ? "Processes pinned with taskset: the cluster on CPU 0, each measured client on CPU 1 (the codec and deadline cases run in this process, unpinned)."
    : "Processes not pinned (no taskset or one CPU): the scheduler places them, and figures move more from run to run.")
  say()
  emit({ bench: "machine", ...machine, pinned })
  if (selected("codec")) codec()
  if (selected("deadlines")) await deadlines()
  if (selected("sendpath")) await sendPath()
  if (selected("producer")) await producer()
  if (selected("route")) await route()
  if (selected("rss")) await rss()
  if (selected("brokers")) await brokers()
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`)
    process.exit(1)
  }
)
