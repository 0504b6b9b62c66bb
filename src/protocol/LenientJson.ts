/**
 * A parser for the JSON that RocketMQ servers write, which is not always JSON: fastjson writes maps
 * with integer keys without quotes (`{"brokerAddrs":{0:"127.0.0.1:10911"}}`, REMOTING.md §8.3).
 *
 * One pass quotes bare integer keys (optionally negative) that follow `{` or `,` outside string
 * literals, then `JSON.parse` reads the text. No `eval`, no `Function`.
 *
 * @since 0.1.0
 */
import { Result } from "effect"

/**
 * Quotes every bare integer object key outside string literals.
 *
 * @since 0.1.0
 * @category decoding
 */
export const quoteBareIntegerKeys = (text: string): string => {
  if (!maybeBareKey.test(text)) return text
  let out = ""
  let copiedUpTo = 0
  let expectKey = false
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i)
    if (ch === 0x22 /* " */) {
      // Skip the string literal in one search: it ends at the first quote after an even run of backslashes.
      let end = text.indexOf("\"", i + 1)
      while (end > 0 && isEscaped(text, end)) end = text.indexOf("\"", end + 1)
      if (end < 0) break
      i = end
      expectKey = false
    } else if (ch === 0x7b /* { */ || ch === 0x2c /* , */) {
      expectKey = true
    } else if (expectKey && (ch === 0x2d /* - */ || (ch >= 0x30 && ch <= 0x39))) {
      let end = i + 1
      while (end < text.length && isDigit(text.charCodeAt(end))) end++
      let colon = end
      while (colon < text.length && isSpace(text.charCodeAt(colon))) colon++
      if (text.charCodeAt(colon) === 0x3a /* : */ && end > i + (ch === 0x2d ? 1 : 0)) {
        out += text.slice(copiedUpTo, i) + "\"" + text.slice(i, end) + "\""
        copiedUpTo = end
      }
      i = end - 1
      expectKey = false
    } else if (!isSpace(ch)) {
      expectKey = false
    }
  }
  return copiedUpTo === 0 ? text : out + text.slice(copiedUpTo)
}

/** A bare key needs `{` or `,`, maybe spaces, then a digit or `-`: without one, nothing to scan. */
const maybeBareKey = /[{,][ \t\n\r]*[-\d]/

/** Whether the character at `index` follows an odd number of backslashes. */
const isEscaped = (text: string, index: number): boolean => {
  let backslashes = 0
  while (text.charCodeAt(index - 1 - backslashes) === 0x5c) backslashes++
  return backslashes % 2 === 1
}

const isDigit = (ch: number): boolean => ch >= 0x30 && ch <= 0x39
const isSpace = (ch: number): boolean => ch === 0x20 || ch === 0x09 || ch === 0x0a || ch === 0x0d

/**
 * Parses standard JSON or fastjson's bare-integer-key form. Bare keys come out as strings. The text
 * is scanned for bare keys first (a standard JSON text comes back unchanged from that scan), so
 * fastjson text is parsed once, without a failed parse and its thrown error first.
 *
 * @since 0.1.0
 * @category decoding
 */
export const parseLenientJson = (text: string): Result.Result<unknown, string> => {
  try {
    return Result.succeed(JSON.parse(quoteBareIntegerKeys(text)))
  } catch (cause) {
    return Result.fail(messageOf(cause))
  }
}

const messageOf = (cause: unknown): string => (cause instanceof Error ? cause.message : String(cause))
