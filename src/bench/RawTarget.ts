/**
 * The raw reference clients' target: the broker of the topic's first writable queue and a
 * SEND_MESSAGE_V2 frame for it with a binary header, encoded once by this client's own encoder; and
 * the raw client connected to it.
 *
 * @since 0.1.0
 */
import { Effect, Layer, Result } from "effect"
import { prepareMessage, sendRequest } from "../producer/SendRequest.ts"
import { encodeFrame } from "../protocol/Frame.ts"
import { makeMessage } from "../protocol/message/Message.ts"
import { publishQueues } from "../route/PublishQueues.ts"
import { NameServerTransport } from "../transport/NameServerTransport.ts"
import { RemotingClient } from "../transport/RemotingClient.ts"
import type { PromiseSender } from "./PromiseDriver.ts"
import { connectRawClient } from "./RawClient.ts"

/**
 * Looks up `topic` on `namesrv` and encodes one send of `body` to its first writable queue.
 *
 * @since 0.1.0
 */
export const rawTarget = async (
  namesrv: string,
  topic: string,
  body: Uint8Array
): Promise<{ readonly address: string; readonly frame: Uint8Array }> => {
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
    compressThreshold: 4096,
    compressLevel: 5
  }, Date.now())
  const request = sendRequest(prepared, queue, {
    producerGroup: "bench_group_raw",
    defaultTopic: "TBW102",
    defaultTopicQueueNums: 4,
    serializeType: "ROCKETMQ"
  })
  return { address, frame: Result.getOrThrow(encodeFrame(request)) }
}


/**
 * The raw client connected to `topic`'s target, sending `body`; an answer other than SUCCESS fails.
 *
 * @since 0.1.0
 */
export const connectRawSender = async (namesrv: string, topic: string, body: Uint8Array): Promise<PromiseSender> => {
  const { address, frame } = await rawTarget(namesrv, topic, body)
  const connection = await connectRawClient(address, frame)
  return {
    send: async () => {
      const code = await connection.send()
      if (code !== 0) throw new Error(`response code ${code}`)
    },
    close: async () => connection.close()
  }
}
