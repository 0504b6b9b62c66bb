/**
 * The queues a topic route gives a client (REMOTING.md §9.4): the queues a producer may write to
 * (Java's `topicRouteData2TopicPublishInfo`) and the queues a consumer may read
 * (`topicRouteData2TopicSubscribeInfo`). Pure functions.
 *
 * @since 0.1.0
 */
import { orderTopicItems } from "../protocol/OrderTopicConf.ts"
import { isReadable, isWriteable } from "../protocol/Permission.ts"
import type { TopicRouteData } from "../protocol/TopicRouteData.ts"
import type { MessageQueue } from "./MessageQueue.ts"
import { compareStrings, isMasterId } from "./RouteKeys.ts"

/** Appends queues `0…count−1` of a broker group (a loop, not a spread: counts can be large). */
const pushQueues = (queues: Array<MessageQueue>, topic: string, brokerName: string, count: number): void => {
  for (let queueId = 0; queueId < count; queueId++) queues.push({ topic, brokerName, queueId })
}

/**
 * The queues a producer may send to, and whether the topic is globally ordered: Java's
 * `topicRouteData2TopicPublishInfo` (REMOTING.md §9.4).
 *
 * - Order topic (`orderTopicConf` non-empty): the conf is split on `;` into `brokerName:count` items,
 *   and queues `0…count−1` are appended per item in the listed order, without any perm or master
 *   check; `orderTopic` is `true`. Like Java, text after a second `:` is ignored, a negative count
 *   gives no queue, and a broker listed twice gets its queues twice. Items Java would throw on (no
 *   `:`, a count that is not a decimal int, e.g. `a: 4`, or empty items as in `;a:4`) and items with
 *   an empty broker name are skipped; the other items still count.
 * - Normal topic: `queueDatas` sorted by broker name (plain UTF-16 string order, stable); for each one
 *   with `PERM_WRITE` whose broker group has a master (the first `BrokerData` of that name, as in Java,
 *   has an id equal to 0 as a number, so `"0"` and `"00"` both count), queues `0…writeQueueNums−1`.
 *   Duplicate `QueueData` of one broker name give that broker's queues once per entry, as in Java.
 * - Static topics (`topicQueueMappingByBroker`, 5.x) are not supported for publishing yet: they are
 *   treated as normal topics, i.e. the mapping is ignored and the physical queues are used.
 *
 * @since 0.1.0
 * @category queues
 */
export const publishQueues = (
  topic: string,
  route: TopicRouteData
): { readonly queues: ReadonlyArray<MessageQueue>; readonly orderTopic: boolean } => {
  const conf = route.orderTopicConf
  if (conf !== undefined && conf.length > 0) {
    const queues: Array<MessageQueue> = []
    for (const item of orderTopicItems(conf)) pushQueues(queues, topic, item.brokerName, item.count)
    return { queues, orderTopic: true }
  }
  const queues: Array<MessageQueue> = []
  const sorted = [...route.queueDatas].sort((a, b) => compareStrings(a.brokerName, b.brokerName))
  for (const queueData of sorted) {
    if (!isWriteable(queueData.perm)) continue
    const brokerData = route.brokerDatas.find((candidate) => candidate.brokerName === queueData.brokerName)
    if (brokerData === undefined || !Object.keys(brokerData.brokerAddrs).some(isMasterId)) continue
    pushQueues(queues, topic, queueData.brokerName, queueData.writeQueueNums)
  }
  return { queues, orderTopic: false }
}

/**
 * The queues a consumer may read: Java's `topicRouteData2TopicSubscribeInfo`. For each `QueueData`
 * with `PERM_READ`, queues `0…readQueueNums−1`, whether or not the group has a master. Java returns
 * a set: here each (broker name, queue id) appears once, sorted by broker name then queue id.
 *
 * @since 0.1.0
 * @category queues
 */
export const readQueues = (topic: string, route: TopicRouteData): ReadonlyArray<MessageQueue> => {
  const counts = new Map<string, number>()
  for (const queueData of route.queueDatas) {
    if (!isReadable(queueData.perm)) continue
    counts.set(queueData.brokerName, Math.max(counts.get(queueData.brokerName) ?? 0, queueData.readQueueNums))
  }
  const queues: Array<MessageQueue> = []
  for (const brokerName of [...counts.keys()].sort(compareStrings)) pushQueues(queues, topic, brokerName, counts.get(brokerName) ?? 0)
  return queues
}
