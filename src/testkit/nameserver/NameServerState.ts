/**
 * The tables a NameServer keeps (Java `RouteInfoManager`), as a pure value: which broker groups
 * exist and where, which clusters they belong to, and each topic's queues per broker group. The
 * testkit NameServer answers from it; tests script it.
 *
 * @since 0.1.0
 */
import type { ClusterInfo } from "../../protocol/ClusterInfo.ts"
import type { TopicConfig } from "../../protocol/BrokerRegistration.ts"
import type { BrokerData, QueueData, TopicRouteData } from "../../protocol/TopicRouteData.ts"

/**
 * A NameServer's tables.
 *
 * @since 0.1.0
 * @category models
 */
export interface NameServerState {
  /** brokerName → its group. */
  readonly brokers: ReadonlyMap<string, BrokerData>
  /** topic → brokerName → queue data. */
  readonly topics: ReadonlyMap<string, ReadonlyMap<string, QueueData>>
  /** topic → global-order configuration (`brokerA:8;brokerB:8`). */
  readonly orderTopicConf: ReadonlyMap<string, string>
}

/**
 * No broker, no topic.
 *
 * @since 0.1.0
 * @category constants
 */
export const emptyNameServerState: NameServerState = { brokers: new Map(), topics: new Map(), orderTopicConf: new Map() }

/**
 * What a broker says about itself when it registers.
 *
 * @since 0.1.0
 * @category models
 */
export interface BrokerRegistration {
  readonly clusterName: string
  readonly brokerName: string
  readonly brokerId: number
  readonly brokerAddr: string
  /** The topics it hosts (only a master's topics make queue data, as in Java). */
  readonly topics: ReadonlyArray<TopicConfig>
}

/**
 * Registers (or re-registers) a broker: its address in its group, and — for a master — its
 * topics' queue data.
 *
 * @since 0.1.0
 * @category state
 */
export const registerBroker = (state: NameServerState, registration: BrokerRegistration): NameServerState => {
  const brokers = new Map(state.brokers)
  const group = brokers.get(registration.brokerName)
  brokers.set(registration.brokerName, {
    cluster: registration.clusterName,
    brokerName: registration.brokerName,
    brokerAddrs: { ...group?.brokerAddrs, [String(registration.brokerId)]: registration.brokerAddr },
    ...(group?.enableActingMaster === undefined ? {} : { enableActingMaster: group.enableActingMaster })
  })
  if (registration.brokerId !== 0) return { ...state, brokers }
  const topics = new Map(state.topics)
  for (const config of registration.topics) {
    const queues = new Map(topics.get(config.topicName))
    queues.set(registration.brokerName, {
      brokerName: registration.brokerName,
      readQueueNums: config.readQueueNums,
      writeQueueNums: config.writeQueueNums,
      perm: config.perm,
      topicSysFlag: config.topicSysFlag
    })
    topics.set(config.topicName, queues)
  }
  return { ...state, brokers, topics }
}

/**
 * Removes a broker by group and id (or, with `brokerId` undefined, every broker at `brokerAddr`).
 * A group left without brokers disappears, with its queue data.
 *
 * @since 0.1.0
 * @category state
 */
export const unregisterBroker = (
  state: NameServerState,
  brokerName: string | undefined,
  brokerAddr: string
): NameServerState => {
  const brokers = new Map(state.brokers)
  const emptied: Array<string> = []
  for (const [name, group] of state.brokers) {
    if (brokerName !== undefined && name !== brokerName) continue
    const addrs = Object.fromEntries(Object.entries(group.brokerAddrs).filter(([, addr]) => addr !== brokerAddr))
    if (Object.keys(addrs).length === Object.keys(group.brokerAddrs).length) continue
    if (Object.keys(addrs).length === 0) {
      brokers.delete(name)
      emptied.push(name)
    } else {
      brokers.set(name, { ...group, brokerAddrs: addrs })
    }
  }
  if (emptied.length === 0) return { ...state, brokers }
  const topics = new Map<string, ReadonlyMap<string, QueueData>>()
  for (const [topic, queues] of state.topics) {
    const kept = new Map([...queues].filter(([name]) => !emptied.includes(name)))
    if (kept.size > 0) topics.set(topic, kept)
  }
  return { ...state, brokers, topics }
}

/**
 * Sets a topic's route directly: its queue data, and the broker groups it names.
 *
 * @since 0.1.0
 * @category state
 */
export const putTopicRoute = (state: NameServerState, topic: string, route: TopicRouteData): NameServerState => {
  const brokers = new Map(state.brokers)
  for (const brokerData of route.brokerDatas) brokers.set(brokerData.brokerName, brokerData)
  const topics = new Map(state.topics)
  topics.set(topic, new Map(route.queueDatas.map((queueData) => [queueData.brokerName, queueData])))
  const orderTopicConf = new Map(state.orderTopicConf)
  if (route.orderTopicConf === undefined) orderTopicConf.delete(topic)
  else orderTopicConf.set(topic, route.orderTopicConf)
  return { brokers, topics, orderTopicConf }
}

/**
 * Removes a topic.
 *
 * @since 0.1.0
 * @category state
 */
export const removeTopic = (state: NameServerState, topic: string): NameServerState => {
  const topics = new Map(state.topics)
  topics.delete(topic)
  return { ...state, topics }
}

/**
 * The route a NameServer answers for a topic (Java `pickupTopicRouteData`): undefined unless the
 * topic has queue data and at least one of its broker groups is known.
 *
 * @since 0.1.0
 * @category state
 */
export const pickupTopicRoute = (state: NameServerState, topic: string): TopicRouteData | undefined => {
  const queues = state.topics.get(topic)
  if (queues === undefined || queues.size === 0) return undefined
  const brokerDatas = [...queues.keys()].flatMap((name) => {
    const group = state.brokers.get(name)
    return group === undefined ? [] : [group]
  })
  if (brokerDatas.length === 0) return undefined
  const orderTopicConf = state.orderTopicConf.get(topic)
  return {
    brokerDatas,
    filterServerTable: {},
    queueDatas: [...queues.values()],
    ...(orderTopicConf === undefined ? {} : { orderTopicConf })
  }
}

/**
 * Every broker group and cluster, as GET_BROKER_CLUSTER_INFO answers.
 *
 * @since 0.1.0
 * @category state
 */
export const clusterInfo = (state: NameServerState): ClusterInfo => {
  const clusterAddrTable: Record<string, Array<string>> = {}
  for (const group of state.brokers.values()) (clusterAddrTable[group.cluster] ??= []).push(group.brokerName)
  return { brokerAddrTable: Object.fromEntries(state.brokers), clusterAddrTable }
}
