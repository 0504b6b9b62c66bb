/**
 * What a topic route means for a client, and how two routes differ (REMOTING.md §9.4, §9.5): the
 * queues a producer may write to, the queues a consumer may read, the Java client's "route changed"
 * rule, and a structured, printable account of the changes between two routes. Pure functions: no
 * services, no I/O.
 *
 * @since 0.1.0
 */
import { Schema, Struct } from "effect"
import { permToString, isReadable, isWriteable } from "../protocol/Permission.ts"
import { QueueData, TopicQueueMappingInfo } from "../protocol/TopicRouteData.ts"
import type { BrokerData, TopicRouteData } from "../protocol/TopicRouteData.ts"
import type { MessageQueue } from "./MessageQueue.ts"

// ---------------------------------------------------------------------------------------------
// Schemas of a diff
// ---------------------------------------------------------------------------------------------

/**
 * The queue settings of one `QueueData`, without its broker name.
 *
 * @since 0.1.0
 */
export const QueueSettings = QueueData.mapFields(Struct.omit(["brokerName"]))

/**
 * @since 0.1.0
 */
export type QueueSettings = typeof QueueSettings.Type

/**
 * The queue settings of a broker group before and after. Each side lists the group's `QueueData`
 * entries: normally none (group absent) or one; more only when a route repeats a broker name.
 *
 * @since 0.1.0
 */
export const QueueChange = Schema.Struct({
  brokerName: Schema.String,
  before: Schema.Array(QueueSettings),
  after: Schema.Array(QueueSettings)
})

/**
 * @since 0.1.0
 */
export type QueueChange = typeof QueueChange.Type

/**
 * The address of broker `brokerId` (canonical decimal, `"0"` = master) of a broker group before and
 * after; a missing side means the id was added or removed.
 *
 * @since 0.1.0
 */
export const AddressChange = Schema.Struct({
  brokerName: Schema.String,
  brokerId: Schema.String,
  before: Schema.optionalKey(Schema.String),
  after: Schema.optionalKey(Schema.String)
})

/**
 * @since 0.1.0
 */
export type AddressChange = typeof AddressChange.Type

/**
 * One entry of a `brokerAddrs` map, with the id in canonical decimal form.
 *
 * @since 0.1.0
 */
export const BrokerAddress = Schema.Struct({
  brokerId: Schema.String,
  address: Schema.String
})

/**
 * @since 0.1.0
 */
export type BrokerAddress = typeof BrokerAddress.Type

/**
 * The full `brokerAddrs` of every `BrokerData` of a broker group before and after (each map as a list
 * sorted by id). Used instead of {@link AddressChange} only for irregular routes that per-id changes
 * cannot describe: a broker name with several `BrokerData` entries, a map holding the same id twice
 * (`"0"` and `"00"`), or a `BrokerData` with an empty map appearing or disappearing.
 *
 * @since 0.1.0
 */
export const BrokerDataChange = Schema.Struct({
  brokerName: Schema.String,
  before: Schema.Array(Schema.Array(BrokerAddress)),
  after: Schema.Array(Schema.Array(BrokerAddress))
})

/**
 * @since 0.1.0
 */
export type BrokerDataChange = typeof BrokerDataChange.Type

/**
 * A change of `orderTopicConf`; a missing side means the field was absent.
 *
 * @since 0.1.0
 */
export const OrderConfChange = Schema.Struct({
  before: Schema.optionalKey(Schema.String),
  after: Schema.optionalKey(Schema.String)
})

/**
 * @since 0.1.0
 */
export type OrderConfChange = typeof OrderConfChange.Type

/**
 * A change of `filterServerTable`, both tables in full.
 *
 * @since 0.1.0
 */
export const FilterServerChange = Schema.Struct({
  before: Schema.Record(Schema.String, Schema.Array(Schema.String)),
  after: Schema.Record(Schema.String, Schema.Array(Schema.String))
})

/**
 * @since 0.1.0
 */
export type FilterServerChange = typeof FilterServerChange.Type

/**
 * A change of `topicQueueMappingByBroker` (static topics, 5.x), both tables in full; a missing side
 * means the field was absent.
 *
 * @since 0.1.0
 */
export const StaticMappingChange = Schema.Struct({
  before: Schema.optionalKey(Schema.Record(Schema.String, TopicQueueMappingInfo)),
  after: Schema.optionalKey(Schema.Record(Schema.String, TopicQueueMappingInfo))
})

/**
 * @since 0.1.0
 */
export type StaticMappingChange = typeof StaticMappingChange.Type

/**
 * What changed between two routes of a topic. Lists are sorted by broker name (then broker id).
 *
 * - `routeAppeared`: there was no previous route; the new one is then compared with an empty route,
 *   so every broker group of it is listed as added, with its queues and addresses. The flag keeps the
 *   diff non-empty even when the new route has no broker at all.
 * - `brokersAdded` / `brokersRemoved`: broker names mentioned (by a `QueueData` or a `BrokerData`)
 *   only in the new / only in the old route.
 * - `addressChanges`: per broker name and id, master and slaves, including ids added and removed.
 * - `brokerDataChanges`: the irregular cases `addressChanges` cannot describe (see
 *   {@link BrokerDataChange}); a broker name is listed in one of the two, never both.
 * - `queueChanges`: per broker name, the queue counts, perm and topicSysFlag before and after.
 * - `orderTopicConf`, `filterServerTable`, `topicQueueMapping`: present only when that part changed.
 *
 * Ignored, as by the Java client: BrokerData `cluster`, `zoneName`, `enableActingMaster`.
 *
 * @since 0.1.0
 */
export const RouteDiff = Schema.Struct({
  routeAppeared: Schema.Boolean,
  brokersAdded: Schema.Array(Schema.String),
  brokersRemoved: Schema.Array(Schema.String),
  addressChanges: Schema.Array(AddressChange),
  brokerDataChanges: Schema.Array(BrokerDataChange),
  queueChanges: Schema.Array(QueueChange),
  orderTopicConf: Schema.optionalKey(OrderConfChange),
  filterServerTable: Schema.optionalKey(FilterServerChange),
  topicQueueMapping: Schema.optionalKey(StaticMappingChange)
})

/**
 * @since 0.1.0
 */
export type RouteDiff = typeof RouteDiff.Type

// ---------------------------------------------------------------------------------------------
// Canonical forms shared by `changed` and `diff`
// ---------------------------------------------------------------------------------------------

const compareStrings = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)

const DECIMAL = /^[+-]?\d+$/

/** A broker id as a number written in canonical decimal ("00" and "-0" become "0"). */
const canonicalId = (id: string): string => (DECIMAL.test(id) ? BigInt(id).toString() : id)

const compareIds = (a: string, b: string): number => {
  if (DECIMAL.test(a) && DECIMAL.test(b)) {
    const x = BigInt(a)
    const y = BigInt(b)
    return x < y ? -1 : x > y ? 1 : 0
  }
  return compareStrings(a, b)
}

const isMasterId = (id: string): boolean => canonicalId(id) === "0"

/** Sorted copies, so that equal multisets give equal lists. */
const sortedStrings = (values: ReadonlyArray<string>): Array<string> => [...values].sort(compareStrings)

/** A number as a key: -0 reads as 0, and NaN equals NaN. */
const numberKey = (n: number): number | string => (Number.isFinite(n) ? (n === 0 ? 0 : n) : String(n))

const settingsOf = (queueData: QueueData): QueueSettings => ({
  readQueueNums: queueData.readQueueNums,
  writeQueueNums: queueData.writeQueueNums,
  perm: queueData.perm,
  topicSysFlag: queueData.topicSysFlag
})

const settingsKey = (settings: QueueSettings): string =>
  JSON.stringify([settings.readQueueNums, settings.writeQueueNums, settings.perm, settings.topicSysFlag].map(numberKey))

/** A `brokerAddrs` map as entries with canonical ids, sorted by id then address (ids may repeat). */
const addressesOf = (brokerData: BrokerData): Array<BrokerAddress> =>
  Object.entries(brokerData.brokerAddrs)
    .map(([id, address]) => ({ brokerId: canonicalId(id), address }))
    .sort((a, b) => compareIds(a.brokerId, b.brokerId) || compareStrings(a.address, b.address))

const addressesKey = (addresses: ReadonlyArray<BrokerAddress>): string =>
  JSON.stringify(addresses.map((entry) => [entry.brokerId, entry.address]))

const queueDataKey = (queueData: QueueData): string =>
  JSON.stringify([queueData.brokerName, settingsKey(settingsOf(queueData))])

const brokerDataKey = (brokerData: BrokerData): string =>
  JSON.stringify([brokerData.brokerName, addressesKey(addressesOf(brokerData))])

const filterServerKey = (table: TopicRouteData["filterServerTable"]): string =>
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

const mappingKey = (mapping: TopicRouteData["topicQueueMappingByBroker"]): string =>
  mapping === undefined
    ? "absent"
    : JSON.stringify(
      Object.entries(mapping)
        .map(([brokerName, info]) => [brokerName, mappingInfoKey(info)] as const)
        .sort((a, b) => compareStrings(a[0], b[0]))
    )

// ---------------------------------------------------------------------------------------------
// Publish and subscribe queues
// ---------------------------------------------------------------------------------------------

const INT_MAX = 2147483647

/** `brokerName:count` as Java reads it, or `undefined` for an item Java would fail on. */
const parseOrderItem = (item: string): { readonly brokerName: string; readonly count: number } | undefined => {
  const parts = item.split(":")
  const brokerName = parts[0]
  const count = parts[1]
  if (brokerName === undefined || brokerName.length === 0 || count === undefined || !DECIMAL.test(count)) {
    return undefined
  }
  const value = Number(count)
  return Math.abs(value) > INT_MAX ? undefined : { brokerName, count: value }
}

const queuesOf = (topic: string, brokerName: string, count: number): Array<MessageQueue> =>
  Array.from({ length: Math.max(0, count) }, (_, queueId) => ({ topic, brokerName, queueId }))

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
 */
export const publishQueues = (
  topic: string,
  route: TopicRouteData
): { readonly queues: ReadonlyArray<MessageQueue>; readonly orderTopic: boolean } => {
  const conf = route.orderTopicConf
  if (conf !== undefined && conf.length > 0) {
    const queues: Array<MessageQueue> = []
    for (const item of conf.split(";")) {
      const parsed = parseOrderItem(item)
      if (parsed !== undefined) queues.push(...queuesOf(topic, parsed.brokerName, parsed.count))
    }
    return { queues, orderTopic: true }
  }
  const queues: Array<MessageQueue> = []
  const sorted = [...route.queueDatas].sort((a, b) => compareStrings(a.brokerName, b.brokerName))
  for (const queueData of sorted) {
    if (!isWriteable(queueData.perm)) continue
    const brokerData = route.brokerDatas.find((candidate) => candidate.brokerName === queueData.brokerName)
    if (brokerData === undefined || !Object.keys(brokerData.brokerAddrs).some(isMasterId)) continue
    queues.push(...queuesOf(topic, queueData.brokerName, queueData.writeQueueNums))
  }
  return { queues, orderTopic: false }
}

/**
 * The queues a consumer may read: Java's `topicRouteData2TopicSubscribeInfo`. For each `QueueData`
 * with `PERM_READ`, queues `0…readQueueNums−1`, whether or not the group has a master. Java returns
 * a set: here each (broker name, queue id) appears once, sorted by broker name then queue id.
 *
 * @since 0.1.0
 */
export const readQueues = (topic: string, route: TopicRouteData): ReadonlyArray<MessageQueue> => {
  const counts = new Map<string, number>()
  for (const queueData of route.queueDatas) {
    if (!isReadable(queueData.perm)) continue
    counts.set(queueData.brokerName, Math.max(counts.get(queueData.brokerName) ?? 0, queueData.readQueueNums))
  }
  return [...counts.keys()].sort(compareStrings).flatMap((brokerName) =>
    queuesOf(topic, brokerName, counts.get(brokerName) ?? 0)
  )
}

// ---------------------------------------------------------------------------------------------
// Changed
// ---------------------------------------------------------------------------------------------

const routeKey = (route: TopicRouteData): string =>
  JSON.stringify([
    route.orderTopicConf === undefined ? null : route.orderTopicConf,
    sortedStrings(route.queueDatas.map(queueDataKey)),
    sortedStrings(route.brokerDatas.map(brokerDataKey)),
    filterServerKey(route.filterServerTable),
    mappingKey(route.topicQueueMappingByBroker)
  ])

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
 */
export const changed = (old: TopicRouteData | undefined, next: TopicRouteData): boolean =>
  old === undefined || routeKey(old) !== routeKey(next)

// ---------------------------------------------------------------------------------------------
// Diff
// ---------------------------------------------------------------------------------------------

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

/**
 * `true` when the diff records no change.
 *
 * @since 0.1.0
 */
export const isEmpty = (routeDiff: RouteDiff): boolean =>
  !routeDiff.routeAppeared &&
  routeDiff.brokersAdded.length === 0 &&
  routeDiff.brokersRemoved.length === 0 &&
  routeDiff.addressChanges.length === 0 &&
  routeDiff.brokerDataChanges.length === 0 &&
  routeDiff.queueChanges.length === 0 &&
  routeDiff.orderTopicConf === undefined &&
  routeDiff.filterServerTable === undefined &&
  routeDiff.topicQueueMapping === undefined

// ---------------------------------------------------------------------------------------------
// Formatting
// ---------------------------------------------------------------------------------------------

const formatSettings = (settings: QueueSettings): string =>
  `read ${settings.readQueueNums}, write ${settings.writeQueueNums}, perm ${permToString(settings.perm)}, ` +
  `sysFlag ${settings.topicSysFlag}`

const formatSettingsList = (list: ReadonlyArray<QueueSettings>): string =>
  list.length === 0
    ? "none"
    : list.length === 1 && list[0] !== undefined
    ? formatSettings(list[0])
    : list.map((settings) => `[${formatSettings(settings)}]`).join(", ")

const formatQueueChange = (change: QueueChange): string => {
  const [was, now] = [change.before, change.after]
  const a = was[0]
  const b = now[0]
  if (was.length === 1 && now.length === 1 && a !== undefined && b !== undefined) {
    const parts: Array<string> = []
    if (a.readQueueNums !== b.readQueueNums) parts.push(`read ${a.readQueueNums} → ${b.readQueueNums}`)
    if (a.writeQueueNums !== b.writeQueueNums) parts.push(`write ${a.writeQueueNums} → ${b.writeQueueNums}`)
    if (a.perm !== b.perm) {
      parts.push(
        permToString(a.perm) === permToString(b.perm)
          ? `perm ${a.perm} → ${b.perm}`
          : `perm ${permToString(a.perm)} → ${permToString(b.perm)}`
      )
    }
    if (a.topicSysFlag !== b.topicSysFlag) parts.push(`sysFlag ${a.topicSysFlag} → ${b.topicSysFlag}`)
    return `${change.brokerName} queues: ${parts.join(", ")}`
  }
  return `${change.brokerName} queues: ${formatSettingsList(was)} → ${formatSettingsList(now)}`
}

const brokerLabel = (brokerId: string): string => (brokerId === "0" ? "master" : `slave ${brokerId}`)

const formatAddressChange = (change: AddressChange): string => {
  const who = `${change.brokerName} ${brokerLabel(change.brokerId)}`
  if (change.before === undefined) return `${who} added: ${change.after ?? "?"}`
  if (change.after === undefined) return `${who} removed: ${change.before}`
  return `${who}: ${change.before} → ${change.after}`
}

const formatAddressMaps = (maps: ReadonlyArray<ReadonlyArray<BrokerAddress>>): string =>
  maps.length === 0
    ? "none"
    : maps.map((entries) => `[${entries.map((entry) => `${entry.brokerId}=${entry.address}`).join(", ")}]`).join(
      ", "
    )

const formatOptional = (value: unknown): string => (value === undefined ? "none" : JSON.stringify(value))

/**
 * One human-readable line per change, e.g. `broker broker-b added`, `broker-a master:
 * 10.0.0.1:10911 → 10.0.0.2:10911`, `broker-a queues: write 4 → 8, perm RW- → R--`. Empty exactly
 * when {@link isEmpty} holds.
 *
 * @since 0.1.0
 */
export const formatDiff = (routeDiff: RouteDiff): ReadonlyArray<string> => [
  ...(routeDiff.routeAppeared ? ["route appeared"] : []),
  ...routeDiff.brokersAdded.map((name) => `broker ${name} added`),
  ...routeDiff.brokersRemoved.map((name) => `broker ${name} removed`),
  ...routeDiff.queueChanges.map(formatQueueChange),
  ...routeDiff.addressChanges.map(formatAddressChange),
  ...routeDiff.brokerDataChanges.map((change) =>
    `${change.brokerName} broker data: ${formatAddressMaps(change.before)} → ${formatAddressMaps(change.after)}`
  ),
  ...(routeDiff.orderTopicConf === undefined ? [] : [
    `order config: ${formatOptional(routeDiff.orderTopicConf.before)} → ${
      formatOptional(routeDiff.orderTopicConf.after)
    }`
  ]),
  ...(routeDiff.filterServerTable === undefined ? [] : [
    `filter servers: ${JSON.stringify(routeDiff.filterServerTable.before)} → ${
      JSON.stringify(routeDiff.filterServerTable.after)
    }`
  ]),
  ...(routeDiff.topicQueueMapping === undefined ? [] : [
    `static topic mapping: ${formatOptional(routeDiff.topicQueueMapping.before)} → ${
      formatOptional(routeDiff.topicQueueMapping.after)
    }`
  ])
]
