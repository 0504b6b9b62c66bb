import { assert, describe, it } from "@effect/vitest"
import { Arbitrary, Schema } from "effect"
import { RememberedStrings } from "../../src/protocol/RememberedStrings.ts"
import { readUtf8 } from "../../src/protocol/Utf8.ts"
import { intBetween } from "../../src/testkit/Arbitraries.ts"

const encoder = new TextEncoder()

/**
 * Byte strings that repeat and collide: up to three pieces, mostly "Aa" and "BB" (which hash alike,
 * as in Java's String.hashCode, so "AaBB" and "BBAa" do too), and ASCII, other UTF-8 and bytes of
 * no UTF-8 among them.
 */
const pieces = [encoder.encode("Aa"), encoder.encode("BB"), encoder.encode("Aa"), encoder.encode("BB"), encoder.encode("q"), encoder.encode("é"), new Uint8Array([0xff])]
const piece = Arbitrary.map(intBetween(0, pieces.length - 1), (n) => pieces[n] ?? new Uint8Array(0))
const byteString = Arbitrary.map(Arbitrary.array(piece, { maxLength: 3 }), (parts) => {
  const bytes = new Uint8Array(parts.reduce((sum, p) => sum + p.length, 0))
  let offset = 0
  for (const p of parts) {
    bytes.set(p, offset)
    offset += p.length
  }
  return bytes
})

describe("RememberedStrings", () => {
  it.prop("reads every byte string as readUtf8 does, whatever was read before; keeps no more than its capacity", [
    Arbitrary.array(byteString, { maxLength: 60 }),
    intBetween(1, 6),
    intBetween(2, 12),
    Arbitrary.schema(Schema.Boolean)
  ], ([strings, capacity, maxLength, twice]) => {
    const table = new RememberedStrings(maxLength, capacity)
    for (const bytes of twice ? [...strings, ...strings] : strings) {
      // read from inside a larger buffer, as a header is
      const framed = new Uint8Array(bytes.length + 6)
      framed.set(bytes, 3)
      assert.strictEqual(table.read(framed, 3, 3 + bytes.length), readUtf8(bytes, 0, bytes.length))
      assert.isAtMost(table.size, capacity)
    }
  }, { arbitrary: { runs: 500 } })

  it("keeps an ASCII string of 2 to maxLength bytes once; not a shorter, longer or non-ASCII one", () => {
    const table = new RememberedStrings(32, 16)
    const bytes = encoder.encode("queueOffset")
    assert.strictEqual(table.read(bytes, 0, bytes.length), "queueOffset")
    assert.strictEqual(table.read(encoder.encode("queueOffset"), 0, bytes.length), "queueOffset")
    assert.strictEqual(table.size, 1)
    // too short, too long and non-ASCII strings are read but not kept
    table.read(encoder.encode("q"), 0, 1)
    table.read(encoder.encode("x".repeat(33)), 0, 33)
    table.read(encoder.encode("héllo"), 0, 6)
    assert.strictEqual(table.size, 1)
  })
})
