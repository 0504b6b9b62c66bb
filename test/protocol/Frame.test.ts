import { assert, describe, it } from "@effect/vitest"
import { Buffer } from "node:buffer"
import { Arbitrary, Effect, Result, Schema } from "effect"
import { decodeFrame } from "../../src/protocol/FrameDecoder.ts"
import { encodeFrame, encodeFrameParts, withFrameOpaque } from "../../src/protocol/Frame.ts"
import { makeRequest } from "../../src/protocol/RemotingCommand.ts"
import type { RemotingCommand } from "../../src/protocol/RemotingCommand.ts"
import { intBetween, remotingCommand } from "../../src/testkit/Arbitraries.ts"
import { binaryNormalized, comparable } from "../helpers.ts"

/** Text of up to `maxLength` UTF-16 units, any of them: ASCII, other planes, lone surrogates. */
const anyText = (maxLength: number) =>
  Arbitrary.map(
    Arbitrary.array(
      // half of them ASCII
      Arbitrary.map(Arbitrary.all([intBetween(0, 0xffff), Arbitrary.schema(Schema.Boolean)]), ([unit, ascii]) => (ascii ? unit & 0x7f : unit)),
      { maxLength }
    ),
    (units) => String.fromCharCode(...units)
  )

const encodeOk = (command: RemotingCommand): Uint8Array => Result.getOrThrow(encodeFrame(command))
const reasonOf = (bytes: Uint8Array): string => {
  const decoded = decodeFrame(bytes)
  return Result.isFailure(decoded) ? decoded.failure.reason._tag : "decoded"
}
const frameOf = (hex: string) => Buffer.from(hex.replace(/\s+/g, ""), "hex")

describe("frame codec", () => {
  it.prop("JSON header: decode(encode(c)) = c", [remotingCommand], ([command]) => {
    const json = { ...command, serializeType: "JSON" as const }
    const decoded = Result.getOrThrow(decodeFrame(encodeOk(json)))
    assert.deepStrictEqual(comparable(decoded), comparable(json))
  }, { arbitrary: { runs: 300 } })

  it.prop("binary header: decode(encode(c)) = c, with empty strings read as absent", [remotingCommand], ([command]) => {
    const binary = { ...command, serializeType: "ROCKETMQ" as const }
    const decoded = Result.getOrThrow(decodeFrame(encodeOk(binary)))
    assert.deepStrictEqual(comparable(decoded), binaryNormalized(binary))
  }, { arbitrary: { runs: 300 } })

  it.prop(
    "binary header: values that start with a digit (numbers, leading zeros, long numbers, digits then text) read back as written",
    [Arbitrary.array(Arbitrary.all([
      Arbitrary.map(Arbitrary.array(intBetween(0, 9), { minLength: 1, maxLength: 24 }), (digits) => digits.join("")),
      // printable ASCII: "1e5", "12.5", "7F00…"
      Arbitrary.map(Arbitrary.array(intBetween(0x20, 0x7e), { minLength: 1, maxLength: 4 }), (units) => String.fromCharCode(...units))
    ]), { maxLength: 8 })],
    ([values]) => {
      const extFields = Object.fromEntries(values.map(([digits, tail], i) => [`k${i}`, i % 2 === 0 ? digits : digits + tail]))
      const command = makeRequest({ code: 10, serializeType: "ROCKETMQ", extFields })
      const decoded = Result.getOrThrow(decodeFrame(encodeOk(command)))
      assert.deepStrictEqual(decoded.extFields ?? {}, extFields)
    },
    { arbitrary: { runs: 300 } }
  )

  it.prop("withFrameOpaque: the frame's request again with the new opaque, everything else as decoded from the first frame", [
    remotingCommand,
    intBetween(-2147483648, 2147483647)
  ], ([command, opaque]) => {
    const first = Result.getOrThrow(encodeFrameParts(command))
    const again = Result.getOrThrow(withFrameOpaque(first, opaque))
    const decodedFirst = Result.getOrThrow(decodeFrame(encodeOk(command)))
    const joined = again.body === undefined ? again.head : Buffer.concat([again.head, again.body])
    const decodedAgain = Result.getOrThrow(decodeFrame(joined))
    assert.strictEqual(decodedAgain.opaque, opaque)
    assert.deepStrictEqual(comparable({ ...decodedAgain, opaque: 0 }), comparable({ ...decodedFirst, opaque: 0 }))
  }, { arbitrary: { runs: 300 } })

  it.prop("head + body parts concatenate to the single-buffer frame", [remotingCommand], ([command]) => {
    const parts = Result.getOrThrow(encodeFrameParts(command))
    const joined = Buffer.concat(parts.body === undefined ? [parts.head] : [parts.head, parts.body])
    assert.strictEqual(joined.length, parts.size)
    assert.isTrue(joined.equals(encodeOk(command)))
  })

  it.prop("binary header, small or larger than the encoder's 64 KiB scratch: the bytes of Java's layout, written part by part", [
    // a remark of up to 40 UTF-16 units of any kind, or one of 22 000 or more (repeated; at up to 3 bytes each, beyond what the scratch is sure to hold)
    Arbitrary.map(Arbitrary.all([anyText(40), Arbitrary.schema(Schema.Boolean)]), ([text, long]) =>
      long && text.length > 0 ? text.repeat(Math.ceil(22_000 / text.length)) : text),
    Arbitrary.map(Arbitrary.array(Arbitrary.all([anyText(12), anyText(40)]), { maxLength: 6 }), (entries) => {
      const fields: Record<string, string> = {}
      for (const [key, value] of entries) if (key !== "__proto__") fields[key] = value
      return fields
    }),
    Arbitrary.schema(Schema.Union([Schema.Literal(0), Schema.Int.check(Schema.isBetween({ minimum: 1, maximum: 70_000 }))]))
  ], ([remark, extFields, bodyLength]) => {
    const command = makeRequest({ code: 310, opaque: 42, language: "JAVA", remark, extFields, body: new Uint8Array(bodyLength).fill(7), serializeType: "ROCKETMQ" })
    // Java's RocketMQSerializable, written out piece by piece (REMOTING.md §5).
    const int16 = (n: number) => Buffer.from([(n >> 8) & 0xff, n & 0xff])
    const int32 = (n: number) => { const b = Buffer.alloc(4); b.writeInt32BE(n); return b }
    const text = (t: string, lengthBytes: (n: number) => Buffer) => { const b = Buffer.from(t, "utf8"); return Buffer.concat([lengthBytes(b.length), b]) }
    const ext = Buffer.concat(Object.entries(extFields).map(([k, v]) => Buffer.concat([text(k, int16), text(v, int32)])))
    const header = Buffer.concat([
      int16(310), Buffer.from([0]), int16(command.version), int32(42), int32(0),
      remark.length === 0 ? int32(0) : text(remark, int32),
      int32(ext.length), ext
    ])
    const frame = Buffer.from(encodeOk(command))
    assert.strictEqual(frame.readUInt32BE(4), (1 << 24) | header.length)
    assert.isTrue(frame.subarray(8, 8 + header.length).equals(header))
    assert.strictEqual(frame.length, 8 + header.length + bodyLength)
    assert.isTrue(frame.subarray(8 + header.length).equals(Buffer.alloc(bodyLength, 7)))
  }, { arbitrary: { runs: 40 } })

  it("writes the JSON test vector of REMOTING.md §22.1", () => {
    const frame = encodeOk(makeRequest({ code: 105, extFields: { topic: "T1" }, opaque: 7, version: 401, language: "JAVA" }))
    const header =
      `{"code":105,"extFields":{"topic":"T1"},"flag":0,"language":"JAVA","opaque":7,"serializeTypeCurrentRPC":"JSON","version":401}`
    assert.strictEqual(Buffer.from(frame).toString("hex", 0, 8), "000000800000007c")
    assert.strictEqual(Buffer.from(frame).toString("utf8", 8), header)
  })

  it("writes the binary test vector of REMOTING.md §22.2", () => {
    const command = makeRequest({
      code: 105,
      extFields: { topic: "T1" },
      opaque: 7,
      version: 401,
      language: "JAVA",
      remark: "hi",
      serializeType: "ROCKETMQ"
    })
    const expected = "00000028 01000024 0069 00 0191 00000007 00000000 00000002 6869 0000000d 0005 746f706963 00000002 5431"
    assert.strictEqual(Buffer.from(encodeOk(command)).toString("hex"), expected.replace(/ /g, ""))
    const decoded = Result.getOrThrow(decodeFrame(frameOf(expected)))
    assert.deepStrictEqual(comparable(decoded), comparable(command))
  })

  it("reads flags: a oneway request has flag 2, a response flag 1", () => {
    assert.strictEqual(makeRequest({ code: 1, oneway: true }).flag, 2)
    assert.strictEqual(makeRequest({ code: 1 }).flag, 0)
  })
})

describe("frame errors", () => {
  it("rejects a negative length", () => assert.strictEqual(reasonOf(frameOf("ffffffff")), "NegativeFrameLength"))
  it("rejects a length below 4", () => assert.strictEqual(reasonOf(frameOf("00000003 000000")), "FrameTooShort"))
  it("rejects a frame over the maximum", () => {
    assert.strictEqual(reasonOf(frameOf("00fffffd 00000000")), "FrameTooLarge")
    const small = decodeFrame(encodeOk(makeRequest({ code: 1, body: new Uint8Array(100) })), { maxFrameSize: 64 })
    assert.isTrue(Result.isFailure(small) && small.failure.reason._tag === "FrameTooLarge")
  })
  it("accepts a frame of exactly the maximum", () => {
    const frame = encodeOk(makeRequest({ code: 1, body: new Uint8Array(50) }))
    assert.isTrue(Result.isSuccess(decodeFrame(frame, { maxFrameSize: frame.length })))
    assert.isTrue(Result.isFailure(decodeFrame(frame, { maxFrameSize: frame.length - 1 })))
  })
  it("rejects a header length beyond the frame", () =>
    assert.strictEqual(reasonOf(frameOf("00000008 00000005 7b7d0000")), "HeaderLengthExceedsFrame"))
  it("rejects an unknown serialize type", () =>
    assert.strictEqual(reasonOf(frameOf("00000006 02000002 7b7d")), "UnknownSerializeType"))
  it("rejects a JSON header that is not JSON, not an object, or has wrong field types", () => {
    const jsonFrame = (header: string) => {
      const bytes = Buffer.from(header)
      const frame = Buffer.alloc(8 + bytes.length)
      frame.writeInt32BE(4 + bytes.length, 0)
      frame.writeUInt32BE(bytes.length, 4)
      bytes.copy(frame, 8)
      return frame
    }
    assert.strictEqual(reasonOf(jsonFrame("{\"code\":")), "MalformedHeader")
    assert.strictEqual(reasonOf(jsonFrame("[1,2]")), "MalformedHeader")
    assert.strictEqual(reasonOf(jsonFrame("{\"code\":\"x\"}")), "MalformedHeader")
    assert.strictEqual(reasonOf(jsonFrame("{\"code\":1.5}")), "MalformedHeader")
    assert.strictEqual(reasonOf(jsonFrame("{\"extFields\":{\"a\":{}}}")), "MalformedHeader")
    assert.strictEqual(reasonOf(jsonFrame("{\"remark\":3}")), "MalformedHeader")
  })
  it("reads a JSON header the way Java does: absent numbers 0, scalar extFields as strings, unknown language absent", () => {
    const header = Buffer.from("{\"code\":3,\"language\":\"COBOL\",\"extFields\":{\"a\":1,\"b\":true,\"c\":null}}")
    const frame = Buffer.alloc(8 + header.length)
    frame.writeInt32BE(4 + header.length, 0)
    frame.writeUInt32BE(header.length, 4)
    header.copy(frame, 8)
    const command = Result.getOrThrow(decodeFrame(frame))
    assert.strictEqual(command.code, 3)
    assert.strictEqual(command.opaque, 0)
    assert.strictEqual(command.language, undefined)
    assert.deepStrictEqual(command.extFields, { a: "1", b: "true" })
  })
  it("rejects binary headers whose lengths do not fit", () => {
    // fixed part cut short
    assert.strictEqual(reasonOf(frameOf("00000008 01000004 00690000")), "MalformedHeader")
    // remark length larger than the header
    assert.strictEqual(
      reasonOf(frameOf("00000019 01000015 0069 00 0191 00000007 00000000 00000009 00000000")),
      "MalformedHeader"
    )
    // negative remark length
    assert.strictEqual(
      reasonOf(frameOf("00000019 01000015 0069 00 0191 00000007 00000000 ffffffff 00000000")),
      "MalformedHeader"
    )
    // extFields key length past the section
    assert.strictEqual(
      reasonOf(frameOf("0000001f 0100001b 0069 00 0191 00000007 00000000 00000000 00000006 00ff 0000 0000")),
      "MalformedHeader"
    )
  })
  it("reports a truncated frame and trailing bytes", () => {
    const frame = encodeOk(makeRequest({ code: 105, extFields: { topic: "T" } }))
    assert.strictEqual(reasonOf(frame.subarray(0, frame.length - 1)), "IncompleteFrame")
    assert.strictEqual(reasonOf(frame.subarray(0, 2)), "IncompleteFrame")
    assert.strictEqual(reasonOf(Buffer.concat([frame, Buffer.from([0])])), "TrailingBytes")
  })
  it("refuses to encode what the binary header cannot hold", () => {
    const tooBig = encodeFrame(makeRequest({ code: 40000, serializeType: "ROCKETMQ" }))
    assert.isTrue(Result.isFailure(tooBig) && tooBig.failure.reason._tag === "UnencodableCommand")
    const noLanguage = encodeFrame({ ...makeRequest({ code: 1, serializeType: "ROCKETMQ" }), language: undefined })
    assert.isTrue(Result.isFailure(noLanguage))
  })
  it.effect("frames encoded one after another keep their bytes while later ones are encoded (slabs filled and replaced)", () =>
    Effect.gen(function*() {
      const commands = yield* Arbitrary.sampleEffect(remotingCommand, { count: 400 })
      const frames = commands.map((command) => ({ command, bytes: encodeOk(command) }))
      for (const { command, bytes } of frames) {
        const decoded = Result.getOrThrow(decodeFrame(bytes))
        assert.deepStrictEqual(comparable(decoded), command.serializeType === "ROCKETMQ" ? binaryNormalized(command) : comparable(command))
      }
    }))

  it("binary header keys and values whose bytes hash alike are read apart, before and after the remembered ones fill up", () => {
    // "Aa" and "BB" hash alike (Java's String.hashCode collision, the same 31-based hash)
    const read = (extFields: Record<string, string>) =>
      Result.getOrThrow(decodeFrame(encodeOk(makeRequest({ code: 1, extFields, serializeType: "ROCKETMQ" })))).extFields
    for (let round = 0; round < 2; round++) {
      assert.deepStrictEqual(read({ Aa: "BB", BB: "Aa" }), { Aa: "BB", BB: "Aa" })
      assert.deepStrictEqual(read({ BB: "BB" }), { BB: "BB" })
      assert.deepStrictEqual(read({ Aa: "Aa" }), { Aa: "Aa" })
      // more distinct keys and values than are remembered
      for (let i = 0; i < 1100; i++) assert.deepStrictEqual(read({ [`key${i}`]: `value${i}` }), { [`key${i}`]: `value${i}` })
    }
  })

  it.effect("keys named __proto__ stay plain entries", () =>
    Effect.sync(() => {
      for (const serializeType of ["JSON", "ROCKETMQ"] as const) {
        const extFields: Record<string, string> = {}
        Object.defineProperty(extFields, "__proto__", { value: "x", enumerable: true })
        const decoded = Result.getOrThrow(decodeFrame(encodeOk(makeRequest({ code: 1, extFields, serializeType }))))
        assert.deepStrictEqual(Object.entries(decoded.extFields ?? {}), [["__proto__", "x"]])
        assert.strictEqual(Object.getPrototypeOf(decoded.extFields), Object.prototype)
      }
    }))
})
