/**
 * Response codes of the remoting protocol (REMOTING.md §7.2).
 *
 * @since 0.1.0
 */

/**
 * Named response codes.
 *
 * @since 0.1.0
 * @category models
 */
export const ResponseCode = {
  SUCCESS: 0,
  SYSTEM_ERROR: 1,
  SYSTEM_BUSY: 2,
  REQUEST_CODE_NOT_SUPPORTED: 3,
  FLUSH_DISK_TIMEOUT: 10,
  SLAVE_NOT_AVAILABLE: 11,
  FLUSH_SLAVE_TIMEOUT: 12,
  MESSAGE_ILLEGAL: 13,
  SERVICE_NOT_AVAILABLE: 14,
  VERSION_NOT_SUPPORTED: 15,
  NO_PERMISSION: 16,
  TOPIC_NOT_EXIST: 17,
  INVALID_PARAMETER: 29,
  NO_BUYER_ID: 204,
  NOT_IN_CURRENT_UNIT: 205,
  GO_AWAY: 1500
} as const

/**
 * One of the named response codes.
 *
 * @since 0.1.0
 * @category models
 */
export type ResponseCode = typeof ResponseCode[keyof typeof ResponseCode]

const responseNames = new Map<number, string>(Object.entries(ResponseCode).map(([name, code]) => [code, name]))

/**
 * The name of a response code, or `undefined` for a code this library does not name.
 *
 * @since 0.1.0
 * @category formatting
 */
export const responseCodeName = (code: number): string | undefined => responseNames.get(code)
