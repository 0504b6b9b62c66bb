/**
 * The host address a producer names itself by, found as Java's `UtilAll.getIP` finds it, and this
 * process's client id prefix built from it (REMOTING.md §13).
 *
 * @since 0.1.0
 */
import * as Crypto from "node:crypto"
import * as Os from "node:os"
import { parseIpv4, parseIpv6 } from "../protocol/IpAddress.ts"
import type { UniqueIdPrefix } from "../protocol/message/UniqueId.ts"

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
 * @category selection
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
 * @category constructors
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
 * the process id and a random salt. Call it once per process (or per producer); `nowMs` (the
 * `Clock`'s time) feeds the fake address.
 *
 * @since 0.1.0
 * @category constructors
 */
export const localUniqueIdPrefix = (nowMs: number): UniqueIdPrefix => {
  let ip: Uint8Array | undefined
  try {
    ip = selectClientIp(Os.networkInterfaces())
  } catch {
    ip = undefined
  }
  return {
    ip: ip ?? fakeClientIp(nowMs),
    pid: process.pid & 0xffff,
    salt: Crypto.randomBytes(4).readUInt32BE(0)
  }
}
