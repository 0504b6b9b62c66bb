/**
 * Latency fault tolerance (REMOTING.md §14.3): a per-broker table of "do not use before" times,
 * fed by the outcome of each send attempt. Pure state: every function takes the table (and the
 * current time) and returns a result or a new table; the caller holds the table, e.g. in a `Ref`.
 *
 * Updates follow the 5.x rules (since 5.1.4, RIP-63): an outcome only ever extends a broker's
 * "available after" time, and it sets the broker's reachable flag.
 *
 * @since 0.1.0
 */
import { Result, Schema } from "effect"

/**
 * How latency fault tolerance behaves.
 *
 * - `enabled`: Java's `sendLatencyFaultEnable`. When false, outcomes are not recorded and queue
 *   selection only avoids the last failed broker (§14.2).
 * - `latencyMax` / `notAvailableDuration`: a latency of at least `latencyMax[i]` (largest such `i`)
 *   makes the broker unavailable for `notAvailableDuration[i]` ms.
 * - `isolationLatency`: the latency assumed for an outcome that isolates the broker (a failed
 *   attempt), whatever the measured latency was.
 *
 * @since 0.1.0
 * @category models
 */
export interface FaultStrategyOptions {
  readonly enabled: boolean
  readonly latencyMax: ReadonlyArray<number>
  readonly notAvailableDuration: ReadonlyArray<number>
  readonly isolationLatency: number
}

/**
 * The 5.x tables (since 5.1.4, RIP-63): an isolated broker is skipped for 10 s, a slow one for
 * 2–30 s. Enabled, unlike Java where `sendLatencyFaultEnable` defaults to false.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultFaultStrategyOptions: FaultStrategyOptions = {
  enabled: true,
  latencyMax: [50, 100, 550, 1800, 3000, 5000, 15000],
  notAvailableDuration: [0, 0, 2000, 5000, 6000, 10000, 30000],
  isolationLatency: 10000
}

/**
 * The 4.9 (and 5.0.0 – 5.1.3) tables: an isolated broker is skipped for 10 minutes. Only the tables
 * change; updates and selection keep the 5.x rules.
 *
 * @since 0.1.0
 * @category constants
 */
export const legacyFaultStrategyOptions: FaultStrategyOptions = {
  enabled: true,
  latencyMax: [50, 100, 550, 1000, 2000, 3000, 15000],
  notAvailableDuration: [0, 0, 30000, 60000, 120000, 180000, 600000],
  isolationLatency: 30000
}

/**
 * Fault strategy options that cannot work: tables of different lengths, a negative or non-finite
 * number, or `latencyMax` not strictly ascending.
 *
 * @since 0.1.0
 * @category errors
 */
export class InvalidFaultStrategyOptions extends Schema.TaggedError<InvalidFaultStrategyOptions>()(
  "InvalidFaultStrategyOptions",
  {
    field: Schema.Literals(["latencyMax", "notAvailableDuration", "isolationLatency"]),
    detail: Schema.String
  }
) {
  override get message(): string {
    return `invalid fault strategy option ${this.field}: ${this.detail}`
  }
}

const isNonNegative = (value: number): boolean => Number.isFinite(value) && value >= 0

/**
 * Checks options before use: both tables the same length, every number finite and non-negative,
 * `latencyMax` strictly ascending (a repeated threshold would make the earlier entry dead).
 *
 * @since 0.1.0
 * @category validation
 */
export const validateFaultStrategyOptions = (
  options: FaultStrategyOptions
): Result.Result<FaultStrategyOptions, InvalidFaultStrategyOptions> => {
  const { isolationLatency, latencyMax, notAvailableDuration } = options
  if (latencyMax.length !== notAvailableDuration.length) {
    return Result.fail(
      new InvalidFaultStrategyOptions({
        field: "notAvailableDuration",
        detail: `has ${notAvailableDuration.length} entries but latencyMax has ${latencyMax.length}`
      })
    )
  }
  for (let i = 0; i < latencyMax.length; i++) {
    const max = latencyMax[i] ?? Number.NaN
    if (!isNonNegative(max)) {
      return Result.fail(
        new InvalidFaultStrategyOptions({ field: "latencyMax", detail: `entry ${i} (${max}) is not a non-negative number` })
      )
    }
    const previous = latencyMax[i - 1]
    if (previous !== undefined && max <= previous) {
      return Result.fail(
        new InvalidFaultStrategyOptions({
          field: "latencyMax",
          detail: `entry ${i} (${max}) is not greater than entry ${i - 1} (${previous})`
        })
      )
    }
    const duration = notAvailableDuration[i] ?? Number.NaN
    if (!isNonNegative(duration)) {
      return Result.fail(
        new InvalidFaultStrategyOptions({
          field: "notAvailableDuration",
          detail: `entry ${i} (${duration}) is not a non-negative number`
        })
      )
    }
  }
  if (!isNonNegative(isolationLatency)) {
    return Result.fail(
      new InvalidFaultStrategyOptions({ field: "isolationLatency", detail: `${isolationLatency} is not a non-negative number` })
    )
  }
  return Result.succeed(options)
}

/**
 * What the table knows about one broker group.
 *
 * - `latencyMs`: the measured latency of the last outcome that changed this entry (diagnostic only;
 *   selection never reads it).
 * - `availableAfter`: epoch ms before which the broker is skipped; 0 = never isolated.
 * - `reachable`: false after an outcome that said the broker could not be reached; only a later
 *   outcome with `reachable: true` clears it.
 *
 * @since 0.1.0
 * @category models
 */
export interface FaultItem {
  readonly brokerName: string
  readonly latencyMs: number
  readonly availableAfter: number
  readonly reachable: boolean
}

/**
 * Fault items by broker name. A broker without an entry is available and reachable.
 *
 * @since 0.1.0
 * @category models
 */
export type FaultTable = ReadonlyMap<string, FaultItem>

/**
 * The table with no entries: every broker available and reachable.
 *
 * @since 0.1.0
 * @category constants
 */
export const emptyFaultTable: FaultTable = new Map<string, FaultItem>()

/**
 * The outcome of one send attempt to `brokerName`, measured at `now` (epoch ms).
 *
 * - `isolation`: the attempt failed in a way that isolates the broker; the duration is then computed
 *   from `options.isolationLatency` instead of `latencyMs`.
 * - `reachable`: whether the broker answered at all.
 *
 * Java 5.x: success → `{ isolation: false, reachable: true }`; remoting exception (connect, send,
 * timeout) → `{ isolation: true, reachable: true }` (false only with the detector on); broker error
 * code → `{ isolation: true, reachable: false }`; client exception → `{ isolation: false, reachable: true }`.
 *
 * @since 0.1.0
 * @category models
 */
export interface FaultOutcome {
  readonly brokerName: string
  readonly latencyMs: number
  readonly isolation: boolean
  readonly reachable: boolean
  readonly now: number
}

/**
 * How long a broker is skipped after an attempt with this latency: `notAvailableDuration[i]` for the
 * largest `i` with `latencyMs >= latencyMax[i]`, else 0 (Java's `computeNotAvailableDuration`).
 *
 * @since 0.1.0
 * @category utils
 */
export const notAvailableDurationFor = (
  latencyMs: number,
  options: Pick<FaultStrategyOptions, "latencyMax" | "notAvailableDuration">
): number => {
  const { latencyMax, notAvailableDuration } = options
  for (let i = latencyMax.length - 1; i >= 0; i--) {
    const max = latencyMax[i]
    if (max !== undefined && latencyMs >= max) return notAvailableDuration[i] ?? 0
  }
  return 0
}

/**
 * Records the outcome of one attempt (Java 5.x `updateFaultItem`): the broker becomes unavailable
 * until `now + duration` unless it already was for longer (the time is only ever extended), and its
 * reachable flag becomes `outcome.reachable`. A no-op when fault tolerance is disabled.
 *
 * Returns the same table (no copy) when the outcome changes nothing selection can observe, i.e. the
 * broker's `availableAfter` and `reachable` stay as they were (a broker without an entry counts as
 * `availableAfter` 0, reachable). So successes on healthy brokers never allocate, and the table stays
 * empty while all goes well; the price is that `latencyMs` is not refreshed by such outcomes.
 *
 * @since 0.1.0
 * @category combinators
 */
export const recordOutcome = (table: FaultTable, outcome: FaultOutcome, options: FaultStrategyOptions): FaultTable => {
  if (!options.enabled) return table
  const { brokerName, now, reachable } = outcome
  const duration = notAvailableDurationFor(outcome.isolation ? options.isolationLatency : outcome.latencyMs, options)
  const old = table.get(brokerName)
  const oldAvailableAfter = old === undefined ? 0 : old.availableAfter
  const oldReachable = old === undefined ? true : old.reachable
  const until = now + duration
  const availableAfter = duration > 0 && until > oldAvailableAfter ? until : oldAvailableAfter
  if (availableAfter === oldAvailableAfter && reachable === oldReachable) return table
  const next = new Map(table)
  next.set(brokerName, { brokerName, latencyMs: outcome.latencyMs, availableAfter, reachable })
  return next
}

/**
 * Whether the broker may be used at `now` (epoch ms): no entry, or its `availableAfter` has passed.
 *
 * @since 0.1.0
 * @category predicates
 */
export const isAvailable = (table: FaultTable, brokerName: string, now: number): boolean => {
  const item = table.get(brokerName)
  return item === undefined || now >= item.availableAfter
}

/**
 * Whether the broker counts as reachable: no entry, or its last recorded outcome reached it.
 *
 * @since 0.1.0
 * @category predicates
 */
export const isReachable = (table: FaultTable, brokerName: string): boolean => {
  const item = table.get(brokerName)
  return item === undefined || item.reachable
}
