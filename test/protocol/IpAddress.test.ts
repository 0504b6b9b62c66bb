import { assert, describe, it } from "@effect/vitest"
import { Arbitrary, Schema } from "effect"
import { formatIpAddress, parseIpAddress } from "../../src/protocol/IpAddress.ts"

const ipBytes = Arbitrary.schema(
  Schema.Union([
    Schema.Uint8Array.check(Schema.isMinLength(4), Schema.isMaxLength(4)),
    Schema.Uint8Array.check(Schema.isMinLength(16), Schema.isMaxLength(16))
  ])
)

describe("IpAddress", () => {
  it.prop("formats IPv6 as RFC 5952 (as WHATWG URLs do) and parses it back", [ipBytes], ([ip]) => {
    const text = formatIpAddress(ip)
    if (ip.length === 16) assert.strictEqual(`[${text}]`, new URL(`http://[${text}]/`).hostname)
    assert.deepStrictEqual([...(parseIpAddress(text) ?? [])], [...ip])
  }, { arbitrary: { runs: 300 } })

  it("parses address literals", () => {
    const parse = (text: string) => {
      const bytes = parseIpAddress(text)
      return bytes === undefined ? undefined : formatIpAddress(bytes)
    }
    assert.strictEqual(parse("::ffff:192.168.0.1"), "::ffff:c0a8:1")
    assert.strictEqual(parse("[2001:DB8::1]"), "2001:db8::1")
    assert.strictEqual(parse("fe80::1%eth0"), "fe80::1")
    assert.strictEqual(parse("1:0:0:1:0:0:0:1"), "1:0:0:1::1")
    for (const bad of ["256.0.0.1", "1.2.3", "localhost", "::g", "1::2::3", ""]) assert.isUndefined(parseIpAddress(bad), bad)
  })
})
