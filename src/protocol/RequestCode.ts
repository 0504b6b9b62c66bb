/**
 * Request codes of the remoting protocol that a producer, a NameServer or a broker uses
 * (REMOTING.md §7.1).
 *
 * @since 0.1.0
 */

/**
 * Named request codes.
 *
 * @since 0.1.0
 * @category models
 */
export const RequestCode = {
  SEND_MESSAGE: 10,
  HEART_BEAT: 34,
  UNREGISTER_CLIENT: 35,
  END_TRANSACTION: 37,
  CHECK_TRANSACTION_STATE: 39,
  NOTIFY_CONSUMER_IDS_CHANGED: 40,
  GET_KV_CONFIG: 101,
  REGISTER_BROKER: 103,
  UNREGISTER_BROKER: 104,
  GET_ROUTEINFO_BY_TOPIC: 105,
  GET_BROKER_CLUSTER_INFO: 106,
  RESET_CONSUMER_CLIENT_OFFSET: 220,
  GET_CONSUMER_STATUS_FROM_CLIENT: 221,
  GET_CONSUMER_RUNNING_INFO: 307,
  CONSUME_MESSAGE_DIRECTLY: 309,
  SEND_MESSAGE_V2: 310,
  SEND_BATCH_MESSAGE: 320,
  SEND_REPLY_MESSAGE: 324,
  SEND_REPLY_MESSAGE_V2: 325,
  PUSH_REPLY_MESSAGE_TO_CLIENT: 326,
  RECALL_MESSAGE: 370
} as const

/**
 * One of the named request codes.
 *
 * @since 0.1.0
 * @category models
 */
export type RequestCode = typeof RequestCode[keyof typeof RequestCode]

const requestNames = new Map<number, string>(Object.entries(RequestCode).map(([name, code]) => [code, name]))

/**
 * The name of a request code, or `undefined` for a code this library does not name.
 *
 * @since 0.1.0
 * @category formatting
 */
export const requestCodeName = (code: number): string | undefined => requestNames.get(code)
