/**
 * The producer's queue selection state in a `Ref`: each topic's round-robin index and the latency
 * fault table, updated by the pure functions of `SelectOneMessageQueue` and `FaultStrategy`.
 *
 * @since 0.1.0
 */
import { Effect, Ref } from "effect"
import type { MessageQueue } from "../route/MessageQueue.ts"
import type { TopicPublishInfo } from "../route/TopicPublishInfo.ts"
import { emptyFaultTable, recordOutcome } from "./FaultStrategy.ts"
import type { FaultOutcome, FaultStrategyOptions, FaultTable } from "./FaultStrategy.ts"
import { initialIndex, selectByHash, selectQueue } from "./SelectOneMessageQueue.ts"

/**
 * Selection state: per-topic round-robin index, and the fault table.
 *
 * @since 0.1.0
 * @category models
 */
export interface SelectorState {
  readonly indexes: ReadonlyMap<string, number>
  readonly faults: FaultTable
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
  readonly record: (outcome: FaultOutcome) => Effect.Effect<void>
  /** The current state. */
  readonly state: Effect.Effect<SelectorState>
}

/**
 * A selector with empty state; `random` gives each topic's starting index.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeQueueSelector = (
  options: FaultStrategyOptions,
  random: () => number = Math.random
): Effect.Effect<QueueSelector> =>
  Effect.map(Ref.make<SelectorState>({ indexes: new Map(), faults: emptyFaultTable }), (ref) => ({
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
        return [selection.queue, { indexes, faults: state.faults }]
      }),
    selectByKey: (info, shardingKey) => selectByHash(info.queues, shardingKey),
    record: (outcome) =>
      Ref.update(ref, (state) => {
        const faults = recordOutcome(state.faults, outcome, options)
        return faults === state.faults ? state : { indexes: state.indexes, faults }
      }),
    state: Ref.get(ref)
  }))
