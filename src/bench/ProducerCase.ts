/**
 * One client of the producer benchmark, in a process of its own: sends 1 KiB bodies with N in
 * flight against a cluster (a warm-up, then a measured window) and prints one `bench --json`
 * summary line on stdout.
 *
 * Usage: `node ProducerCase.ts <effect-rocketmq|effect-rocketmq-spans|ali-ons|raw|raw-effect-net|raw-effect-platform> <namesrv> <topic> <inFlight> <warmupS> <durationS> [count]`
 *
 * @since 0.1.0
 */
import { Buffer } from "node:buffer"
import { Effect, Layer, Result } from "effect"
import { runBench } from "../measure/BenchRun.ts"
import type { BenchPlan } from "../measure/BenchRun.ts"
import { summarize } from "../measure/BenchSummary.ts"
import type { BenchWindow } from "../measure/BenchSummary.ts"
import { makeMessage } from "../protocol/message/Message.ts"
import { Producer } from "../producer/Producer.ts"
import { prepareMessage, sendRequest } from "../producer/SendRequest.ts"
import { encodeFrame } from "../protocol/Frame.ts"
import { publishQueues } from "../route/PublishQueues.ts"
import { NameServerTransport } from "../transport/NameServerTransport.ts"
import { RemotingClient } from "../transport/RemotingClient.ts"
import { loadAliOns } from "./AliOns.ts"
import { runPromiseBench } from "./PromiseDriver.ts"
import { connectEffectRawClient, EffectRawClientError } from "./EffectRawClient.ts"
import type { EffectRawSocket } from "./EffectRawClient.ts"
import { connectRawClient } from "./RawClient.ts"

const [client = "effect-rocketmq", namesrv = "", topic = "BenchTopic", inFlight = "64", warmup = "2", duration = "8", count] =
  process.argv.slice(2)
const size = 1024
const plan: BenchPlan = {
  concurrency: Number(inFlight),
  warmupSeconds: Number(warmup),
  durationSeconds: count === undefined ? Number(duration) : undefined,
  count: count === undefined ? undefined : Number(count),
  size
}
const body = Buffer.alloc(size, 0x78)

const thisClient = (stepSpans: boolean): Promise<BenchWindow> => {
  const message = makeMessage(topic, body)
  return Effect.runPromise(
    Effect.gen(function*() {
      const producer = yield* Producer
      return yield* runBench(producer.send(message), plan)
    }).pipe(Effect.provide(Producer.layer({ nameServers: namesrv, producerGroup: "bench_group", stepSpans })))
  )
}

const aliOns = async (): Promise<BenchWindow> => {
  const { Producer: AliProducer, Message } = loadAliOns()
  const silent = { info() {}, warn() {}, error() {}, debug() {} }
  const producer = new AliProducer({ nameSrv: namesrv, producerGroup: "bench_group_ali", httpclient: {}, logger: silent })
  await producer.ready()
  const window = await runPromiseBench(async () => {
    const result = await producer.send(new Message(topic, "", body))
    if (result.sendStatus !== "SEND_OK") throw new Error(result.sendStatus)
  }, plan)
  await producer.close()
  return window
}

/** The raw clients' broker and template frame: a SEND_MESSAGE_V2 with a binary header, to the first writable queue. */
const rawTarget = async (): Promise<{ readonly address: string; readonly frame: Uint8Array }> => {
  const route = await Effect.runPromise(
    Effect.gen(function*() {
      const transport = yield* NameServerTransport
      return yield* transport.getRouteInfoByTopic(topic)
    }).pipe(
      Effect.provide(NameServerTransport.layer({ addresses: namesrv, timeoutMillis: 3000 }).pipe(Layer.provide(RemotingClient.layer()))),
      Effect.scoped
    )
  )
  const queue = publishQueues(topic, route).queues[0]
  const address = route.brokerDatas.find((broker) => broker.brokerName === queue?.brokerName)?.brokerAddrs["0"]
  if (queue === undefined || address === undefined) throw new Error(`no writable queue for ${topic}`)
  let id = 0
  const prepared = prepareMessage(makeMessage(topic, body), {
    nextUniqueId: () => `7F00000100002A9F0000000000${String(id++).padStart(6, "0")}`,
    now: Date.now(),
    compressThreshold: 4096,
    compressLevel: 5
  })
  const request = sendRequest(prepared, queue, {
    producerGroup: "bench_group_raw",
    defaultTopic: "TBW102",
    defaultTopicQueueNums: 4,
    serializeType: "ROCKETMQ"
  })
  return { address, frame: Result.getOrThrow(encodeFrame(request)) }
}

const raw = async (): Promise<BenchWindow> => {
  const { address, frame } = await rawTarget()
  const connection = await connectRawClient(address, frame)
  const window = await runPromiseBench(async () => {
    const code = await connection.send()
    if (code !== 0) throw new Error(`response code ${code}`)
  }, plan)
  connection.close()
  return window
}

const rawOnEffect = async (socket: EffectRawSocket): Promise<BenchWindow> => {
  const { address, frame } = await rawTarget()
  return Effect.runPromise(
    Effect.gen(function*() {
      const send = yield* connectEffectRawClient(address, frame, socket)
      return yield* runBench(
        Effect.flatMap(send, (code) => code === 0 ? Effect.void : Effect.fail(new EffectRawClientError({ detail: `response code ${code}` }))),
        plan
      )
    }).pipe(Effect.scoped)
  )
}

const run = client === "ali-ons"
  ? aliOns
  : client === "raw"
  ? raw
  : client === "raw-effect-net"
  ? () => rawOnEffect("node:net")
  : client === "raw-effect-platform"
  ? () => rawOnEffect("platform")
  : () => thisClient(client === "effect-rocketmq-spans")
run().then(
  (window) => {
    process.stdout.write(`${JSON.stringify({ client, inFlight: plan.concurrency, ...summarize(window) })}\n`)
    process.exit(0)
  },
  (error: unknown) => {
    process.stderr.write(`${client}: ${error instanceof Error ? error.stack : String(error)}\n`)
    process.exit(1)
  }
)
