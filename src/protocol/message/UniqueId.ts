/**
 * The client id a producer puts in a message's `UNIQ_KEY` property (REMOTING.md §13, Java's
 * `MessageClientIDSetter`), returned as `SendResult.msgId`: its generator, parser and time estimate.
 *
 * @since 0.1.0
 */
import { Result } from "effect"
import { formatIpAddress } from "../IpAddress.ts"
import { messageIdBytes } from "./MessageId.ts"
import type { InvalidMessageId } from "./MessageId.ts"

const HEX: ReadonlyArray<string> = Array.from({ length: 256 }, (_, i) => i.toString(16).toUpperCase().padStart(2, "0"))
const hex2 = (byte: number): string => HEX[byte] ?? "00"
const hex4 = (value: number): string => hex2((value >>> 8) & 0xff) + hex2(value & 0xff)
const hex8 = (value: number): string =>
  hex2((value >>> 24) & 0xff) + hex2((value >>> 16) & 0xff) + hex2((value >>> 8) & 0xff) + hex2(value & 0xff)

/**
 * The fixed part of every client id of a process: its IP address (4 or 16 bytes), process id (low
 * 16 bits are used) and a per-process random 32-bit value (Java puts its class loader's hash code
 * there).
 *
 * @since 0.1.0
 * @category models
 */
export interface UniqueIdPrefix {
  readonly ip: Uint8Array
  readonly pid: number
  readonly salt: number
}

/**
 * Makes client ids. `prefix` is the upper-case hex of the fixed part (20 characters for IPv4, 44 for
 * IPv6); `next(nowMs)` returns a new id for the wall-clock time `nowMs` (ms since the epoch).
 *
 * @since 0.1.0
 * @category models
 */
export interface UniqueIdGenerator {
  readonly prefix: string
  readonly next: (nowMs: number) => string
}

/**
 * Options of {@link makeUniqueIdGenerator}.
 *
 * @since 0.1.0
 * @category models
 */
export interface UniqueIdGeneratorOptions {
  /** First counter value (low 16 bits); default 0, as in Java. */
  readonly counter?: number | undefined
}

/**
 * A client id generator with Java's format: upper-case hex of ip (4 or 16 bytes) · pid (2) · salt
 * (4) · ms since the start of the current month in the local time zone (4) · counter (2), so 32
 * characters with an IPv4 address and 56 with IPv6. An `ip` of another length than 16 is taken as
 * IPv4 (its first 4 bytes).
 *
 * Like Java it re-anchors at the start of each month and writes 0 when the clock is at most 1000 s
 * before the month's start. Unlike Java the time field never goes backwards within a month (a clock
 * stepping back keeps the last value), and after 65 536 ids with the same time field it moves that
 * field one ms ahead, so one generator never repeats an id within a month however fast it is called.
 * Each id costs three table lookups and two string concatenations; the prefix and the time part are
 * computed once per ms.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeUniqueIdGenerator = (prefix: UniqueIdPrefix, options?: UniqueIdGeneratorOptions): UniqueIdGenerator => {
  const ip = prefix.ip.length === 16 ? prefix.ip : Uint8Array.from({ length: 4 }, (_, i) => prefix.ip[i] ?? 0)
  const fixed = Array.from(ip, hex2).join("") + hex4(prefix.pid & 0xffff) + hex8(prefix.salt >>> 0)
  let counter = (options?.counter ?? 0) & 0xffff
  let monthStart = Number.NaN
  let nextMonthStart = Number.NaN
  let lastDiff = -1
  let issued = 0
  let head = fixed + hex8(0)

  const anchor = (now: number) => {
    const date = new Date(now)
    monthStart = new Date(date.getFullYear(), date.getMonth(), 1).getTime()
    nextMonthStart = new Date(date.getFullYear(), date.getMonth() + 1, 1).getTime()
    lastDiff = -1
  }

  const next = (nowMs: number): string => {
    const now = Number.isFinite(nowMs) ? Math.floor(nowMs) : 0
    // `!(a && b)` so that the NaN of a fresh generator also anchors.
    if (!(now < nextMonthStart && now >= monthStart - 1_000_000)) anchor(now)
    const diff = now < monthStart ? 0 : now - monthStart
    if (diff > lastDiff) {
      lastDiff = diff
      issued = 0
      head = fixed + hex8(diff >>> 0)
    } else if (issued >= 0x10000) {
      lastDiff += 1
      issued = 0
      head = fixed + hex8(lastDiff >>> 0)
    }
    issued++
    const value = counter
    counter = (counter + 1) & 0xffff
    return head + hex2(value >>> 8) + hex2(value & 0xff)
  }

  return { prefix: fixed, next }
}

/**
 * The parts of a client id.
 *
 * @since 0.1.0
 * @category models
 */
export interface ParsedUniqueId {
  /** Dotted IPv4 or RFC 5952 IPv6 text. */
  readonly ip: string
  readonly pid: number
  readonly salt: number
  /** Milliseconds since the start of the month (local time) the id was made in. */
  readonly millisOfMonth: number
  readonly counter: number
}

/**
 * The parts of a client id (`UNIQ_KEY`): 32 or 56 hex characters, either case. Fails on anything
 * else; never throws.
 *
 * @since 0.1.0
 * @category decoding
 */
export const parseUniqueId = (id: string): Result.Result<ParsedUniqueId, InvalidMessageId> =>
  Result.map(messageIdBytes(id, "a client id"), (bytes) => {
    const ipLength = bytes.length === 28 ? 16 : 4
    return {
      ip: formatIpAddress(bytes.subarray(0, ipLength)),
      pid: bytes.readUInt16BE(ipLength),
      salt: bytes.readUInt32BE(ipLength + 2),
      millisOfMonth: bytes.readUInt32BE(ipLength + 6),
      counter: bytes.readUInt16BE(ipLength + 10)
    }
  })

/**
 * When a client id was made, as Java's `getNearlyTimeFromID` estimates it from `millisOfMonth`: in
 * the current month (local time) of `nowMs`, or in the previous one if that would not be before
 * `nowMs`. Ms since the epoch.
 *
 * @since 0.1.0
 * @category utils
 */
export const estimateUniqueIdTime = (millisOfMonth: number, nowMs: number): number => {
  const now = new Date(nowMs)
  const monthStart = new Date(now.getFullYear(), now.getMonth(), 1).getTime()
  return monthStart + millisOfMonth >= nowMs
    ? new Date(now.getFullYear(), now.getMonth() - 1, 1).getTime() + millisOfMonth
    : monthStart + millisOfMonth
}
