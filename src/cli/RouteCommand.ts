/**
 * `effect-rocketmq route <topic>`: the route a NameServer returns for a topic and the publish
 * queues the producer derives from it.
 *
 * @since 0.1.0
 */
import { Console, Effect } from "effect"
import { Argument, Command } from "effect/cli"
import { wrapNamespace } from "../protocol/Namespace.ts"
import { permToString } from "../protocol/Permission.ts"
import type { TopicRouteData } from "../protocol/TopicRouteData.ts"
import type { MessageQueue } from "../route/MessageQueue.ts"
import { publishQueues } from "../route/PublishQueues.ts"
import { NameServerTransport } from "../transport/NameServerTransport.ts"
import { reportFailures } from "./CliFailure.ts"
import { jsonFlag, namesrvFlag, nameServerLayer, resolveNameServers, timeoutFlag } from "./NameServerFlags.ts"
import { resolveSecurity, securityFlags } from "./SecurityFlags.ts"
import { formatTable } from "./TextTable.ts"

/**
 * The `--json` output.
 *
 * @since 0.1.0
 * @category cli
 */
export interface RouteJson {
  readonly route: TopicRouteData
  readonly publishQueues: ReadonlyArray<MessageQueue>
}

/**
 * The readable form: broker addresses, queue data, and the publish queues.
 *
 * @since 0.1.0
 * @category cli
 */
export const formatRoute = (topic: string, nameServer: string, route: TopicRouteData): string => {
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
  const publish = [...byBroker].map(([broker, ids]) => `  ${broker}: ${ids.length} queue(s), ids ${ids.join(" ")}`)
  return [
    `Route of topic "${topic}" from NameServer ${nameServer}${orderTopic ? ` (ordered: ${route.orderTopicConf ?? ""})` : ""}`,
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
    const addresses = yield* resolveNameServers(namesrv)
    const security = yield* resolveSecurity(flags)
    // With a namespace, the topic is looked up under the name it travels by.
    const topic = wrapNamespace(security.namespace, given)
    yield* Effect.gen(function*() {
      const transport = yield* NameServerTransport
      const route = yield* transport.getRouteInfoByTopic(topic)
      if (json) {
        const view: RouteJson = { route, publishQueues: publishQueues(topic, route).queues }
        return yield* Console.log(JSON.stringify(view))
      }
      yield* Console.log(formatRoute(topic, yield* transport.current, route))
    }).pipe(Effect.provide(nameServerLayer(addresses, timeout, security)))
  }, reportFailures)
).pipe(Command.withDescription("Show a topic's route and the queues a producer would write to"))
