/**
 * `effect-rocketmq demo` (what `npm start` runs): an embedded NameServer and two brokers in this
 * process, a producer built from its layers, and a real send through the whole pipeline, with the
 * route lookup shown step by step.
 *
 * @since 0.1.0
 */
import { Buffer } from "node:buffer"
import { Console, Effect, Fiber, Layer, Metric, Stream } from "effect"
import { Command, Flag } from "effect/cli"
import { makeMessage } from "../protocol/message/Message.ts"
import { Producer } from "../producer/Producer.ts"
import { RouteCache } from "../route/RouteCache.ts"
import { formatDiff } from "../route/RouteDiffFormat.ts"
import { RouteLookup } from "../route/RouteLookup.ts"
import { nameServerFetches, routeCacheHits, routeCacheMisses } from "../route/RouteMetrics.ts"
import { makeTestCluster } from "../testkit/TestCluster.ts"
import { NameServerTransport } from "../transport/NameServerTransport.ts"
import { RemotingClient } from "../transport/RemotingClient.ts"
import { reportFailures } from "./CliFailure.ts"

const topic = "DemoOrders"

/**
 * The demo.
 *
 * @since 0.1.0
 * @category cli
 */
export const runDemo = (messages: number) =>
  Effect.gen(function*() {
    yield* Console.log("1. Starting an embedded NameServer and two brokers (the testkit cluster) in this process")
    const cluster = yield* makeTestCluster({ brokers: 2 })
    yield* Console.log(`   NameServer ${cluster.nameServerAddress}`)
    for (const broker of cluster.brokers) yield* Console.log(`   ${broker.brokerName} at ${broker.address}, registered with the NameServer`)

    // The producer, built from the layers of the design: transport, route cache and lookup, producer.
    const client = RemotingClient.layer()
    const transport = NameServerTransport.layer({ addresses: cluster.nameServerAddress })
    const routes = RouteLookup.layer({ pollNameServerInterval: "500 millis" }).pipe(
      Layer.provideMerge(RouteCache.layer),
      Layer.provideMerge(transport)
    )
    const producerLayer = Producer.layerNoDeps({ nameServers: cluster.nameServerAddress, producerGroup: "demo_group" }).pipe(
      Layer.provideMerge(routes),
      Layer.provideMerge(client)
    )

    yield* Effect.gen(function*() {
      const producer = yield* Producer
      const lookup = yield* RouteLookup
      const cache = yield* RouteCache
      yield* Console.log(`\n2. Producer ${producer.clientId} in group ${producer.producerGroup}`)
      const routeChanges = yield* lookup.changes
      const changes = yield* routeChanges.pipe(
        Stream.runForEach((change) =>
          Console.log(
            `   [route event] ${change.topic}${change.fromDefaultTopic ? " (from TBW102)" : ""}: ${formatDiff(change.diff).join("; ")}`
          )
        ),
        Effect.forkChild
      )

      yield* Console.log(`\n3. Route lookup of "${topic}" (the cache is empty, so the NameServer is asked)`)
      const info = yield* lookup.publishInfo(topic)
      yield* Console.log(
        info.fromDefaultTopic
          ? `   The NameServer has no route for it (TOPIC_NOT_EXIST), and auto-create is on: the route of TBW102 is used,\n` +
            `   each broker's queues capped at 4. The first send lets the broker create the topic.`
          : "   The NameServer knows the topic."
      )
      yield* Console.log(`   publish queues: ${info.queues.map((q) => `${q.brokerName}#${q.queueId}`).join(" ")}`)

      yield* Console.log(`\n4. Sending ${messages} messages through the pipeline (validate, lookup, select, encode, send, decode)`)
      for (let i = 0; i < messages; i++) {
        const result = yield* producer.send(makeMessage(topic, `order #${i}`, { tags: "demo", keys: [`order-${i}`] }))
        yield* Console.log(
          `   ${result.status}  ${result.messageQueue.brokerName}#${result.messageQueue.queueId} offset ${result.queueOffset}  msgId ${result.msgId}`
        )
      }

      yield* Console.log("\n5. The brokers created the topic and registered it; the next route refresh sees its own route")
      yield* Effect.sleep("1200 millis")
      const refreshed = yield* cache.get(topic)
      yield* Console.log(
        `   cached route now: ${refreshed?.fromDefaultTopic === false ? "the topic's own" : "still TBW102's"}, ` +
          `${refreshed?.queues.length ?? 0} publish queues`
      )
      yield* Fiber.interrupt(changes)

      const stored = yield* cluster.messagesIn(topic)
      const intact = stored.filter((m) => Buffer.from(m.body).toString().startsWith("order #")).length
      yield* Console.log(`\n6. Read back from the brokers: ${stored.length} messages stored, ${intact} with their body intact`)
      for (const broker of cluster.brokers) {
        yield* Console.log(`   ${broker.brokerName}: ${(yield* broker.messagesIn(topic)).length}`)
      }

      const hits = (yield* Metric.value(routeCacheHits)).count
      const misses = (yield* Metric.value(routeCacheMisses)).count
      const fetches = (yield* Metric.value(nameServerFetches)).count
      yield* Console.log(`\n7. Route cache: ${hits} hits, ${misses} misses; NameServer route fetches: ${fetches}`)
    }).pipe(Effect.provide(producerLayer))
    yield* Console.log("\nDone: the producer unregistered from the brokers and the embedded cluster stopped.")
  }).pipe(Effect.scoped)

/**
 * The `demo` command.
 *
 * @since 0.1.0
 * @category cli
 */
export const demoCommand = Command.make(
  "demo",
  { messages: Flag.Int("messages").pipe(Flag.withDescription("How many messages to send"), Flag.withDefault(6)) },
  Effect.fnUntraced(function*({ messages }) {
    yield* runDemo(messages)
  }, reportFailures)
).pipe(Command.withDescription("Run the guided demo on an embedded NameServer and two brokers"))
