/**
 * Choosing the queue for a send attempt (REMOTING.md §14): round robin over the topic's queues,
 * avoiding the broker of the previous failed attempt and, with latency fault tolerance, brokers the
 * fault table marks unavailable or unreachable. Also the hash selector of ordered sends (§14.4).
 *
 * Pure functions: the round-robin index and the fault table come in as arguments, and the next index
 * comes back with the chosen queue. Nothing here allocates beyond the returned record.
 *
 * @since 0.1.0
 */
import type { MessageQueue } from "../route/MessageQueue.ts"
import type { FaultStrategyOptions, FaultTable } from "./FaultStrategy.ts"
import { isAvailable, isReachable } from "./FaultStrategy.ts"

/**
 * Indices returned by {@link selectQueue} and {@link initialIndex} stay below this bound (2^31, the
 * range of Java's `ThreadLocalIndex`, which masks its counter to a non-negative int). When the index
 * reaches it, it wraps to a small number with the same position modulo the queue count, so the round
 * robin goes on without a jump.
 *
 * @since 0.1.0
 * @category constants
 */
export const indexBound = 2 ** 31

/**
 * The queue chosen for an attempt, and the index to use for the next selection on the same topic.
 *
 * @since 0.1.0
 * @category models
 */
export interface SelectedQueue {
  readonly queue: MessageQueue
  readonly nextIndex: number
}

/**
 * A random start for a topic's round-robin index, from a number in [0, 1) such as `Math.random()`:
 * an integer in [0, 2^31), like Java's `ThreadLocalIndex` (random start; 5.x also re-randomizes it
 * before each retry when fault tolerance is enabled, which is the caller's job). Anything outside
 * [0, 1) is clamped; a non-number gives 0.
 *
 * @since 0.1.0
 * @category selection
 */
export const initialIndex = (random: number): number => {
  if (!(random > 0)) return 0
  const index = Math.floor(random * indexBound)
  return index < indexBound ? index : indexBound - 1
}

/** `i mod n` in [0, n). */
const position = (i: number, n: number): number => {
  const r = i % n
  return r < 0 ? r + n : r
}

/** Filters of one pass over the queues (plain numbers: no enums, no closures per call). */
const NOT_LAST = 0
const AVAILABLE_NOT_LAST = 1
const REACHABLE_NOT_LAST = 2
type Pass = typeof NOT_LAST | typeof AVAILABLE_NOT_LAST | typeof REACHABLE_NOT_LAST

const accepts = (
  pass: Pass,
  queue: MessageQueue,
  lastBrokerName: string | undefined,
  faults: FaultTable,
  now: number
): boolean => {
  if (lastBrokerName !== undefined && queue.brokerName === lastBrokerName) return false
  switch (pass) {
    case NOT_LAST:
      return true
    case AVAILABLE_NOT_LAST:
      return isAvailable(faults, queue.brokerName, now)
    case REACHABLE_NOT_LAST:
      return isReachable(faults, queue.brokerName)
  }
}

/**
 * Walks up to `n` queues from `from` (one round-robin pick each, as Java's filtered
 * `selectOneMessageQueue` does) and returns how many picks were skipped before the first accepted
 * queue, or -1 when none was accepted.
 */
const scan = (
  queues: ReadonlyArray<MessageQueue>,
  from: number,
  pass: Pass,
  lastBrokerName: string | undefined,
  faults: FaultTable,
  now: number
): number => {
  const n = queues.length
  for (let k = 0; k < n; k++) {
    const queue = queues[position(from + k, n)]
    if (queue !== undefined && accepts(pass, queue, lastBrokerName, faults, now)) return k
  }
  return -1
}

/** The queue at round-robin index `at`; the next index is `at + 1`, wrapped below {@link indexBound}. */
const pick = (queues: ReadonlyArray<MessageQueue>, at: number): SelectedQueue | undefined => {
  const n = queues.length
  const queue = queues[position(at, n)]
  if (queue === undefined) return undefined
  const next = at + 1
  return { queue, nextIndex: next < indexBound ? next : next % n }
}

/**
 * Chooses the queue for one send attempt, starting the round robin at `index` (the queue used is
 * `queues[index mod n]`, non-negative mod, unless filters skip it). Every queue looked at advances the
 * index by one, as in Java, and `nextIndex` is where the next selection continues.
 *
 * - Fault tolerance disabled (§14.2): the first queue, walking at most `n` queues, whose broker is
 *   not `lastBrokerName` (every queue qualifies on a first attempt); if all are on that broker, the
 *   next queue anyway.
 * - Enabled (§14.3, Java 5.x): three passes of at most `n` queues each, (1) broker available at
 *   `now` and not `lastBrokerName`, (2) broker reachable and not `lastBrokerName`, (3) the next queue,
 *   whatever its broker. So a retry may return to `lastBrokerName` when every other broker is both
 *   unavailable and unreachable.
 *
 * `undefined` only for an empty queue list. An `index` that is not a safe integer counts as 0.
 *
 * @since 0.1.0
 * @category selection
 */
export const selectQueue = (
  queues: ReadonlyArray<MessageQueue>,
  index: number,
  lastBrokerName: string | undefined,
  faults: FaultTable,
  now: number,
  options: Pick<FaultStrategyOptions, "enabled">
): SelectedQueue | undefined => {
  const n = queues.length
  if (n === 0) return undefined
  // Keep arithmetic far from the edge of the safe integers: i + 2n + 1 below stays exact.
  let i = !Number.isSafeInteger(index) ? 0 : index >= indexBound || index <= -indexBound ? position(index, n) : index
  if (options.enabled) {
    let k = scan(queues, i, AVAILABLE_NOT_LAST, lastBrokerName, faults, now)
    if (k < 0) {
      i += n
      k = scan(queues, i, REACHABLE_NOT_LAST, lastBrokerName, faults, now)
    }
    if (k < 0) {
      i += n
      k = 0
    }
    return pick(queues, i + k)
  }
  let k = lastBrokerName === undefined ? 0 : scan(queues, i, NOT_LAST, lastBrokerName, faults, now)
  if (k < 0) {
    i += n
    k = 0
  }
  return pick(queues, i + k)
}

/**
 * Java's `String.hashCode()`: `s[0]·31^(len-1) + … + s[len-1]` over UTF-16 code units, in 32-bit
 * two's complement (so `"hello"` → 99162322, `"polygenelubricants"` → -2147483648).
 *
 * @since 0.1.0
 * @category hashing
 */
export const javaStringHashCode = (s: string): number => {
  let hash = 0
  for (let i = 0; i < s.length; i++) hash = (Math.imul(31, hash) + s.charCodeAt(i)) | 0
  return hash
}

/**
 * The queue Java's `SelectMessageQueueByHash` picks for an argument whose `hashCode()` is `hashCode`
 * (a 32-bit int, e.g. an `Integer` key's value): `queues[abs(hashCode % n)]`, with Java's truncating
 * `%`. `undefined` for an empty list.
 *
 * @since 0.1.0
 * @category selection
 */
export const selectByHashCode = (queues: ReadonlyArray<MessageQueue>, hashCode: number): MessageQueue | undefined => {
  const n = queues.length
  if (n === 0) return undefined
  // `| 0` makes any number a Java int; the remainder of an int by n ≥ 1 is in (-n, n), so abs is
  // always exact here (Java's Math.abs(Integer.MIN_VALUE) overflow cannot occur after the %).
  return queues[Math.abs((hashCode | 0) % n)]
}

/**
 * The queue Java's `SelectMessageQueueByHash` picks for a `String` argument `key`, so an ordered send
 * keyed by `key` lands on the same queue index as with the Java client (given the same queue list).
 * `undefined` for an empty list.
 *
 * @since 0.1.0
 * @category selection
 */
export const selectByHash = (queues: ReadonlyArray<MessageQueue>, key: string): MessageQueue | undefined =>
  selectByHashCode(queues, javaStringHashCode(key))
