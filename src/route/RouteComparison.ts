/**
 * How two routes of a topic compare (REMOTING.md §9.5): the Java client's "route changed" rule
 * and a structured account of the changes ({@link RouteDiff}). Pure functions.
 *
 * @since 0.1.0
 */
import type { TopicRouteData } from "../protocol/TopicRouteData.ts"
import type { AddressChange, BrokerAddress, BrokerDataChange, QueueChange, QueueSettings, RouteDiff } from "./RouteDiff.ts"
import {
  addressesKey,
  addressesOf,
  compareIds,
  compareStrings,
  filterServerKey,
  mappingKey,
  routeKey,
  settingsKey,
  settingsOf
} from "./RouteKeys.ts"

/**
 * Java's "route changed" rule (REMOTING.md §9.5): `true` when there is no old route; otherwise
 * whether `orderTopicConf` (absent and `""` differ), the `QueueData` entries (all fields), the
 * `BrokerData` entries (broker name and full `brokerAddrs` map, ids compared as numbers), the
 * `filterServerTable` or `topicQueueMappingByBroker` (absent and `{}` differ; absent mapping fields
 * read as Java's defaults) differ. BrokerData `cluster`, `zoneName` and `enableActingMaster` are not
 * compared. Unlike Java, the result never depends on the order of entries: lists are compared as
 * multisets (`queueDatas`, `brokerDatas`, each filter-server list) and maps by key.
 *
 * @since 0.1.0
 * @category comparison
 */
export const changed = (old: TopicRouteData | undefined, next: TopicRouteData): boolean =>
  old === undefined || routeKey(old) !== routeKey(next)

const EMPTY_ROUTE: TopicRouteData = { queueDatas: [], brokerDatas: [], filterServerTable: {} }

const brokerNamesOf = (route: TopicRouteData): Set<string> =>
  new Set([...route.queueDatas.map((q) => q.brokerName), ...route.brokerDatas.map((b) => b.brokerName)])

const queueGroup = (route: TopicRouteData, brokerName: string): Array<QueueSettings> =>
  route.queueDatas
    .filter((queueData) => queueData.brokerName === brokerName)
    .map(settingsOf)
    .sort((a, b) => compareStrings(settingsKey(a), settingsKey(b)))

const brokerGroup = (route: TopicRouteData, brokerName: string): Array<Array<BrokerAddress>> =>
  route.brokerDatas
    .filter((brokerData) => brokerData.brokerName === brokerName)
    .map(addressesOf)
    .sort((a, b) => compareStrings(addressesKey(a), addressesKey(b)))

const hasRepeatedId = (addresses: ReadonlyArray<BrokerAddress>): boolean =>
  new Set(addresses.map((entry) => entry.brokerId)).size !== addresses.length

/** Whether per-id changes describe the difference of two broker groups completely. */
const describablePerId = (
  before: ReadonlyArray<ReadonlyArray<BrokerAddress>>,
  after: ReadonlyArray<ReadonlyArray<BrokerAddress>>
): boolean => {
  if (before.length > 1 || after.length > 1) return false
  if (before.some(hasRepeatedId) || after.some(hasRepeatedId)) return false
  // A BrokerData with an empty map appearing or disappearing has no id to report.
  const only = before[0] ?? after[0]
  return before.length === after.length || (only !== undefined && only.length > 0)
}

const addressChangesOf = (
  brokerName: string,
  before: ReadonlyArray<BrokerAddress>,
  after: ReadonlyArray<BrokerAddress>
): Array<AddressChange> => {
  const was = new Map(before.map((entry) => [entry.brokerId, entry.address]))
  const now = new Map(after.map((entry) => [entry.brokerId, entry.address]))
  const ids = [...new Set([...was.keys(), ...now.keys()])].sort(compareIds)
  const changes: Array<AddressChange> = []
  for (const brokerId of ids) {
    const previous = was.get(brokerId)
    const current = now.get(brokerId)
    if (previous === current) continue
    changes.push({
      brokerName,
      brokerId,
      ...(previous === undefined ? {} : { before: previous }),
      ...(current === undefined ? {} : { after: current })
    })
  }
  return changes
}

const sameList = <A>(a: ReadonlyArray<A>, b: ReadonlyArray<A>, key: (value: A) => string): boolean =>
  a.length === b.length && a.every((value, i) => {
    const other = b[i]
    return other !== undefined && key(value) === key(other)
  })

/**
 * A structured account of what changed from `old` to `next` (see {@link RouteDiff}). With no old
 * route, `routeAppeared` is set and `next` is compared with an empty route. Obeys
 * `isEmpty(diff(old, next)) === !changed(old, next)` for every pair of routes, including routes
 * that repeat broker names.
 *
 * @since 0.1.0
 * @category comparison
 */
export const diff = (old: TopicRouteData | undefined, next: TopicRouteData): RouteDiff => {
  const before = old ?? EMPTY_ROUTE
  const namesBefore = brokerNamesOf(before)
  const namesAfter = brokerNamesOf(next)
  const allNames = [...new Set([...namesBefore, ...namesAfter])].sort(compareStrings)

  const addressChanges: Array<AddressChange> = []
  const brokerDataChanges: Array<BrokerDataChange> = []
  const queueChanges: Array<QueueChange> = []
  for (const brokerName of allNames) {
    const queuesBefore = queueGroup(before, brokerName)
    const queuesAfter = queueGroup(next, brokerName)
    if (!sameList(queuesBefore, queuesAfter, settingsKey)) {
      queueChanges.push({ brokerName, before: queuesBefore, after: queuesAfter })
    }
    const brokersBefore = brokerGroup(before, brokerName)
    const brokersAfter = brokerGroup(next, brokerName)
    if (sameList(brokersBefore, brokersAfter, addressesKey)) continue
    if (describablePerId(brokersBefore, brokersAfter)) {
      addressChanges.push(...addressChangesOf(brokerName, brokersBefore[0] ?? [], brokersAfter[0] ?? []))
    } else {
      brokerDataChanges.push({ brokerName, before: brokersBefore, after: brokersAfter })
    }
  }

  const orderBefore = before.orderTopicConf
  const orderAfter = next.orderTopicConf
  const mappingBefore = before.topicQueueMappingByBroker
  const mappingAfter = next.topicQueueMappingByBroker
  return {
    routeAppeared: old === undefined,
    brokersAdded: allNames.filter((name) => !namesBefore.has(name)),
    brokersRemoved: allNames.filter((name) => !namesAfter.has(name)),
    addressChanges,
    brokerDataChanges,
    queueChanges,
    ...(orderBefore === orderAfter ? {} : {
      orderTopicConf: {
        ...(orderBefore === undefined ? {} : { before: orderBefore }),
        ...(orderAfter === undefined ? {} : { after: orderAfter })
      }
    }),
    ...(filterServerKey(before.filterServerTable) === filterServerKey(next.filterServerTable) ? {} : {
      filterServerTable: { before: before.filterServerTable, after: next.filterServerTable }
    }),
    ...(mappingKey(mappingBefore) === mappingKey(mappingAfter) ? {} : {
      topicQueueMapping: {
        ...(mappingBefore === undefined ? {} : { before: mappingBefore }),
        ...(mappingAfter === undefined ? {} : { after: mappingAfter })
      }
    })
  }
}
