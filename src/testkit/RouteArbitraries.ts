/**
 * Arbitraries of topic routes for property tests, built from this library's schemas: small,
 * realistic values drawn from little pools (so broker names, ids and addresses collide across
 * entries and across routes), plus helpers that reorder a route without changing its meaning and
 * that apply one small mutation to a route.
 *
 * @since 0.1.0
 */
import { Arbitrary, Schema } from "effect"
import type { BrokerData, QueueData, TopicQueueMappingInfo, TopicRouteData } from "../protocol/TopicRouteData.ts"
import { intBetween } from "./Arbitraries.ts"


/** `true` about once in `n` draws. */
const oneIn = (n: number): Arbitrary.Arbitrary<boolean> => Arbitrary.map(intBetween(1, n), (k) => k === 1)

/** A value about once in `n` draws, else `undefined`. */
const sometimes = <A>(n: number, value: Arbitrary.Arbitrary<A>): Arbitrary.Arbitrary<A | undefined> => {
  const absent: Arbitrary.Arbitrary<A | undefined> = Arbitrary.Constant(undefined)
  const present: Arbitrary.Arbitrary<A | undefined> = value
  return Arbitrary.flatMap(oneIn(n), (yes) => (yes ? present : absent))
}

/**
 * The broker names routes are drawn from: three, so that names repeat.
 *
 * @since 0.1.0
 * @category arbitraries
 */
export const brokerNames = ["broker-a", "broker-b", "broker-c"] as const

/**
 * The broker addresses routes are drawn from.
 *
 * @since 0.1.0
 * @category arbitraries
 */
export const brokerAddresses = ["10.0.0.1:10911", "10.0.0.2:10911", "10.0.0.3:10911", "10.0.0.1:10921"] as const

/**
 * A broker name from {@link brokerNames}.
 *
 * @since 0.1.0
 * @category arbitraries
 */
export const brokerName: Arbitrary.Arbitrary<string> = Arbitrary.schema(Schema.Literals(brokerNames))

/**
 * A broker address from {@link brokerAddresses}.
 *
 * @since 0.1.0
 * @category arbitraries
 */
export const brokerAddress: Arbitrary.Arbitrary<string> = Arbitrary.schema(Schema.Literals(brokerAddresses))

const brokerId = Arbitrary.schema(Schema.Literals(["0", "1", "2"]))
const cluster = Arbitrary.schema(Schema.Literals(["DefaultCluster", "cluster-2"]))
const zoneName = Arbitrary.schema(Schema.Literals(["zone-a", "zone-b"]))

/**
 * A `QueueData`: a broker name from the pool, 0–16 read and write queues, perm 0–7, sys flag 0–3.
 *
 * @since 0.1.0
 * @category arbitraries
 */
export const queueData: Arbitrary.Arbitrary<QueueData> = Arbitrary.all({
  brokerName,
  readQueueNums: intBetween(0, 16),
  writeQueueNums: intBetween(0, 16),
  perm: intBetween(0, 7),
  topicSysFlag: intBetween(0, 3)
})

/**
 * A `brokerAddrs` map: up to three of the ids 0 (master), 1 and 2 with addresses from the pool;
 * sometimes without master, sometimes empty.
 *
 * @since 0.1.0
 * @category arbitraries
 */
export const brokerAddrs: Arbitrary.Arbitrary<Record<string, string>> = Arbitrary.map(
  Arbitrary.array(Arbitrary.all([brokerId, brokerAddress]), { maxLength: 3 }),
  (entries) => Object.fromEntries(entries)
)

const brokerDataOf = (v5: boolean): Arbitrary.Arbitrary<BrokerData> =>
  Arbitrary.map(
    Arbitrary.all({
      cluster,
      brokerName,
      brokerAddrs,
      enableActingMaster: v5 ? Arbitrary.schema(Schema.Boolean) : Arbitrary.Constant(undefined),
      zoneName: v5 ? sometimes(2, zoneName) : Arbitrary.Constant(undefined)
    }),
    (b) => ({
      cluster: b.cluster,
      brokerName: b.brokerName,
      brokerAddrs: b.brokerAddrs,
      ...(b.enableActingMaster === undefined ? {} : { enableActingMaster: b.enableActingMaster }),
      ...(b.zoneName === undefined ? {} : { zoneName: b.zoneName })
    })
  )

/**
 * A `BrokerData` as a 4.9.x NameServer sends it (no `enableActingMaster`, no `zoneName`).
 *
 * @since 0.1.0
 * @category arbitraries
 */
export const brokerData: Arbitrary.Arbitrary<BrokerData> = brokerDataOf(false)

/**
 * A `BrokerData` as a 5.x NameServer sends it (`enableActingMaster` always, `zoneName` sometimes).
 *
 * @since 0.1.0
 * @category arbitraries
 */
export const brokerDataV5: Arbitrary.Arbitrary<BrokerData> = brokerDataOf(true)

/**
 * A static-topic mapping entry (5.x) with small values.
 *
 * @since 0.1.0
 * @category arbitraries
 */
export const topicQueueMappingInfo: Arbitrary.Arbitrary<TopicQueueMappingInfo> = Arbitrary.map(
  Arbitrary.all({
    bname: brokerName,
    totalQueues: intBetween(0, 8),
    epoch: intBetween(0, 3),
    dirty: Arbitrary.schema(Schema.Boolean),
    currIdMap: Arbitrary.array(Arbitrary.all([intBetween(0, 7), intBetween(0, 7)]), { maxLength: 3 })
  }),
  (m) => ({
    topic: "TopicTest",
    scope: "__global__",
    totalQueues: m.totalQueues,
    bname: m.bname,
    epoch: m.epoch,
    dirty: m.dirty,
    currIdMap: Object.fromEntries(m.currIdMap.map(([logical, physical]) => [String(logical), physical]))
  })
)

const mappingTable: Arbitrary.Arbitrary<Record<string, TopicQueueMappingInfo>> = Arbitrary.map(
  Arbitrary.array(topicQueueMappingInfo, { maxLength: 2 }),
  (infos) => Object.fromEntries(infos.map((info) => [info.bname ?? "broker-a", info]))
)

/**
 * An `orderTopicConf` such as `broker-a:4;broker-b:2` (0–3 items, so sometimes `""`).
 *
 * @since 0.1.0
 * @category arbitraries
 */
export const orderTopicConf: Arbitrary.Arbitrary<string> = Arbitrary.map(
  Arbitrary.array(Arbitrary.all([brokerName, intBetween(0, 8)]), { maxLength: 3 }),
  (items) => items.map(([name, count]) => `${name}:${count}`).join(";")
)

const filterServerTable: Arbitrary.Arbitrary<Record<string, ReadonlyArray<string>>> = Arbitrary.map(
  sometimes(6, Arbitrary.all([brokerAddress, Arbitrary.array(brokerAddress, { maxLength: 2 })])),
  (entry) => (entry === undefined ? {} : { [entry[0]]: entry[1] })
)

const routeOf = (v5: boolean): Arbitrary.Arbitrary<TopicRouteData> =>
  Arbitrary.map(
    Arbitrary.all({
      orderTopicConf: sometimes(5, orderTopicConf),
      queueDatas: Arbitrary.array(queueData, { maxLength: 4 }),
      brokerDatas: Arbitrary.array(v5 ? brokerDataV5 : brokerData, { maxLength: 4 }),
      filterServerTable,
      topicQueueMappingByBroker: v5 ? sometimes(4, mappingTable) : Arbitrary.Constant(undefined)
    }),
    (r) => ({
      queueDatas: r.queueDatas,
      brokerDatas: r.brokerDatas,
      filterServerTable: r.filterServerTable,
      ...(r.orderTopicConf === undefined ? {} : { orderTopicConf: r.orderTopicConf }),
      ...(r.topicQueueMappingByBroker === undefined ? {} : { topicQueueMappingByBroker: r.topicQueueMappingByBroker })
    })
  )

const routeV4 = routeOf(false)
const routeV5 = routeOf(true)

/**
 * The route with only the first `QueueData` and the first `BrokerData` of each broker name kept,
 * as NameServers send routes.
 *
 * @since 0.1.0
 * @category arbitraries
 */
export const withUniqueBrokerNames = (route: TopicRouteData): TopicRouteData => {
  const firstOf = <A extends { readonly brokerName: string }>(entries: ReadonlyArray<A>): Array<A> =>
    entries.filter((entry, i) => entries.findIndex((other) => other.brokerName === entry.brokerName) === i)
  return { ...route, queueDatas: firstOf(route.queueDatas), brokerDatas: firstOf(route.brokerDatas) }
}

const routeUniqueV4 = Arbitrary.map(routeV4, withUniqueBrokerNames)
const routeUniqueV5 = Arbitrary.map(routeV5, withUniqueBrokerNames)

/**
 * A `TopicRouteData` as a 4.9.x or a 5.x NameServer could send it: up to four `QueueData` and four
 * `BrokerData` over three broker names (so a name may lack its `QueueData` or its `BrokerData`; in
 * about half of the routes names also repeat within a list), ids 0–2, perms 0–7, 0–16 queues;
 * sometimes an `orderTopicConf` or a filter-server entry; 5.x routes carry `enableActingMaster`,
 * sometimes `zoneName` and a static-topic mapping.
 *
 * @since 0.1.0
 * @category arbitraries
 */
export const topicRouteData: Arbitrary.Arbitrary<TopicRouteData> = Arbitrary.flatMap(
  Arbitrary.all([Arbitrary.schema(Schema.Boolean), Arbitrary.schema(Schema.Boolean)]),
  ([v5, unique]) => (v5 ? (unique ? routeUniqueV5 : routeV5) : unique ? routeUniqueV4 : routeV4)
)

/**
 * A {@link topicRouteData} with unique broker names, as NameServers send routes.
 *
 * @since 0.1.0
 * @category arbitraries
 */
export const uniqueTopicRouteData: Arbitrary.Arbitrary<TopicRouteData> = Arbitrary.map(
  topicRouteData,
  withUniqueBrokerNames
)

const rotate = <A>(entries: ReadonlyArray<A>, by: number): Array<A> => {
  const n = entries.length
  if (n === 0) return []
  const k = ((by % n) + n) % n
  const rotated = [...entries.slice(k), ...entries.slice(0, k)]
  return by % 2 === 0 ? rotated : rotated.reverse()
}

const reversedRecord = <A>(record: Readonly<Record<string, A>>, key: (k: string) => string): Record<string, A> =>
  Object.fromEntries(Object.entries(record).reverse().map(([k, v]) => [key(k), v]))

/** "1" → "01": the same id as a number, a different key, and (not being an array index) kept in insertion order. */
const padId = (id: string): string => (/^\d+$/.test(id) ? `0${id}` : id)

/**
 * The same route in another order: `queueDatas` and `brokerDatas` rotated by `shift` (and reversed
 * when `shift` is odd), the entries of every map in reverse order, broker ids and logical queue ids
 * written with a leading zero, filter-server lists reversed, and BrokerData `cluster`, `zoneName`
 * and `enableActingMaster` altered. The Java client's rule sees no change between the two.
 *
 * @since 0.1.0
 * @category arbitraries
 */
export const reorderRoute = (route: TopicRouteData, shift: number): TopicRouteData => ({
  ...route,
  queueDatas: rotate(route.queueDatas, shift),
  brokerDatas: rotate(route.brokerDatas, shift).map((b) => ({
    cluster: `${b.cluster}-moved`,
    brokerName: b.brokerName,
    brokerAddrs: reversedRecord(b.brokerAddrs, padId),
    enableActingMaster: !(b.enableActingMaster ?? false),
    ...(b.zoneName === undefined ? { zoneName: "zone-moved" } : {})
  })),
  filterServerTable: reversedRecord(route.filterServerTable, (k) => k),
  ...(route.topicQueueMappingByBroker === undefined ? {} : {
    topicQueueMappingByBroker: Object.fromEntries(
      Object.entries(route.topicQueueMappingByBroker).reverse().map(([name, info]) => [name, {
        ...info,
        ...(info.currIdMap === undefined ? {} : { currIdMap: reversedRecord(info.currIdMap, padId) })
      }])
    )
  })
})

/**
 * A route and a reordered copy of it (see {@link reorderRoute}).
 *
 * @since 0.1.0
 * @category arbitraries
 */
export const reorderedRoutePair: Arbitrary.Arbitrary<readonly [TopicRouteData, TopicRouteData]> = Arbitrary.map(
  Arbitrary.all([topicRouteData, intBetween(0, 7)]),
  ([route, shift]) => [route, reorderRoute(route, shift)] as const
)

/**
 * The kinds of {@link RouteMutation}. Some never change a route for the Java rule (`cluster`,
 * `zoneName`, `actingMaster`, `reorder`); others may or may not (setting a field to its current
 * value, removing from an empty list).
 *
 * @since 0.1.0
 * @category arbitraries
 */
export const mutationKinds = [
  "cluster",
  "zoneName",
  "actingMaster",
  "reorder",
  "readQueueNums",
  "writeQueueNums",
  "perm",
  "topicSysFlag",
  "setAddress",
  "removeAddress",
  "paddedAddress",
  "addQueueData",
  "removeQueueData",
  "duplicateQueueData",
  "addBrokerData",
  "removeBrokerData",
  "duplicateBrokerData",
  "orderTopicConf",
  "filterServer",
  "staticMapping"
] as const

/**
 * One small edit of a route: `kind` says what, `index` picks the entry (modulo the list length),
 * `value`, `address` and `brokerName` give the new value.
 *
 * @since 0.1.0
 * @category arbitraries
 */
export interface RouteMutation {
  readonly kind: typeof mutationKinds[number]
  readonly index: number
  readonly value: number
  readonly address: string
  readonly brokerName: string
}

/**
 * An arbitrary {@link RouteMutation}.
 *
 * @since 0.1.0
 * @category arbitraries
 */
export const routeMutation: Arbitrary.Arbitrary<RouteMutation> = Arbitrary.all({
  kind: Arbitrary.schema(Schema.Literals(mutationKinds)),
  index: intBetween(0, 7),
  value: intBetween(0, 16),
  address: brokerAddress,
  brokerName
})

const updateAt = <A>(entries: ReadonlyArray<A>, index: number, f: (entry: A) => A): Array<A> =>
  entries.map((entry, i) => (i === index % entries.length ? f(entry) : entry))

const removeAt = <A>(entries: ReadonlyArray<A>, index: number): Array<A> =>
  entries.filter((_, i) => i !== index % entries.length)

const duplicateAt = <A>(entries: ReadonlyArray<A>, index: number): Array<A> => {
  const entry = entries[index % Math.max(1, entries.length)]
  return entry === undefined ? [...entries] : [...entries, entry]
}

const withoutKey = <A>(record: Readonly<Record<string, A>>, key: string): Record<string, A> =>
  Object.fromEntries(Object.entries(record).filter(([k]) => k !== key))

/**
 * `route` with one small edit applied (see {@link RouteMutation}).
 *
 * @since 0.1.0
 * @category arbitraries
 */
export const mutateRoute = (route: TopicRouteData, m: RouteMutation): TopicRouteData => {
  const id = String(m.value % 3)
  const queues = (f: (q: QueueData) => QueueData): TopicRouteData => ({
    ...route,
    queueDatas: updateAt(route.queueDatas, m.index, f)
  })
  const brokers = (f: (b: BrokerData) => BrokerData): TopicRouteData => ({
    ...route,
    brokerDatas: updateAt(route.brokerDatas, m.index, f)
  })
  switch (m.kind) {
    case "cluster":
      return brokers((b) => ({ ...b, cluster: `cluster-${m.value}` }))
    case "zoneName":
      return brokers((b) => ({ ...b, zoneName: `zone-${m.value}` }))
    case "actingMaster":
      return brokers((b) => ({ ...b, enableActingMaster: !(b.enableActingMaster ?? false) }))
    case "reorder":
      return reorderRoute(route, m.value)
    case "readQueueNums":
      return queues((q) => ({ ...q, readQueueNums: m.value }))
    case "writeQueueNums":
      return queues((q) => ({ ...q, writeQueueNums: m.value }))
    case "perm":
      return queues((q) => ({ ...q, perm: m.value % 8 }))
    case "topicSysFlag":
      return queues((q) => ({ ...q, topicSysFlag: m.value % 4 }))
    case "setAddress":
      return brokers((b) => ({ ...b, brokerAddrs: { ...b.brokerAddrs, [id]: m.address } }))
    case "removeAddress":
      return brokers((b) => ({ ...b, brokerAddrs: withoutKey(b.brokerAddrs, id) }))
    case "paddedAddress":
      // A second key for an id that may already be there ("0" and "00").
      return brokers((b) => ({ ...b, brokerAddrs: { ...b.brokerAddrs, [`0${id}`]: m.address } }))
    case "addQueueData":
      return {
        ...route,
        queueDatas: [...route.queueDatas, {
          brokerName: m.brokerName,
          readQueueNums: m.value,
          writeQueueNums: m.value,
          perm: 6,
          topicSysFlag: 0
        }]
      }
    case "removeQueueData":
      return { ...route, queueDatas: removeAt(route.queueDatas, m.index) }
    case "duplicateQueueData":
      return { ...route, queueDatas: duplicateAt(route.queueDatas, m.index) }
    case "addBrokerData":
      return {
        ...route,
        brokerDatas: [...route.brokerDatas, {
          cluster: "DefaultCluster",
          brokerName: m.brokerName,
          brokerAddrs: m.value % 4 === 0 ? {} : { [id]: m.address }
        }]
      }
    case "removeBrokerData":
      return { ...route, brokerDatas: removeAt(route.brokerDatas, m.index) }
    case "duplicateBrokerData":
      return { ...route, brokerDatas: duplicateAt(route.brokerDatas, m.index) }
    case "orderTopicConf": {
      const { orderTopicConf: _, ...rest } = route
      return m.value % 3 === 0 ? rest : { ...rest, orderTopicConf: `${m.brokerName}:${m.value % 9}` }
    }
    case "filterServer":
      return {
        ...route,
        filterServerTable: m.value % 2 === 0
          ? withoutKey(route.filterServerTable, m.address)
          : { ...route.filterServerTable, [m.address]: [m.address] }
      }
    case "staticMapping": {
      const { topicQueueMappingByBroker: mapping, ...rest } = route
      if (m.value % 3 === 0) return rest
      return {
        ...rest,
        topicQueueMappingByBroker: {
          ...mapping,
          [m.brokerName]: { ...mapping?.[m.brokerName], bname: m.brokerName, epoch: m.value % 4 }
        }
      }
    }
  }
}

/**
 * A route and a copy with one small edit (see {@link mutateRoute}): unlike two unrelated routes,
 * such pairs are often equal for the Java rule, or differ in one detail only.
 *
 * @since 0.1.0
 * @category arbitraries
 */
export const mutatedRoutePair: Arbitrary.Arbitrary<readonly [TopicRouteData, TopicRouteData]> = Arbitrary.map(
  Arbitrary.all([topicRouteData, routeMutation]),
  ([route, mutation]) => [route, mutateRoute(route, mutation)] as const
)

/**
 * @deprecated Renamed {@link reorderedRoutePair}.
 * @since 0.1.0
 */
export const reorderedPair = reorderedRoutePair

/**
 * @deprecated Renamed {@link mutatedRoutePair}.
 * @since 0.1.0
 */
export const mutatedPair = mutatedRoutePair
