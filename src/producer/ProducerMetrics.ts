/**
 * The producer's metrics.
 *
 * Each metric also has a series constructor (`…Series(attributes)`): the same metric (name,
 * description, type) with its attributes fixed when it is made, so the same series in the registry
 * as `Metric.withAttributes(metric, attributes)`. The send path updates such series: a metric
 * wrapped by `withAttributes` merges its attributes into a new context on every update.
 *
 * @since 0.1.0
 */
import { Metric } from "effect"

const sends = { name: "rocketmq_producer_sends", description: "Sends the brokers stored (a batch counts once)" }
const failures = { name: "rocketmq_producer_send_failures", description: "Sends that failed" }
const retries = { name: "rocketmq_producer_send_retries", description: "Send attempts after the first" }
const latency = {
  name: "rocketmq_producer_send_latency",
  description: "Latency of sends, route lookup and retries included"
}

/**
 * Messages (or batches) the brokers stored.
 *
 * @since 0.1.0
 * @category metrics
 */
export const messagesSent = Metric.counter(sends.name, { description: sends.description })

/**
 * The series of {@link messagesSent} with `attributes`.
 *
 * @since 0.1.0
 * @category metrics
 */
export const messagesSentSeries = (attributes: Metric.Metric.Attributes) =>
  Metric.counter(sends.name, { description: sends.description, attributes })

/**
 * Sends that ended in an error.
 *
 * @since 0.1.0
 * @category metrics
 */
export const sendFailures = Metric.counter(failures.name, { description: failures.description })

/**
 * The series of {@link sendFailures} with `attributes`.
 *
 * @since 0.1.0
 * @category metrics
 */
export const sendFailuresSeries = (attributes: Metric.Metric.Attributes) =>
  Metric.counter(failures.name, { description: failures.description, attributes })

/**
 * Attempts after the first one.
 *
 * @since 0.1.0
 * @category metrics
 */
export const sendRetries = Metric.counter(retries.name, { description: retries.description })

/**
 * The series of {@link sendRetries} with `attributes`.
 *
 * @since 0.1.0
 * @category metrics
 */
export const sendRetriesSeries = (attributes: Metric.Metric.Attributes) =>
  Metric.counter(retries.name, { description: retries.description, attributes })

/**
 * Time from the call to the result.
 *
 * @since 0.1.0
 * @category metrics
 */
export const sendLatency = Metric.timer(latency.name, { description: latency.description })

/**
 * The series of {@link sendLatency} with `attributes`.
 *
 * @since 0.1.0
 * @category metrics
 */
export const sendLatencySeries = (attributes: Metric.Metric.Attributes) =>
  Metric.timer(latency.name, { description: latency.description, attributes })

/**
 * The boundaries (in ms) `Metric.timer` gives the histogram under a timer: with the timer's
 * `time_unit` attribute, the histogram below is the same series as the timer's.
 */
const timerBoundaries = Metric.exponentialBoundaries({ start: 0.5, factor: 2, count: 35 })

/**
 * The series of {@link sendLatency} with `attributes`, updated with milliseconds (a number) instead
 * of a `Duration`: the histogram under the timer, so the same series in the registry. The send path
 * updates this one, without a `Duration` per send.
 *
 * @since 0.1.0
 * @category metrics
 */
export const sendLatencyMillisSeries = (attributes: Metric.Metric.Attributes) =>
  Metric.histogram(latency.name, {
    description: latency.description,
    boundaries: timerBoundaries,
    attributes: { ...attributes, time_unit: "milliseconds" }
  })
