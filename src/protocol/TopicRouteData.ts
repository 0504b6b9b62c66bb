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
import { JsonByte, JsonCursor, KeySet, MEMBER_FAILED, MEMBERS_END } from "./JsonCursor.ts"
import { MalformedBody } from "./MalformedBody.ts"
import { checkRouteLimits, formatRouteLimitExceeded, RouteLimits } from "./RouteLimits.ts"

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
 * Bytes are read in one pass by `readTopicRouteDataBytes`; text, and bytes that reader leaves, take
 * `parseLenientJson` and the schema, to the same result (and the schema's errors).
 *
 * @since 0.1.0
 * @category decoding
 */
export const parseTopicRouteData = (body: Uint8Array | string | undefined): Result.Result<TopicRouteData, MalformedBody> => {
  const read = typeof body === "object" ? readTopicRouteDataBytes(body) : undefined
  return read === undefined
    ? Result.flatMap(parseRouteJson(body), (route) => withinLimits(route, false))
    : withinLimits(read, true)
}

const withinLimits = (route: TopicRouteData, brokerAddrsBounded: boolean): Result.Result<TopicRouteData, MalformedBody> => {
  const exceeded = checkRouteLimits(route, brokerAddrsBounded)
  return exceeded === undefined
    ? Result.succeed(route)
    : Result.fail(new MalformedBody({ what: "TopicRouteData", detail: formatRouteLimitExceeded(exceeded) }))
}

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
 * the fast path of `parseTopicRouteData`'s text path (a body given as text, or one the byte reader
 * leaves), held equal to the schema by property tests.
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

const ORDER_TOPIC_CONF = 0
const BROKER_DATAS = 1
const QUEUE_DATAS = 2
const FILTER_SERVER_TABLE = 3
const TOPIC_QUEUE_MAPPING_BY_BROKER = 4
const routeKeys = new KeySet(["orderTopicConf", "brokerDatas", "queueDatas", "filterServerTable", "topicQueueMappingByBroker"])

const CLUSTER = 0
const BROKER_NAME = 1
const BROKER_ADDRS = 2
const ENABLE_ACTING_MASTER = 3
const ZONE_NAME = 4
const brokerDataKeys = new KeySet(["cluster", "brokerName", "brokerAddrs", "enableActingMaster", "zoneName"])

const QUEUE_BROKER_NAME = 0
const READ_QUEUE_NUMS = 1
const WRITE_QUEUE_NUMS = 2
const PERM = 3
const TOPIC_SYS_FLAG = 4
const TOPIC_SYN_FLAG = 5
const queueDataKeys = new KeySet(["brokerName", "readQueueNums", "writeQueueNums", "perm", "topicSysFlag", "topicSynFlag"])

/** Reads the array at the cursor, each item with `read`; `undefined` when one is refused. */
const readArrayAt = <A>(cursor: JsonCursor, read: (cursor: JsonCursor) => A | undefined): Array<A> | undefined => {
  if (!cursor.eat(JsonByte.openBracket)) return undefined
  const items: Array<A> = []
  if (cursor.eat(JsonByte.closeBracket)) return items
  do {
    const item = read(cursor)
    if (item === undefined) return undefined
    items.push(item)
  } while (cursor.eat(JsonByte.comma))
  return cursor.eat(JsonByte.closeBracket) ? items : undefined
}

/**
 * The key just scanned as a broker id (`BrokerIdKey`: an optional minus and 1 to 19 digits): its
 * value when it is an array index written the canonical way (`0`, `17`; stored as a number, the
 * same property as its text, without turning the text into an index), else its text; `undefined`
 * when it is no broker id.
 */
const brokerIdOf = (cursor: JsonCursor): number | string | undefined => {
  if (!cursor.plain) {
    const text = cursor.text()
    return brokerIdKey.test(text) ? text : undefined
  }
  const bytes = cursor.bytes
  const start = cursor.spanStart
  const end = cursor.spanEnd
  const negative = bytes[start] === 0x2d
  const digits = end - start - (negative ? 1 : 0)
  if (digits < 1 || digits > 19) return undefined
  let value = 0
  for (let pos = negative ? start + 1 : start; pos < end; pos++) {
    const digit = (bytes[pos] ?? 0) - 0x30
    if (digit < 0 || digit > 9) return undefined
    value = value * 10 + digit
  }
  const canonicalIndex = !negative && digits <= 9 && (digits === 1 || bytes[start] !== 0x30)
  return canonicalIndex ? value : cursor.text()
}

/** No known keys: a map's. */
const noKeys = new KeySet([])

/** A map of more members than this is left to the text path, which refuses it naming the field. */
const { maxBrokersPerGroup } = RouteLimits

const readBrokerAddrsAt = (cursor: JsonCursor): Record<string, string> | undefined => {
  let addrs: Record<string, string> | undefined
  let members = 0
  if (!cursor.eat(JsonByte.openBrace)) return undefined
  for (let key = cursor.member(noKeys, true); key !== MEMBERS_END; key = cursor.member(noKeys, false)) {
    if (key === MEMBER_FAILED || ++members > maxBrokersPerGroup) return undefined
    const id = brokerIdOf(cursor)
    const address = id === undefined ? undefined : cursor.readString()
    if (id === undefined || address === undefined) return undefined
    if (addrs !== undefined) addrs[id] = address
    // The master first (servers write the ids in order): a literal, which V8 makes from a template,
    // where a first element stored into an empty object costs several times more.
    else if (id === MASTER_ID) addrs = { 0: address }
    else addrs = { [id]: address }
  }
  return addrs ?? {}
}

const readBrokerDataAt = (cursor: JsonCursor): BrokerData | undefined => {
  let cluster: string | undefined
  let brokerName: string | undefined
  let brokerAddrs: Record<string, string> | undefined
  let enableActingMaster: boolean | undefined
  let zoneName: string | undefined
  if (!cursor.eat(JsonByte.openBrace)) return undefined
  for (let key = cursor.member(brokerDataKeys, true); key !== MEMBERS_END; key = cursor.member(brokerDataKeys, false)) {
    switch (key) {
      case MEMBER_FAILED:
        return undefined
      case CLUSTER:
        if ((cluster = cursor.readString()) === undefined) return undefined
        break
      case BROKER_NAME:
        if ((brokerName = cursor.readString()) === undefined) return undefined
        break
      case BROKER_ADDRS:
        if ((brokerAddrs = readBrokerAddrsAt(cursor)) === undefined) return undefined
        break
      case ENABLE_ACTING_MASTER:
        if ((enableActingMaster = cursor.readBoolean()) === undefined) return undefined
        break
      case ZONE_NAME:
        if ((zoneName = cursor.readString()) === undefined) return undefined
        break
      default:
        if (!cursor.skipValue()) return undefined
    }
  }
  if (cluster === undefined || brokerName === undefined || brokerAddrs === undefined) return undefined
  // The 4.x shape as a plain literal (spreads are slower); the keys in readBrokerData's order.
  if (enableActingMaster === undefined && zoneName === undefined) return { cluster, brokerName, brokerAddrs }
  return {
    cluster,
    brokerName,
    brokerAddrs,
    ...(enableActingMaster === undefined ? {} : { enableActingMaster }),
    ...(zoneName === undefined ? {} : { zoneName })
  }
}

const readIntAt = (cursor: JsonCursor): number | undefined => (cursor.readInt() ? cursor.int : undefined)

const readQueueDataAt = (cursor: JsonCursor): QueueData | undefined => {
  let brokerName: string | undefined
  let readQueueNums: number | undefined
  let writeQueueNums: number | undefined
  let perm: number | undefined
  let topicSysFlag: number | undefined
  let topicSynFlag: number | undefined
  if (!cursor.eat(JsonByte.openBrace)) return undefined
  for (let key = cursor.member(queueDataKeys, true); key !== MEMBERS_END; key = cursor.member(queueDataKeys, false)) {
    switch (key) {
      case MEMBER_FAILED:
        return undefined
      case QUEUE_BROKER_NAME:
        if ((brokerName = cursor.readString()) === undefined) return undefined
        break
      case READ_QUEUE_NUMS:
        if ((readQueueNums = readIntAt(cursor)) === undefined) return undefined
        break
      case WRITE_QUEUE_NUMS:
        if ((writeQueueNums = readIntAt(cursor)) === undefined) return undefined
        break
      case PERM:
        if ((perm = readIntAt(cursor)) === undefined) return undefined
        break
      case TOPIC_SYS_FLAG:
        if ((topicSysFlag = readIntAt(cursor)) === undefined) return undefined
        break
      case TOPIC_SYN_FLAG:
        if ((topicSynFlag = readIntAt(cursor)) === undefined) return undefined
        break
      default:
        if (!cursor.skipValue()) return undefined
    }
  }
  if (brokerName === undefined || readQueueNums === undefined || writeQueueNums === undefined || perm === undefined) {
    return undefined
  }
  return { brokerName, readQueueNums, writeQueueNums, perm, topicSysFlag: topicSysFlag ?? topicSynFlag ?? 0 }
}

const readStringAt = (cursor: JsonCursor): string | undefined => cursor.readString()

const readFilterServerTableAt = (cursor: JsonCursor): Record<string, ReadonlyArray<string>> | undefined => {
  const table: Record<string, ReadonlyArray<string>> = {}
  if (!cursor.eat(JsonByte.openBrace)) return undefined
  for (let member = cursor.member(noKeys, true); member !== MEMBERS_END; member = cursor.member(noKeys, false)) {
    if (member === MEMBER_FAILED) return undefined
    const key = cursor.text()
    const servers = key === "__proto__" ? undefined : readArrayAt(cursor, readStringAt)
    if (servers === undefined) return undefined
    table[key] = servers
  }
  return table
}

/**
 * Reads a route body straight from its bytes (standard JSON or fastjson's bare integer keys), as
 * `readTopicRouteData` reads `parseLenientJson`'s value of it, or returns `undefined` for a body it
 * leaves to that path: one that is not valid or not of the usual shape (see `readTopicRouteData`),
 * holds a number that is not a plain integer, or a `brokerAddrs` of more members than
 * `RouteLimits.maxBrokersPerGroup` (so that a route it returns needs no count of them). Unknown
 * fields are skipped.
 *
 * @since 0.1.0
 * @category internals
 */
export const readTopicRouteDataBytes = (bytes: Uint8Array): TopicRouteData | undefined => {
  const cursor = new JsonCursor(bytes, 0, bytes.length, true)
  let orderTopicConf: string | undefined
  let brokerDatas: Array<BrokerData> | undefined
  let queueDatas: Array<QueueData> | undefined
  let filterServerTable: Record<string, ReadonlyArray<string>> | undefined
  if (!cursor.eat(JsonByte.openBrace)) return undefined
  for (let key = cursor.member(routeKeys, true); key !== MEMBERS_END; key = cursor.member(routeKeys, false)) {
    switch (key) {
      case MEMBER_FAILED:
        return undefined
      case ORDER_TOPIC_CONF:
        if ((orderTopicConf = cursor.readString()) === undefined) return undefined
        break
      case BROKER_DATAS:
        if ((brokerDatas = readArrayAt(cursor, readBrokerDataAt)) === undefined) return undefined
        break
      case QUEUE_DATAS:
        if ((queueDatas = readArrayAt(cursor, readQueueDataAt)) === undefined) return undefined
        break
      case FILTER_SERVER_TABLE:
        if ((filterServerTable = readFilterServerTableAt(cursor)) === undefined) return undefined
        break
      case TOPIC_QUEUE_MAPPING_BY_BROKER:
        return undefined
      default:
        if (!cursor.skipValue()) return undefined
    }
  }
  if (!cursor.atEnd() || brokerDatas === undefined || queueDatas === undefined) return undefined
  return orderTopicConf === undefined
    ? { brokerDatas, filterServerTable: filterServerTable ?? {}, queueDatas }
    : { orderTopicConf, brokerDatas, filterServerTable: filterServerTable ?? {}, queueDatas }
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
