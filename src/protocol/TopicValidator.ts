/**
 * The topic rules clients and brokers share (Java's `TopicValidator`): the longest name and the
 * system topics no client may send to.
 *
 * @since 0.1.0
 */

/**
 * Longest topic name: 127 characters (`Validators.TOPIC_MAX_LENGTH`).
 *
 * @since 0.1.0
 * @category constants
 */
export const TOPIC_MAX_LENGTH = 127

/**
 * Topics a client may not send to (`TopicValidator.NOT_ALLOWED_SEND_TOPIC_SET`).
 *
 * @since 0.1.0
 * @category constants
 */
export const NOT_ALLOWED_SEND_TOPICS: ReadonlySet<string> = new Set([
  "SCHEDULE_TOPIC_XXXX",
  "RMQ_SYS_TRANS_HALF_TOPIC",
  "RMQ_SYS_TRANS_OP_HALF_TOPIC",
  "TRANS_CHECK_MAX_TIME_TOPIC",
  "SELF_TEST_TOPIC",
  "OFFSET_MOVED_EVENT"
])

/**
 * The system topics of `TopicValidator` (4.9.8 and 5.x).
 *
 * @since 0.1.0
 * @category constants
 */
export const SYSTEM_TOPICS: ReadonlySet<string> = new Set([
  "TBW102",
  "SCHEDULE_TOPIC_XXXX",
  "BenchmarkTest",
  "RMQ_SYS_TRANS_HALF_TOPIC",
  "RMQ_SYS_TRACE_TOPIC",
  "RMQ_SYS_TRANS_OP_HALF_TOPIC",
  "TRANS_CHECK_MAX_TIME_TOPIC",
  "SELF_TEST_TOPIC",
  "OFFSET_MOVED_EVENT"
])

/**
 * `true` for a system topic: one of `SYSTEM_TOPICS`, or a name starting `rmq_sys_`
 * (`TopicValidator.isSystemTopic`).
 *
 * @since 0.1.0
 * @category predicates
 */
export const isSystemTopic = (topic: string): boolean => SYSTEM_TOPICS.has(topic) || topic.startsWith("rmq_sys_")
