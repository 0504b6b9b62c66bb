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
export const utf8Length = (text: string): number => Buffer.byteLength(text, "utf8")

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
