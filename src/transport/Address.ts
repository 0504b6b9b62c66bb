/**
 * Socket addresses as RocketMQ writes them: `"host:port"` (the port after the last colon, so
 * `"::1:9876"` is IPv6 `::1` port 9876; brackets are accepted too), and NameServer lists as
 * `"host:port;host:port"`.
 *
 * @since 0.1.0
 */
import { Result, Schema } from "effect"

/**
 * A host and a port.
 *
 * @since 0.1.0
 * @category models
 */
export interface SocketAddress {
  readonly host: string
  readonly port: number
}

/**
 * An address string that is not `host:port`.
 *
 * @since 0.1.0
 * @category errors
 */
export class InvalidAddress extends Schema.TaggedError<InvalidAddress>()("InvalidAddress", {
  address: Schema.String,
  detail: Schema.String
}) {
  override get message(): string {
    return `invalid address "${this.address}": ${this.detail}`
  }
}

/**
 * Parses `host:port` as Java's `RemotingHelper.string2SocketAddress` does (split at the last colon).
 *
 * @since 0.1.0
 * @category decoding
 */
export const parseAddress = (address: string): Result.Result<SocketAddress, InvalidAddress> => {
  const trimmed = address.trim()
  const colon = trimmed.lastIndexOf(":")
  if (colon <= 0) return Result.fail(new InvalidAddress({ address, detail: "expected host:port" }))
  const host = trimmed.slice(0, colon).replace(/^\[(.*)\]$/, "$1")
  const portText = trimmed.slice(colon + 1)
  if (!/^\d{1,5}$/.test(portText)) return Result.fail(new InvalidAddress({ address, detail: `port "${portText}" is not a number` }))
  const port = Number(portText)
  if (port < 1 || port > 65535) return Result.fail(new InvalidAddress({ address, detail: `port ${port} is out of range` }))
  if (host.length === 0 || /\s/.test(host)) return Result.fail(new InvalidAddress({ address, detail: "empty or blank host" }))
  return Result.succeed({ host, port })
}

/**
 * Splits a NameServer list (`;`-separated, blanks ignored) and checks every address; duplicates
 * are dropped, order is kept.
 *
 * @since 0.1.0
 * @category decoding
 */
export const parseAddressList = (list: string): Result.Result<ReadonlyArray<string>, InvalidAddress> => {
  const addresses = [...new Set(list.split(";").map((item) => item.trim()).filter((item) => item.length > 0))]
  if (addresses.length === 0) return Result.fail(new InvalidAddress({ address: list, detail: "no address in the list" }))
  for (const address of addresses) {
    const parsed = parseAddress(address)
    if (Result.isFailure(parsed)) return Result.fail(parsed.failure)
  }
  return Result.succeed(addresses)
}
