import { assert, describe, it } from "@effect/vitest"
import { Arbitrary, Result, Schema } from "effect"
import { formatIpAddress, parseIpAddress } from "../../../src/protocol/IpAddress.ts"
import { estimateUniqueIdTime, makeUniqueIdGenerator, parseUniqueId } from "../../../src/protocol/message/UniqueId.ts"
import type { UniqueIdPrefix } from "../../../src/protocol/message/UniqueId.ts"

const int = (minimum: number, maximum: number) => Schema.Int.check(Schema.isBetween({ minimum, maximum }))

const monthStartOf = (ms: number) => {
  const date = new Date(ms)
  return new Date(date.getFullYear(), date.getMonth(), 1).getTime()
}

const ipv4Prefix: UniqueIdPrefix = { ip: Uint8Array.of(10, 0, 0, 7), pid: 0x12345, salt: 0xdeadbeef }

const ipBytes = Arbitrary.schema(
  Schema.Union([
    Schema.Uint8Array.check(Schema.isMinLength(4), Schema.isMaxLength(4)),
    Schema.Uint8Array.check(Schema.isMinLength(16), Schema.isMaxLength(16))
  ])
)

/** Any instant from 2000 to 2100. */
const instant = Arbitrary.schema(int(946_684_800_000, 4_102_444_800_000))

describe("UniqueId: client ids (UNIQ_KEY)", () => {
  it("rebuilds the UNIQ_KEY of the Java capture byte for byte", () => {
    const javaId = "FD0000000000000000000000000000023DA85FFD2B27784F55C80000"
    const generator = makeUniqueIdGenerator({
      ip: parseIpAddress("fd00::2") ?? new Uint8Array(),
      pid: 0x3da8,
      salt: 0x5ffd2b27
    })
    // Any month will do: 0x784F55C8 ms is 23.4 days into it.
    const now = monthStartOf(Date.UTC(2025, 5, 15)) + 0x784f55c8
    assert.strictEqual(generator.next(now), javaId)
    assert.strictEqual(generator.prefix, javaId.slice(0, 44))
  })

  it("parses the §22.5 IPv6 vector", () => {
    const parsed = Result.getOrThrow(parseUniqueId("FD0000000000000000000000000000023C3230946E09784ED4820000"))
    assert.deepStrictEqual(parsed, { ip: "fd00::2", pid: 0x3c32, salt: 0x30946e09, millisOfMonth: 0x784ed482, counter: 0 })
  })

  it.prop("ids carry the prefix, the ms of the month and the counter, and parse back", [ipBytes, Schema.Int, Schema.Int, instant], ([ip, pid, salt, now]) => {
    const generator = makeUniqueIdGenerator({ ip, pid, salt }, { counter: pid })
    const id = generator.next(now)
    assert.match(id, /^[0-9A-F]+$/)
    assert.strictEqual(id.length, ip.length === 16 ? 56 : 32)
    assert.isTrue(id.startsWith(generator.prefix))
    const parsed = Result.getOrThrow(parseUniqueId(id))
    assert.deepStrictEqual(parsed, {
      ip: formatIpAddress(ip),
      pid: pid & 0xffff,
      salt: salt >>> 0,
      millisOfMonth: now - monthStartOf(now),
      counter: pid & 0xffff
    })
    assert.strictEqual(estimateUniqueIdTime(parsed.millisOfMonth, now + 5000), now)
  }, { arbitrary: { runs: 300 } })

  it("makes distinct ids in a tight loop, across a counter wrap", () => {
    const generator = makeUniqueIdGenerator(ipv4Prefix, { counter: 60_000 })
    const start = Date.UTC(2025, 0, 10)
    const ids = new Set<string>()
    const counters: Array<number> = []
    for (let i = 0; i < 100_000; i++) {
      const id = generator.next(start + Math.floor(i / 1000)) // 1000 ids per ms
      ids.add(id)
      if (i >= 5534 && i <= 5537) counters.push(Number.parseInt(id.slice(-4), 16))
    }
    assert.strictEqual(ids.size, 100_000)
    assert.deepStrictEqual(counters, [0xfffe, 0xffff, 0, 1])
  })

  it("stays distinct at 65 536+ ids within one ms, by moving the time field ahead", () => {
    const generator = makeUniqueIdGenerator(ipv4Prefix)
    const now = Date.UTC(2025, 0, 10, 12)
    const ids = Array.from({ length: 3 * 65_536 + 5 }, () => generator.next(now))
    assert.strictEqual(new Set(ids).size, ids.length)
    const millis = (id: string | undefined) => Result.getOrThrow(parseUniqueId(id ?? "")).millisOfMonth
    const base = now - monthStartOf(now)
    assert.deepStrictEqual([millis(ids[0]), millis(ids[65_535]), millis(ids[65_536]), millis(ids.at(-1))], [
      base,
      base,
      base + 1,
      base + 3
    ])
    // the real clock catches up: no going back
    assert.strictEqual(millis(generator.next(now + 1)), base + 3)
    assert.strictEqual(millis(generator.next(now + 10)), base + 10)
  })

  it("never moves the time field back within a month, and clamps to 0 just before the month's start", () => {
    const generator = makeUniqueIdGenerator(ipv4Prefix)
    const now = Date.UTC(2025, 2, 20)
    const millis = (t: number) => Result.getOrThrow(parseUniqueId(generator.next(t))).millisOfMonth
    const first = millis(now)
    assert.strictEqual(millis(now - 60_000), first)
    assert.strictEqual(millis(now + 1), first + 1)
    // a new month starts again near 0
    const nextMonth = new Date(new Date(now).getFullYear(), new Date(now).getMonth() + 1, 1).getTime()
    assert.strictEqual(millis(nextMonth + 7), 7)
    assert.strictEqual(millis(nextMonth - 500_000), 7) // within 1000 s before: Java writes 0; we keep 7
    const fresh = makeUniqueIdGenerator(ipv4Prefix)
    fresh.next(nextMonth)
    assert.strictEqual(Result.getOrThrow(parseUniqueId(fresh.next(nextMonth - 1))).millisOfMonth, 0)
    // far back: re-anchored in that month
    assert.strictEqual(millis(now), now - monthStartOf(now))
  })

  it("writes ms of month above 2^31 as Java's int does (days 25 to 31)", () => {
    const generator = makeUniqueIdGenerator(ipv4Prefix)
    const day31 = new Date(2025, 0, 31, 23, 59).getTime()
    const id = generator.next(day31)
    assert.strictEqual(Result.getOrThrow(parseUniqueId(id)).millisOfMonth, day31 - monthStartOf(day31))
    assert.isAbove(day31 - monthStartOf(day31), 2 ** 31)
  })

  it("never throws on odd clocks", () => {
    const generator = makeUniqueIdGenerator(ipv4Prefix)
    for (const t of [Number.NaN, Infinity, -1, 0, 1.5, 8.64e15]) assert.match(generator.next(t), /^[0-9A-F]{32}$/)
  })

  it("rejects what is not a client id", () => {
    for (const bad of ["", "7F00", "G".repeat(32), "7F000001".repeat(5), "x".repeat(56)]) {
      assert.isTrue(Result.isFailure(parseUniqueId(bad)), bad)
    }
    assert.isTrue(Result.isSuccess(parseUniqueId("7f0000010000000000000000000000ff")))
  })
})
