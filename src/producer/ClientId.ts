/**
 * The client id brokers know a producer by: `clientIP@instanceName` (REMOTING.md §16.1).
 *
 * @since 0.1.0
 */
import { formatIpAddress } from "../protocol/IpAddress.ts"

/**
 * `ip@instanceName`, the IP written as Java writes it (IPv4 dotted, IPv6 in its short form).
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeClientId = (ip: Uint8Array, instanceName: string): string => `${formatIpAddress(ip)}@${instanceName}`
