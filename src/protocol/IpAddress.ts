/**
 * IP addresses as bytes and text: the 4 or 16 bytes that message ids carry (REMOTING.md §13) and
 * their dotted IPv4 or RFC 5952 IPv6 text.
 *
 * @since 0.1.0
 */
import * as Net from "node:net"

/**
 * The 4 bytes of a dotted-decimal IPv4 literal, or `undefined` when `text` is not one.
 *
 * @since 0.1.0
 * @category decoding
 */
export const parseIpv4 = (text: string): Uint8Array | undefined => {
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

/**
 * The 16 bytes of an IPv6 literal (a zone such as `%eth0` is ignored), or `undefined` when `input`
 * is not one.
 *
 * @since 0.1.0
 * @category decoding
 */
export const parseIpv6 = (input: string): Uint8Array | undefined => {
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
 * @category decoding
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
 * @category formatting
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
