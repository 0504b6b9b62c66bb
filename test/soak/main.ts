/**
 * The soak: the fault suite's generators at volume, for a person to run (`npm run soak`, minutes).
 * Hostile frames and route bodies at a live connection, and hostile send answers at a producer's
 * broker connection; prints the count of every outcome per kind of case and what was left behind,
 * and exits 1 on any violation (a defect, an interrupt, the healthy connection lost or re-dialled,
 * or a socket, timer or fiber left).
 *
 * Options: `--cases N` (default 100 000, split 2:2:1 between frames, routes and sends) and
 * `--seed S` (default 1).
 */
import { parseArgs } from "node:util"
import { Arbitrary, Context, Effect, Layer, References } from "effect"
import type { Scope } from "effect"
import { makeMessage } from "../../src/protocol/message/Message.ts"
import { Producer } from "../../src/producer/Producer.ts"
import { RequestCode } from "../../src/protocol/RequestCode.ts"
import { RouteCache } from "../../src/route/RouteCache.ts"
import { RouteLookup } from "../../src/route/RouteLookup.ts"
import { makeTestNameServer } from "../../src/testkit/TestNameServer.ts"
import { makeNameServerTransport, NameServerTransport } from "../../src/transport/NameServerTransport.ts"
import { RemotingClient } from "../../src/transport/RemotingClient.ts"
import {
  frameAnswer,
  hostilePeer,
  OutcomeTable,
  PROBE_CODE,
  ROUTE_CODE,
  routeAnswer,
  runFrameCase,
  runRouteCase,
  runSendCase,
  sendAnswer
} from "../faults/hostile.ts"
import type { HostileAnswer } from "../faults/hostile.ts"
import { leftoversOf } from "../faults/leaks.ts"

const usage = `Usage: npm run soak -- [--cases N] [--seed S]
  --cases   how many cases, split 2:2:1 between frames, routes and sends (default: 100000)
  --seed    the generators' seed (default: 1)`

/** Bad arguments end the run before any case: one line on stderr, exit code 1. */
const refuse = (problem: string): never => {
  process.stderr.write(`soak: ${problem} (see: npm run soak -- --help)\n`)
  process.exit(1)
}

const parsed = (() => {
  try {
    return parseArgs({ options: { cases: { type: "string" }, seed: { type: "string" }, help: { type: "boolean", short: "h" } }, strict: true }).values
  } catch (error) {
    return refuse(error instanceof Error ? error.message : String(error))
  }
})()
if (parsed.help === true) {
  process.stdout.write(`${usage}\n`)
  process.exit(0)
}

const argument = (name: "cases" | "seed", fallback: number): number => {
  const text = parsed[name]
  if (text === undefined) return fallback
  const value = Number(text)
  return Number.isSafeInteger(value) && value > 0 ? value : refuse(`--${name} must be a positive integer, got "${text}"`)
}

const totalCases = argument("cases", 100_000)
const seed = argument("seed", 1)
const CHUNK = 1000
const placeholder: HostileAnswer = { kind: "wrongOpaque", count: 1, delta: 1 }

/** Runs `count` cases drawn from `arbitrary` in chunks of fresh samples, printing progress. */
const inChunks = (
  label: string,
  arbitrary: Arbitrary.Arbitrary<HostileAnswer>,
  count: number,
  chunkSeed: number,
  run: (answer: HostileAnswer) => Effect.Effect<string>,
  table: OutcomeTable
) =>
  Effect.gen(function*() {
    const started = Date.now()
    for (let done = 0, chunk = 0; done < count; chunk++) {
      const answers = yield* Effect.orDie(Arbitrary.sampleEffect(arbitrary, { count: Math.min(CHUNK, count - done), seed: chunkSeed * 100_003 + chunk }))
      for (const answer of answers) table.add(`${label} ${answer.kind}`, yield* run(answer))
      done += answers.length
      if (chunk % 10 === 9 || done >= count) {
        process.stderr.write(`${label}: ${done}/${count} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`)
      }
    }
  })

const soak = (table: OutcomeTable): Effect.Effect<void, unknown, Scope.Scope> =>
  Effect.gen(function*() {
    const frames = Math.round(totalCases * 0.4)
    const routes = Math.round(totalCases * 0.4)
    const sends = totalCases - frames - routes
    // Each client gets a healthy peer of its own: its one connection there must survive every case.
    const healthyPeer = hostilePeer(-1, placeholder)

    // Frames at a live remoting connection.
    yield* Effect.gen(function*() {
      const peer = yield* hostilePeer(PROBE_CODE, placeholder)
      const healthy = yield* healthyPeer
      const client = yield* RemotingClient
      yield* inChunks("frame", frameAnswer, frames, seed, (answer) => runFrameCase(client, peer, healthy, answer), table)
    }).pipe(Effect.provide(Layer.fresh(RemotingClient.layer({ connectTimeoutMillis: 1000 }))), Effect.scoped)

    // Route answers through the NameServer transport.
    yield* Effect.gen(function*() {
      const peer = yield* hostilePeer(ROUTE_CODE, placeholder)
      const healthy = yield* healthyPeer
      const client = yield* RemotingClient
      const transport = yield* makeNameServerTransport({ addresses: peer.address, timeoutMillis: 2000 })
      yield* inChunks("route", routeAnswer, routes, seed + 1, (answer) => runRouteCase(transport, client, peer, healthy, answer), table)
    }).pipe(Effect.provide(Layer.fresh(RemotingClient.layer({ connectTimeoutMillis: 1000 }))), Effect.scoped)

    // Send answers at a producer's only broker.
    yield* Effect.gen(function*() {
      const peer = yield* hostilePeer(RequestCode.SEND_MESSAGE_V2, placeholder)
      const healthy = yield* healthyPeer
      const ns = yield* makeTestNameServer()
      yield* ns.putTopicRoute("Hostile", {
        brokerDatas: [{ cluster: "C", brokerName: "broker-a", brokerAddrs: { "0": peer.address } }],
        filterServerTable: {},
        queueDatas: [{ brokerName: "broker-a", readQueueNums: 4, writeQueueNums: 4, perm: 6, topicSysFlag: 0 }]
      })
      const context = yield* Layer.build(Layer.fresh(
        Producer.layerNoDeps({ nameServers: ns.address, sendMsgTimeout: "2 seconds" }).pipe(
          Layer.provideMerge(RouteLookup.layer().pipe(
            Layer.provideMerge(RouteCache.layer),
            Layer.provide(NameServerTransport.layer({ addresses: ns.address, timeoutMillis: 2000 }))
          )),
          Layer.provideMerge(RemotingClient.layer({ connectTimeoutMillis: 1000 }))
        )
      ))
      const producer = Context.get(context, Producer)
      const client = Context.get(context, RemotingClient)
      let n = 0
      yield* inChunks(
        "send",
        sendAnswer,
        sends,
        seed + 2,
        (answer) => runSendCase(producer.send, client, peer, healthy, answer, makeMessage("Hostile", `m${n++}`)),
        table
      )
    }).pipe(Effect.scoped)
  })

const main = Effect.gen(function*() {
  const table = new OutcomeTable()
  const started = Date.now()
  const [, left] = yield* leftoversOf(soak(table))
  const seconds = ((Date.now() - started) / 1000).toFixed(1)
  const lines = [
    `soak: ${table.total} hostile cases (seed ${seed}) in ${seconds} s on Node ${process.version}`,
    "",
    `${"case".padEnd(22)} ${"outcome".padEnd(28)} count`,
    ...table.lines(),
    "",
    `left after the scopes closed: ${left.sockets} sockets, ${left.timers} timers, ${left.fibers} fibers`,
    `violations: ${table.violations.length === 0 ? "none" : ""}`,
    ...table.violations
  ]
  process.stdout.write(lines.join("\n") + "\n")
  const clean = table.violations.length === 0 && left.sockets === 0 && left.timers === 0 && left.fibers === 0
  if (!clean) process.exitCode = 1
})

// The client's warnings (a heartbeat on a connection a hostile answer closed, say) are expected
// here by the hundred; the table counts what matters.
Effect.runPromise(main.pipe(Effect.provideService(References.MinimumLogLevel, "Error"), Effect.catchCause((cause) => Effect.sync(() => {
  process.stderr.write(`soak failed: ${String(cause)}\n`)
  process.exitCode = 1
}))))
