/**
 * What the send path needs of a topic's route: its writable queues in order, each broker group's
 * master address, and where they came from (Java `TopicPublishInfo`), so that a send attempt reads
 * everything it needs from one value.
 *
 * @since 0.1.0
 */
import type { TopicRouteData } from "../protocol/TopicRouteData.ts"
import type { MessageQueue } from "./MessageQueue.ts"
import { publishQueues } from "./PublishQueues.ts"

/**
 * A topic's publish info.
 *
 * @since 0.1.0
 * @category models
 */
export interface TopicPublishInfo {
  readonly topic: string
  /** The route the queues were derived from. */
  readonly route: TopicRouteData
  /** The writable queues, ordered by broker name then queue id (or as `orderTopicConf` lists them). */
  readonly queues: ReadonlyArray<MessageQueue>
  /**
   * brokerName → the address of its master (broker id 0), from the first `BrokerData` of each name
   * in the route, as Java's `findBrokerAddressInPublish` reads it.
   */
  readonly masters: ReadonlyMap<string, string>
  /** The route carries a global-order configuration. */
  readonly orderTopic: boolean
  /**
   * The topic has no route of its own yet: this is the default topic's (TBW102) route with the
   * queue counts capped, so the first send lets the broker create the topic.
   */
  readonly fromDefaultTopic: boolean
  /** When this info was built (epoch milliseconds). */
  readonly updatedAt: number
}

/**
 * Builds a topic's publish info from a route.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeTopicPublishInfo = (
  topic: string,
  route: TopicRouteData,
  fromDefaultTopic: boolean,
  updatedAt: number
): TopicPublishInfo => {
  const { orderTopic, queues } = publishQueues(topic, route)
  return { topic, route, queues, masters: masterAddresses(route), orderTopic, fromDefaultTopic, updatedAt }
}

/**
 * Each broker group's master address in a route: the address under broker id 0 (`"0"`, or any
 * decimal key whose value is 0, as `publishQueues` counts a master) of the first `BrokerData` of
 * that name; groups without a master are left out.
 *
 * @since 0.1.0
 * @category utils
 */
export const masterAddresses = (route: TopicRouteData): ReadonlyMap<string, string> => {
  const masters = new Map<string, string>()
  const seen = new Set<string>()
  for (const brokerData of route.brokerDatas) {
    if (seen.has(brokerData.brokerName)) continue
    seen.add(brokerData.brokerName)
    for (const [id, address] of Object.entries(brokerData.brokerAddrs)) {
      if (/^[+-]?\d+$/.test(id) && BigInt(id) === 0n) {
        masters.set(brokerData.brokerName, address)
        break
      }
    }
  }
  return masters
}

/**
 * The default topic's route as Java uses it for a topic without a route: every queue count capped
 * at `defaultTopicQueueNums` (`readQueueNums = writeQueueNums = min(n, readQueueNums)`).
 *
 * @since 0.1.0
 * @category utils
 */
export const capDefaultTopicRoute = (route: TopicRouteData, defaultTopicQueueNums: number): TopicRouteData => ({
  ...route,
  queueDatas: route.queueDatas.map((queueData) => {
    const queueNums = Math.min(defaultTopicQueueNums, queueData.readQueueNums)
    return { ...queueData, readQueueNums: queueNums, writeQueueNums: queueNums }
  })
})
