/**
 * The producer's queue selection state in a `Ref`: each topic's round-robin index, the latency
 * fault table and the brokers' latency estimates, updated by the pure functions of
 * `SelectOneMessageQueue`, `FaultStrategy` and `AttemptBudget`.
 *
 * @since 0.1.0
 */
import { Effect, Random, Ref } from "effect"
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
 * The queue selector of one producer.
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
  ) => Effect.Effect<MessageQueue | undefined>
  /** The queue of an ordered send: a stable hash of the sharding key (Java `SelectMessageQueueByHash`). */
  readonly selectByKey: (info: TopicPublishInfo, shardingKey: string) => MessageQueue | undefined
  /** Records how an attempt on a broker went. */
  readonly record: (outcome: AttemptOutcome) => Effect.Effect<void>
  /** The lowest latency estimate among `brokers` other than `exclude` (see `AttemptBudget`). */
  readonly healthyLatency: (brokers: Iterable<string>, exclude: string) => Effect.Effect<number | undefined>
  /** The current state. */
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
    const nextRandom = random ?? (() => service.nextDoubleUnsafe())
    const ref = yield* Ref.make<SelectorState>({ indexes: new Map(), faults: emptyFaultTable, latencies: emptyLatencyTable })
    return makeWith(ref, options, nextRandom)
  })

const makeWith = (ref: Ref.Ref<SelectorState>, options: FaultStrategyOptions, random: () => number): QueueSelector => ({
  select: (info, lastBrokerName, retry, now) =>
    Ref.modify(ref, (state): [MessageQueue | undefined, SelectorState] => {
      const current = retry && options.enabled ? undefined : state.indexes.get(info.topic)
      const selection = selectQueue(
        info.queues,
        current ?? initialIndex(random()),
        lastBrokerName,
        state.faults,
        now,
        options
      )
      if (selection === undefined) return [undefined, state]
      const indexes = new Map(state.indexes)
      indexes.set(info.topic, selection.nextIndex)
      return [selection.queue, { indexes, faults: state.faults, latencies: state.latencies }]
    }),
  selectByKey: (info, shardingKey) => selectByHash(info.queues, shardingKey),
  record: (outcome) =>
    Ref.update(ref, (state) => {
      const faults = recordOutcome(state.faults, outcome, options)
      const latencies = outcome.answered
        ? recordLatency(state.latencies, outcome.brokerName, outcome.latencyMs)
        : state.latencies
      return faults === state.faults && latencies === state.latencies
        ? state
        : { indexes: state.indexes, faults, latencies }
    }),
  healthyLatency: (brokers, exclude) => Effect.map(Ref.get(ref), (state) => healthyLatency(state.latencies, brokers, exclude)),
  state: Ref.get(ref)
  })
