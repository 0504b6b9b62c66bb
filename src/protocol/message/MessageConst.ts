/**
 * Names of the message properties RocketMQ itself reads or writes, and the separators of the
 * properties string (REMOTING.md §12.1), as Java's `MessageConst` and `MessageDecoder` define them.
 *
 * @since 0.1.0
 */

/**
 * Separates a property's name from its value: `\u0001` (`MessageDecoder.NAME_VALUE_SEPARATOR`).
 *
 * @since 0.1.0
 * @category constants
 */
export const NAME_VALUE_SEPARATOR = "\u0001"

/**
 * Separates one property from the next: `\u0002` (`MessageDecoder.PROPERTY_SEPARATOR`).
 *
 * @since 0.1.0
 * @category constants
 */
export const PROPERTY_SEPARATOR = "\u0002"

/**
 * Separates the keys inside the `KEYS` property: a single space (`MessageConst.KEY_SEPARATOR`).
 *
 * @since 0.1.0
 * @category constants
 */
export const KEY_SEPARATOR = " "

/**
 * Index keys of the message, joined by {@link KEY_SEPARATOR}.
 *
 * @since 0.1.0
 * @category constants
 */
export const KEYS = "KEYS"

/**
 * The message tag, used for server-side filtering.
 *
 * @since 0.1.0
 * @category constants
 */
export const TAGS = "TAGS"

/**
 * `"true"` / `"false"`: whether the broker answers only once the message is stored (waitStoreMsgOK).
 *
 * @since 0.1.0
 * @category constants
 */
export const WAIT = "WAIT"

/**
 * Delay level (1…18 with the broker's default levels).
 *
 * @since 0.1.0
 * @category constants
 */
export const DELAY = "DELAY"

/**
 * Client-generated message id (`PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX`).
 *
 * @since 0.1.0
 * @category constants
 */
export const UNIQ_KEY = "UNIQ_KEY"

/**
 * [5.x] Absolute delivery time of a timer message, ms since the epoch.
 *
 * @since 0.1.0
 * @category constants
 */
export const TIMER_DELIVER_MS = "TIMER_DELIVER_MS"

/**
 * [5.x] Delivery delay of a timer message in seconds.
 *
 * @since 0.1.0
 * @category constants
 */
export const TIMER_DELAY_SEC = "TIMER_DELAY_SEC"

/**
 * [5.x] Delivery delay of a timer message in milliseconds.
 *
 * @since 0.1.0
 * @category constants
 */
export const TIMER_DELAY_MS = "TIMER_DELAY_MS"

/**
 * `"true"` on transactional half messages (`PROPERTY_TRANSACTION_PREPARED`).
 *
 * @since 0.1.0
 * @category constants
 */
export const TRAN_MSG = "TRAN_MSG"

/**
 * Producer group, set on transactional messages (`PROPERTY_PRODUCER_GROUP`).
 *
 * @since 0.1.0
 * @category constants
 */
export const PGROUP = "PGROUP"

/**
 * The namespace, set when one is configured (`PROPERTY_INSTANCE_ID`).
 *
 * @since 0.1.0
 * @category constants
 */
export const INSTANCE_ID = "INSTANCE_ID"

/**
 * Sharding key of FIFO messages (`PROPERTY_SHARDING_KEY`).
 *
 * @since 0.1.0
 * @category constants
 */
export const SHARDING_KEY = "__SHARDINGKEY"

/**
 * Transaction id (`PROPERTY_TRANSACTION_ID`).
 *
 * @since 0.1.0
 * @category constants
 */
export const TRANSACTION_ID = "__transactionId__"

/**
 * Request/reply: message type, `"reply"` for answers (`PROPERTY_MESSAGE_TYPE`).
 *
 * @since 0.1.0
 * @category constants
 */
export const MSG_TYPE = "MSG_TYPE"

/**
 * Request/reply correlation id (`PROPERTY_CORRELATION_ID`).
 *
 * @since 0.1.0
 * @category constants
 */
export const CORRELATION_ID = "CORRELATION_ID"

/**
 * Request/reply: client id the reply goes to (`PROPERTY_MESSAGE_REPLY_TO_CLIENT`).
 *
 * @since 0.1.0
 * @category constants
 */
export const REPLY_TO_CLIENT = "REPLY_TO_CLIENT"

/**
 * Request/reply time to live (`PROPERTY_MESSAGE_TTL`).
 *
 * @since 0.1.0
 * @category constants
 */
export const TTL = "TTL"

/**
 * Region of the broker that stored the message, added by the broker (`PROPERTY_MSG_REGION`).
 *
 * @since 0.1.0
 * @category constants
 */
export const MSG_REGION = "MSG_REGION"

/**
 * Broker trace switch, added by the broker (`PROPERTY_TRACE_SWITCH`).
 *
 * @since 0.1.0
 * @category constants
 */
export const TRACE_ON = "TRACE_ON"

/**
 * Retry handling: reconsume count (`PROPERTY_RECONSUME_TIME`).
 *
 * @since 0.1.0
 * @category constants
 */
export const RECONSUME_TIME = "RECONSUME_TIME"

/**
 * Retry handling: maximum reconsume count (`PROPERTY_MAX_RECONSUME_TIMES`).
 *
 * @since 0.1.0
 * @category constants
 */
export const MAX_RECONSUME_TIMES = "MAX_RECONSUME_TIMES"

/**
 * Light message queue dispatch targets (`PROPERTY_INNER_MULTI_DISPATCH`); not reserved, but Java's
 * `Validators.checkMessage` rejects a path separator in it.
 *
 * @since 0.1.0
 * @category constants
 */
export const INNER_MULTI_DISPATCH = "INNER_MULTI_DISPATCH"

/**
 * Property names reserved for the system: Java's `MessageConst.STRING_HASH_SET` (51 names in 5.2.0
 * through 5.3.3 and develop). `Message.putUserProperty` rejects them, and so does `validateMessage`.
 *
 * @since 0.1.0
 * @category constants
 */
export const STRING_HASH_SET: ReadonlySet<string> = new Set([
  "TRACE_ON",
  "MSG_REGION",
  "KEYS",
  "TAGS",
  "WAIT",
  "DELAY",
  "RETRY_TOPIC",
  "REAL_TOPIC",
  "REAL_QID",
  "TRAN_MSG",
  "PGROUP",
  "MIN_OFFSET",
  "MAX_OFFSET",
  "BUYER_ID",
  "ORIGIN_MESSAGE_ID",
  "TRANSFER_FLAG",
  "CORRECTION_FLAG",
  "MQ2_FLAG",
  "RECONSUME_TIME",
  "UNIQ_KEY",
  "MAX_RECONSUME_TIMES",
  "CONSUME_START_TIME",
  "POP_CK",
  "POP_CK_OFFSET",
  "1ST_POP_TIME",
  "TRAN_PREPARED_QUEUE_OFFSET",
  "DUP_INFO",
  "EXTEND_UNIQ_INFO",
  "INSTANCE_ID",
  "CORRELATION_ID",
  "REPLY_TO_CLIENT",
  "TTL",
  "ARRIVE_TIME",
  "PUSH_REPLY_TIME",
  "CLUSTER",
  "MSG_TYPE",
  "INNER_MULTI_QUEUE_OFFSET",
  "TIMER_DELAY_MS",
  "TIMER_DELAY_SEC",
  "TIMER_DELIVER_MS",
  "TIMER_ENQUEUE_MS",
  "TIMER_DEQUEUE_MS",
  "TIMER_ROLL_TIMES",
  "TIMER_OUT_MS",
  "TIMER_DEL_UNIQKEY",
  "TIMER_DELAY_LEVEL",
  "__BORNHOST",
  "BORN_TIMESTAMP",
  "DLQ_ORIGIN_TOPIC",
  "DLQ_ORIGIN_MESSAGE_ID",
  "__CRC32#"
])
