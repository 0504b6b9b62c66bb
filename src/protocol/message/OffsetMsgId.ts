/**
 * The broker's offsetMsgId (REMOTING.md §13, Java's `MessageDecoder.createMessageId` /
 * `decodeMessageId`): store host, port and commit-log offset of a stored message, returned in the
 * send response as `msgId`.
 *
 * @since 0.1.0
 */
import { Result } from "effect"
import { Buffer } from "node:buffer"
import { formatIpAddress, parseIpAddress } from "../IpAddress.ts"
import { InvalidMessageId, messageIdBytes } from "./MessageId.ts"

/**
 * Where a broker stored a message: the parts of an offsetMsgId.
 *
 * @since 0.1.0
 * @category models
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
 * @category decoding
 */
export const decodeOffsetMsgId = (id: string): Result.Result<OffsetMsgId, InvalidMessageId> =>
  Result.flatMap(messageIdBytes(id, "an offsetMsgId"), (bytes) => {
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
 * @category constructors
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
