import { assert, describe, it } from "@effect/vitest"
import { readFileSync } from "node:fs"
import * as Path from "node:path"
import { Arbitrary, Result, Schema } from "effect"
import { decodeFrame } from "../../../src/protocol/FrameDecoder.ts"
import { decodeSendMessageRequestHeaderV2 } from "../../../src/protocol/SendHeaders.ts"
import { makeMessage } from "../../../src/protocol/message/Message.ts"
import { STRING_HASH_SET } from "../../../src/protocol/message/MessageConst.ts"
import {
  decodeProperties,
  encodeMessageProperties,
  encodeProperties,
  messageProperties
} from "../../../src/protocol/message/MessageProperties.ts"
import { parseUniqueId } from "../../../src/protocol/message/UniqueId.ts"
import { userProperties, validMessage } from "../../../src/testkit/MessageArbitraries.ts"
import { requireCaptures } from "../../helpers.ts"

/** Java's `string2messageProperties`, transcribed as literally as possible, as the reference. */
const javaDecode = (properties: string): Map<string, string> => {
  const map = new Map<string, string>()
  const len = properties.length
  let index = 0
  while (index < len) {
    let newIndex = properties.indexOf("\u0002", index)
    if (newIndex < 0) newIndex = len
    if (newIndex - index >= 3) {
      const kvSepIndex = properties.indexOf("\u0001", index)
      if (kvSepIndex > index && kvSepIndex < newIndex - 1) {
        map.set(properties.substring(index, kvSepIndex), properties.substring(kvSepIndex + 1, newIndex))
      }
    }
    index = newIndex + 1
  }
  return map
}

const entriesOf = (record: Record<string, string>) => Object.keys(record).map((k) => [k, record[k]])

/** Text over a small alphabet that is dense in separators, so every decoder rule gets exercised. */
const separatorHeavy = Arbitrary.schema(Schema.String.check(Schema.isPattern(/^[ab\u0001\u0002_]{0,40}$/)))

describe("MessageProperties", () => {
  it("encodes the §22.3 vector in the 4.9.1–5.1.4 form and decodes it back", () => {
    const text = encodeProperties({ KEYS: "k1 k2", WAIT: "true", TAGS: "TagA" })
    assert.strictEqual(text, "KEYS\u0001k1 k2\u0002WAIT\u0001true\u0002TAGS\u0001TagA")
    assert.deepStrictEqual(decodeProperties(text), { KEYS: "k1 k2", WAIT: "true", TAGS: "TagA" })
    const javaMessage = makeMessage("T1", "x", { tags: "TagA", keys: ["k1", "k2"] })
    assert.deepStrictEqual(decodeProperties(encodeMessageProperties(javaMessage)), {
      KEYS: "k1 k2",
      WAIT: "true",
      TAGS: "TagA"
    })
  })

  it("writes the message fields as Java's constructors do", () => {
    assert.strictEqual(encodeMessageProperties(makeMessage("T", "x", { tags: "", keys: [] })), "WAIT\u0001true")
    assert.strictEqual(
      encodeMessageProperties(makeMessage("T", "x", { delayTimeLevel: 0, waitStoreMsgOK: false, flag: 3 })),
      "WAIT\u0001false"
    )
    assert.strictEqual(
      encodeMessageProperties(makeMessage("T", "x", { tags: "A", keys: ["k"], delayTimeLevel: 3, properties: { u: "1" } }), { UNIQ_KEY: "ID" }),
      "WAIT\u0001true\u0002KEYS\u0001k\u0002TAGS\u0001A\u0002DELAY\u00013\u0002u\u00011\u0002UNIQ_KEY\u0001ID"
    )
    assert.deepStrictEqual(messageProperties(makeMessage("T", "x", { tags: "", deliverTimeMs: 1_700_000_000_123 })), {
      WAIT: "true",
      TIMER_DELIVER_MS: "1700000000123"
    })
  })

  it("skips undefined values and writes nothing for an empty map", () => {
    assert.strictEqual(encodeProperties({ a: undefined, b: "1", c: undefined }), "b\u00011")
    assert.strictEqual(encodeProperties({}), "")
    assert.deepStrictEqual(decodeProperties(""), {})
  })

  it("applies Java's decoder rules", () => {
    // trailing separator (4.9.0 and older, 5.2.0+) or not
    assert.deepStrictEqual(decodeProperties("a\u0001b\u0002"), { a: "b" })
    assert.deepStrictEqual(decodeProperties("a\u0001bc\u0002d\u0001e\u0002"), { a: "bc", d: "e" })
    // segments shorter than 3, empty names or values, no separator: ignored
    assert.deepStrictEqual(decodeProperties("ab\u0002\u0001bc\u0002ab\u0001\u0002abc\u0002x\u0001y"), { x: "y" })
    // the value keeps later \u0001; the last duplicate wins
    assert.deepStrictEqual(decodeProperties("a\u0001b\u0001c\u0002a\u0001d\u0001"), { a: "d\u0001" })
    // separators only
    assert.deepStrictEqual(decodeProperties("\u0002\u0002\u0001\u0002"), {})
  })

  it("keeps __proto__ as an own property and leaves prototypes alone", () => {
    const decoded = decodeProperties("__proto__\u0001polluted\u0002constructor\u0001x")
    assert.strictEqual(Object.getPrototypeOf(decoded), Object.prototype)
    assert.deepStrictEqual(Object.getOwnPropertyDescriptor(decoded, "__proto__")?.value, "polluted")
    assert.deepStrictEqual(Object.keys(decoded), ["__proto__", "constructor"])
    assert.strictEqual(Reflect.get({}, "polluted"), undefined)
    assert.strictEqual(encodeProperties(decoded), "__proto__\u0001polluted\u0002constructor\u0001x")
  })

  it.prop("decodes exactly like Java's string2messageProperties", [separatorHeavy], ([text]) => {
    assert.deepStrictEqual(entriesOf(decodeProperties(text)), [...javaDecode(text)])
  }, { arbitrary: { runs: 500 } })

  it.prop("round trips any valid map, in both the 4.9.1–5.1.4 and the 5.2+ form", [userProperties], ([properties]) => {
    const text = encodeProperties(properties)
    assert.deepStrictEqual(entriesOf(decodeProperties(text)), entriesOf(properties))
    assert.deepStrictEqual(entriesOf(decodeProperties(text.length === 0 ? text : text + "\u0002")), entriesOf(properties))
    assert.isFalse(text.endsWith("\u0002"))
  }, { arbitrary: { runs: 300 } })

  it.prop("encodeMessageProperties says what encodeProperties(messageProperties) says, plus the extra properties", [validMessage], ([message]) => {
    const properties = messageProperties(message)
    // (key order differs: an object lists integer-like keys first; the order means nothing)
    assert.deepStrictEqual(decodeProperties(encodeMessageProperties(message)), decodeProperties(encodeProperties(properties)))
    assert.deepStrictEqual(decodeProperties(encodeProperties(properties)), properties)
    const uniqKey = "0A000001000100000001784F55C80000"
    const decoded = decodeProperties(encodeMessageProperties(message, { UNIQ_KEY: uniqKey, SKIPPED: undefined }))
    assert.deepStrictEqual(decoded, { ...properties, UNIQ_KEY: uniqKey })
    // the system properties say what the message fields say
    assert.strictEqual(decoded["WAIT"], message.waitStoreMsgOK === false ? "false" : "true")
    assert.strictEqual(decoded["TAGS"], message.tags === "" ? undefined : message.tags)
    assert.strictEqual(decoded["KEYS"], message.keys?.length ? message.keys.join(" ") : undefined)
    assert.strictEqual(decoded["DELAY"], message.delayTimeLevel ? String(message.delayTimeLevel) : undefined)
    assert.strictEqual(decoded["TIMER_DELIVER_MS"], message.deliverTimeMs === undefined ? undefined : String(message.deliverTimeMs))
    for (const name of Object.keys(message.properties ?? {})) assert.isFalse(STRING_HASH_SET.has(name))
  }, { arbitrary: { runs: 200 } })

  it("decodes long inputs in linear time", () => {
    // Every segment lacks \u0001: Java's unbounded search from each segment would scan to the end.
    const text = "abc\u0002".repeat(250_000) + "k\u0001v"
    const started = performance.now()
    assert.deepStrictEqual(decodeProperties(text), { k: "v" })
    assert.isBelow(performance.now() - started, 1000)
  })

  it("reads the properties of a real Java SEND_MESSAGE_V2", () => {
    const frame = Result.getOrThrow(
      decodeFrame(readFileSync(Path.join(requireCaptures(), "java-client/09-56326-10911-code310.bin")))
    )
    const header = Result.getOrThrow(decodeSendMessageRequestHeaderV2(frame.extFields))
    const text = header.properties ?? ""
    assert.strictEqual(
      text,
      "KEYS\u0001KEY0\u0002UNIQ_KEY\u0001FD0000000000000000000000000000023DA85FFD2B27784F55C80000\u0002WAIT\u0001true\u0002TAGS\u0001TagA"
    )
    const properties = decodeProperties(text)
    assert.deepStrictEqual(properties, {
      KEYS: "KEY0",
      UNIQ_KEY: "FD0000000000000000000000000000023DA85FFD2B27784F55C80000",
      WAIT: "true",
      TAGS: "TagA"
    })
    // Java 4.9.x wrote it without a trailing separator, in map order: we write it back the same.
    assert.strictEqual(encodeProperties(properties), text)
    const id = Result.getOrThrow(parseUniqueId(properties["UNIQ_KEY"] ?? ""))
    assert.deepStrictEqual(id, { ip: "fd00::2", pid: 0x3da8, salt: 0x5ffd2b27, millisOfMonth: 0x784f55c8, counter: 0 })
    // The same message built with this library carries the same properties, bar the id.
    const ours = decodeProperties(
      encodeMessageProperties(makeMessage("JavaCapTopic", "Hello", { tags: "TagA", keys: ["KEY0"] }), {
        UNIQ_KEY: properties["UNIQ_KEY"]
      })
    )
    assert.deepStrictEqual(ours, properties)
  })
})
