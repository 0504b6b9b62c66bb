import { assert, describe, it } from "@effect/vitest"
import { Arbitrary, Result, Schema } from "effect"
import { makeMessage } from "../../src/protocol/message/Message.ts"
import type { Message } from "../../src/protocol/message/Message.ts"
import { STRING_HASH_SET } from "../../src/protocol/message/MessageConst.ts"
import { decodeProperties, encodeMessageProperties, messageProperties } from "../../src/protocol/message/MessageProperties.ts"
import { MAX_PROPERTIES_BYTES } from "../../src/protocol/message/MessageLimits.ts"
import { NOT_ALLOWED_SEND_TOPICS } from "../../src/protocol/TopicValidator.ts"
import {
  InvalidMessageRule,
  PROPERTIES_HEADROOM,
  validateMessage,
  validateProducerGroup
} from "../../src/producer/MessageValidation.ts"
import type { InvalidMessage } from "../../src/producer/MessageValidation.ts"
import { utf8Length } from "../../src/protocol/Utf8.ts"
import { validMessage } from "../../src/testkit/MessageArbitraries.ts"

const failure = (result: Result.Result<unknown, InvalidMessage>): InvalidMessage => {
  if (Result.isSuccess(result)) return assert.fail(`expected a failure, got ${JSON.stringify(result.success)}`)
  return result.failure
}

const ruleOf = (message: unknown, options?: { maxMessageSize?: number }) => failure(validateMessage(message, options)).rule

const pickOf = <A>(items: ReadonlyArray<A>, n: number): A => {
  const item = items[n % items.length]
  return item === undefined ? assert.fail("nothing to pick from") : item
}

/** One mutation per rule, applied to a valid message: it must then fail with exactly that rule. */
const mutations: { readonly [R in InvalidMessageRule]?: (m: Message, n: number) => unknown } = {
  MessageMalformed: (m, n) =>
    pickOf<unknown>([
      { ...m, topic: 42 },
      { ...m, body: "text" },
      { ...m, body: [1, 2, 3] },
      { ...m, waitStoreMsgOK: "yes" },
      null,
      "message",
      [m]
    ], n),
  TopicBlank: (m, n) => ({ ...m, topic: pickOf(["", " ", "\t\n"], n) }),
  TopicTooLong: (m, n) => ({ ...m, topic: "t".repeat(128 + (n % 50)) }),
  TopicInvalidCharacters: (m, n) => {
    const bad = pickOf([" ", "/", ".", "é", "\u0001", "中", "#", "😀"], n)
    const at = n % (m.topic.length + 1)
    return { ...m, topic: (m.topic.slice(0, at) + bad + m.topic.slice(at)).slice(0, 127) }
  },
  TopicNotAllowed: (m, n) => ({ ...m, topic: pickOf([...NOT_ALLOWED_SEND_TOPICS], n) }),
  BodyEmpty: (m, n) => {
    if (n % 3 === 0) return { ...m, body: new Uint8Array(0) }
    const { body: _, ...rest } = m
    return n % 3 === 1 ? rest : { ...rest, body: null }
  },
  TagsInvalid: (m, n) => ({ ...m, tags: (m.tags ?? "") + pickOf(["\u0001", "\u0002", "\ud800"], n) }),
  KeysInvalid: (m, n) => ({ ...m, keys: [...(m.keys ?? []), pickOf(["", "a b", " ", "k\u0002", "\u0001", "\udc00x"], n)] }),
  PropertyInvalid: (m, n) => {
    const [name, value] = pickOf<[string, string]>([
      ["", "v"],
      ["  ", "v"],
      ["\u0001", "v"],
      ["a\u0002b", "v"],
      ["name", ""],
      ["name", " \t"],
      ["name", "x\u0001y"],
      ["name", "\ud800"],
      ["INNER_MULTI_DISPATCH", "a/b"]
    ], n)
    return { ...m, properties: { ...m.properties, [name]: value } }
  },
  PropertyReserved: (m, n) => ({ ...m, properties: { ...m.properties, [pickOf([...STRING_HASH_SET], n)]: "v" } }),
  PropertiesTooLong: (m, n) => ({ ...m, properties: { ...m.properties, big: "x".repeat(MAX_PROPERTIES_BYTES + (n % 10)) } }),
  DelayLevelInvalid: (m, n) => ({ ...m, delayTimeLevel: pickOf([-1, 1.5, 2 ** 31, Number.NaN, "3"], n) }),
  DeliverTimeInvalid: (m, n) => ({ ...m, deliverTimeMs: pickOf([-1, 1.5, Number.NaN, Infinity, 2 ** 53, "1"], n) }),
  DelayConflict: (m, n) => ({ ...m, delayTimeLevel: 1 + (n % 18), deliverTimeMs: 1_700_000_000_000 + n }),
  FlagInvalid: (m, n) => ({ ...m, flag: pickOf([2 ** 31, -(2 ** 31) - 1, 0.5, Number.NaN, "0"], n) })
}

const mutatedRules = Object.keys(mutations).filter((rule): rule is InvalidMessageRule =>
  Schema.is(InvalidMessageRule)(rule)
)

const mutationCase = Arbitrary.all({
  message: validMessage,
  rule: Arbitrary.schema(Schema.Literals(mutatedRules)),
  n: Arbitrary.schema(Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: 1000 })))
})

/** Loose values around the message shape, to throw junk at the validator. */
const junk = Schema.Union([
  Schema.Struct({
    topic: Schema.Union([Schema.String, Schema.Number, Schema.Null, Schema.Undefined]),
    body: Schema.Union([Schema.Uint8Array, Schema.String, Schema.Array(Schema.Number), Schema.Undefined]),
    tags: Schema.optionalKey(Schema.Union([Schema.String, Schema.Number, Schema.Boolean])),
    keys: Schema.optionalKey(Schema.Union([Schema.Array(Schema.Union([Schema.String, Schema.Number])), Schema.String])),
    properties: Schema.optionalKey(Schema.Union([
      Schema.Record(Schema.String, Schema.Union([Schema.String, Schema.Number, Schema.Null])),
      Schema.Array(Schema.String),
      Schema.Null
    ])),
    delayTimeLevel: Schema.optionalKey(Schema.Union([Schema.Number, Schema.String])),
    deliverTimeMs: Schema.optionalKey(Schema.Union([Schema.Number, Schema.BigInt])),
    flag: Schema.optionalKey(Schema.Union([Schema.Number, Schema.Boolean])),
    waitStoreMsgOK: Schema.optionalKey(Schema.Union([Schema.Boolean, Schema.String]))
  }),
  Schema.Struct({ topic: Schema.String.check(Schema.isPattern(/^[a-zA-Z0-9_]{1,20}$/)), body: Schema.Uint8Array }),
  Schema.String,
  Schema.Number,
  Schema.Null,
  Schema.Array(Schema.String)
])

describe("validateMessage", () => {
  it.prop("accepts every message of the validMessage arbitrary, as it is", [validMessage], ([message]) => {
    const result = validateMessage(message)
    assert.isTrue(Result.isSuccess(result), Result.isFailure(result) ? result.failure.message : "")
    assert.deepStrictEqual(Result.getOrThrow(result), message)
  }, { arbitrary: { runs: 300 } })

  it.prop("rejects a message broken in one way with that rule", [mutationCase], ([{ message, n, rule }]) => {
    const mutate = mutations[rule]
    if (mutate === undefined) return assert.fail(`no mutation for ${rule}`)
    const error = failure(validateMessage(mutate(message, n)))
    assert.strictEqual(error.rule, rule, error.message)
    assert.include(error.message, rule)
  }, { arbitrary: { runs: 600 } })

  it("covers every single-message rule with a mutation", () => {
    assert.sameMembers([...mutatedRules, "BodyTooLarge", "ProducerGroupInvalid", "BatchInvalid"], [...InvalidMessageRule.literals])
  })

  it.prop("never throws on junk, and what it accepts keeps its properties intact on the wire", [junk], ([input]) => {
    const result = validateMessage(input)
    if (Result.isSuccess(result)) {
      const message = result.success
      assert.deepStrictEqual(validateMessage(message), result)
      assert.deepStrictEqual(decodeProperties(encodeMessageProperties(message)), messageProperties(message))
    }
  }, { arbitrary: { runs: 1000 } })

  it("never throws on a hostile object", () => {
    const hostile = new Proxy({}, {
      has: () => true,
      get: () => {
        throw new Error("boom")
      }
    })
    assert.strictEqual(ruleOf(hostile), "MessageMalformed")
    const getter = { topic: "T", get body(): Uint8Array { throw new Error("no body") } }
    assert.include(failure(validateMessage(getter)).message, "no body")
    const base = makeMessage("T", "x")
    assert.strictEqual(ruleOf({ ...base, properties: new Map([["a", "b"]]) }), "PropertyInvalid")
    assert.strictEqual(ruleOf({ ...base, properties: Object.create({ inherited: "x" }) }), "PropertyInvalid")
    assert.strictEqual(ruleOf({ ...base, properties: { a: 1 } }), "PropertyInvalid")
    assert.strictEqual(ruleOf({ ...base, keys: ["a", , "b"] }), "KeysInvalid")
    assert.isTrue(Result.isSuccess(validateMessage({ ...base, properties: Object.create(null) })))
  })

  it("checks the body size against maxMessageSize (4 MiB by default)", () => {
    assert.isTrue(Result.isSuccess(validateMessage(makeMessage("T", new Uint8Array(4 * 1024 * 1024)))))
    assert.strictEqual(ruleOf(makeMessage("T", new Uint8Array(4 * 1024 * 1024 + 1))), "BodyTooLarge")
    assert.isTrue(Result.isSuccess(validateMessage(makeMessage("T", "12345"), { maxMessageSize: 5 })))
    assert.strictEqual(ruleOf(makeMessage("T", "123456"), { maxMessageSize: 5 }), "BodyTooLarge")
  })

  it("leaves room for the properties added after validation, and no more is needed", () => {
    // WAIT\u0001true\u0002 counts as "false", so 11 bytes; then "p" \u0001 value \u0002.
    const fits = MAX_PROPERTIES_BYTES - PROPERTIES_HEADROOM - 11 - 3
    const largest = makeMessage("T", "x", { properties: { p: "v".repeat(fits) }, waitStoreMsgOK: false })
    assert.isTrue(Result.isSuccess(validateMessage(largest)))
    assert.strictEqual(ruleOf({ ...largest, properties: { p: "v".repeat(fits + 1) } }), "PropertiesTooLong")
    // What the broker ends up storing, in the longest form, still fits in an int16 length.
    const stored = encodeMessageProperties(largest, {
      UNIQ_KEY: "F".repeat(56),
      MSG_REGION: "DefaultRegion",
      TRACE_ON: "false"
    }) + "\u0002"
    assert.strictEqual(utf8Length(stored), MAX_PROPERTIES_BYTES)
    // Multi-byte characters count as bytes.
    const wide = makeMessage("T", "x", { properties: { p: "é".repeat(Math.ceil(fits / 2) + 1) } })
    assert.strictEqual(ruleOf(wide), "PropertiesTooLong")
  })

  it.prop("counts the UTF-8 bytes of the properties exactly", [validMessage], ([generated]) => {
    const message: Message = { ...generated, waitStoreMsgOK: false }
    // validation counts one separator per pair: the encoded string plus a trailing one
    const used = utf8Length(encodeMessageProperties(message)) + 1
    const room = MAX_PROPERTIES_BYTES - PROPERTIES_HEADROOM - used - "zz_fill".length - 2
    const filled = (n: number) => ({ ...message, properties: { ...message.properties, zz_fill: "x".repeat(n) } })
    assert.isTrue(Result.isSuccess(validateMessage(filled(room))))
    assert.strictEqual(ruleOf(filled(room + 1)), "PropertiesTooLong")
  }, { arbitrary: { runs: 200 } })

  it("follows Java on what is allowed", () => {
    const ok = (message: Message) => assert.isTrue(Result.isSuccess(validateMessage(message)))
    ok(makeMessage("%RETRY%group|A-b_9", "x"))
    ok(makeMessage("t".repeat(127), "x"))
    ok(makeMessage("T", "x", { tags: "" })) // an empty tag is no tag
    ok(makeMessage("T", "x", { keys: [] }))
    ok(makeMessage("T", "x", { tags: "a b||c *" })) // Java does not restrict tags
    ok(makeMessage("T", "x", { properties: { "__SHARDINGKEY": "s", "a b": " v ", "__proto__": "x", "INNER_MULTI_DISPATCH": "%LMQ%1" } }))
    ok(makeMessage("T", "x", { delayTimeLevel: 0, deliverTimeMs: 1 }))
    ok(makeMessage("T", "x", { flag: -(2 ** 31) }))
    assert.strictEqual(ruleOf(makeMessage("TBW102 ", "x")), "TopicInvalidCharacters")
  })

  it("names the rule and the offending value in its message", () => {
    const long = failure(validateMessage(makeMessage("t".repeat(130), "x")))
    assert.strictEqual(long.message, `invalid topic (TopicTooLong): the topic "${"t".repeat(64)}…" has 130 characters, more than the maximum of 127`)
    const reserved = failure(validateMessage(makeMessage("T", "x", { properties: { UNIQ_KEY: "mine" } })))
    assert.strictEqual(reserved.message, `invalid message (PropertyReserved): the property name "UNIQ_KEY" is reserved for the system`)
    const separator = failure(validateMessage(makeMessage("T", "x", { tags: "a\u0001b" })))
    assert.include(separator.message, `"a\\u0001b"`)
    assert.strictEqual(separator._tag, "InvalidMessage")
  })
})

describe("validateProducerGroup", () => {
  it("follows Validators.checkGroup and checkConfig", () => {
    assert.deepStrictEqual(validateProducerGroup("ref_sync_group"), Result.succeed("ref_sync_group"))
    assert.isTrue(Result.isSuccess(validateProducerGroup("g".repeat(120))))
    assert.isTrue(Result.isSuccess(validateProducerGroup("g".repeat(255), { maxLength: 255 })))
    for (const bad of ["", "  ", "g".repeat(121), "a b", "grp/1", "DEFAULT_PRODUCER", "ü", 7, undefined]) {
      const error = failure(validateProducerGroup(bad))
      assert.strictEqual(error.rule, "ProducerGroupInvalid")
      assert.match(error.message, /^invalid producer group \(ProducerGroupInvalid\): /)
    }
  })
})
