import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { makeStyle } from "../../src/cli/DemoStyle.ts"
import { formatMillis } from "../../src/cli/DemoTrace.ts"
import { plural } from "../../src/cli/Plural.ts"
import { intBetween } from "../../src/testkit/index.ts"
import { runCliCapture } from "./cliHarness.ts"
import { scriptCommand, startCliOnTty } from "./cliProcess.ts"

/** The lines of one step: from its title to the next blank line. */
const step = (lines: ReadonlyArray<string>, title: RegExp): ReadonlyArray<string> => {
  const start = lines.findIndex((line) => title.test(line))
  assert.isAtLeast(start, 0, `no step ${title}`)
  const end = lines.findIndex((line, i) => i > start && line === "")
  return lines.slice(start, end < 0 ? undefined : end)
}

/** Asserts that `patterns` match lines of `lines` in this order. */
const inOrder = (lines: ReadonlyArray<string>, patterns: ReadonlyArray<RegExp>) => {
  let from = 0
  for (const pattern of patterns) {
    const found = lines.findIndex((line, i) => i >= from && pattern.test(line))
    assert.isAtLeast(found, 0, `${pattern} after line ${from} in\n${lines.join("\n")}`)
    from = found + 1
  }
}

/** What stays the same between runs: timings, ports, ids, offsets and the round robin's start vary. */
const shape = (lines: ReadonlyArray<string>) =>
  lines.map((line) =>
    line
      .replace(/[0-9A-F]{32}/g, "ID")
      .replace(/\S+@\S+/g, "CLIENT")
      .replace(/broker-[a-c]#\d+( broker-[a-c]#\d+)*/g, "QUEUES")
      .replace(/broker-[ab]\b/g, "broker-x")
      .replace(/\d+(\.\d+)?/g, "9")
      .replace(/9×/g, "9")
  )

describe("effect-rocketmq demo", () => {
  it.live("tells the route lookup step by step, in plain text off a terminal", () =>
    Effect.gen(function*() {
      const run = yield* runCliCapture(["demo", "--messages", "3"])
      assert.strictEqual(run.exitCode, 0, run.stderr.join("\n"))
      const lines = run.stdout.flatMap((line) => line.split("\n"))
      assert.isFalse(lines.some((line) => line.includes("\u001b[")), "no colour off a terminal")

      inOrder(step(lines, /^1\. Send 1 to DemoOrders/), [
        /route cache +miss: no route of DemoOrders cached/,
        /→ NameServer +GET_ROUTEINFO_BY_TOPIC topic=DemoOrders to 127\.0\.0\.1:\d+ +[\d.]+ ms/,
        /← +TOPIC_NOT_EXIST: no broker hosts DemoOrders yet/,
        /→ NameServer +GET_ROUTEINFO_BY_TOPIC topic=TBW102 to 127\.0\.0\.1:\d+ +[\d.]+ ms/,
        /← +SUCCESS: the route of TBW102, the default topic; .* capped at 4/,
        /route diff +nothing → TBW102's route, capped \(7 lines\):/,
        /\+ route appeared/,
        /\+ broker broker-a added/,
        /route cache +stored: DemoOrders → publish queues broker-a 4, broker-b 4, marked "from TBW102"/,
        /queue +broker-[ab]#[0-3]: round robin/,
        /→ broker-[ab] +SEND_MESSAGE_V2 topic=DemoOrders queueId=[0-3] defaultTopic=TBW102 to 127\.0\.0\.1:\d+ +[\d.]+ ms \(connecting first\)/,
        /← +SEND_OK: stored at queue offset 0, msgId [0-9A-F]{32}/,
        /in all +[\d.]+ ms/
      ])
      inOrder(step(lines, /^2\. Send 2 to DemoOrders/), [
        /route cache +hit: no NameServer call/,
        /queue +broker-[ab]#[0-3]: the next queue of the round robin/,
        /← +SEND_OK/,
        /in all +[\d.]+ ms, against [\d.]+ ms for send 1, which took [\d.]+× as long/,
        /sends 3–3 +1 more message, 1 cache hit: broker-[ab]#[0-3]$/
      ])
      inOrder(step(lines, /^3\. The brokers create DemoOrders/), [
        /brokers +broker-[ab]( and broker-[ab])? took messages for DemoOrders/,
        /→ NameServer +GET_ROUTEINFO_BY_TOPIC topic=DemoOrders/,
        /← +SUCCESS: the topic's own route/,
        /route diff +TBW102's capped route → the topic's own/
      ])
      inOrder(step(lines, /^4\. A broker joins/), [
        /broker-c +starts at 127\.0\.0\.1:\d+ with DemoOrders \(4 queues\)/,
        /\+ broker broker-c added/,
        /sends .*broker-c#[0-3] +← broker-c takes messages/
      ])
      inOrder(step(lines, /^5\. A broker dies/), [
        /broker-c +down: its port closed/,
        /→ broker-c +SEND_MESSAGE_V2: fails \(connection refused\)/,
        /retry +on another broker/,
        /← +SEND_OK/,
        /isolation +broker-c is left out for 10 s .*: the next 8 sends skip it, none retried: (broker-[ab]#[0-3] ?){8}$/
      ])
      inOrder(step(lines, /^6\. A NameServer dies/), [
        /NameServer +127\.0\.0\.1:(\d+), the one the producer uses, down/,
        /→ NameServer +GET_ROUTEINFO_BY_TOPIC topic=DemoPayments to 127\.0\.0\.1:\d+/,
        /← +TOPIC_NOT_EXIST/,
        /← +SUCCESS/,
        /→ broker-[ab] +SEND_MESSAGE_V2 topic=DemoPayments/,
        /← +SEND_OK/
      ])
      const down = /NameServer +(127\.0\.0\.1:\d+), the one the producer uses, down/.exec(lines.join("\n"))?.[1]
      const answered = /GET_ROUTEINFO_BY_TOPIC topic=DemoPayments to (127\.0\.0\.1:\d+)/.exec(lines.join("\n"))?.[1]
      assert.notStrictEqual(down, answered)
      inOrder(step(lines, /^Read back from the brokers/), [
        /sends +\d+ messages acknowledged \(SEND_OK\)/,
        /stored +broker-a \d+, broker-b \d+, broker-c \d+: every acknowledged message stored exactly once/
      ])
      assert.strictEqual(run.stderr.length, 0)
    }), { timeout: 60_000 })

  it.live("reads the same way every run", () =>
    Effect.gen(function*() {
      const first = yield* runCliCapture(["demo", "--messages", "2"])
      const second = yield* runCliCapture(["demo", "--messages", "2"])
      assert.deepStrictEqual(shape(second.stdout), shape(first.stdout))
    }), { timeout: 60_000 })

  it.live("many messages: the warm sends are summed up per broker", () =>
    Effect.gen(function*() {
      const run = yield* runCliCapture(["demo", "--messages", "20"])
      assert.strictEqual(run.exitCode, 0, run.stderr.join("\n"))
      const line = run.stdout.flatMap((text) => text.split("\n")).find((text) => text.includes("sends 3–20"))
      assert.match(line ?? "", /18 more messages, 18 cache hits: (broker-[ab]#[0-3] ){8}… \(broker-a (\d+), broker-b (\d+)\)$/)
      const [, a, b] = /broker-a (\d+), broker-b (\d+)\)$/.exec(line ?? "") ?? []
      assert.strictEqual(Number(a) + Number(b), 18)
    }), { timeout: 60_000 })

  it.effect("--messages is checked: at least 2 (a miss and a hit), at most 100", () =>
    Effect.gen(function*() {
      for (const value of ["-1", "0", "1", "101"]) {
        const run = yield* runCliCapture(["demo", "--messages", value])
        assert.strictEqual(run.exitCode, 1, value)
        assert.deepStrictEqual(run.stdout, [])
        assert.strictEqual(run.stderr.length, 1)
        assert.match(run.stderr[0]!, /^effect-rocketmq: Invalid value for flag --messages/)
      }
    }))

  it("colour on a terminal, plain text otherwise", () => {
    const coloured = makeStyle(true)
    const plain = makeStyle(false)
    assert.strictEqual(coloured.ok("SEND_OK"), "\u001b[32mSEND_OK\u001b[39m")
    assert.strictEqual(coloured.bad("TOPIC_NOT_EXIST"), "\u001b[31mTOPIC_NOT_EXIST\u001b[39m")
    for (const key of ["title", "wire", "ok", "bad", "note", "added"] as const) assert.strictEqual(plain[key]("x"), "x")
  })

  it.prop("plurals: one is singular, every other count plural", [intBetween(0, 1000)], ([count]) => {
    assert.strictEqual(plural(count, "message"), count === 1 ? "1 message" : `${count} messages`)
    assert.strictEqual(plural(count, "retry", "retries"), count === 1 ? "1 retry" : `${count} retries`)
  })

  it("milliseconds for a reader", () => {
    assert.strictEqual(formatMillis(0.4213), "0.42 ms")
    assert.strictEqual(formatMillis(3.14), "3.1 ms")
    assert.strictEqual(formatMillis(120.4), "120 ms")
  })

  it.live.skipIf(scriptCommand === undefined)("colour on a terminal", () =>
    Effect.gen(function*() {
      const demo = yield* startCliOnTty(["demo", "--messages", "2"])
      assert.strictEqual(yield* demo.exited, 0)
      const output = demo.output()
      assert.include(output, "\u001b[1m1. Send 1 to DemoOrders")
      assert.include(output, "\u001b[31mTOPIC_NOT_EXIST\u001b[39m")
      assert.include(output, "\u001b[32mSEND_OK\u001b[39m")
    }).pipe(Effect.scoped), { timeout: 60_000 })
})
