/**
 * `effect-rocketmq brokers`: the clusters, broker groups and broker addresses a NameServer knows.
 *
 * @since 0.1.0
 */
import { Console, Effect } from "effect"
import { Command } from "effect/cli"
import type { ClusterInfo } from "../protocol/ClusterInfo.ts"
import { NameServerTransport } from "../transport/NameServerTransport.ts"
import { reportFailures } from "./CliFailure.ts"
import { jsonFlag, namesrvFlag, nameServerLayer, resolveNameServers, timeoutFlag } from "./NameServerFlags.ts"
import { resolveSecurity, securityFlags } from "./SecurityFlags.ts"
import { formatTable } from "./TextTable.ts"

/**
 * One broker of the `--json` output.
 *
 * @since 0.1.0
 * @category cli
 */
export interface BrokerJson {
  readonly brokerId: number
  readonly role: "master" | "slave"
  readonly address: string
}

/**
 * The `--json` output: clusters by name, their broker groups by name, each broker by id.
 *
 * @since 0.1.0
 * @category cli
 */
export interface BrokersJson {
  readonly nameServer: string
  readonly clusters: ReadonlyArray<{
    readonly name: string
    readonly brokerGroups: ReadonlyArray<{ readonly name: string; readonly brokers: ReadonlyArray<BrokerJson> }>
  }>
}

const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)

/**
 * Cluster info in the shape `brokers --json` prints, sorted by names and broker ids.
 *
 * @since 0.1.0
 * @category cli
 */
export const brokersJson = (nameServer: string, info: ClusterInfo): BrokersJson => ({
  nameServer,
  clusters: Object.keys(info.clusterAddrTable).sort(byName).map((cluster) => ({
    name: cluster,
    brokerGroups: [...(info.clusterAddrTable[cluster] ?? [])].sort(byName).map((group) => ({
      name: group,
      brokers: Object.entries(info.brokerAddrTable[group]?.brokerAddrs ?? {})
        .map(([id, address]) => ({ brokerId: Number(id), role: id === "0" ? "master" as const : "slave" as const, address }))
        .sort((a, b) => a.brokerId - b.brokerId)
    }))
  }))
})

/**
 * The readable table of `brokers`.
 *
 * @since 0.1.0
 * @category cli
 */
export const formatBrokers = (view: BrokersJson): string => {
  const rows = view.clusters.flatMap((cluster) =>
    cluster.brokerGroups.flatMap((group) =>
      group.brokers.length === 0
        ? [[cluster.name, group.name, "-", "-", "(no broker)"]]
        : group.brokers.map((broker) => [cluster.name, group.name, String(broker.brokerId), broker.role, broker.address])
    )
  )
  if (rows.length === 0) return `NameServer ${view.nameServer} knows no broker`
  return `NameServer ${view.nameServer}\n\n${formatTable(["cluster", "broker", "id", "role", "address"], rows)}`
}

/**
 * The `brokers` command.
 *
 * @since 0.1.0
 * @category cli
 */
export const brokersCommand = Command.make(
  "brokers",
  { namesrv: namesrvFlag, json: jsonFlag, timeout: timeoutFlag, ...securityFlags },
  Effect.fnUntraced(function*({ namesrv, json, timeout, ...flags }) {
    const addresses = yield* resolveNameServers(namesrv)
    const security = yield* resolveSecurity(flags)
    yield* Effect.gen(function*() {
      const transport = yield* NameServerTransport
      const info = yield* transport.getBrokerClusterInfo
      const view = brokersJson(yield* transport.current, info)
      yield* Console.log(json ? JSON.stringify(view) : formatBrokers(view))
    }).pipe(Effect.provide(nameServerLayer(addresses, timeout, security)))
  }, reportFailures)
).pipe(Command.withDescription("List the clusters, broker groups and broker addresses a NameServer knows"))
