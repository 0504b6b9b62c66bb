/**
 * The producer's metrics.
 *
 * @since 0.1.0
 */
import { Metric } from "effect"

/**
 * Messages (or batches) the brokers stored.
 *
 * @since 0.1.0
 * @category metrics
 */
export const messagesSent = Metric.counter("rocketmq_producer_sends", {
  description: "Sends the brokers stored (a batch counts once)"
})

/**
 * Sends that ended in an error.
 *
 * @since 0.1.0
 * @category metrics
 */
export const sendFailures = Metric.counter("rocketmq_producer_send_failures", {
  description: "Sends that failed"
})

/**
 * Attempts after the first one.
 *
 * @since 0.1.0
 * @category metrics
 */
export const sendRetries = Metric.counter("rocketmq_producer_send_retries", {
  description: "Send attempts after the first"
})

/**
 * Time from the call to the result.
 *
 * @since 0.1.0
 * @category metrics
 */
export const sendLatency = Metric.timer("rocketmq_producer_send_latency", {
  description: "Latency of sends, route lookup and retries included"
})
