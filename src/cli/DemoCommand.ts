/**
 * `effect-rocketmq demo` (what `npm start` runs): the route lookup told as a story. Two testkit
 * NameServers and two brokers start in this process; a producer (`Producer.layer`) sends through
 * them, and each step says what went over the wire, how long it took and why, read from the
 * producer's own spans, its route change events and the servers' request counters:
 *
 * 1. a cold send: cache miss, `TOPIC_NOT_EXIST`, the `TBW102` route, the route diff, the queue;
 * 2. a warm send: cache hit, its cost next to the miss's;
 * 3. the brokers create the topic, and a route refresh finds its own route;
 * 4. a broker joins, the refresh finds it, and its queues are used;
 * 5. a broker dies: the send fails over, the broker is isolated, nothing is lost;
 * 6. a NameServer dies: the next one answers.
 *
 * @since 0.1.0
 */
import { Console, Effect, Metric, Queue, Random, References, Stream } from "effect"
import { Command, Flag } from "effect/cli"
import { makeMessage } from "../protocol/message/Message.ts"
import { Producer } from "../producer/Producer.ts"
import { sendRetries } from "../producer/ProducerMetrics.ts"
import type { SendResult } from "../producer/SendResult.ts"
import { RequestCode } from "../protocol/RequestCode.ts"
import type { RouteChanged } from "../route/RouteChanged.ts"
import { formatDiff } from "../route/RouteDiffFormat.ts"
import { routeCacheHits, routeCacheMisses } from "../route/RouteMetrics.ts"
import { makeTestBroker } from "../testkit/TestBroker.ts"
import type { TestBroker } from "../testkit/TestBroker.ts"
import { makeTestNameServer } from "../testkit/TestNameServer.ts"
import type { TestNameServer } from "../testkit/TestNameServer.ts"
import { reportFailures } from "./CliFailure.ts"
import { describedWithDefault, intAtLeast } from "./CliFlags.ts"
import { colourWanted, makeStyle } from "./DemoStyle.ts"
import type { Style } from "./DemoStyle.ts"
import { formatMillis, makeSpanRecorder, spanMillis } from "./DemoTrace.ts"
import type { RecordedSpan, SpanRecorder } from "./DemoTrace.ts"
import { plural } from "./Plural.ts"

const topic = "DemoOrders"
const newTopic = "DemoPayments"
const defaultTopic = "TBW102"
const refreshMillis = 300
const waitMillis = 5000
const demoSeed = "effect-rocketmq demo"

/** What the steps share. */
interface Stage {
  readonly style: Style
  readonly spans: SpanRecorder
  readonly producer: Producer["Service"]
  readonly nameServers: ReadonlyArray<TestNameServer>
  readonly brokers: Array<TestBroker>
  readonly changes: Queue.Queue<RouteChanged>
  readonly acknowledged: Array<SendResult>
  /** Brokers the producer has sent to (and so connected to) so far. */
  readonly connected: Set<string>
  readonly say: (label: string, text: string) => Effect.Effect<void>
}

/** One traced send and what it did. */
interface TracedSend {
  readonly result: SendResult
  readonly total: RecordedSpan | undefined
  readonly nameServerCalls: ReadonlyArray<RecordedSpan>
  /** The spans of its broker requests, one per attempt, the one that stored it last (`stepSpans`). */
  readonly brokerRequests: ReadonlyArray<RecordedSpan>
  readonly cacheHits: number
  readonly cacheMisses: number
  readonly retries: number
}

/** A counter's value for one topic (and, for the producer's, the demo's producer group). */
const counter = (metric: typeof routeCacheHits, topicName: string, producerGroup?: string) =>
  Effect.map(
    Metric.value(Metric.withAttributes(metric, producerGroup === undefined ? { topic: topicName } : { producer_group: producerGroup, topic: topicName })),
    (state) => state.count
  )

const routeRequests = (server: TestNameServer) => server.requestCount(RequestCode.GET_ROUTEINFO_BY_TOPIC)

const lastOf = <A>(items: ReadonlyArray<A>, predicate: (item: A) => boolean): A | undefined =>
  [...items].reverse().find(predicate)

/** Sends one message and reads back, from the spans it left, what it did. */
const tracedSend = (stage: Stage, topicName: string, body: string) =>
  Effect.gen(function*() {
    const mark = stage.spans.mark()
    const count = Effect.all([
      counter(routeCacheHits, topicName),
      counter(routeCacheMisses, topicName),
      counter(sendRetries, topicName, stage.producer.producerGroup)
    ])
    const [hits, misses, retries] = yield* count
    const result = yield* stage.producer.send(makeMessage(topicName, body, { tags: "demo", keys: [body.replace(/\W+/g, "-")] }))
    stage.acknowledged.push(result)
    const spans = stage.spans.since(mark)
    const total = lastOf(spans, (span) => span.name === "Producer.send")
    const [hitsAfter, missesAfter, retriesAfter] = yield* count
    const traced: TracedSend = {
      result,
      total,
      nameServerCalls: spans.filter((span) =>
        span.name === "NameServerTransport.getRouteInfoByTopic" && total !== undefined && span.ancestors.includes(total.spanId)
      ),
      brokerRequests: spans.filter((span) =>
        span.name === "SendPipeline.request" && total !== undefined && span.ancestors.includes(total.spanId)
      ),
      cacheHits: hitsAfter - hits,
      cacheMisses: missesAfter - misses,
      retries: retriesAfter - retries
    }
    return traced
  })

/** The next route change of `topicName` that `matches`, waiting for a refresh if need be. */
const nextChange = (stage: Stage, topicName: string, matches: (change: RouteChanged) => boolean) =>
  Effect.gen(function*() {
    for (;;) {
      const change = yield* Queue.take(stage.changes)
      if (change.topic === topicName && matches(change)) return change
    }
  }).pipe(
    Effect.timeoutOrElse({
      duration: waitMillis,
      orElse: () => Effect.die(new Error(`the demo waited ${waitMillis} ms for a route change of ${topicName} that did not come`))
    })
  )

const queueName = (result: SendResult) => `${result.messageQueue.brokerName}#${result.messageQueue.queueId}`

const brokerAddress = (stage: Stage, brokerName: string) =>
  stage.brokers.find((broker) => broker.brokerName === brokerName)?.address ?? "?"

/** The NameServer calls of a send, one request and one answer each, with their timings. */
const showNameServerCalls = (stage: Stage, calls: ReadonlyArray<RecordedSpan>, answeredBy: string) =>
  Effect.forEach(calls, (call) =>
    Effect.gen(function*() {
      const asked = String(call.attributes.get("topic"))
      yield* stage.say(
        "→ NameServer",
        `${stage.style.wire(`GET_ROUTEINFO_BY_TOPIC topic=${asked}`)} to ${answeredBy}  ${stage.style.note(formatMillis(spanMillis(call)))}`
      )
      yield* stage.say(
        "←",
        call.failure === "TopicNotExist"
          ? `${stage.style.bad("TOPIC_NOT_EXIST")}: no broker hosts ${asked} yet`
          : call.failure !== undefined
          ? `${stage.style.bad(call.failure)}`
          : asked === defaultTopic
          ? `${stage.style.ok("SUCCESS")}: the route of ${defaultTopic}, the default topic; auto-create is on, so a send may ` +
            `use it, each broker's queues capped at 4`
          : `${stage.style.ok("SUCCESS")}: the route of ${asked}`
      )
    }), { discard: true })

/** The broker request of a send and its answer. */
const showBrokerExchange = (stage: Stage, traced: TracedSend, fromDefault: boolean) =>
  Effect.gen(function*() {
    const { result } = traced
    const stored = traced.brokerRequests.at(-1)
    const brokerMillis = stored === undefined ? 0 : spanMillis(stored)
    const broker = result.messageQueue.brokerName
    const firstContact = !stage.connected.has(broker)
    stage.connected.add(broker)
    yield* stage.say(
      `→ ${broker}`,
      `${stage.style.wire(`SEND_MESSAGE_V2 topic=${result.messageQueue.topic} queueId=${result.messageQueue.queueId}`)}` +
        `${fromDefault ? ` defaultTopic=${defaultTopic}` : ""} to ${brokerAddress(stage, broker)}  ${stage.style.note(formatMillis(brokerMillis))}` +
        (firstContact ? stage.style.note(" (connecting first)") : "")
    )
    yield* stage.say("←", `${stage.style.ok(result.status)}: stored at queue offset ${result.queueOffset}, msgId ${result.msgId}`)
  })

const showDiff = (stage: Stage, change: RouteChanged) =>
  Effect.forEach(
    formatDiff(change.diff),
    (line) => stage.say("", stage.style.added(`${diffMarker(line)} ${line}`)),
    { discard: true }
  )

/** Queue names in send order; past 8, the first 8 and a count per broker. */
const summarizeQueues = (queues: ReadonlyArray<string>): string => {
  if (queues.length <= 8) return queues.join(" ")
  const perBroker = new Map<string, number>()
  for (const queue of queues) {
    const broker = queue.split("#")[0] ?? queue
    perBroker.set(broker, (perBroker.get(broker) ?? 0) + 1)
  }
  const counts = [...perBroker].sort(([a], [b]) => (a < b ? -1 : 1)).map(([broker, n]) => `${broker} ${n}`)
  return `${queues.slice(0, 8).join(" ")} … (${counts.join(", ")})`
}

/** `+` for what a diff line adds, `-` for what it removes, `~` for a change. */
const diffMarker = (line: string): string =>
  line.includes(" removed") || line.endsWith("→ none")
    ? "-"
    : line.includes(" added") || line === "route appeared" || line.includes(": none →")
    ? "+"
    : "~"

const listNames = (names: ReadonlyArray<string>) =>
  names.length <= 1 ? names.join("") : `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}`

/** Step 1: a send with nothing cached. */
const coldSend = (stage: Stage) =>
  Effect.gen(function*() {
    const { style, say } = stage
    yield* Console.log(`\n${style.title(`1. Send 1 to ${topic}: a cold start, nothing is cached`)}`)
    const before = stage.nameServers.map(routeRequests)
    const traced = yield* tracedSend(stage, topic, "order #1")
    const answeredBy = stage.nameServers.find((server, i) => routeRequests(server) > (before[i] ?? 0))?.address ?? "?"
    yield* say("route cache", traced.cacheMisses > 0 ? `${style.bad("miss")}: no route of ${topic} cached` : "hit")
    yield* showNameServerCalls(stage, traced.nameServerCalls, answeredBy)
    const change = yield* nextChange(stage, topic, (candidate) => candidate.fromDefaultTopic)
    yield* say("route diff", `nothing → ${defaultTopic}'s route, capped (${plural(formatDiff(change.diff).length, "line")}):`)
    yield* showDiff(stage, change)
    const queues = change.diff.queueChanges.map((queueChange) => `${queueChange.brokerName} ${queueChange.after[0]?.writeQueueNums ?? 0}`)
    yield* say("route cache", `stored: ${topic} → publish queues ${queues.join(", ")}, marked "from ${defaultTopic}"`)
    yield* say(
      "queue",
      `${queueName(traced.result)}: round robin over the publish queues, from a random start (as Java's ` +
        `ThreadLocalIndex; the demo seeds Effect's Random); no broker is isolated`
    )
    yield* showBrokerExchange(stage, traced, true)
    yield* say("in all", style.title(formatMillis(traced.total === undefined ? 0 : spanMillis(traced.total))))
    return traced
  })

/** Step 2: the same topic again, from the cache; then the rest of the messages. */
const warmSends = (stage: Stage, cold: TracedSend, messages: number) =>
  Effect.gen(function*() {
    const { style, say } = stage
    yield* Console.log(`\n${style.title(`2. Send 2 to ${topic}: the route is cached`)}`)
    const traced = yield* tracedSend(stage, topic, "order #2")
    yield* say(
      "route cache",
      traced.cacheHits > 0 && traced.nameServerCalls.length === 0 ? `${style.ok("hit")}: no NameServer call` : "miss"
    )
    yield* say("queue", `${queueName(traced.result)}: the next queue of the round robin`)
    yield* showBrokerExchange(stage, traced, true)
    const warm = traced.total === undefined ? 0 : spanMillis(traced.total)
    const coldMillis = cold.total === undefined ? 0 : spanMillis(cold.total)
    yield* say(
      "in all",
      `${style.title(formatMillis(warm))}, against ${formatMillis(coldMillis)} for send 1` +
        (warm > 0 ? `, which took ${(coldMillis / warm).toFixed(1)}× as long: two NameServer calls and a new connection` : "")
    )
    if (messages > 2) {
      const rest: Array<string> = []
      let hits = 0
      for (let n = 3; n <= messages; n++) {
        const more = yield* tracedSend(stage, topic, `order #${n}`)
        hits += more.cacheHits
        rest.push(queueName(more.result))
      }
      yield* say(
        `sends 3–${messages}`,
        `${plural(messages - 2, "more message")}, ${plural(hits, "cache hit")}: ${summarizeQueues(rest)}`
      )
    }
  })

/** Step 3: the brokers that took messages created the topic; a refresh finds its own route. */
const topicCreated = (stage: Stage) =>
  Effect.gen(function*() {
    const { style, say } = stage
    yield* Console.log(`\n${style.title(`3. The brokers create ${topic}; the next route refresh finds its own route`)}`)
    const creators: Array<string> = []
    for (const broker of stage.brokers) if ((yield* broker.topicConfig(topic)) !== undefined) creators.push(broker.brokerName)
    yield* say(
      "brokers",
      `${listNames(creators)} took messages for ${topic}: ${creators.length === 1 ? "it" : "each"} created the topic ` +
        `(autoCreateTopicEnable) and registered it with the NameServers`
    )
    const mark = stage.spans.mark()
    const change = yield* nextChange(stage, topic, (candidate) => !candidate.fromDefaultTopic)
    const call = lastOf(stage.spans.since(mark), (span) =>
      span.name === "NameServerTransport.getRouteInfoByTopic" && span.attributes.get("topic") === topic && span.failure === undefined
    )
    yield* say("refresh", `every ${refreshMillis} ms the producer asks again for each cached topic (pollNameServerInterval)`)
    yield* say(
      "→ NameServer",
      `${style.wire(`GET_ROUTEINFO_BY_TOPIC topic=${topic}`)}  ${style.note(call === undefined ? "" : formatMillis(spanMillis(call)))}`
    )
    yield* say("←", `${style.ok("SUCCESS")}: the topic's own route`)
    const lines = formatDiff(change.diff)
    yield* say(
      "route diff",
      lines.length === 0
        ? `${defaultTopic}'s capped route → the topic's own: the same brokers and queues, no longer marked "from ${defaultTopic}"`
        : `${defaultTopic}'s capped route → the topic's own:`
    )
    yield* showDiff(stage, change)
  })

/** Sends until one lands on `brokerName` (at most `limit`), and says where each went. */
const sendUntilOn = (stage: Stage, brokerName: string, limit: number, first: number) =>
  Effect.gen(function*() {
    const landed: Array<string> = []
    for (let n = first; n < first + limit; n++) {
      const traced = yield* tracedSend(stage, topic, `order #${n}`)
      landed.push(queueName(traced.result))
      if (traced.result.messageQueue.brokerName === brokerName) break
    }
    return landed
  })

/** Step 4: a third broker joins the cluster. */
const brokerJoins = (stage: Stage) =>
  Effect.gen(function*() {
    const { style, say } = stage
    yield* Console.log(`\n${style.title("4. A broker joins the cluster; the refresh finds it and its queues are used")}`)
    const joined = yield* makeTestBroker({
      brokerName: "broker-c",
      clusterName: "DefaultCluster",
      nameServers: stage.nameServers.map((server) => server.address),
      topics: [{ topicName: topic, queueNums: 4 }]
    })
    stage.brokers.push(joined)
    yield* joined.awaitRegistration
    yield* say("broker-c", `starts at ${joined.address} with ${topic} (4 queues) and registers with the NameServers`)
    const change = yield* nextChange(stage, topic, (candidate) => candidate.diff.brokersAdded.includes("broker-c"))
    yield* say("route diff", "the next refresh:")
    yield* showDiff(stage, change)
    const landed = yield* sendUntilOn(stage, "broker-c", 12, stage.acknowledged.length + 1)
    yield* say("sends", `${landed.join(" ")}${landed.at(-1)?.startsWith("broker-c") === true ? style.ok("  ← broker-c takes messages") : ""}`)
  })

/** Step 5: a broker dies; sends fail over and skip it. */
const brokerDies = (stage: Stage) =>
  Effect.gen(function*() {
    const { style, say } = stage
    yield* Console.log(`\n${style.title("5. A broker dies: the send fails over, the broker is isolated, nothing is lost")}`)
    const dead = stage.brokers.find((broker) => broker.brokerName === "broker-c") ?? stage.brokers[0]
    if (dead === undefined) return
    yield* dead.refuseConnections
    yield* dead.dropConnections
    yield* say(
      dead.brokerName,
      `${style.bad("down")}: its port closed and its connections dropped, as a crashed broker's; the NameServers still ` +
        "list it (until their 120 s broker expiry)"
    )
    let failedOver: TracedSend | undefined
    for (let i = 0; i < 12 && failedOver === undefined; i++) {
      const traced = yield* tracedSend(stage, topic, `order #${stage.acknowledged.length + 1}`)
      if (traced.retries > 0) failedOver = traced
    }
    if (failedOver === undefined) {
      yield* say("sends", "no send picked the dead broker's queues (every broker was chosen around it)")
    } else {
      const failedRequest = failedOver.brokerRequests[0]
      yield* say(
        `→ ${dead.brokerName}`,
        `${style.wire("SEND_MESSAGE_V2")}: ${style.bad("fails")} (connection refused)  ` +
          style.note(failedRequest === undefined ? "" : formatMillis(spanMillis(failedRequest)))
      )
      yield* say("retry", `on another broker, within the same ${formatMillis(3000)} budget (retryTimesWhenSendFailed 2)`)
      yield* showBrokerExchange(stage, failedOver, false)
      yield* say("in all", style.title(formatMillis(failedOver.total === undefined ? 0 : spanMillis(failedOver.total))))
    }
    const after: Array<string> = []
    let retried = 0
    for (let i = 0; i < 8; i++) {
      const traced = yield* tracedSend(stage, topic, `order #${stage.acknowledged.length + 1}`)
      retried += traced.retries
      after.push(queueName(traced.result))
    }
    const skipped = after.every((name) => !name.startsWith(`${dead.brokerName}#`))
    yield* say(
      "isolation",
      `${dead.brokerName} is left out for 10 s (latency fault tolerance): ` +
        `the next ${plural(after.length, "send")} ${skipped ? "skip it" : "did not all skip it"}` +
        `${retried === 0 ? ", none retried" : `, ${plural(retried, "retry", "retries")}`}: ${after.join(" ")}`
    )
  })

/** Step 6: the NameServer in use dies; the next one answers. */
const nameServerDies = (stage: Stage) =>
  Effect.gen(function*() {
    const { style, say } = stage
    yield* Console.log(`\n${style.title("6. A NameServer dies: the next one answers")}`)
    // The NameServer in use is the one the route refreshes go to.
    const seen = stage.nameServers.map(routeRequests)
    let inUse: TestNameServer | undefined
    for (let i = 0; i < 20 && inUse === undefined; i++) {
      yield* Effect.sleep(`${refreshMillis} millis`)
      inUse = stage.nameServers.find((server, index) => routeRequests(server) > (seen[index] ?? 0))
    }
    if (inUse === undefined) return
    const before = stage.nameServers.map(routeRequests)
    yield* inUse.refuseConnections
    yield* inUse.dropConnections
    yield* say("NameServer", `${inUse.address}, the one the producer uses, ${style.bad("down")}: its port closed, its connections dropped`)
    const traced = yield* tracedSend(stage, newTopic, "payment #1")
    const answered = stage.nameServers.filter((server, i) => routeRequests(server) > (before[i] ?? 0))
    yield* say("send", `"payment #1" to ${newTopic}, a topic not cached yet`)
    if (traced.nameServerCalls.length > 0 && answered.every((server) => server !== inUse)) {
      yield* say("→ NameServer", `${style.wire("GET_ROUTEINFO_BY_TOPIC")} to ${inUse.address}: ${style.bad("connection refused")}, so the next one is tried`)
    }
    yield* showNameServerCalls(stage, traced.nameServerCalls, listNames(answered.map((server) => server.address)))
    yield* showBrokerExchange(stage, traced, true)
    yield* say("in all", style.title(formatMillis(traced.total === undefined ? 0 : spanMillis(traced.total))))
  })

/** The end: every acknowledged message is stored once. */
const summary = (stage: Stage) =>
  Effect.gen(function*() {
    const { style, say } = stage
    yield* Console.log(`\n${style.title("Read back from the brokers")}`)
    const stored = new Map<string, number>()
    const perBroker: Array<string> = []
    for (const broker of stage.brokers) {
      const messages = [...yield* broker.messagesIn(topic), ...yield* broker.messagesIn(newTopic)]
      perBroker.push(`${broker.brokerName} ${messages.length}`)
      for (const message of messages) {
        const id = message.properties["UNIQ_KEY"] ?? ""
        stored.set(id, (stored.get(id) ?? 0) + 1)
      }
    }
    const lost = stage.acknowledged.filter((result) => stored.get(result.msgId) !== 1).length
    yield* say("sends", `${plural(stage.acknowledged.length, "message")} acknowledged (SEND_OK)`)
    yield* say(
      "stored",
      `${perBroker.join(", ")}: ${lost === 0 ? style.ok("every acknowledged message stored exactly once") : style.bad(`${lost} not stored exactly once`)}`
    )
  })

/**
 * Tells the story: `messages` (at least 2) sends in steps 1 and 2, then steps 3 to 6.
 *
 * @since 0.1.0
 * @category demo
 */
export const runDemo = (messages: number, style: Style) => {
  const spans = makeSpanRecorder()
  return Effect.gen(function*() {
    yield* Console.log(style.title("effect-rocketmq: a route lookup, step by step"))
    const nameServers = [yield* makeTestNameServer(), yield* makeTestNameServer()]
    const brokers: Array<TestBroker> = []
    for (const brokerName of ["broker-a", "broker-b"]) {
      brokers.push(
        yield* makeTestBroker({ brokerName, clusterName: "DefaultCluster", nameServers: nameServers.map((server) => server.address) })
      )
    }
    yield* Effect.forEach(brokers, (broker) => broker.awaitRegistration, { discard: true })
    const say = (label: string, text: string) => Console.log(`   ${label.padEnd(13)} ${text}`)
    yield* Console.log("\nIn this process, on loopback ports (the testkit, speaking the real protocol):")
    for (const server of nameServers) yield* say("NameServer", server.address)
    for (const broker of brokers) yield* say(broker.brokerName, `${broker.address}, master of DefaultCluster, hosting ${defaultTopic}`)

    const producerLayer = Producer.layer({
      nameServers: nameServers.map((server) => server.address),
      producerGroup: "demo_group",
      pollNameServerInterval: `${refreshMillis} millis`,
      stepSpans: true // a span for each step of a send: the broker request is timed on its own
    })
    yield* Effect.gen(function*() {
      const producer = yield* Producer
      yield* say("producer", `${producer.clientId} in group ${producer.producerGroup}, from Producer.layer`)
      const changes = yield* Queue.unbounded<RouteChanged>()
      const subscribed = yield* producer.routeChanges // every change from now on
      yield* subscribed.pipe(Stream.runForEach((change) => Queue.offer(changes, change)), Effect.forkScoped)
      const stage: Stage = { style, spans, producer, nameServers, brokers, changes, acknowledged: [], connected: new Set(), say }
      const cold = yield* coldSend(stage)
      yield* warmSends(stage, cold, messages)
      yield* topicCreated(stage)
      yield* brokerJoins(stage)
      yield* brokerDies(stage)
      yield* nameServerDies(stage)
      yield* summary(stage)
    }).pipe(
      Effect.provide(producerLayer),
      // A seeded Random makes the round robin start at the same queue every run.
      Random.withSeed(demoSeed)
    )
    yield* Console.log("\nDone: the producer unregistered from the brokers, and the servers stopped.")
  }).pipe(
    Effect.scoped,
    Effect.withTracer(spans.tracer),
    // The dead broker and NameServer of steps 5 and 6 make the brokers' registrations and the
    // producer's goodbye log warnings the story has already told.
    Effect.provideService(References.MinimumLogLevel, "Error")
  )
}

/**
 * The `demo` command.
 *
 * @since 0.1.0
 * @category commands
 */
export const demoCommand = Command.make(
  "demo",
  {
    messages: intAtLeast("messages", 2).pipe(
      Flag.filter((count) => count <= 100, () => "at most 100"),
      describedWithDefault("How many messages steps 1 and 2 send (2 to 100)", 6)
    )
  },
  Effect.fnUntraced(function*({ messages }) {
    yield* runDemo(messages, makeStyle(colourWanted()))
  }, reportFailures)
).pipe(Command.withDescription("Tell a route lookup step by step, on embedded NameServers and brokers (what npm start runs)"))
