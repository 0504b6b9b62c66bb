/**
 * The answer to GET_BROKER_CLUSTER_INFO (`ClusterInfo`): every broker group a NameServer knows and
 * the clusters they belong to. Servers always write it in fastjson's legacy form (REMOTING.md §8.3).
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import { writeFastjson } from "./FastjsonWriter.ts"
import type { FastjsonStyle } from "./FastjsonWriter.ts"
import { jsonBodyParser } from "./JsonBody.ts"
import { BrokerData, brokerDataToFastjson } from "./TopicRouteData.ts"

/**
 * Broker groups by name, and broker group names by cluster.
 *
 * @since 0.1.0
 * @category schemas
 */
export const ClusterInfo = Schema.Struct({
  brokerAddrTable: Schema.Record(Schema.String, BrokerData),
  clusterAddrTable: Schema.Record(Schema.String, Schema.Array(Schema.String))
})

/**
 * @since 0.1.0
 * @category models
 */
export type ClusterInfo = typeof ClusterInfo.Type

/**
 * Reads a cluster info body (either JSON form).
 *
 * @since 0.1.0
 * @category decoding
 */
export const parseClusterInfo = jsonBodyParser(ClusterInfo, "ClusterInfo")

/**
 * The JSON a NameServer writes for cluster info (`"legacy"`, as every server version does).
 *
 * @since 0.1.0
 * @category encoding
 */
export const writeClusterInfo = (info: ClusterInfo, style: FastjsonStyle = "legacy"): string =>
  writeFastjson({
    brokerAddrTable: Object.fromEntries(
      Object.entries(info.brokerAddrTable).map(([name, brokerData]) => [name, brokerDataToFastjson(brokerData)])
    ),
    clusterAddrTable: info.clusterAddrTable
  }, style)
