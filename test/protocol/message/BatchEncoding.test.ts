import { assert, describe, it } from "@effect/vitest"
import { Buffer } from "node:buffer"
import { Arbitrary, Result, Schema } from "effect"
import { decodeBatch, encodeBatch, UnencodableBatch } from "../../../src/protocol/message/BatchEncoding.ts"
import type { BatchRecord, MalformedBatch } from "../../../src/protocol/message/BatchEncoding.ts"
import { decodeProperties, encodeMessageProperties, messageProperties } from "../../../src/protocol/message/MessageProperties.ts"
import { makeUniqueIdGenerator } from "../../../src/protocol/message/UniqueId.ts"
import { messageBatch } from "../../../src/testkit/MessageArbitraries.ts"

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex")
const comparable = (records: ReadonlyArray<BatchRecord>) =>
  records.map((r) => ({ body: hex(r.body), flag: r.flag, properties: r.properties }))

const failure = (result: Result.Result<unknown, MalformedBatch>): MalformedBatch => {
  if (Result.isSuccess(result)) return assert.fail("expected a failure")
  return result.failure
}

/** Well-formed text (what survives UTF-8) of at most 32 767 bytes. */
const propertiesText = Arbitrary.schema(Schema.String).pipe(Arbitrary.map((s) => s.replace(/\p{Cs}/gu, "\uFFFD")))

const record = Arbitrary.all({
  body: Arbitrary.schema(Schema.Uint8Array),
  flag: Arbitrary.schema(Schema.Int.check(Schema.isBetween({ minimum: -2147483648, maximum: 2147483647 }))),
  properties: propertiesText
})

const ids = makeUniqueIdGenerator({ ip: Uint8Array.of(10, 0, 0, 1), pid: 1, salt: 2 })

describe("BatchEncoding", () => {
  it("encodes the §22.3 record", () => {
    const bytes = Result.getOrThrow(encodeBatch([{ body: Buffer.from("x"), flag: 0, properties: "a\u0001b" }]))
    assert.strictEqual(hex(bytes), "0000001a" + "00000000" + "00000000" + "00000000" + "00000001" + "78" + "0003" + "610162")
    assert.deepStrictEqual(comparable(Result.getOrThrow(decodeBatch(bytes))), [{ body: "78", flag: 0, properties: "a\u0001b" }])
    // the 5.2+ form: a trailing separator, length 4
    const newer = Buffer.from("0000001b00000000000000000000000000000001780004610162" + "02", "hex")
    assert.deepStrictEqual(comparable(Result.getOrThrow(decodeBatch(newer))), [{ body: "78", flag: 0, properties: "a\u0001b\u0002" }])
    assert.deepStrictEqual(decodeProperties("a\u0001b\u0002"), { a: "b" })
  })

  it.prop("decodeBatch(encodeBatch(records)) gives the records back", [Arbitrary.array(record, { maxLength: 10 })], ([records]) => {
    const bytes = Result.getOrThrow(encodeBatch(records))
    const sizes = records.map((r) => 22 + r.body.length + Buffer.byteLength(r.properties))
    assert.strictEqual(bytes.length, sizes.reduce((a, b) => a + b, 0))
    assert.deepStrictEqual(comparable(Result.getOrThrow(decodeBatch(bytes))), comparable(records))
  }, { arbitrary: { runs: 300 } })

  it.prop("carries a batch of valid messages with their properties and flags", [messageBatch], ([messages]) => {
    const records = messages.map((m) => ({
      body: m.body,
      flag: m.flag ?? 0,
      properties: encodeMessageProperties(m, { UNIQ_KEY: ids.next(1_750_000_000_000) })
    }))
    const decoded = Result.getOrThrow(decodeBatch(Result.getOrThrow(encodeBatch(records))))
    assert.strictEqual(decoded.length, messages.length)
    decoded.forEach((r, i) => {
      const message = messages[i]
      if (message === undefined) return assert.fail(`no message ${i}`)
      assert.strictEqual(hex(r.body), hex(message.body))
      assert.strictEqual(r.flag, message.flag ?? 0)
      const { UNIQ_KEY, ...rest } = decodeProperties(r.properties)
      assert.match(UNIQ_KEY ?? "", /^[0-9A-F]{32}$/)
      assert.deepStrictEqual(rest, messageProperties(message))
    })
  }, { arbitrary: { runs: 100 } })

  it("decodes bodies as views into the input, without copies", () => {
    const bytes = Result.getOrThrow(encodeBatch([{ body: Buffer.from("hello"), flag: 7, properties: "" }]))
    const [decoded] = Result.getOrThrow(decodeBatch(bytes))
    assert.strictEqual(decoded?.body.buffer, bytes.buffer)
    assert.deepStrictEqual(comparable(Result.getOrThrow(decodeBatch(new Uint8Array(0)))), [])
  })

  it("rejects corrupt bodies at the offset of the bad record", () => {
    const one = Buffer.from(Result.getOrThrow(encodeBatch([{ body: Buffer.from("x"), flag: 0, properties: "a\u0001b" }])))
    const two = Buffer.concat([one, one])
    const at = (bytes: Uint8Array) => failure(decodeBatch(bytes))
    assert.strictEqual(at(two.subarray(0, two.length - 1)).offset, 26) // cut short
    assert.strictEqual(at(two.subarray(0, 30)).offset, 26) // fewer bytes than the fixed fields
    assert.include(at(two.subarray(0, 30)).message, "4 bytes left, fewer than the 22")
    assert.include(at(two.subarray(0, 28)).message, "2 bytes left")
    const bigger = Buffer.from(two)
    bigger.writeInt32BE(27, 26) // size beyond the end
    assert.include(at(bigger).message, "exceeds")
    const smaller = Buffer.from(one)
    smaller.writeInt32BE(21, 0)
    assert.include(at(smaller).message, "below the minimum")
    const negativeBody = Buffer.from(one)
    negativeBody.writeInt32BE(-1, 16)
    assert.include(at(negativeBody).message, "body length -1")
    const hugeBody = Buffer.from(one)
    hugeBody.writeInt32BE(0x7fffffff, 16)
    assert.include(at(hugeBody).message, "does not fit")
    const negativeProperties = Buffer.from(one)
    negativeProperties.writeInt16BE(-32768, 21)
    assert.include(at(negativeProperties).message, "properties length -32768")
    const mismatch = Buffer.from(one)
    mismatch.writeInt16BE(2, 21)
    assert.include(at(mismatch).message, "disagrees")
    assert.strictEqual(at(mismatch).message, "malformed batch body at byte 0: record size 26 disagrees with body length 1 and properties length 2")
  })

  it.prop("never throws or reads past the input on corrupted batches", [
    Arbitrary.array(record, { minLength: 1, maxLength: 4 }),
    Arbitrary.array(Arbitrary.schema(Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: 1_000_000 }))), { minLength: 1, maxLength: 4 }),
    Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: 1_000_000 }))
  ], ([records, flips, cut]) => {
    const bytes = Buffer.from(Result.getOrThrow(encodeBatch(records)))
    for (const flip of flips) {
      const position = flip % bytes.length
      bytes[position] = (bytes[position] ?? 0) ^ (1 + (flip % 255))
    }
    const input = bytes.subarray(0, bytes.length - (cut % (bytes.length + 1)))
    const result = decodeBatch(input)
    if (Result.isSuccess(result)) {
      // every body is a view inside the input, in order, after its record's fixed fields
      let end = input.byteOffset
      for (const r of result.success) {
        assert.strictEqual(r.body.buffer, input.buffer)
        assert.isAtLeast(r.body.byteOffset, end + 20)
        end = r.body.byteOffset + r.body.length + 2
        assert.isAtMost(end, input.byteOffset + input.length)
      }
    }
  }, { arbitrary: { runs: 300 } })

  it.prop("never throws on arbitrary bytes", [Schema.Uint8Array], ([bytes]) => {
    assert.isTrue(Result.isResult(decodeBatch(bytes)))
  }, { arbitrary: { runs: 300 } })

  it("refuses to write what the record cannot describe", () => {
    const tooLong = { body: new Uint8Array(1), flag: 0, properties: "é".repeat(16384) }
    const failed = encodeBatch([{ body: new Uint8Array(1), flag: 0, properties: "" }, tooLong])
    assert.isTrue(Result.isFailure(failed) && failed.failure instanceof UnencodableBatch && failed.failure.index === 1)
    assert.isTrue(Result.isSuccess(encodeBatch([{ ...tooLong, properties: "x".repeat(32767) }])))
    assert.isTrue(Result.isFailure(encodeBatch([{ body: new Uint8Array(1), flag: 2 ** 31, properties: "" }])))
    assert.isTrue(Result.isFailure(encodeBatch([{ body: new Uint8Array(1), flag: 0.5, properties: "" }])))
  })
})
