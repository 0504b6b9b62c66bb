/**
 * A route's `orderTopicConf` (REMOTING.md §9.4): `brokerName:count` items separated by `;`, read
 * the way the Java client reads them in `topicRouteData2TopicPublishInfo`.
 *
 * @since 0.1.0
 */

/**
 * One item of an `orderTopicConf`: a broker group and its queue count.
 *
 * @since 0.1.0
 * @category models
 */
export interface OrderTopicItem {
  readonly brokerName: string
  readonly count: number
}

const DECIMAL = /^[+-]?\d+$/
const INT_MAX = 2147483647

/**
 * `brokerName:count` as Java reads it, or `undefined` for an item Java would fail on (no `:`, a
 * count that is not a decimal Java int, e.g. `a: 4`) or one with an empty broker name. Text after
 * a second `:` is ignored, as in Java.
 *
 * @since 0.1.0
 * @category parsing
 */
export const parseOrderTopicItem = (item: string): OrderTopicItem | undefined => {
  const parts = item.split(":")
  const brokerName = parts[0]
  const count = parts[1]
  if (brokerName === undefined || brokerName.length === 0 || count === undefined || !DECIMAL.test(count)) {
    return undefined
  }
  const value = Number(count)
  return Math.abs(value) > INT_MAX ? undefined : { brokerName, count: value }
}

/**
 * The items of an `orderTopicConf` in the listed order, skipping the ones
 * {@link parseOrderTopicItem} rejects (a broker listed twice is listed twice).
 *
 * @since 0.1.0
 * @category parsing
 */
export const orderTopicItems = (conf: string): ReadonlyArray<OrderTopicItem> => {
  const items: Array<OrderTopicItem> = []
  for (const item of conf.split(";")) {
    const parsed = parseOrderTopicItem(item)
    if (parsed !== undefined) items.push(parsed)
  }
  return items
}
