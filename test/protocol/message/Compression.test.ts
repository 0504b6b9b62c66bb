import { assert, describe, it } from "@effect/vitest"
import { Buffer } from "node:buffer"
import * as Zlib from "node:zlib"
import { Arbitrary, Result, Schema } from "effect"
import { compressBody, decompressBody, DEFAULT_COMPRESS_THRESHOLD } from "../../../src/protocol/message/Compression.ts"
import type { DecompressionError } from "../../../src/protocol/message/Compression.ts"
import {
  clearCompressedFlag,
  COMPRESSED_FLAG,
  COMPRESSION_LZ4_TYPE,
  COMPRESSION_ZLIB_TYPE,
  COMPRESSION_ZSTD_TYPE,
  compressionFlag,
  compressionTypeOf,
  hasFlag,
  isCompressed,
  TRANSACTION_COMMIT_TYPE,
  TRANSACTION_PREPARED_TYPE,
  TRANSACTION_ROLLBACK_TYPE,
  transactionType,
  withTransactionType
} from "../../../src/protocol/message/MessageSysFlag.ts"
import { messageBody } from "../../../src/testkit/MessageArbitraries.ts"

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex")

const failure = (result: Result.Result<Uint8Array, DecompressionError>): DecompressionError => {
  if (Result.isSuccess(result)) return assert.fail("expected a failure")
  return result.failure
}

describe("MessageSysFlag", () => {
  it("has Java's bit values", () => {
    assert.strictEqual(COMPRESSED_FLAG | COMPRESSION_ZLIB_TYPE, 0x301)
    assert.deepStrictEqual([COMPRESSION_LZ4_TYPE, COMPRESSION_ZSTD_TYPE, COMPRESSION_ZLIB_TYPE], [0x100, 0x200, 0x300])
    assert.deepStrictEqual([TRANSACTION_PREPARED_TYPE, TRANSACTION_COMMIT_TYPE, TRANSACTION_ROLLBACK_TYPE], [4, 8, 12])
  })

  it("reads the compression type bits, 0 meaning ZLIB for senders before 4.9.4", () => {
    assert.deepStrictEqual(
      [0x001, 0x101, 0x201, 0x301, 0x401, 0x701].map(compressionTypeOf),
      ["ZLIB", "LZ4", "ZSTD", "ZLIB", undefined, undefined]
    )
    assert.deepStrictEqual((["ZLIB", "LZ4", "ZSTD"] as const).map(compressionFlag), [0x300, 0x100, 0x200])
    assert.isTrue(isCompressed(0x301))
    assert.isFalse(isCompressed(0x300))
    assert.strictEqual(clearCompressedFlag(0x305), 0x304)
    assert.isTrue(hasFlag(0x14, 0x10))
  })

  it.prop("replaces the transaction type bits and nothing else", [Schema.Int, Schema.Literals([0, 4, 8, 12])], ([flag, type]) => {
    const updated = withTransactionType(flag, type)
    assert.strictEqual(transactionType(updated), type)
    assert.strictEqual(updated & ~0xc, flag & ~0xc)
  })
})

describe("Compression", () => {
  it("compresses from 4096 bytes on (>=, as tryToCompressMessage does), with sysFlag 0x301", () => {
    const below = new Uint8Array(DEFAULT_COMPRESS_THRESHOLD - 1).fill(65)
    const kept = compressBody(below)
    assert.strictEqual(kept.body, below)
    assert.strictEqual(kept.sysFlag, 0)
    const at = new Uint8Array(DEFAULT_COMPRESS_THRESHOLD).fill(65)
    const compressed = compressBody(at)
    assert.strictEqual(compressed.sysFlag, 0x301)
    assert.isBelow(compressed.body.length, 100)
    // zlib-wrapped (RFC 1950) as java.util.zip.Deflater writes: CMF 0x78, FLG for level 5 is 0x5e.
    assert.strictEqual(hex(compressed.body.subarray(0, 2)), "785e")
    assert.strictEqual(hex(Zlib.inflateSync(compressed.body)), hex(at))
    assert.strictEqual(compressBody(at, { threshold: 4097 }).sysFlag, 0)
    assert.strictEqual(hex(compressBody(at, { level: 9 }).body.subarray(0, 2)), "78da")
  })

  it("keeps a compressed body even when it is larger, as Java does", () => {
    const noise = new Uint8Array(5000).map((_, i) => (i * 2654435761) >>> 24)
    const compressed = compressBody(Zlib.deflateSync(noise, { level: 9 }), { threshold: 1 })
    assert.strictEqual(compressed.sysFlag, 0x301)
  })

  it("sends the body as it is when compression fails", () => {
    const at = new Uint8Array(DEFAULT_COMPRESS_THRESHOLD)
    const result = compressBody(at, { level: 42 })
    assert.strictEqual(result.body, at)
    assert.strictEqual(result.sysFlag, 0)
  })

  it.prop("decompressBody(compressBody(body)) is the body", [messageBody, Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: 9 }))], ([bytes, level]) => {
    const { body: wire, sysFlag } = compressBody(bytes, { level })
    assert.strictEqual(sysFlag, bytes.length >= 4096 ? 0x301 : 0)
    assert.strictEqual(hex(Result.getOrThrow(decompressBody(wire, sysFlag))), hex(bytes))
  }, { arbitrary: { runs: 100 } })

  it("inflates the old form (type bits 0) and returns uncompressed bodies as they are", () => {
    const text = Buffer.from("hello ".repeat(1000))
    assert.strictEqual(hex(Result.getOrThrow(decompressBody(Zlib.deflateSync(text), 0x1))), hex(text))
    assert.strictEqual(Result.getOrThrow(decompressBody(text, 0x300)), text)
    assert.strictEqual(Result.getOrThrow(decompressBody(text, 0x4)), text)
  })

  it("fails with typed errors on unsupported types, corrupt data and bombs", () => {
    const deflated = Zlib.deflateSync(new Uint8Array(1_000_000))
    assert.strictEqual(failure(decompressBody(deflated, 0x101)).reason, "UnsupportedCompressionType")
    assert.include(failure(decompressBody(deflated, 0x201)).message, "ZSTD")
    assert.strictEqual(failure(decompressBody(deflated, 0x501)).reason, "UnsupportedCompressionType")
    assert.strictEqual(failure(decompressBody(deflated.subarray(0, 20), 0x301)).reason, "CorruptBody")
    assert.strictEqual(failure(decompressBody(new Uint8Array(0), 0x301)).reason, "CorruptBody")
    const bomb = failure(decompressBody(deflated, 0x301, { maxSize: 999_999 }))
    assert.strictEqual(bomb.reason, "BodyTooLarge")
    assert.strictEqual(bomb.message, "cannot decompress a body with sysFlag 0x301 (BodyTooLarge): inflates to more than 999999 bytes")
    assert.strictEqual(Result.getOrThrow(decompressBody(deflated, 0x301, { maxSize: 1_000_000 })).length, 1_000_000)
  })

  it.prop("never throws on arbitrary bytes and flags", [Schema.Uint8Array, Schema.Int], ([bytes, sysFlag]) => {
    const result = decompressBody(bytes, sysFlag | 1)
    assert.isTrue(Result.isResult(result))
  }, { arbitrary: { runs: 300 } })

  it.prop("never throws on a corrupted compressed body", [
    messageBody.pipe(Arbitrary.filter((b) => b.length >= 4096)),
    Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: 100_000 }))
  ], ([bytes, at]) => {
    const wire = Buffer.from(compressBody(bytes).body)
    const position = at % wire.length
    wire[position] = (wire[position] ?? 0) ^ 0x5a
    const result = decompressBody(wire, 0x301)
    assert.isTrue(Result.isResult(result))
  }, { arbitrary: { runs: 50 } })
})
