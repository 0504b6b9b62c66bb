import { assert, describe, it } from "@effect/vitest"
import { Buffer } from "node:buffer"
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import * as Path from "node:path"
import { Effect } from "effect"
import { requireCaptures } from "../helpers.ts"
import { runCliCapture } from "./cliHarness.ts"

const captures = requireCaptures()
const scratch = mkdtempSync(Path.join(tmpdir(), "inspect-"))

describe("effect-rocketmq inspect", () => {
  it.effect("prints a captured send request readably", () =>
    Effect.gen(function*() {
      const run = yield* runCliCapture(["inspect", Path.join(captures, "send-v2.req.bin")])
      assert.strictEqual(run.exitCode, 0)
      const text = run.stdout.join("\n")
      assert.include(text, "code        310 SEND_MESSAGE_V2")
      assert.include(text, "opaque      808")
      assert.include(text, "hello from raw node client")
      // the one-letter keys of SEND_MESSAGE_V2 under their Java names, and the properties decoded
      assert.match(text, /\n {2}a {4}producerGroup {10}\S+/)
      assert.match(text, /\n {2}b {4}topic {18}\S+/)
      assert.match(text, /\n {2}i {4}properties {13}\(below\)/)
      assert.match(text, /properties {2}\d+ propert(y|ies)\n/)
      assert.match(text, /\n {2}UNIQ_KEY {2,}[0-9A-F]+/)
    }))

  it.effect("--json of a send request: the header under its Java names and the properties as an object", () =>
    Effect.gen(function*() {
      const run = yield* runCliCapture(["inspect", "--json", Path.join(captures, "v5.3.3/send-v2.req.bin")])
      assert.strictEqual(run.exitCode, 0)
      const out = JSON.parse(run.stdout[0]!)
      assert.include(out.sendHeader, {
        producerGroup: out.extFields.a, topic: out.extFields.b, defaultTopic: "TBW102", defaultTopicQueueNums: "4",
        queueId: out.extFields.e, brokerName: out.extFields.n, properties: out.extFields.i
      })
      assert.deepStrictEqual(out.properties, { UNIQ_KEY: "7F0000010800AAAA0CD16B820001", WAIT: "true" })
    }))

  it.effect("--json prints one object with body text and fastjson parsed as JSON", () =>
    Effect.gen(function*() {
      const run = yield* runCliCapture(["inspect", "--json", Path.join(captures, "route-fastjson.bin")])
      assert.strictEqual(run.exitCode, 0)
      assert.strictEqual(run.stdout.length, 1)
      const out = JSON.parse(run.stdout[0]!)
      assert.deepStrictEqual(Object.keys(out), [
        "serializeType", "code", "flag", "opaque", "version", "language", "remark", "extFields", "body", "sendHeader", "properties"
      ])
      assert.strictEqual(out.sendHeader, null)
      assert.strictEqual(out.properties, null)
      assert.include(out, { serializeType: "JSON", code: 0, flag: 1, opaque: 235, version: 409, language: "JAVA" })
      assert.strictEqual(out.body.bytes, 233)
      assert.include(out.body.text, `{0:"127.0.0.1:10911"}`)
      assert.deepStrictEqual(out.body.json.brokerDatas[0].brokerAddrs, { "0": "127.0.0.1:10911" })
    }))

  it.effect("--json of a binary-header frame with no body", () =>
    Effect.gen(function*() {
      const run = yield* runCliCapture(["inspect", "--json", Path.join(captures, "route-binary-header.req.bin")])
      const out = JSON.parse(run.stdout[0]!)
      assert.include(out, { serializeType: "ROCKETMQ", code: 105, opaque: 4242, remark: null })
      assert.deepStrictEqual(out.extFields, { topic: "BenchSyncTopic" })
      assert.deepStrictEqual(out.body, { bytes: 0, text: null, json: null })
    }))

  it.effect("--hex reads plain hex and xxd dumps", () =>
    Effect.gen(function*() {
      const bytes = readFileSync(Path.join(captures, "route-topic-not-exist.bin"))
      const plain = Path.join(scratch, "plain.hex")
      writeFileSync(plain, bytes.toString("hex").replace(/(.{16})/g, "$1 "))
      const xxd = Path.join(scratch, "xxd.hex")
      const lines: Array<string> = []
      for (let offset = 0; offset < bytes.length; offset += 16) {
        const row = bytes.subarray(offset, offset + 16)
        const hex = (row.toString("hex").match(/.{1,4}/g) ?? []).join(" ").padEnd(40)
        lines.push(`${offset.toString(16).padStart(8, "0")}: ${hex} ${row.toString("latin1").replace(/[^\x20-\x7e]/g, ".")}`)
      }
      writeFileSync(xxd, lines.join("\n") + "\n")
      for (const file of [plain, xxd]) {
        const run = yield* runCliCapture(["inspect", "--hex", "--json", file])
        assert.strictEqual(run.exitCode, 0, file)
        const out = JSON.parse(run.stdout[0]!)
        assert.include(out, { code: 17, opaque: 777 })
        assert.match(out.remark, /^No topic route info in name server for the topic: NoSuchTopic_xyz/)
      }
    }))

  it.effect("a file that is not a frame: one line naming the problem, exit code 1", () =>
    Effect.gen(function*() {
      const cases: Array<[string, Uint8Array, RegExp]> = [
        ["truncated.bin", readFileSync(Path.join(captures, "send-v2.bin")).subarray(0, 20), /incomplete frame: 20 of 242 bytes/],
        ["negative.bin", Buffer.from("ffffffff00000000", "hex"), /frame length -1 is negative/],
        ["type.bin", Buffer.from("0000000605000002", "hex"), /unknown header serialize type 5/],
        ["json.bin", Buffer.from("00000006000000027b7b", "hex"), /malformed JSON header/],
        ["empty.bin", new Uint8Array(0), /incomplete frame/]
      ]
      for (const [name, bytes, problem] of cases) {
        const file = Path.join(scratch, name)
        writeFileSync(file, bytes)
        const run = yield* runCliCapture(["inspect", file])
        assert.strictEqual(run.exitCode, 1, name)
        assert.deepStrictEqual(run.stdout, [], name)
        assert.strictEqual(run.stderr.length, 1, `${name}: ${JSON.stringify(run.stderr)}`)
        assert.match(run.stderr[0]!, problem)
        assert.match(run.stderr[0]!, /^effect-rocketmq: .*not a valid frame/)
      }
      const missing = yield* runCliCapture(["inspect", Path.join(scratch, "missing.bin")])
      assert.strictEqual(missing.exitCode, 1)
      assert.match(missing.stderr[0]!, /^effect-rocketmq: cannot read .*missing\.bin/)
    }))
})
