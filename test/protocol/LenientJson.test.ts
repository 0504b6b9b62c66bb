/**
 * parseLenientJson reads standard JSON as JSON.parse does, and fastjson's bare-integer-key form
 * as the same JSON with quoted keys; strings that look like bare keys are never touched.
 */
import { assert, describe, it } from "@effect/vitest"
import { Result, Schema } from "effect"
import { IntegerKeyedMap, writeFastjson } from "../../src/protocol/FastjsonWriter.ts"
import type { FastjsonValue } from "../../src/protocol/FastjsonWriter.ts"
import { parseLenientJson, quoteBareIntegerKeys } from "../../src/protocol/LenientJson.ts"

const Scalar = Schema.Union([Schema.String, Schema.Int, Schema.Boolean, Schema.Null])
const IntKey = Schema.Int.check(Schema.isBetween({ minimum: -1000, maximum: 100000 }))
const Entry = Schema.Struct({ key: Schema.String, intKey: IntKey, value: Scalar, list: Schema.Array(Scalar) })
const Doc = Schema.Array(Entry).check(Schema.isMaxLength(8))

/** A document with string-keyed objects, integer-keyed maps and arrays, and its plain-JSON twin. */
const build = (entries: ReadonlyArray<typeof Entry.Type>): { readonly fast: FastjsonValue; readonly plain: unknown } => {
  const fastObject: Record<string, FastjsonValue> = {}
  const plainObject: Record<string, unknown> = {}
  const intMap: Record<string, FastjsonValue> = {}
  entries.forEach((entry, i) => {
    const key = `k${i}${entry.key}`
    fastObject[key] = entry.list
    plainObject[key] = entry.list
    intMap[String(entry.intKey)] = entry.value
  })
  fastObject["~map"] = new IntegerKeyedMap(intMap)
  plainObject["~map"] = intMap
  return { fast: [fastObject, new IntegerKeyedMap({ "0": fastObject["~map"] })], plain: [plainObject, { "0": intMap }] }
}

const normalize = (value: unknown): unknown => JSON.parse(JSON.stringify(value))

describe("parseLenientJson", () => {
  it.prop("standard JSON reads as JSON.parse reads it", [Doc], ([entries]) => {
    const { plain } = build(entries)
    const text = JSON.stringify(plain)
    assert.strictEqual(quoteBareIntegerKeys(text), text)
    assert.deepStrictEqual(Result.getOrThrow(parseLenientJson(text)), JSON.parse(text))
  }, { arbitrary: { runs: 300 } })

  it.prop("fastjson's bare integer keys read as quoted keys; string contents untouched", [Doc], ([entries]) => {
    const { fast, plain } = build(entries)
    assert.deepStrictEqual(Result.getOrThrow(parseLenientJson(writeFastjson(fast, "legacy"))), normalize(plain))
    assert.deepStrictEqual(Result.getOrThrow(parseLenientJson(writeFastjson(fast, "standard"))), normalize(plain))
  }, { arbitrary: { runs: 300 } })

  it("text that is not JSON either way fails with the parser's message", () => {
    for (const text of ["", "{", "{0:}", "{\"a\":1,}", "{a:1}", "[1:2]"]) {
      const parsed = parseLenientJson(text)
      assert.isTrue(Result.isFailure(parsed), text)
    }
    assert.deepStrictEqual(Result.getOrThrow(parseLenientJson("{ 0 : \"x\", -1:{2:[1,2]}}")), { "0": "x", "-1": { "2": [1, 2] } })
    assert.deepStrictEqual(Result.getOrThrow(parseLenientJson("[1,2,{\"s\":\",3:\"}]")), [1, 2, { s: ",3:" }])
  })
})
