import { assert, describe, it } from "@effect/vitest"
import { Buffer } from "node:buffer"
import { Schema } from "effect"
import { readUtf8, utf8Length, writeUtf8 } from "../../src/protocol/Utf8.ts"

// Texts of any UTF-16 code units (lone surrogates included), mostly short and ASCII, as header
// fields are: each pair of bytes is one code unit, a byte below 0x40 keeping it ASCII.
const textOf = (bytes: Uint8Array): string => {
  let text = ""
  for (let i = 0; i + 1 < bytes.length; i += 2) {
    const high = bytes[i] ?? 0
    const low = bytes[i + 1] ?? 0
    text += String.fromCharCode(high < 0x40 ? low & 0x7f : (high << 8) | low)
  }
  return text
}

describe("Utf8", () => {
  it.prop("utf8Length equals Buffer.byteLength", [Schema.Uint8Array], ([bytes]) => {
    const text = textOf(bytes)
    assert.strictEqual(utf8Length(text), Buffer.byteLength(text, "utf8"))
  })

  it.prop("writeUtf8 writes the bytes Buffer.from writes and returns their count", [Schema.Uint8Array], ([bytes]) => {
    const text = textOf(bytes)
    const expected = Buffer.from(text, "utf8")
    const buffer = Buffer.alloc(expected.length + 5, 0xee)
    assert.strictEqual(writeUtf8(buffer, text, 3), expected.length)
    assert.deepStrictEqual(buffer.subarray(3, 3 + expected.length), expected)
    assert.deepStrictEqual([...buffer.subarray(0, 3), ...buffer.subarray(3 + expected.length)], [0xee, 0xee, 0xee, 0xee, 0xee])
  })

  it.prop("readUtf8 reads any slice as Buffer.toString does", [Schema.Uint8Array, Schema.Int, Schema.Int], ([bytes, a, b]) => {
    const start = Math.abs(a) % (bytes.length + 1)
    const end = start + (Math.abs(b) % (bytes.length - start + 1))
    assert.strictEqual(readUtf8(bytes, start, end), Buffer.from(bytes).toString("utf8", start, end))
  })

  it("short ASCII and short non-ASCII texts round-trip", () => {
    for (const text of ["", "a", "bench_group", "TBW102", "é", "a\u0001b\u0002", "\ud800", "日本", "x".repeat(24), "y".repeat(25)]) {
      const buffer = Buffer.alloc(utf8Length(text))
      assert.strictEqual(writeUtf8(buffer, text, 0), buffer.length)
      assert.strictEqual(readUtf8(buffer, 0, buffer.length), Buffer.from(text, "utf8").toString("utf8"))
    }
  })
})
