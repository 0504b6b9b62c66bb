/**
 * UTF-8 text in and out of byte arrays, on Node's `Buffer` without copying the bytes.
 *
 * @since 0.1.0
 */
import { Buffer } from "node:buffer"

/**
 * A `Buffer` view over the same memory as `bytes` (no copy).
 *
 * @since 0.1.0
 * @category utils
 */
export const asBuffer = (bytes: Uint8Array): Buffer =>
  Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)

/**
 * Decodes `bytes[start, end)` as UTF-8 (invalid sequences become U+FFFD, as Java's decoder does).
 *
 * @since 0.1.0
 * @category decoding
 */
export const decodeUtf8 = (bytes: Uint8Array, start = 0, end = bytes.length): string =>
  asBuffer(bytes).toString("utf8", start, end)

/**
 * Encodes text as UTF-8 bytes.
 *
 * @since 0.1.0
 * @category encoding
 */
export const encodeUtf8 = (text: string): Buffer => Buffer.from(text, "utf8")

/**
 * The UTF-8 byte length of `text`.
 *
 * @since 0.1.0
 * @category utils
 */
export const utf8Length = (text: string): number => {
  const length = text.length
  if (length > SHORT_TEXT) return Buffer.byteLength(text, "utf8")
  // Short ASCII text (header keys and values): counted here, without a call into the runtime.
  for (let i = 0; i < length; i++) if (text.charCodeAt(i) >= 0x80) return Buffer.byteLength(text, "utf8")
  return length
}

/** Texts up to this many characters (or bytes) take the ASCII paths of `utf8Length`, `writeUtf8` and `readUtf8`. */
const SHORT_TEXT = 24

/**
 * The one-character strings of the ASCII codes, so short texts are read without a call into the
 * runtime.
 *
 * @since 0.1.0
 * @category internals
 */
export const asciiCharacters: ReadonlyArray<string> = Array.from({ length: 0x80 }, (_, code) => String.fromCharCode(code))

/**
 * Writes `text` as UTF-8 into `buffer` at `offset` and returns the number of bytes written; the
 * caller has made room for `utf8Length(text)` bytes. Short ASCII text is written byte by byte.
 *
 * @since 0.1.0
 * @category encoding
 */
export const writeUtf8 = (buffer: Buffer, text: string, offset: number): number => {
  const length = text.length
  // One ASCII character (a key of the V2 send header, `a` to `n`): its byte.
  if (length === 1) {
    const code = text.charCodeAt(0)
    if (code < 0x80) {
      buffer[offset] = code
      return 1
    }
  }
  if (length <= SHORT_TEXT) {
    let i = 0
    for (; i < length; i++) {
      const code = text.charCodeAt(i)
      if (code >= 0x80) break
      buffer[offset + i] = code
    }
    if (i === length) return length
  }
  return buffer.write(text, offset, "utf8")
}

/**
 * Reads `bytes[start, end)` as UTF-8, like `decodeUtf8`; short ASCII text is read byte by byte.
 *
 * @since 0.1.0
 * @category decoding
 */
export const readUtf8 = (bytes: Uint8Array, start: number, end: number): string => {
  if (end - start <= SHORT_TEXT) {
    let text = ""
    let i = start
    for (; i < end; i++) {
      const byte = bytes[i] ?? 0x80
      if (byte >= 0x80) break
      text += asciiCharacters[byte]
    }
    if (i === end) return text
  }
  return asBuffer(bytes).toString("utf8", start, end)
}

/**
 * `true` when `bytes` is well-formed UTF-8 text.
 *
 * @since 0.1.0
 * @category predicates
 */
export const isUtf8 = (bytes: Uint8Array): boolean => {
  try {
    strictDecoder.decode(bytes)
    return true
  } catch {
    return false
  }
}

const strictDecoder = new TextDecoder("utf-8", { fatal: true })
