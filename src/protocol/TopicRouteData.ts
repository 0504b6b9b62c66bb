/**
 * A topic's route as a NameServer returns it (`TopicRouteData`, REMOTING.md §8.4): which broker
 * groups host the topic with how many queues and which permissions, and the addresses of each
 * group's brokers (brokerId 0 is the master). Covers the 4.9.x and 5.x fields.
 *
 * @since 0.1.0
 */
import { Result, Schema, SchemaTransformation } from "effect"
import { IntegerKeyedMap, writeFastjson } from "./FastjsonWriter.ts"
import type { FastjsonStyle, FastjsonValue } from "./FastjsonWriter.ts"
import { jsonBodyParser } from "./JsonBody.ts"
import { MalformedBody } from "./MalformedBody.ts"
import { checkRouteLimits, formatRouteLimitExceeded } from "./RouteLimits.ts"

/**
 * The brokerId of a broker group's master.
 *
 * @since 0.1.0
 * @category constants
 */
export const MASTER_ID = 0

/**
 * A broker id as a map key: a decimal integer in a string.
 *
 * @since 0.1.0
 * @category schemas
 */
export const BrokerIdKey = Schema.String.check(Schema.isPattern(/^-?\d{1,19}$/))

/**
 * The topic's queues on one broker group.
 *
 * @since 0.1.0
 * @category schemas
 */
export const QueueData = Schema.Struct({
  brokerName: Schema.String,
  readQueueNums: Schema.Int,
  writeQueueNums: Schema.Int,
  perm: Schema.Int,
  topicSysFlag: Schema.Int
})

/**
 * @since 0.1.0
 * @category models
 */
export type QueueData = typeof QueueData.Type

/**
 * `QueueData` as servers write it: the sys flag was spelled `topicSynFlag` up to 4.8.0.
 *
 * @since 0.1.0
 * @category schemas
 */
export const QueueDataFromWire = Schema.Struct({
  brokerName: Schema.String,
  readQueueNums: Schema.Int,
  writeQueueNums: Schema.Int,
  perm: Schema.Int,
  topicSysFlag: Schema.optionalKey(Schema.Int),
  topicSynFlag: Schema.optionalKey(Schema.Int)
}).pipe(
  Schema.decodeTo(
    QueueData,
    SchemaTransformation.transform({
      decode: (wire) => ({
        brokerName: wire.brokerName,
        readQueueNums: wire.readQueueNums,
        writeQueueNums: wire.writeQueueNums,
        perm: wire.perm,
        topicSysFlag: wire.topicSysFlag ?? wire.topicSynFlag ?? 0
      }),
      encode: (queueData) => queueData
    })
  )
)

/**
 * One broker group: its cluster, its name and the address of each broker by brokerId.
 *
 * @since 0.1.0
 * @category schemas
 */
export const BrokerData = Schema.Struct({
  cluster: Schema.String,
  brokerName: Schema.String,
  brokerAddrs: Schema.Record(BrokerIdKey, Schema.String),
  enableActingMaster: Schema.optionalKey(Schema.Boolean),
  zoneName: Schema.optionalKey(Schema.String)
})

/**
 * @since 0.1.0
 * @category models
 */
export type BrokerData = typeof BrokerData.Type

/**
 * The logical-queue mapping of a static topic on one broker (5.x).
 *
 * @since 0.1.0
 * @category schemas
 */
export const TopicQueueMappingInfo = Schema.Struct({
  topic: Schema.optionalKey(Schema.String),
  scope: Schema.optionalKey(Schema.String),
  totalQueues: Schema.optionalKey(Schema.Int),
  bname: Schema.optionalKey(Schema.String),
  epoch: Schema.optionalKey(Schema.Number),
  dirty: Schema.optionalKey(Schema.Boolean),
  currIdMap: Schema.optionalKey(Schema.Record(BrokerIdKey, Schema.Int))
})

/**
 * @since 0.1.0
 * @category models
 */
export type TopicQueueMappingInfo = typeof TopicQueueMappingInfo.Type

const routeFields = {
  orderTopicConf: Schema.optionalKey(Schema.String),
  brokerDatas: Schema.Array(BrokerData),
  filterServerTable: Schema.Record(Schema.String, Schema.Array(Schema.String)),
  topicQueueMappingByBroker: Schema.optionalKey(Schema.Record(Schema.String, TopicQueueMappingInfo))
}

/**
 * A topic's route.
 *
 * @since 0.1.0
 * @category schemas
 */
export const TopicRouteData = Schema.Struct({ ...routeFields, queueDatas: Schema.Array(QueueData) })

/**
 * @since 0.1.0
 * @category models
 */
export type TopicRouteData = typeof TopicRouteData.Type

/**
 * `TopicRouteData` as servers write it: the old sys flag spelling accepted, a missing
 * `filterServerTable` read as empty.
 *
 * @since 0.1.0
 * @category schemas
 */
export const TopicRouteDataFromWire = Schema.Struct({
  ...routeFields,
  filterServerTable: Schema.optionalKey(routeFields.filterServerTable),
  queueDatas: Schema.Array(QueueDataFromWire)
}).pipe(
  Schema.decodeTo(
    TopicRouteData,
    SchemaTransformation.transform({
      decode: (wire) => ({ ...wire, filterServerTable: wire.filterServerTable ?? {} }),
      encode: (route) => route
    })
  )
)

const parseRouteJson = jsonBodyParser(TopicRouteDataFromWire, "TopicRouteData", (json) => readTopicRouteData(json))

/**
 * Reads a route body in either of the forms servers send (standard JSON or fastjson's bare integer
 * keys), checks its structure and refuses a route beyond the `RouteLimits`, naming the field.
 *
 * @since 0.1.0
 * @category decoding
 */
export const parseTopicRouteData = (body: Uint8Array | string | undefined): Result.Result<TopicRouteData, MalformedBody> =>
  Result.flatMap(parseRouteJson(body), (route) => {
    const exceeded = checkRouteLimits(route)
    return exceeded === undefined
      ? Result.succeed(route)
      : Result.fail(new MalformedBody({ what: "TopicRouteData", detail: formatRouteLimitExceeded(exceeded) }))
  })

type JsonObject = { readonly [key: string]: unknown }

const isObject = (value: unknown): value is JsonObject =>
  typeof value === "object" && value !== null && !Array.isArray(value)

const brokerIdKey = /^-?\d{1,19}$/

const readBrokerData = (value: unknown): BrokerData | undefined => {
  if (!isObject(value)) return undefined
  const { cluster, brokerName, brokerAddrs, enableActingMaster, zoneName } = value
  if (typeof cluster !== "string" || typeof brokerName !== "string" || !isObject(brokerAddrs)) return undefined
  if (enableActingMaster !== undefined && typeof enableActingMaster !== "boolean") return undefined
  if (zoneName !== undefined && typeof zoneName !== "string") return undefined
  const addrs: Record<string, string> = {}
  for (const id of Object.keys(brokerAddrs)) {
    const address = brokerAddrs[id]
    if (typeof address !== "string" || !brokerIdKey.test(id)) return undefined
    addrs[id] = address
  }
  return {
    cluster,
    brokerName,
    brokerAddrs: addrs,
    ...(enableActingMaster === undefined ? {} : { enableActingMaster }),
    ...(zoneName === undefined ? {} : { zoneName })
  }
}

const isInt = (value: unknown): value is number => typeof value === "number" && Number.isSafeInteger(value)

const readQueueData = (value: unknown): QueueData | undefined => {
  if (!isObject(value)) return undefined
  const { brokerName, readQueueNums, writeQueueNums, perm, topicSysFlag, topicSynFlag } = value
  if (typeof brokerName !== "string") return undefined
  if (!isInt(readQueueNums) || !isInt(writeQueueNums) || !isInt(perm)) return undefined
  if ((topicSysFlag !== undefined && !isInt(topicSysFlag)) || (topicSynFlag !== undefined && !isInt(topicSynFlag))) return undefined
  return { brokerName, readQueueNums, writeQueueNums, perm, topicSysFlag: topicSysFlag ?? topicSynFlag ?? 0 }
}

const readList = <A>(value: unknown, read: (item: unknown) => A | undefined): Array<A> | undefined => {
  if (!Array.isArray(value)) return undefined
  const out: Array<A> = []
  for (const item of value) {
    const one = read(item)
    if (one === undefined) return undefined
    out.push(one)
  }
  return out
}

const readFilterServerTable = (value: unknown): Record<string, ReadonlyArray<string>> | undefined => {
  if (value === undefined) return {}
  if (!isObject(value)) return undefined
  const table: Record<string, ReadonlyArray<string>> = {}
  for (const key of Object.keys(value)) {
    const servers = value[key]
    if (key === "__proto__" || !Array.isArray(servers) || !servers.every((server) => typeof server === "string")) return undefined
    table[key] = [...servers]
  }
  return table
}

/**
 * The route in a parsed JSON value of the usual shape, as `TopicRouteDataFromWire` decodes it, or
 * `undefined` when the value is anything else (invalid, or carrying 5.x static-topic mappings):
 * the fast path of `parseTopicRouteData`, held equal to the schema by property tests.
 *
 * @since 0.1.0
 * @category internals
 */
export const readTopicRouteData = (json: unknown): TopicRouteData | undefined => {
  if (!isObject(json) || json["topicQueueMappingByBroker"] !== undefined) return undefined
  const { orderTopicConf } = json
  if (orderTopicConf !== undefined && typeof orderTopicConf !== "string") return undefined
  const brokerDatas = readList(json["brokerDatas"], readBrokerData)
  const queueDatas = readList(json["queueDatas"], readQueueData)
  const filterServerTable = readFilterServerTable(json["filterServerTable"])
  if (brokerDatas === undefined || queueDatas === undefined || filterServerTable === undefined) return undefined
  return {
    ...(orderTopicConf === undefined ? {} : { orderTopicConf }),
    brokerDatas,
    filterServerTable,
    queueDatas
  }
}

/**
 * The JSON a NameServer writes for a route in the given style (`"legacy"` for clients below
 * version 401 that did not ask for standard JSON).
 *
 * @since 0.1.0
 * @category encoding
 */
export const writeTopicRouteData = (route: TopicRouteData, style: FastjsonStyle): string =>
  writeFastjson(routeToFastjson(route), style)

/**
 * A broker data as fastjson value: its brokerAddrs keyed by Java longs.
 *
 * @since 0.1.0
 * @category encoding
 */
export const brokerDataToFastjson = (brokerData: BrokerData): FastjsonValue => ({
  brokerAddrs: new IntegerKeyedMap(brokerData.brokerAddrs),
  brokerName: brokerData.brokerName,
  cluster: brokerData.cluster,
  enableActingMaster: brokerData.enableActingMaster,
  zoneName: brokerData.zoneName
})

const routeToFastjson = (route: TopicRouteData): FastjsonValue => ({
  brokerDatas: route.brokerDatas.map(brokerDataToFastjson),
  filterServerTable: route.filterServerTable,
  orderTopicConf: route.orderTopicConf,
  queueDatas: route.queueDatas.map((queueData) => ({ ...queueData })),
  topicQueueMappingByBroker: route.topicQueueMappingByBroker === undefined
    ? undefined
    : Object.fromEntries(
      Object.entries(route.topicQueueMappingByBroker).map(([broker, info]) => [broker, {
        ...info,
        currIdMap: info.currIdMap === undefined ? undefined : new IntegerKeyedMap(info.currIdMap)
      }])
    )
})
