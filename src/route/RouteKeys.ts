/**
 * Canonical keys of a topic route's parts (REMOTING.md §9.5): two parts are equal for the Java
 * client's "route changed" rule exactly when their keys are equal, whatever the order of their
 * entries. Shared by `RouteComparison` and `PublishQueues`. Pure functions.
 *
 * @since 0.1.0
 */
import type { QueueData, TopicQueueMappingInfo } from "../protocol/TopicRouteData.ts"
import type { BrokerData, TopicRouteData } from "../protocol/TopicRouteData.ts"
import type { BrokerAddress, QueueSettings } from "./RouteDiff.ts"

/**
 * Plain UTF-16 string order, as Java's `String.compareTo`.
 *
 * @since 0.1.0
 * @category keys
 */
export const compareStrings = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)

/**
 * A decimal integer as Java's `Long.parseLong` accepts it.
 *
 * @since 0.1.0
 * @category keys
 */
export const DECIMAL = /^[+-]?\d+$/

/**
 * A broker id as a number written in canonical decimal ("00" and "-0" become "0").
 *
 * @since 0.1.0
 * @category keys
 */
export const canonicalId = (id: string): string => (DECIMAL.test(id) ? BigInt(id).toString() : id)

/**
 * Broker ids in numeric order when both are decimal, else in string order.
 *
 * @since 0.1.0
 * @category keys
 */
export const compareIds = (a: string, b: string): number => {
  if (DECIMAL.test(a) && DECIMAL.test(b)) {
    const x = BigInt(a)
    const y = BigInt(b)
    return x < y ? -1 : x > y ? 1 : 0
  }
  return compareStrings(a, b)
}

/**
 * `true` for the master's broker id, 0 as a number.
 *
 * @since 0.1.0
 * @category keys
 */
export const isMasterId = (id: string): boolean => canonicalId(id) === "0"

/**
 * A sorted copy, so that equal multisets give equal lists.
 *
 * @since 0.1.0
 * @category keys
 */
export const sortedStrings = (values: ReadonlyArray<string>): Array<string> => [...values].sort(compareStrings)

/**
 * A number as a key: -0 reads as 0, and NaN equals NaN.
 *
 * @since 0.1.0
 * @category keys
 */
export const numberKey = (n: number): number | string => (Number.isFinite(n) ? (n === 0 ? 0 : n) : String(n))

/**
 * The queue settings of a `QueueData` (all its fields but the broker name).
 *
 * @since 0.1.0
 * @category keys
 */
export const settingsOf = (queueData: QueueData): QueueSettings => ({
  readQueueNums: queueData.readQueueNums,
  writeQueueNums: queueData.writeQueueNums,
  perm: queueData.perm,
  topicSysFlag: queueData.topicSysFlag
})

/**
 * The key of queue settings: equal settings, equal keys.
 *
 * @since 0.1.0
 * @category keys
 */
export const settingsKey = (settings: QueueSettings): string =>
  JSON.stringify([settings.readQueueNums, settings.writeQueueNums, settings.perm, settings.topicSysFlag].map(numberKey))

/**
 * A `brokerAddrs` map as entries with canonical ids, sorted by id then address (ids may repeat).
 *
 * @since 0.1.0
 * @category keys
 */
export const addressesOf = (brokerData: BrokerData): Array<BrokerAddress> =>
  Object.entries(brokerData.brokerAddrs)
    .map(([id, address]) => ({ brokerId: canonicalId(id), address }))
    .sort((a, b) => compareIds(a.brokerId, b.brokerId) || compareStrings(a.address, b.address))

/**
 * The key of a broker group's addresses, as {@link addressesOf} lists them.
 *
 * @since 0.1.0
 * @category keys
 */
export const addressesKey = (addresses: ReadonlyArray<BrokerAddress>): string =>
  JSON.stringify(addresses.map((entry) => [entry.brokerId, entry.address]))

/**
 * The key of a `QueueData`: its broker name and settings.
 *
 * @since 0.1.0
 * @category keys
 */
export const queueDataKey = (queueData: QueueData): string =>
  JSON.stringify([queueData.brokerName, settingsKey(settingsOf(queueData))])

/**
 * The key of a `BrokerData`: its broker name and addresses (cluster and zone are not part of it).
 *
 * @since 0.1.0
 * @category keys
 */
export const brokerDataKey = (brokerData: BrokerData): string =>
  JSON.stringify([brokerData.brokerName, addressesKey(addressesOf(brokerData))])

/**
 * The key of a `filterServerTable`: maps by key, each server list as a multiset.
 *
 * @since 0.1.0
 * @category keys
 */
export const filterServerKey = (table: TopicRouteData["filterServerTable"]): string =>
  JSON.stringify(
    Object.entries(table)
      .map(([brokerAddr, servers]) => [brokerAddr, sortedStrings(servers)] as const)
      .sort((a, b) => compareStrings(a[0], b[0]))
  )

const JAVA_DEFAULT_SCOPE = "__global__"

/** A mapping info with Java's defaults for absent fields (scope `__global__`, numbers 0, dirty false). */
const mappingInfoKey = (info: TopicQueueMappingInfo): string =>
  JSON.stringify([
    info.topic ?? null,
    info.scope ?? JAVA_DEFAULT_SCOPE,
    numberKey(info.totalQueues ?? 0),
    info.bname ?? null,
    numberKey(info.epoch ?? 0),
    info.dirty ?? false,
    sortedStrings(
      Object.entries(info.currIdMap ?? {}).map(([logical, physical]) =>
        JSON.stringify([canonicalId(logical), numberKey(physical)])
      )
    )
  ])

/**
 * The key of a `topicQueueMappingByBroker` (absent and `{}` differ; absent fields read as Java's defaults).
 *
 * @since 0.1.0
 * @category keys
 */
export const mappingKey = (mapping: TopicRouteData["topicQueueMappingByBroker"]): string =>
  mapping === undefined
    ? "absent"
    : JSON.stringify(
      Object.entries(mapping)
        .map(([brokerName, info]) => [brokerName, mappingInfoKey(info)] as const)
        .sort((a, b) => compareStrings(a[0], b[0]))
    )

/**
 * The key of a whole route: equal exactly when Java's "route changed" rule sees no change (see
 * `changed`).
 *
 * @since 0.1.0
 * @category keys
 */
export const routeKey = (route: TopicRouteData): string =>
  JSON.stringify([
    route.orderTopicConf === undefined ? null : route.orderTopicConf,
    sortedStrings(route.queueDatas.map(queueDataKey)),
    sortedStrings(route.brokerDatas.map(brokerDataKey)),
    filterServerKey(route.filterServerTable),
    mappingKey(route.topicQueueMappingByBroker)
  ])

