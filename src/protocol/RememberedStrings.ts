/**
 * Strings read from bytes before, kept to be read again: a peer sends the same few header keys and
 * values (`msgId`, `queueId`, a group, a topic) in every header, and a string made afresh from bytes
 * costs more than a hash of the bytes: it is built character by character, and a key is then looked
 * up again in V8's string table when it becomes a property name.
 *
 * @since 0.1.0
 */
import { readUtf8 } from "./Utf8.ts"

/**
 * A bounded table of ASCII strings by a hash of their bytes. `read` gives the kept string when the
 * bytes match it byte for byte, and otherwise what `readUtf8` reads; the table keeps the first
 * `capacity` ASCII strings of 2 to `maxLength` bytes it reads, and no more (a peer sending random
 * strings fills it once; after that they are read as without it).
 *
 * @since 0.1.0
 * @category internals
 */
export class RememberedStrings {
  private readonly strings = new Map<number, string>()
  private readonly maxLength: number
  private readonly capacity: number

  constructor(maxLength: number, capacity: number) {
    this.maxLength = maxLength
    this.capacity = capacity
  }

  /** The strings kept. */
  get size(): number {
    return this.strings.size
  }

  /** `bytes[start, end)` as UTF-8, as `readUtf8` reads them: the kept string if the bytes are its. */
  read(bytes: Uint8Array, start: number, end: number): string {
    const length = end - start
    if (length < 2 || length > this.maxLength) return readUtf8(bytes, start, end)
    let hash = length
    for (let i = start; i < end; i++) hash = (Math.imul(hash, 31) + (bytes[i] ?? 0)) | 0
    const known = this.strings.get(hash)
    if (known !== undefined && known.length === length) {
      let i = 0
      while (i < length && known.charCodeAt(i) === bytes[start + i]) i++
      if (i === length) return known
    }
    const text = readUtf8(bytes, start, end)
    if (known === undefined && this.strings.size < this.capacity && text.length === length && isAscii(text)) {
      this.strings.set(hash, text)
    }
    return text
  }
}

const isAscii = (text: string): boolean => {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) >= 0x80) return false
  return true
}
