/**
 * The byte reader of JSON headers (readJsonHeader, decodeJsonHeader's path for headers without
 * extFields) reads what `JSON.parse` of the header's text reads (decodeJsonHeaderByParse): any
 * integers, remarks of any text (escapes, unicode, lone surrogates), every language, keys in any
 * order and repeated, nulls, unknown keys with any value, whitespace anywhere; and on damaged
 * headers decodeJsonHeader agrees with the JSON.parse path, errors included. Recorded frames decode
 * field for field as before.
 */
import { assert, describe, it } from "@effect/vitest"
import { readdirSync, readFileSync, statSync } from "node:fs"
import * as Path from "node:path"
import { Schema } from "effect"
import { decodeJsonHeader, decodeJsonHeaderByParse, readJsonHeader } from "../../src/protocol/JsonHeader.ts"
import { LanguageCode } from "../../src/protocol/LanguageCode.ts"
import { MalformedHeader } from "../../src/protocol/ProtocolError.ts"
import { encodeUtf8 } from "../../src/protocol/Utf8.ts"
import { intBetween } from "../../src/testkit/Arbitraries.ts"
import { capturesDir, comparable, damagedJson } from "../helpers.ts"

const CodeUnits = Schema.Array(Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: 0xffff })))
  .check(Schema.isMaxLength(40))
const SafeInt = Schema.Int.check(Schema.isBetween({ minimum: Number.MIN_SAFE_INTEGER, maximum: Number.MAX_SAFE_INTEGER }))

/** Text of any UTF-16 code units (lone surrogates and control characters included), biased to the odd ones. */
const textOf = (units: ReadonlyArray<number>): string =>
  String.fromCharCode(...units.map((unit, i) => (i % 3 === 0 ? unit % 0x30 : i % 3 === 1 ? 0xd7f0 + (unit % 0x30) : unit)))

const Header = Schema.Struct({
  code: SafeInt,
  flag: SafeInt,
  opaque: SafeInt,
  version: SafeInt,
  language: Schema.UndefinedOr(LanguageCode),
  remark: Schema.UndefinedOr(CodeUnits),
  unknown: Schema.UndefinedOr(CodeUnits),
  seed: Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: 1_000_000 }))
})

const whitespace = ["", " ", "\n", "\t", "\r\n  "]

/** `JSON.stringify(text)` with some characters (picked by `seed`) written as `\uXXXX` or `\/`. */
const escapedString = (text: string, seed: number): string => {
  let out = ""
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] ?? ""
    const pick = (i * 7 + seed) % 5
    if (pick === 0) out += `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`
    else if (pick === 1 && ch === "/") out += "\\/"
    else out += JSON.stringify(ch).slice(1, -1)
  }
  return `"${out}"`
}

/** The header's members as JSON text, in an order, repetition and spacing picked by `seed`. */
const headerText = (header: typeof Header.Type): string => {
  const { seed } = header
  const members: Array<[string, string]> = [
    ["code", String(header.code)],
    ["flag", String(header.flag)],
    ["opaque", String(header.opaque)],
    ["version", String(header.version)],
    ["serializeTypeCurrentRPC", "\"JSON\""]
  ]
  if (header.language !== undefined) members.push(["language", `"${header.language}"`])
  else if (seed % 2 === 0) members.push(["language", "null"])
  if (header.remark !== undefined) members.push(["remark", escapedString(textOf(header.remark), seed)])
  else if (seed % 3 === 0) members.push(["remark", "null"])
  if (seed % 4 === 0) members.push(["extFields", "null"])
  if (header.unknown !== undefined) {
    const text = textOf(header.unknown)
    members.push([`x${seed % 10}`, JSON.stringify({ [`k${seed}`]: [text, 1.5e-3, -7, true, null, { a: [] }] })])
  }
  // A repeated key: the first value is overwritten, as JSON.parse does.
  if (seed % 5 === 0) members.unshift(["code", "12345"], ["remark", "\"first\""])
  const order = members.map((member, i) => ({ member, rank: (i * 31 + seed) % 17 }))
  // Repeats stay first so that the later value wins on both sides.
  order.sort((a, b) => (seed % 5 === 0 ? 0 : a.rank - b.rank))
  const space = (i: number) => whitespace[(seed + i) % whitespace.length] ?? ""
  return space(0) + "{" + order.map(({ member: [key, value] }, i) => `${space(i + 1)}"${key}"${space(i + 2)}:${space(i + 3)}${value}${space(i)}`).join(",") +
    "}" + space(1)
}

const decodedSame = (bytes: Uint8Array) => {
  const read = decodeJsonHeader(bytes, 0, bytes.length, undefined)
  const expected = decodeJsonHeaderByParse(bytes, 0, bytes.length, undefined)
  if (expected instanceof MalformedHeader || read instanceof MalformedHeader) {
    assert.isTrue(read instanceof MalformedHeader && expected instanceof MalformedHeader)
    assert.strictEqual(read instanceof MalformedHeader ? read.detail : "", expected instanceof MalformedHeader ? expected.detail : "")
  } else {
    assert.deepStrictEqual(comparable(read), comparable(expected))
  }
}

describe("readJsonHeader (the byte path of decodeJsonHeader)", () => {
  it.prop("reads headers as JSON.parse of their text does", [Header], ([header]) => {
    const bytes = encodeUtf8(headerText(header))
    const read = readJsonHeader(bytes, 0, bytes.length, undefined)
    const expected = decodeJsonHeaderByParse(bytes, 0, bytes.length, undefined)
    // Integers of up to 15 digits are its own; longer ones it leaves to JSON.parse.
    if ([header.code, header.flag, header.opaque, header.version].every((n) => Math.abs(n) < 1e15)) assert.isDefined(read)
    assert.notInstanceOf(expected, MalformedHeader)
    if (read !== undefined && !(expected instanceof MalformedHeader)) assert.deepStrictEqual(comparable(read), comparable(expected))
  }, { arbitrary: { runs: 500 } })

  it.prop("damaged headers (one byte changed, or cut short) decode as by JSON.parse, errors included", [
    Header,
    intBetween(0, 1_000_000),
    intBetween(0, 1_000_000)
  ], ([header, where, what]) => {
    const bytes = encodeUtf8(headerText(header))
    decodedSame(damagedJson(bytes, where, what))
    decodedSame(bytes.subarray(0, where % bytes.length))
  }, { arbitrary: { runs: 1000 } })

  it("reads escaped keys, bytes around the header, and leaves numbers it does not read to JSON.parse", () => {
    const header = `xx{"\\u0063ode":7,"fla\\u0067":1,"language":"J\\u0041VA","remark":"\\ud83d\\ude00 é","version":1}yy`
    const bytes = encodeUtf8(header)
    const read = readJsonHeader(bytes, 2, bytes.length - 2, undefined)
    assert.deepStrictEqual(read && { code: read.code, flag: read.flag, language: read.language, remark: read.remark, version: read.version }, {
      code: 7,
      flag: 1,
      language: "JAVA",
      remark: "\ud83d\ude00 é",
      version: 1
    })
    for (const text of [`{"code":1.0}`, `{"code":1e2}`, `{"code":12345678901234567}`, `{"code":-0}`, `{"language":2}`, `{"code":01}`, `{"code":1,}`, `{"code":"1"}`, `[]`, ``]) {
      decodedSame(encodeUtf8(text))
    }
    assert.isUndefined(readJsonHeader(encodeUtf8(`{"code":1.0}`), 0, 12, undefined))
  })

  it("decodes every recorded JSON frame as by JSON.parse", () => {
    const files: Array<string> = []
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const path = Path.join(dir, name)
        if (statSync(path).isDirectory()) walk(path)
        else if (name.endsWith(".bin")) files.push(path)
      }
    }
    walk(capturesDir)
    let json = 0
    for (const file of files) {
      const bytes = readFileSync(file)
      // Frames one after another: length word, type word, header.
      for (let start = 0; start + 8 <= bytes.length;) {
        const length = bytes.readInt32BE(start)
        const typeWord = bytes.readUInt32BE(start + 4)
        if (length < 4 || start + 4 + length > bytes.length) break
        if (typeWord >>> 24 === 0) {
          json++
          const headerEnd = start + 8 + (typeWord & 0xffffff)
          const read = decodeJsonHeader(bytes, start + 8, headerEnd, undefined)
          const expected = decodeJsonHeaderByParse(bytes, start + 8, headerEnd, undefined)
          assert.notInstanceOf(expected, MalformedHeader, file)
          if (!(read instanceof MalformedHeader) && !(expected instanceof MalformedHeader)) assert.deepStrictEqual(comparable(read), comparable(expected))
        }
        start += 4 + length
      }
    }
    assert.isAtLeast(json, 20)
  })
})
