/**
 * A route diff as text: one human-readable line per change, for logs and the CLI.
 *
 * @since 0.1.0
 */
import { permToString } from "../protocol/Permission.ts"
import type { AddressChange, BrokerAddress, QueueChange, QueueSettings, RouteDiff } from "./RouteDiff.ts"

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
 * @category formatting
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
