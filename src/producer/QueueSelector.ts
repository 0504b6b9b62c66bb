/**
 * The producer's queue selection state: each topic's round-robin index, the latency fault table and
 * the brokers' latency estimates, updated by the pure functions of `SelectOneMessageQueue`,
 * `FaultStrategy` and `AttemptBudget`.
 *
 * @since 0.1.0
 */
import { Effect, Random } from "effect"
import type { MessageQueue } from "../route/MessageQueue.ts"
import type { TopicPublishInfo } from "../route/TopicPublishInfo.ts"
import { emptyLatencyTable, healthyLatency, recordLatency } from "./AttemptBudget.ts"
import type { LatencyTable } from "./AttemptBudget.ts"
import { emptyFaultTable, recordOutcome } from "./FaultStrategy.ts"
import type { FaultOutcome, FaultStrategyOptions, FaultTable } from "./FaultStrategy.ts"
import { initialIndex, selectByHash, selectQueue } from "./SelectOneMessageQueue.ts"

/**
 * Selection state: per-topic round-robin index, the fault table, and the latency estimates of
 * the brokers that answered.
 *
 * @since 0.1.0
 * @category models
 */
export interface SelectorState {
  readonly indexes: ReadonlyMap<string, number>
  readonly faults: FaultTable
  readonly latencies: LatencyTable
}

/**
 * The outcome of one attempt, as the selector records it: `answered` when the broker stored the
 * message, so that its latency feeds the broker's estimate.
 *
 * @since 0.1.0
 * @category models
 */
export interface AttemptOutcome extends FaultOutcome {
  readonly answered: boolean
}

/**
 * The queue selector of one producer. Its operations are synchronous: each is one step of the pure
 * functions over the state, run on the send path without a fiber hop (JavaScript runs one at a time,
 * so no two steps interleave).
 *
 * @since 0.1.0
 * @category models
 */
export interface QueueSelector {
  /**
   * The next queue of the topic, avoiding `lastBrokerName` (the broker of the previous failed
   * attempt) and brokers the fault table marks unavailable. A retry (`retry` true) restarts the
   * round robin at a random index when fault tolerance is on, as Java 5.x does.
   */
  readonly select: (
    info: TopicPublishInfo,
    lastBrokerName: string | undefined,
    retry: boolean,
    now: number
  ) => MessageQueue | undefined
  /** The queue of an ordered send: a stable hash of the sharding key (Java `SelectMessageQueueByHash`). */
  readonly selectByKey: (info: TopicPublishInfo, shardingKey: string) => MessageQueue | undefined
  /** Records how an attempt on a broker went. */
  readonly record: (outcome: AttemptOutcome) => void
  /** The lowest latency estimate among `brokers` other than `exclude` (see `AttemptBudget`). */
  readonly healthyLatency: (brokers: Iterable<string>, exclude: string) => number | undefined
  /** A snapshot of the current state. */
  readonly state: Effect.Effect<SelectorState>
}

/**
 * A selector with empty state; `random` (default: the `Random` service) gives each topic's
 * starting index.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeQueueSelector = (
  options: FaultStrategyOptions,
  random?: () => number
): Effect.Effect<QueueSelector> =>
  Effect.gen(function*() {
    const service = yield* Random.Random
    return makeWith(options, random ?? (() => service.nextDoubleUnsafe()))
  })

const makeWith = (options: FaultStrategyOptions, random: () => number): QueueSelector => {
  // Each topic's next round-robin index, updated in place: a copy of the map per send would cost
  // as much as the topics the producer ever sent to.
  const indexes = new Map<string, number>()
  let faults: FaultTable = emptyFaultTable
  let latencies: LatencyTable = emptyLatencyTable
  return {
    select: (info, lastBrokerName, retry, now) => {
      const current = retry && options.enabled ? undefined : indexes.get(info.topic)
      const selection = selectQueue(info.queues, current ?? initialIndex(random()), lastBrokerName, faults, now, options)
      if (selection === undefined) return undefined
      indexes.set(info.topic, selection.nextIndex)
      return selection.queue
    },
    selectByKey: (info, shardingKey) => selectByHash(info.queues, shardingKey),
    record: (outcome) => {
      faults = recordOutcome(faults, outcome, options)
      if (outcome.answered) latencies = recordLatency(latencies, outcome.brokerName, outcome.latencyMs)
    },
    healthyLatency: (brokers, exclude) => healthyLatency(latencies, brokers, exclude),
    state: Effect.sync(() => ({ indexes: new Map(indexes), faults, latencies }))
  }
}
