/**
 * The send path without sockets, in a process of its own: each client's own CPU per send, with no
 * system calls and no broker in the measure. Answers come from memory, all those of one turn of the
 * event loop at once (`setImmediate`), as a read brings several; 64 sends in flight.
 *
 * - `effect-rocketmq`: the producer (validation, unique id, route cache, queue selection, attempt
 *   budget, header and frame encoding, answer reading, fault records, metrics) on a remoting client
 *   whose SEND_MESSAGE_V2 requests are encoded as the client encodes them and answered from memory
 *   with a copy of a real broker's answer (the first send goes to the cluster for it);
 * - `raw-effect`: per send an `Effect.callback` and a copy of a template frame with a new opaque,
 *   run by the same kind of fibers: the least an Effect client spends;
 * - `raw`: the same with a promise per send and no Effect.
 *
 * Usage: `node SendPathCase.ts <effect-rocketmq|raw-effect|raw> <namesrv> <topic> <sendsPerRound> <rounds>`;
 * prints `{ client, cpuMicrosPerSend, rounds }` (the median and every measured round; one more round
 * first, not counted, warms up).
 *
 * @since 0.1.0
 */
import { Buffer } from "node:buffer"
import { Effect, Layer } from "effect"
import { makeMessage } from "../protocol/message/Message.ts"
import { encodeFrameParts } from "../protocol/Frame.ts"
import { RequestCode } from "../protocol/RequestCode.ts"
import { withOpaque } from "../protocol/RemotingCommand.ts"
import type { RemotingCommand } from "../protocol/RemotingCommand.ts"
import { Producer } from "../producer/Producer.ts"
import { RouteCache } from "../route/RouteCache.ts"
import { RouteLookup } from "../route/RouteLookup.ts"
import { NameServerTransport } from "../transport/NameServerTransport.ts"
import { RemotingClient } from "../transport/RemotingClient.ts"
import { makeNextTurnAnswers } from "./NextTurnAnswers.ts"
import { OPAQUE_OFFSET } from "./RawClient.ts"
import { rawTarget } from "./RawTarget.ts"

const [client = "effect-rocketmq", namesrv = "", topic = "BenchTopic", perRound = "200000", rounds = "5"] = process.argv.slice(2)
const inFlight = 64
const body = Buffer.alloc(1024, 0x78)

const cpuMicros = () => {
  const used = process.cpuUsage()
  return used.user + used.system
}

/** CPU microseconds per send of each round of `send` run by `inFlight` fibers, the first round not counted. */
const measureEffect = <E, R>(send: Effect.Effect<unknown, E, R>): Effect.Effect<ReadonlyArray<number>, E, R> =>
  Effect.gen(function*() {
    const sends = Number(perRound)
    const results: Array<number> = []
    for (let i = 0; i <= Number(rounds); i++) {
      let left = sends
      const worker = Effect.gen(function*() {
        while (left > 0) {
          left--
          yield* send
        }
      })
      const start = cpuMicros()
      yield* Effect.all(Array.from({ length: inFlight }, () => worker), { concurrency: "unbounded", discard: true })
      if (i > 0) results.push((cpuMicros() - start) / sends)
    }
    return results
  })

/** The same for a promise per send, by `inFlight` async loops. */
const measurePromise = async (send: () => Promise<unknown>): Promise<ReadonlyArray<number>> => {
  const sends = Number(perRound)
  const results: Array<number> = []
  for (let i = 0; i <= Number(rounds); i++) {
    let left = sends
    const worker = async () => {
      while (left > 0) {
        left--
        await send()
      }
    }
    const start = cpuMicros()
    await Promise.all(Array.from({ length: inFlight }, worker))
    if (i > 0) results.push((cpuMicros() - start) / sends)
  }
  return results
}

/** The producer on a remoting client whose sends are answered from memory. */
const thisClient = (): Promise<ReadonlyArray<number>> => {
  const answerLater = makeNextTurnAnswers()
  const loopback = Layer.effect(
    RemotingClient,
    Effect.gen(function*() {
      const real = yield* RemotingClient
      let answer: RemotingCommand | undefined
      let opaque = 0
      return RemotingClient.of({
        ...real,
        invoke: (address, request, options) => {
          const known = answer
          if (request.code !== RequestCode.SEND_MESSAGE_V2 || known === undefined) {
            return Effect.tap(real.invoke(address, request, options), (response) =>
              Effect.sync(() => {
                if (request.code === RequestCode.SEND_MESSAGE_V2 && response.code === 0) answer = response
              }))
          }
          return Effect.callback<RemotingCommand>((resume) => {
            const sent = ++opaque
            // Encoded as the client encodes every request; the bytes go nowhere.
            encodeFrameParts(withOpaque(request, sent))
            answerLater(() => resume(Effect.succeed(withOpaque(known, sent))))
          })
        }
      })
    })
  ).pipe(Layer.provide(RemotingClient.layer()))
  const routes = RouteLookup.layer({}).pipe(
    Layer.provide(RouteCache.layer),
    Layer.provide(NameServerTransport.layer({ addresses: namesrv, timeoutMillis: 3000 }))
  )
  const producer = Producer.layerNoDeps({ nameServers: namesrv, producerGroup: "bench_group" }).pipe(
    Layer.provide(routes),
    Layer.provide(loopback)
  )
  const message = makeMessage(topic, body)
  return Effect.runPromise(
    Effect.gen(function*() {
      const producer = yield* Producer
      // The first send goes to the broker: its answer is the one every later send gets.
      yield* producer.send(message)
      return yield* measureEffect(producer.send(message))
    }).pipe(Effect.provide(producer))
  )
}

/** A copy of the template frame with a new opaque, as the raw clients send. */
const makeCopier = (frame: Uint8Array) => {
  const template = Buffer.from(frame)
  let opaque = 0
  return () => {
    const bytes = Buffer.allocUnsafe(template.length)
    template.copy(bytes)
    bytes.writeInt32BE(++opaque, OPAQUE_OFFSET)
    return bytes
  }
}

const rawOnEffect = async (): Promise<ReadonlyArray<number>> => {
  const copy = makeCopier((await rawTarget(namesrv, topic, body)).frame)
  const answerLater = makeNextTurnAnswers()
  const send = Effect.callback<number>((resume) => {
    copy()
    answerLater(() => resume(Effect.succeed(0)))
  })
  return Effect.runPromise(measureEffect(send))
}

const raw = async (): Promise<ReadonlyArray<number>> => {
  const copy = makeCopier((await rawTarget(namesrv, topic, body)).frame)
  const answerLater = makeNextTurnAnswers()
  return measurePromise(() =>
    new Promise<number>((resolve) => {
      copy()
      answerLater(() => resolve(0))
    })
  )
}

const run = client === "raw" ? raw : client === "raw-effect" ? rawOnEffect : thisClient
run().then(
  (results) => {
    const sorted = [...results].sort((a, b) => a - b)
    const median = sorted[Math.floor(sorted.length / 2)] ?? 0
    process.stdout.write(
      `${JSON.stringify({ client, cpuMicrosPerSend: Number(median.toFixed(3)), rounds: results.map((r) => Number(r.toFixed(3))) })}\n`
    )
    process.exit(0)
  },
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.stack ?? error.message : String(error)}\n`)
    process.exit(1)
  }
)
