/**
 * `effect-rocketmq route <topic>`: the route a NameServer returns for a topic and the publish
 * queues the producer derives from it.
 *
 * @since 0.1.0
 */
import { Console, Effect, Result, Schema } from "effect"
import { Argument, Command } from "effect/cli"
import { wrapNamespace } from "../protocol/Namespace.ts"
import { permToString } from "../protocol/Permission.ts"
import type { TopicRouteData } from "../protocol/TopicRouteData.ts"
import type { MessageQueue } from "../route/MessageQueue.ts"
import { validateTopic } from "../producer/MessageValidation.ts"
import { publishQueues } from "../route/PublishQueues.ts"
import { capDefaultTopicRoute } from "../route/TopicPublishInfo.ts"
import type { NameServerError } from "../transport/NameServerError.ts"
import { NameServerTransport } from "../transport/NameServerTransport.ts"
import { reportFailures } from "./CliFailure.ts"
import { jsonFlag, namesrvFlag, nameServerLayer, resolveNameServers, timeoutFlag } from "./NameServerFlags.ts"
import { plural } from "./Plural.ts"
import { resolveSecurity, securityFlags } from "./SecurityFlags.ts"
import { formatTable } from "./TextTable.ts"

/**
 * The `--json` output. For a topic the NameServer has no route for, `route` is the default topic's
 * (TBW102) route with its queue counts capped, as a send would use it, and `fromDefaultTopic`
 * names that topic; otherwise `fromDefaultTopic` is null.
 *
 * @since 0.1.0
 * @category cli
 */
export interface RouteJson {
  readonly route: TopicRouteData
  readonly publishQueues: ReadonlyArray<MessageQueue>
  readonly fromDefaultTopic: string | null
}

/**
 * The default topic a producer falls back to, and how many queues per broker it keeps of it
 * (Java's `createTopicKey` and `defaultTopicQueueNums`).
 *
 * @since 0.1.0
 * @category cli
 */
export const defaultTopicFallback = { topic: "TBW102", queueNums: 4 } as const

/**
 * The readable form: broker addresses, queue data, and the publish queues. `fromDefaultTopic` is
 * set when the topic has no route and `route` is the default topic's capped route.
 *
 * @since 0.1.0
 */
export const formatRoute = (
  topic: string,
  nameServer: string,
  route: TopicRouteData,
  fromDefaultTopic?: string | undefined
): string => {
  const { orderTopic, queues } = publishQueues(topic, route)
  const brokers = route.brokerDatas.flatMap((brokerData) =>
    Object.entries(brokerData.brokerAddrs)
      .sort(([a], [b]) => Number(a) - Number(b))
      .map(([id, address]) => [brokerData.brokerName, brokerData.cluster, id, id === "0" ? "master" : "slave", address])
  )
  const queueRows = route.queueDatas.map((queueData) => [
    queueData.brokerName,
    String(queueData.readQueueNums),
    String(queueData.writeQueueNums),
    `${permToString(queueData.perm)} (${queueData.perm})`,
    String(queueData.topicSysFlag)
  ])
  const byBroker = new Map<string, Array<number>>()
  for (const queue of queues) byBroker.set(queue.brokerName, [...(byBroker.get(queue.brokerName) ?? []), queue.queueId])
  const publish = [...byBroker].map(([broker, ids]) => `  ${broker}: ${plural(ids.length, "queue")}, ids ${ids.join(" ")}`)
  const title = fromDefaultTopic === undefined
    ? [`Route of topic "${topic}" from NameServer ${nameServer}${orderTopic ? ` (ordered: ${route.orderTopicConf ?? ""})` : ""}`]
    : [
      `NameServer ${nameServer} has no route for topic "${topic}" (TOPIC_NOT_EXIST).`,
      `A send would use the route of the default topic ${fromDefaultTopic}, each broker's queues capped at ` +
      `${defaultTopicFallback.queueNums},`,
      `and the broker that takes the first message creates "${topic}" (if its autoCreateTopicEnable is on):`
    ]
  return [
    ...title,
    "",
    formatTable(["broker", "cluster", "id", "role", "address"], brokers),
    "",
    formatTable(["broker", "read", "write", "perm", "sysFlag"], queueRows),
    "",
    `Publish queues: ${queues.length}${queues.length === 0 ? " (no writable queue on a broker with a master)" : ""}`,
    ...publish
  ].join("\n")
}

/**
 * A topic name `route` refuses before asking a NameServer.
 *
 * @since 0.1.0
 */
export class InvalidTopicName extends Schema.TaggedError<InvalidTopicName>()("InvalidTopicName", {
  detail: Schema.String
}) {
  override get message(): string {
    return this.detail
  }
}

/**
 * Checks a topic name as a send does (blank, length, characters), without asking anyone; the
 * system topics a client may not send to may still be looked up.
 *
 * @since 0.1.0
 */
export const checkTopicName = (topic: string): Result.Result<string, InvalidTopicName> => {
  const checked = validateTopic(topic)
  if (Result.isSuccess(checked) || checked.failure.rule === "TopicNotAllowed") return Result.succeed(topic)
  return Result.fail(new InvalidTopicName({ detail: checked.failure.message }))
}

/**
 * The `route` command.
 *
 * @since 0.1.0
 * @category cli
 */
export const routeCommand = Command.make(
  "route",
  {
    topic: Argument.String("topic").pipe(Argument.withDescription("The topic")),
    namesrv: namesrvFlag,
    json: jsonFlag,
    timeout: timeoutFlag,
    ...securityFlags
  },
  Effect.fnUntraced(function*({ topic: given, namesrv, json, timeout, ...flags }) {
    yield* Effect.fromResult(checkTopicName(given))
    const addresses = yield* resolveNameServers(namesrv)
    const security = yield* resolveSecurity(flags)
    // With a namespace, the topic is looked up under the name it travels by.
    const topic = wrapNamespace(security.namespace, given)
    yield* Effect.gen(function*() {
      const transport = yield* NameServerTransport
      const topicNotExist = (error: NameServerError) => error.reason._tag === "TopicNotExist"
      const found: { readonly route: TopicRouteData; readonly fromDefaultTopic: string | undefined } = yield* transport
        .getRouteInfoByTopic(topic).pipe(
          Effect.map((route) => ({ route, fromDefaultTopic: undefined })),
          Effect.catchIf(topicNotExist, (notExist) =>
            topic === defaultTopicFallback.topic
              ? Effect.fail(notExist)
              : transport.getRouteInfoByTopic(defaultTopicFallback.topic).pipe(
                Effect.map((route) => ({
                  route: capDefaultTopicRoute(route, defaultTopicFallback.queueNums),
                  fromDefaultTopic: defaultTopicFallback.topic
                })),
                Effect.catchIf(topicNotExist, () => Effect.fail(notExist))
              ))
        )
      const { route, fromDefaultTopic } = found
      if (json) {
        const view: RouteJson = { route, publishQueues: publishQueues(topic, route).queues, fromDefaultTopic: fromDefaultTopic ?? null }
        return yield* Console.log(JSON.stringify(view))
      }
      yield* Console.log(formatRoute(topic, yield* transport.current, route, fromDefaultTopic))
    }).pipe(Effect.provide(nameServerLayer(addresses, timeout, security)))
  }, reportFailures)
).pipe(Command.withDescription("Show a topic's route and the queues a producer would write to"))
