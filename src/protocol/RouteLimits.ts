/**
 * Bounds on the numbers in a topic route that size what a client builds from it. A route comes
 * from whoever can register a broker with a NameServer; without bounds, one `writeQueueNums` of
 * 10⁹ makes every producer of the topic try to build 10⁹ queues. A route beyond these limits is
 * refused when it is decoded, before anything is built from it.
 *
 * Java's client has no limits of its own here: its only bounds are the 16 MiB frame and the Java
 * `int` of each count, and it builds one `MessageQueue` per queue (so 10⁹ exhausts its heap too).
 * The limits below are far above any real cluster and keep the work of one route to milliseconds
 * and a few megabytes (docs/reliability.md gives the reasons).
 *
 * @since 0.1.0
 */
import { orderTopicItems } from "./OrderTopicConf.ts"
import type { TopicRouteData } from "./TopicRouteData.ts"

/**
 * The limits, each with the field it bounds.
 *
 * - `maxQueueNums` (65 536): `readQueueNums`, `writeQueueNums` of one `QueueData` and the count of
 *   one `orderTopicConf` item. A broker keeps a consume-queue directory per queue; real topics have
 *   4 to a few hundred, the largest seen around 1 024.
 * - `maxRouteQueues` (65 536): the queues of the whole route, i.e. the sum of the positive
 *   `writeQueueNums` (likewise `readQueueNums`) over `queueDatas`, and of the counts of the
 *   `orderTopicConf` items. This bounds the publish and subscribe queue lists: at most 65 536
 *   entries, a few megabytes, built in milliseconds.
 * - `maxBrokerGroups` (4 096): entries of `queueDatas` and of `brokerDatas`, and items of
 *   `orderTopicConf`. Matching queue data to broker data is quadratic in these.
 * - `maxBrokersPerGroup` (1 024): entries of one `brokerAddrs` map (a master and its slaves; Java's
 *   broker ids are longs, real groups have 1 to 9).
 *
 * @since 0.1.0
 * @category limits
 */
export const RouteLimits = {
  maxQueueNums: 65_536,
  maxRouteQueues: 65_536,
  maxBrokerGroups: 4_096,
  maxBrokersPerGroup: 1_024
} as const

/**
 * A route beyond one of the {@link RouteLimits}: which field, its value and the limit.
 *
 * @since 0.1.0
 * @category limits
 */
export interface RouteLimitExceeded {
  readonly field: string
  readonly value: number
  readonly limit: number
}

/**
 * The text of a {@link RouteLimitExceeded}, naming the field.
 *
 * @since 0.1.0
 * @category limits
 */
export const formatRouteLimitExceeded = (exceeded: RouteLimitExceeded): string =>
  `${exceeded.field} is ${exceeded.value}, above the client's limit of ${exceeded.limit}`

const countItems = (conf: string): number => {
  let items = 1
  for (let index = conf.indexOf(";"); index !== -1; index = conf.indexOf(";", index + 1)) items++
  return items
}

/**
 * The first field of `route` beyond the {@link RouteLimits}, or `undefined` when the route is
 * within them. Runs in time linear in the route's size and builds nothing proportional to a count.
 * `brokerAddrsBounded` skips counting the entries of each `brokerAddrs`, for a reader that has
 * already refused a map of more than `maxBrokersPerGroup` entries.
 *
 * @since 0.1.0
 * @category limits
 */
export const checkRouteLimits = (route: TopicRouteData, brokerAddrsBounded = false): RouteLimitExceeded | undefined => {
  const { maxBrokerGroups, maxBrokersPerGroup, maxQueueNums, maxRouteQueues } = RouteLimits
  if (route.queueDatas.length > maxBrokerGroups) {
    return { field: "queueDatas (entries)", value: route.queueDatas.length, limit: maxBrokerGroups }
  }
  if (route.brokerDatas.length > maxBrokerGroups) {
    return { field: "brokerDatas (entries)", value: route.brokerDatas.length, limit: maxBrokerGroups }
  }
  let readQueues = 0
  let writeQueues = 0
  for (let index = 0; index < route.queueDatas.length; index++) {
    const queueData = route.queueDatas[index]
    if (queueData === undefined) continue
    if (queueData.readQueueNums > maxQueueNums) {
      return { field: `queueDatas[${index}].readQueueNums`, value: queueData.readQueueNums, limit: maxQueueNums }
    }
    if (queueData.writeQueueNums > maxQueueNums) {
      return { field: `queueDatas[${index}].writeQueueNums`, value: queueData.writeQueueNums, limit: maxQueueNums }
    }
    readQueues += Math.max(0, queueData.readQueueNums)
    writeQueues += Math.max(0, queueData.writeQueueNums)
  }
  if (readQueues > maxRouteQueues) {
    return { field: "queueDatas[*].readQueueNums (sum)", value: readQueues, limit: maxRouteQueues }
  }
  if (writeQueues > maxRouteQueues) {
    return { field: "queueDatas[*].writeQueueNums (sum)", value: writeQueues, limit: maxRouteQueues }
  }
  for (let index = 0; index < route.brokerDatas.length && !brokerAddrsBounded; index++) {
    const brokerData = route.brokerDatas[index]
    if (brokerData === undefined) continue
    let addresses = 0
    for (const _ in brokerData.brokerAddrs) addresses++
    if (addresses > maxBrokersPerGroup) {
      return { field: `brokerDatas[${index}].brokerAddrs (entries)`, value: addresses, limit: maxBrokersPerGroup }
    }
  }
  const conf = route.orderTopicConf
  if (conf !== undefined && conf.length > 0) {
    const items = countItems(conf)
    if (items > maxBrokerGroups) return { field: "orderTopicConf (items)", value: items, limit: maxBrokerGroups }
    let orderQueues = 0
    for (const item of orderTopicItems(conf)) {
      if (item.count > maxQueueNums) {
        return { field: `orderTopicConf item ${JSON.stringify(item.brokerName.slice(0, 64))}`, value: item.count, limit: maxQueueNums }
      }
      orderQueues += Math.max(0, item.count)
    }
    if (orderQueues > maxRouteQueues) return { field: "orderTopicConf (sum)", value: orderQueues, limit: maxRouteQueues }
  }
  return undefined
}
