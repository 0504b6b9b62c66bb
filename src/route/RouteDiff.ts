/**
 * The shape of the changes between two routes of a topic (REMOTING.md §9.5): schemas of each kind
 * of change and of a whole diff. `RouteComparison.diff` computes one, `RouteDiffFormat.formatDiff`
 * prints one.
 *
 * @since 0.1.0
 */
import { Schema, Struct } from "effect"
import { QueueData, TopicQueueMappingInfo } from "../protocol/TopicRouteData.ts"

// ---------------------------------------------------------------------------------------------
// Schemas of a diff
// ---------------------------------------------------------------------------------------------

/**
 * The queue settings of one `QueueData`, without its broker name.
 *
 * @since 0.1.0
 * @category models
 */
export const QueueSettings = QueueData.mapFields(Struct.omit(["brokerName"]))

/**
 * @since 0.1.0
 * @category models
 */
export type QueueSettings = typeof QueueSettings.Type

/**
 * The queue settings of a broker group before and after. Each side lists the group's `QueueData`
 * entries: normally none (group absent) or one; more only when a route repeats a broker name.
 *
 * @since 0.1.0
 * @category models
 */
export const QueueChange = Schema.Struct({
  brokerName: Schema.String,
  before: Schema.Array(QueueSettings),
  after: Schema.Array(QueueSettings)
})

/**
 * @since 0.1.0
 * @category models
 */
export type QueueChange = typeof QueueChange.Type

/**
 * The address of broker `brokerId` (canonical decimal, `"0"` = master) of a broker group before and
 * after; a missing side means the id was added or removed.
 *
 * @since 0.1.0
 * @category models
 */
export const AddressChange = Schema.Struct({
  brokerName: Schema.String,
  brokerId: Schema.String,
  before: Schema.optionalKey(Schema.String),
  after: Schema.optionalKey(Schema.String)
})

/**
 * @since 0.1.0
 * @category models
 */
export type AddressChange = typeof AddressChange.Type

/**
 * One entry of a `brokerAddrs` map, with the id in canonical decimal form.
 *
 * @since 0.1.0
 * @category models
 */
export const BrokerAddress = Schema.Struct({
  brokerId: Schema.String,
  address: Schema.String
})

/**
 * @since 0.1.0
 * @category models
 */
export type BrokerAddress = typeof BrokerAddress.Type

/**
 * The full `brokerAddrs` of every `BrokerData` of a broker group before and after (each map as a list
 * sorted by id). Used instead of {@link AddressChange} only for irregular routes that per-id changes
 * cannot describe: a broker name with several `BrokerData` entries, a map holding the same id twice
 * (`"0"` and `"00"`), or a `BrokerData` with an empty map appearing or disappearing.
 *
 * @since 0.1.0
 * @category models
 */
export const BrokerDataChange = Schema.Struct({
  brokerName: Schema.String,
  before: Schema.Array(Schema.Array(BrokerAddress)),
  after: Schema.Array(Schema.Array(BrokerAddress))
})

/**
 * @since 0.1.0
 * @category models
 */
export type BrokerDataChange = typeof BrokerDataChange.Type

/**
 * A change of `orderTopicConf`; a missing side means the field was absent.
 *
 * @since 0.1.0
 * @category models
 */
export const OrderConfChange = Schema.Struct({
  before: Schema.optionalKey(Schema.String),
  after: Schema.optionalKey(Schema.String)
})

/**
 * @since 0.1.0
 * @category models
 */
export type OrderConfChange = typeof OrderConfChange.Type

/**
 * A change of `filterServerTable`, both tables in full.
 *
 * @since 0.1.0
 * @category models
 */
export const FilterServerChange = Schema.Struct({
  before: Schema.Record(Schema.String, Schema.Array(Schema.String)),
  after: Schema.Record(Schema.String, Schema.Array(Schema.String))
})

/**
 * @since 0.1.0
 * @category models
 */
export type FilterServerChange = typeof FilterServerChange.Type

/**
 * A change of `topicQueueMappingByBroker` (static topics, 5.x), both tables in full; a missing side
 * means the field was absent.
 *
 * @since 0.1.0
 * @category models
 */
export const StaticMappingChange = Schema.Struct({
  before: Schema.optionalKey(Schema.Record(Schema.String, TopicQueueMappingInfo)),
  after: Schema.optionalKey(Schema.Record(Schema.String, TopicQueueMappingInfo))
})

/**
 * @since 0.1.0
 * @category models
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
 * @category models
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
 * @category models
 */
export type RouteDiff = typeof RouteDiff.Type

/**
 * `true` when the diff records no change.
 *
 * @since 0.1.0
 * @category predicates
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
