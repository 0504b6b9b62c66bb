/**
 * The send path without sockets, in a process of its own: each client's own CPU per send, with no
 * system calls and no broker in the measure. Answers come from memory, all those of one turn of the
 * event loop at once (`setImmediate`), as a read brings several; 64 sends in flight. Each answer is
 * a real broker's answer to a send (the first send goes to the cluster for it), handed to the
 * client as bytes, a copy with the request's opaque, for it to read as it reads a socket's.
 *
 * - `effect-rocketmq`: the producer (validation, unique id, route cache, queue selection, attempt
 *   budget, header and frame encoding, the answer's decoding and reading, fault records, metrics)
 *   on a remoting client whose SEND_MESSAGE_V2 requests are encoded as the client encodes them and
 *   whose answers go through the client's frame decoder;
 * - `raw-effect`: per send an `Effect.callback` and a copy of a template frame with a new opaque,
 *   run by the same kind of fibers, the answer read as the raw clients read theirs (`readAnswers`):
 *   the least an Effect client spends;
 * - `raw`: the same with a promise per send and no Effect.
 *
 * Usage: `node SendPathCase.ts <effect-rocketmq|raw-effect|raw> <namesrv> <topic> <sendsPerRound> <rounds>`;
 * prints `{ client, cpuMicrosPerSend, rounds }` (the median and every measured round; one more round
 * first, not counted, warms up).
 *
 * @since 0.1.0
 */
import { Buffer } from "node:buffer"
import { Effect, Layer, Result } from "effect"
import { makeMessage } from "../protocol/message/Message.ts"
import { encodeFrame, encodeFrameParts, SERIALIZE_ROCKETMQ } from "../protocol/Frame.ts"
import { decodeFrame, FrameDecoder } from "../protocol/FrameDecoder.ts"
import { RequestCode } from "../protocol/RequestCode.ts"
import { withOpaque } from "../protocol/RemotingCommand.ts"
import type { RemotingCommand } from "../protocol/RemotingCommand.ts"
import { Producer } from "../producer/Producer.ts"
import { RouteCache } from "../route/RouteCache.ts"
import { RouteLookup } from "../route/RouteLookup.ts"
import { NameServerTransport } from "../transport/NameServerTransport.ts"
import { RemotingClient } from "../transport/RemotingClient.ts"
import { ResponseTable } from "../transport/ResponseTable.ts"
import { makeNextTurnAnswers } from "./NextTurnAnswers.ts"
import { copyWithOpaque, readAnswers } from "./RawClient.ts"
import { rawTarget } from "./RawTarget.ts"

const [client = "effect-rocketmq", namesrv = "", topic = "BenchTopic", perRound = "200000", rounds = "5"] = process.argv.slice(2)
const inFlight = 64
const body = Buffer.alloc(1024, 0x78)

/**
 * A real broker's answer to `request`, sent to `address`, as bytes (a binary header, so that the
 * opaque sits at `OPAQUE_OFFSET`), and the copier of it with a given opaque.
 */
const answerBytes = async (address: string, request: RemotingCommand) => {
  const answer = await Effect.runPromise(
    Effect.gen(function*() {
      const client = yield* RemotingClient
      return yield* client.invoke(address, request, { timeoutMillis: 3000 })
    }).pipe(Effect.provide(RemotingClient.layer()))
  )
  const template = Buffer.from(Result.getOrThrow(encodeFrame(answer)))
  if (template[4] !== SERIALIZE_ROCKETMQ) throw new Error("the cluster answered with a JSON header; the sendpath case needs the 4.9.8 profile")
  return (opaque: number): Buffer => copyWithOpaque(template, opaque)
}

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
      let answerFor: ((opaque: number) => Buffer) | undefined
      let opaque = 0
      const decoder = new FrameDecoder()
      const waiting = new ResponseTable<(response: Effect.Effect<RemotingCommand>) => void>()
      const dispatch = (response: RemotingCommand) => waiting.delete(response.opaque)?.(Effect.succeed(response))
      return RemotingClient.of({
        ...real,
        invoke: (address, request, options) => {
          const answer = answerFor
          if (request.code !== RequestCode.SEND_MESSAGE_V2 || answer === undefined) {
            return Effect.tap(real.invoke(address, request, options), () =>
              Effect.promise(async () => {
                if (request.code === RequestCode.SEND_MESSAGE_V2) answerFor = await answerBytes(address, request)
              }))
          }
          return Effect.callback<RemotingCommand>((resume) => {
            const sent = ++opaque
            // Encoded as the client encodes every request; the bytes go nowhere.
            encodeFrameParts(withOpaque(request, sent))
            waiting.set(sent, resume)
            answerLater(() => decoder.push(answer(sent), dispatch))
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
  let next = 0
  return () => {
    const opaque = ++next
    return { opaque, bytes: copyWithOpaque(template, opaque) }
  }
}

/** The raw clients' target frame, and the answer to it as bytes. */
const rawSetup = async () => {
  const { address, frame } = await rawTarget(namesrv, topic, body)
  const decoded = Result.getOrThrow(decodeFrame(frame))
  return { copy: makeCopier(frame), answer: await answerBytes(address, decoded) }
}

const rawOnEffect = async (): Promise<ReadonlyArray<number>> => {
  const { answer, copy } = await rawSetup()
  const answerLater = makeNextTurnAnswers()
  const waiting = new ResponseTable<(code: Effect.Effect<number>) => void>()
  const onAnswer = (code: number, opaque: number) => waiting.delete(opaque)?.(Effect.succeed(code))
  const send = Effect.callback<number>((resume) => {
    const { opaque } = copy()
    waiting.set(opaque, resume)
    answerLater(() => readAnswers(answer(opaque), onAnswer))
  })
  return Effect.runPromise(measureEffect(send))
}

const raw = async (): Promise<ReadonlyArray<number>> => {
  const { answer, copy } = await rawSetup()
  const answerLater = makeNextTurnAnswers()
  const waiting = new ResponseTable<(code: number) => void>()
  const onAnswer = (code: number, opaque: number) => waiting.delete(opaque)?.(code)
  return measurePromise(() =>
    new Promise<number>((resolve) => {
      const { opaque } = copy()
      waiting.set(opaque, resolve)
      answerLater(() => readAnswers(answer(opaque), onAnswer))
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
