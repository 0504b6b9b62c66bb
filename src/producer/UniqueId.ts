/**
 * Message identifiers (REMOTING.md §13): the client id a producer puts in `UNIQ_KEY` (Java's
 * `MessageClientIDSetter`, returned as `SendResult.msgId`) and the broker's offsetMsgId (store host,
 * port and commit-log offset, returned in the send response as `msgId`).
 *
 * @since 0.1.0
 */
import { Result, Schema } from "effect"
import { Buffer } from "node:buffer"
import * as Crypto from "node:crypto"
import * as Net from "node:net"
import * as Os from "node:os"

/**
 * A string that is not a message id of the expected kind, or an address that cannot go into one.
 *
 * @since 0.1.0
 */
export class InvalidMessageId extends Schema.TaggedError<InvalidMessageId>()("InvalidMessageId", {
  id: Schema.String,
  detail: Schema.String
}) {
  override get message(): string {
    return `invalid message id ${JSON.stringify(this.id.length > 80 ? this.id.slice(0, 80) + "…" : this.id)}: ${this.detail}`
  }
}

// ---------------------------------------------------------------------------------------------
// Hex and IP addresses
// ---------------------------------------------------------------------------------------------

const HEX: ReadonlyArray<string> = Array.from({ length: 256 }, (_, i) => i.toString(16).toUpperCase().padStart(2, "0"))
const hex2 = (byte: number): string => HEX[byte] ?? "00"
const hex4 = (value: number): string => hex2((value >>> 8) & 0xff) + hex2(value & 0xff)
const hex8 = (value: number): string =>
  hex2((value >>> 24) & 0xff) + hex2((value >>> 16) & 0xff) + hex2((value >>> 8) & 0xff) + hex2(value & 0xff)
const HEX_TEXT = /^[0-9A-Fa-f]*$/

const parseIpv4 = (text: string): Uint8Array | undefined => {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text)
  if (match === null) return undefined
  const bytes = new Uint8Array(4)
  for (let i = 0; i < 4; i++) {
    const part = Number(match[i + 1])
    if (!(part <= 255)) return undefined
    bytes[i] = part
  }
  return bytes
}

const parseIpv6 = (input: string): Uint8Array | undefined => {
  const zone = input.indexOf("%")
  const text = zone < 0 ? input : input.slice(0, zone)
  if (!Net.isIPv6(text)) return undefined
  const bytes = new Uint8Array(16)
  let body = text
  let v4: Uint8Array | undefined
  if (text.includes(".")) {
    const cut = text.lastIndexOf(":")
    v4 = parseIpv4(text.slice(cut + 1))
    if (v4 === undefined) return undefined
    body = text.slice(0, cut + 1) + "0:0"
  }
  const gap = body.indexOf("::")
  const groupsOf = (part: string) => (part.length === 0 ? [] : part.split(":").map((g) => Number.parseInt(g, 16)))
  const head = groupsOf(gap < 0 ? body : body.slice(0, gap))
  const tail = gap < 0 ? [] : groupsOf(body.slice(gap + 2))
  const groups = [...head, ...Array<number>(8 - head.length - tail.length).fill(0), ...tail]
  if (groups.length !== 8) return undefined
  groups.forEach((group, i) => {
    bytes[i * 2] = group >>> 8
    bytes[i * 2 + 1] = group & 0xff
  })
  if (v4 !== undefined) bytes.set(v4, 12)
  return bytes
}

/**
 * The 4 or 16 bytes of an IPv4 or IPv6 address literal (an IPv6 zone such as `%eth0` and brackets
 * are ignored), or `undefined` when `text` is not one.
 *
 * @since 0.1.0
 */
export const parseIpAddress = (text: string): Uint8Array | undefined => {
  const bare = text.startsWith("[") && text.endsWith("]") ? text.slice(1, -1) : text
  return parseIpv4(bare) ?? parseIpv6(bare)
}

/**
 * The text form of a 4-byte (dotted decimal) or 16-byte (RFC 5952: lower case, longest run of zero
 * groups shortened to `::`) address.
 *
 * @since 0.1.0
 */
export const formatIpAddress = (bytes: Uint8Array): string => {
  if (bytes.length !== 16) return Array.from(bytes.subarray(0, 4), String).join(".")
  const groups = Array.from({ length: 8 }, (_, i) => ((bytes[i * 2] ?? 0) << 8) | (bytes[i * 2 + 1] ?? 0))
  let bestStart = -1
  let bestLength = 1
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++
      continue
    }
    let j = i
    while (j < 8 && groups[j] === 0) j++
    if (j - i > bestLength) {
      bestStart = i
      bestLength = j - i
    }
    i = j
  }
  const hex = (from: number, to: number) => groups.slice(from, to).map((g) => g.toString(16)).join(":")
  return bestStart < 0 ? hex(0, 8) : `${hex(0, bestStart)}::${hex(bestStart + bestLength, 8)}`
}

// ---------------------------------------------------------------------------------------------
// Client id (UNIQ_KEY)
// ---------------------------------------------------------------------------------------------

/**
 * The fixed part of every client id of a process: its IP address (4 or 16 bytes), process id (low
 * 16 bits are used) and a per-process random 32-bit value (Java puts its class loader's hash code
 * there).
 *
 * @since 0.1.0
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
 */
export interface UniqueIdGenerator {
  readonly prefix: string
  readonly next: (nowMs: number) => string
}

/**
 * Options of {@link makeUniqueIdGenerator}.
 *
 * @since 0.1.0
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

const isInternalIpv4 = (ip: Uint8Array): boolean => {
  const [a = 0, b = 0] = ip
  return a === 10 || a === 127 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168)
}

/** Java's `isInternalV6IP`: unspecified, link-local (fe80::/10), loopback, site-local (fec0::/10). */
const isInternalIpv6 = (ip: Uint8Array): boolean => {
  const [a = 0, b = 0] = ip
  if (a === 0xfe && (b & 0xc0) === 0x80) return true
  if (a === 0xfe && (b & 0xc0) === 0xc0) return true
  for (let i = 0; i < 15; i++) if (ip[i] !== 0) return false
  return ip[15] === 0 || ip[15] === 1
}

/**
 * The address Java's `UtilAll.getIP` would pick from `interfaces` (the shape of
 * `os.networkInterfaces()`): the first IPv4 address outside 10/8, 127/8, 172.16/12 and 192.168/16, or
 * the first IPv6 address that is not unspecified, loopback, link-local or site-local, whichever comes
 * first; else an internal IPv4 address (preferring one outside 127/8); else `undefined`.
 *
 * @since 0.1.0
 */
export const selectClientIp = (
  interfaces: { readonly [name: string]: ReadonlyArray<{ readonly address: string; readonly family: string }> | undefined }
): Uint8Array | undefined => {
  let internal: Uint8Array | undefined
  for (const name of Object.keys(interfaces)) {
    for (const info of interfaces[name] ?? []) {
      if (info.family === "IPv4") {
        const ip = parseIpv4(info.address)
        if (ip === undefined) continue
        if (!isInternalIpv4(ip)) return ip
        if (internal === undefined || internal[0] === 127) internal = ip
      } else if (info.family === "IPv6") {
        const ip = parseIpv6(info.address)
        if (ip !== undefined && !isInternalIpv6(ip)) return ip
      }
    }
  }
  return internal
}

/**
 * Java's stand-in address when the host has none (`createFakeIP`): the low 32 bits of the clock.
 *
 * @since 0.1.0
 */
export const fakeClientIp = (nowMs: number): Uint8Array => {
  const bytes = new Uint8Array(4)
  const low = Number(BigInt.asUintN(32, BigInt(Math.floor(Number.isFinite(nowMs) ? nowMs : 0))))
  bytes[0] = low >>> 24
  bytes[1] = (low >>> 16) & 0xff
  bytes[2] = (low >>> 8) & 0xff
  bytes[3] = low & 0xff
  return bytes
}

/**
 * This process's id prefix: the host address {@link selectClientIp} picks (or {@link fakeClientIp}),
 * the process id and a random salt. Call it once per process (or per producer).
 *
 * @since 0.1.0
 */
export const localUniqueIdPrefix = (): UniqueIdPrefix => {
  let ip: Uint8Array | undefined
  try {
    ip = selectClientIp(Os.networkInterfaces())
  } catch {
    ip = undefined
  }
  return {
    ip: ip ?? fakeClientIp(Date.now()),
    pid: process.pid & 0xffff,
    salt: Crypto.randomBytes(4).readUInt32BE(0)
  }
}

/**
 * The parts of a client id.
 *
 * @since 0.1.0
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

const checkHex = (id: unknown, kind: string): Result.Result<Buffer, InvalidMessageId> => {
  if (typeof id !== "string") return Result.fail(new InvalidMessageId({ id: String(id), detail: `${kind} must be a string` }))
  if (id.length !== 32 && id.length !== 56) {
    return Result.fail(new InvalidMessageId({ id, detail: `${kind} has ${id.length} characters, not 32 (IPv4) or 56 (IPv6)` }))
  }
  if (!HEX_TEXT.test(id)) return Result.fail(new InvalidMessageId({ id, detail: `${kind} is not hexadecimal` }))
  return Result.succeed(Buffer.from(id, "hex"))
}

/**
 * The parts of a client id (`UNIQ_KEY`): 32 or 56 hex characters, either case. Fails on anything
 * else; never throws.
 *
 * @since 0.1.0
 */
export const parseUniqueId = (id: string): Result.Result<ParsedUniqueId, InvalidMessageId> =>
  Result.map(checkHex(id, "a client id"), (bytes) => {
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
 */
export const estimateUniqueIdTime = (millisOfMonth: number, nowMs: number): number => {
  const now = new Date(nowMs)
  const monthStart = new Date(now.getFullYear(), now.getMonth(), 1).getTime()
  return monthStart + millisOfMonth >= nowMs
    ? new Date(now.getFullYear(), now.getMonth() - 1, 1).getTime() + millisOfMonth
    : monthStart + millisOfMonth
}

// ---------------------------------------------------------------------------------------------
// offsetMsgId
// ---------------------------------------------------------------------------------------------

/**
 * Where a broker stored a message: the parts of an offsetMsgId.
 *
 * @since 0.1.0
 */
export interface OffsetMsgId {
  /** Dotted IPv4 or RFC 5952 IPv6 text of the store host. */
  readonly host: string
  readonly port: number
  /** Physical offset in the broker's commit log (a Java `long`). */
  readonly commitLogOffset: bigint
}

/**
 * The parts of an offsetMsgId (`MessageDecoder.decodeMessageId`): store host (4 bytes for 32 hex
 * characters, 16 for 56) · port (int32) · commit-log offset (int64). Fails on a wrong length,
 * non-hex text or a port outside 0…65535; never throws.
 *
 * @since 0.1.0
 */
export const decodeOffsetMsgId = (id: string): Result.Result<OffsetMsgId, InvalidMessageId> =>
  Result.flatMap(checkHex(id, "an offsetMsgId"), (bytes) => {
    const ipLength = bytes.length === 28 ? 16 : 4
    const port = bytes.readInt32BE(ipLength)
    if (port < 0 || port > 65535) {
      return Result.fail(new InvalidMessageId({ id, detail: `port ${port} is outside 0…65535` }))
    }
    return Result.succeed({
      host: formatIpAddress(bytes.subarray(0, ipLength)),
      port,
      commitLogOffset: bytes.readBigInt64BE(ipLength + 4)
    })
  })

/**
 * The offsetMsgId a broker at `host:port` gives a message stored at `commitLogOffset`
 * (`MessageDecoder.createMessageId`): upper-case hex, 32 characters for an IPv4 host, 56 for IPv6.
 * Fails when `host` is not an IP literal, `port` not in 0…65535 or the offset not a Java `long`.
 *
 * @since 0.1.0
 */
export const createOffsetMsgId = (where: OffsetMsgId): Result.Result<string, InvalidMessageId> => {
  const { commitLogOffset, host, port } = where
  const id = `${host}:${port}@${commitLogOffset}`
  const ip = parseIpAddress(host)
  if (ip === undefined) return Result.fail(new InvalidMessageId({ id, detail: `host ${JSON.stringify(host)} is not an IP address` }))
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    return Result.fail(new InvalidMessageId({ id, detail: `port ${port} is outside 0…65535` }))
  }
  if (BigInt.asIntN(64, commitLogOffset) !== commitLogOffset) {
    return Result.fail(new InvalidMessageId({ id, detail: `commit-log offset ${commitLogOffset} does not fit in a Java long` }))
  }
  const bytes = Buffer.alloc(ip.length + 12)
  bytes.set(ip, 0)
  bytes.writeInt32BE(port, ip.length)
  bytes.writeBigInt64BE(commitLogOffset, ip.length + 4)
  return Result.succeed(bytes.toString("hex").toUpperCase())
}
