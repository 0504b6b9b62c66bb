import { assert, describe, it } from "@effect/vitest"
import { Arbitrary, Result, Schema } from "effect"
import { formatIpAddress } from "../../../src/protocol/IpAddress.ts"
import { createOffsetMsgId, decodeOffsetMsgId } from "../../../src/protocol/message/OffsetMsgId.ts"
import { parseUniqueId } from "../../../src/protocol/message/UniqueId.ts"

const int = (minimum: number, maximum: number) => Schema.Int.check(Schema.isBetween({ minimum, maximum }))

const ipBytes = Arbitrary.schema(
  Schema.Union([
    Schema.Uint8Array.check(Schema.isMinLength(4), Schema.isMaxLength(4)),
    Schema.Uint8Array.check(Schema.isMinLength(16), Schema.isMaxLength(16))
  ])
)

describe("OffsetMsgId", () => {
  it("decodes the §22.5 vector", () => {
    const id = "7F00000100002A9F0000000000005A28"
    assert.deepStrictEqual(Result.getOrThrow(decodeOffsetMsgId(id)), { host: "127.0.0.1", port: 10911, commitLogOffset: 23080n })
    assert.deepStrictEqual(Result.getOrThrow(decodeOffsetMsgId(id.toLowerCase())).commitLogOffset, 23080n)
    assert.strictEqual(Result.getOrThrow(createOffsetMsgId({ host: "127.0.0.1", port: 10911, commitLogOffset: 23080n })), id)
  })

  it.prop("createOffsetMsgId and decodeOffsetMsgId are inverse", [ipBytes, int(0, 65535), Schema.BigInt], ([ip, port, raw]) => {
    const commitLogOffset = BigInt.asIntN(64, raw)
    const host = formatIpAddress(ip)
    const id = Result.getOrThrow(createOffsetMsgId({ host, port, commitLogOffset }))
    assert.match(id, ip.length === 16 ? /^[0-9A-F]{56}$/ : /^[0-9A-F]{32}$/)
    assert.deepStrictEqual(Result.getOrThrow(decodeOffsetMsgId(id)), { host, port, commitLogOffset })
  }, { arbitrary: { runs: 300 } })

  it.prop("never throws on arbitrary text", [Schema.String], ([text]) => {
    assert.isTrue(Result.isResult(decodeOffsetMsgId(text)))
    assert.isTrue(Result.isResult(parseUniqueId(text)))
  }, { arbitrary: { runs: 300 } })

  it("rejects bad ids and bad addresses", () => {
    for (const bad of ["", "7F00000100002A9F0000000000005A2", "7F00000100002A9F0000000000005A2Z", "7F000001FFFFFFFF0000000000005A28"]) {
      assert.isTrue(Result.isFailure(decodeOffsetMsgId(bad)), bad)
    }
    const bad = [
      { host: "localhost", port: 1, commitLogOffset: 0n },
      { host: "1.2.3.4", port: 65536, commitLogOffset: 0n },
      { host: "1.2.3.4", port: 1.5, commitLogOffset: 0n },
      { host: "1.2.3.4", port: 1, commitLogOffset: 2n ** 63n }
    ]
    for (const where of bad) assert.isTrue(Result.isFailure(createOffsetMsgId(where)), JSON.stringify(where, (_, v) => typeof v === "bigint" ? String(v) : v))
  })
})
