/**
 * How much of a send's time budget one attempt may use. Pure functions.
 *
 * The rule: an attempt that may still be followed by retries is capped only so far that what
 * remains covers one retry on a healthy broker for each retry left. A healthy retry is judged from
 * observed latencies: the lowest latency estimate among the other brokers of the topic, times
 * `reserveFactor`, and never less than `minRetryReserveMillis`. So a hung broker still cannot eat
 * the time of the retries, but a broker that is merely slow (it answers well within the budget) is
 * waited for instead of being sent the message again elsewhere, which would store it twice.
 *
 * Latency estimates are exponentially weighted moving averages of the answer times of successful
 * attempts, kept per broker group in a table that changes only when an estimate moves by more
 * than a tenth (and a millisecond), so a steady healthy broker costs no allocation per send.
 *
 * @since 0.1.0
 */

/**
 * How an attempt's cap is computed.
 *
 * - `minRetryReserveMillis`: the least time kept for each retry, whatever the latencies (a
 *   connection may have to be opened, and a loaded machine adds delay).
 * - `reserveFactor`: how many times a healthy broker's latency estimate a retry is given.
 *
 * @since 0.1.0
 * @category models
 */
export interface AttemptBudgetOptions {
  readonly minRetryReserveMillis: number
  readonly reserveFactor: number
}

/**
 * 250 ms at least for each retry, or three times the healthy latency when that is more.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultAttemptBudgetOptions: AttemptBudgetOptions = {
  minRetryReserveMillis: 250,
  reserveFactor: 3
}

/**
 * Latency estimates by broker name, in milliseconds.
 *
 * @since 0.1.0
 * @category models
 */
export type LatencyTable = ReadonlyMap<string, number>

/**
 * The table without estimates.
 *
 * @since 0.1.0
 * @category constants
 */
export const emptyLatencyTable: LatencyTable = new Map<string, number>()

/** Weight of a new sample in the moving average. */
const alpha = 0.2

/**
 * Records a successful attempt's latency: the broker's estimate moves a fifth of the way to the
 * sample (the first sample is the estimate). Returns the same table when the estimate would move by
 * at most a tenth of itself plus 1 ms, so steady latencies do not copy the table. Samples that are
 * not finite non-negative numbers are ignored.
 *
 * @since 0.1.0
 * @category utils
 */
export const recordLatency = (table: LatencyTable, brokerName: string, latencyMs: number): LatencyTable => {
  if (!(Number.isFinite(latencyMs) && latencyMs >= 0)) return table
  const old = table.get(brokerName)
  const next = old === undefined ? latencyMs : old + (latencyMs - old) * alpha
  if (old !== undefined && Math.abs(next - old) <= old / 10 + 1) return table
  const copy = new Map(table)
  copy.set(brokerName, next)
  return copy
}

/**
 * The lowest latency estimate among `brokers` other than `exclude`, or `undefined` when none of
 * them has one.
 *
 * @since 0.1.0
 * @category utils
 */
export const healthyLatency = (
  table: LatencyTable,
  brokers: Iterable<string>,
  exclude: string
): number | undefined => {
  let lowest: number | undefined
  for (const brokerName of brokers) {
    if (brokerName === exclude) continue
    const estimate = table.get(brokerName)
    if (estimate !== undefined && (lowest === undefined || estimate < lowest)) lowest = estimate
  }
  return lowest
}

/**
 * The time kept for one retry on a healthy broker.
 *
 * @since 0.1.0
 * @category utils
 */
export const retryReserve = (healthy: number | undefined, options: AttemptBudgetOptions): number =>
  Math.max(options.minRetryReserveMillis, options.reserveFactor * (healthy ?? 0))

/**
 * The cap of an attempt, in milliseconds, given what `remaining` of the budget is left and how many
 * attempts (this one included) may still run:
 *
 * - the last attempt gets everything that remains;
 * - with an explicit `attemptTimeoutMillis`, `min(remaining, attemptTimeoutMillis)`;
 * - otherwise `remaining − reserve × (attemptsLeft − 1)`, but never less than one `reserve` (an
 *   attempt capped below a healthy broker's time would fail even on a healthy broker) nor more
 *   than `remaining`.
 *
 * Always at least 1 ms.
 *
 * @since 0.1.0
 * @category utils
 */
export const attemptCap = (input: {
  readonly remaining: number
  readonly attemptsLeft: number
  readonly reserve: number
  readonly attemptTimeoutMillis?: number | undefined
}): number => {
  const { attemptsLeft, remaining, reserve } = input
  const cap = attemptsLeft <= 1
    ? remaining
    : input.attemptTimeoutMillis !== undefined
    ? Math.min(remaining, input.attemptTimeoutMillis)
    : Math.min(remaining, Math.max(remaining - reserve * (attemptsLeft - 1), reserve))
  return Math.max(1, Math.floor(cap))
}
