/**
 * A cursor over JSON text held as UTF-8 bytes, for the readers that decode JSON headers and bodies
 * straight into their shapes, without the text of the whole JSON and without `JSON.parse`'s
 * generic object in between.
 *
 * It accepts only what `JSON.parse` of the decoded text accepts (with fastjson's bare integer keys
 * when `lenient`, as `parseLenientJson` reads them) and reads strings and integers to the values
 * `JSON.parse` gives. What it does not read itself — a number with a fraction or an exponent, an
 * integer of more than 15 digits, nesting deeper than 64 — it reports as failure like any bad text:
 * a reader built on it then leaves the text to the `JSON.parse` path, which reads it or words the error.
 *
 * @since 0.1.0
 */
import { asBuffer, readUtf8 } from "./Utf8.ts"

const QUOTE = 0x22
const BACKSLASH = 0x5c
const MINUS = 0x2d
const PLUS = 0x2b
const DOT = 0x2e
const ZERO = 0x30
const LOWER_E = 0x65
const UPPER_E = 0x45
const LOWER_U = 0x75
const OPEN_BRACE = 0x7b
const CLOSE_BRACE = 0x7d
const OPEN_BRACKET = 0x5b
const CLOSE_BRACKET = 0x5d
const COMMA = 0x2c
const COLON = 0x3a

/** V8 makes a slice of this many characters or more a view of its parent string (`SlicedString`). */
const SLICE_MIN_LENGTH = 13

/** Nesting beyond this is left to `JSON.parse`. */
const MAX_DEPTH = 64

/** The most digits of an integer read here: every such integer is a safe integer. */
const MAX_DIGITS = 15

const isDigit = (byte: number): boolean => byte >= 0x30 && byte <= 0x39

const hexValue = (byte: number): number => {
  if (byte >= 0x30 && byte <= 0x39) return byte - 0x30
  const lower = byte | 0x20
  return lower >= 0x61 && lower <= 0x66 ? lower - 0x61 + 10 : -1
}

/** The character of a one-letter escape (`\n` → newline), or `undefined` for a letter JSON does not define. */
const simpleEscapes: ReadonlyArray<string | undefined> = Array.from({ length: 0x80 }, (_, byte) => {
  switch (byte) {
    case 0x22: return "\""
    case 0x5c: return "\\"
    case 0x2f: return "/"
    case 0x62: return "\b"
    case 0x66: return "\f"
    case 0x6e: return "\n"
    case 0x72: return "\r"
    case 0x74: return "\t"
    default: return undefined
  }
})

const LOWER_T = 0x74
const LOWER_F = 0x66
const LOWER_N = 0x6e
const literalTrue = [LOWER_T, 0x72, 0x75, 0x65]
const literalFalse = [LOWER_F, 0x61, 0x6c, 0x73, 0x65]
const literalNull = [LOWER_N, 0x75, 0x6c, 0x6c]

/**
 * A position in JSON text held as UTF-8 bytes `[start, end)`, with what it last read.
 *
 * @since 0.1.0
 * @category internals
 */
export class JsonCursor {
  readonly bytes: Uint8Array
  readonly end: number
  /** Whether fastjson's bare integer object keys (`{0:"…"}`) are read, as `parseLenientJson` reads them. */
  readonly lenient: boolean
  /** The position of the next byte to read. */
  pos: number
  /** The content of the last string (or bare key) scanned: `bytes[spanStart, spanEnd)`. */
  spanStart = 0
  spanEnd = 0
  /** Whether that content is ASCII without an escape, so that its bytes are its text. */
  plain = true
  /** The last integer read. */
  int = 0
  /**
   * The bytes as Latin-1 text (one character per byte, from `base`), made at the first short string
   * read: a short ASCII string of the text is a slice of it, with no call into the runtime.
   */
  private source: string | undefined = undefined
  private readonly base: number

  constructor(bytes: Uint8Array, start: number, end: number, lenient: boolean) {
    this.bytes = bytes
    this.pos = start
    this.end = end
    this.lenient = lenient
    this.base = start
  }

  /** Skips whitespace and returns the next byte, or -1 at the end. */
  peek(): number {
    const bytes = this.bytes
    let pos = this.pos
    if (pos >= this.end) return -1
    let byte = bytes[pos] ?? -1
    // Structural bytes are above the space: the usual next byte is returned at once.
    if (byte > 0x20) return byte
    const end = this.end
    while (byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09) {
      if (++pos >= end) {
        this.pos = pos
        return -1
      }
      byte = bytes[pos] ?? -1
    }
    this.pos = pos
    return byte
  }

  /** Skips whitespace and then `byte` if it is next; `false` (nothing skipped but whitespace) if another byte is. */
  eat(byte: number): boolean {
    if (this.peek() !== byte) return false
    this.pos++
    return true
  }

  /**
   * Scans the string literal at the cursor (its opening quote next): escapes are checked, raw control
   * characters refused; its content becomes the span. `false` if it is not a well-formed string.
   */
  scanString(): boolean {
    const bytes = this.bytes
    const end = this.end
    let pos = this.pos + 1
    const start = pos
    let plain = true
    for (;;) {
      if (pos >= end) return false
      const byte = bytes[pos] ?? 0
      if (byte === QUOTE) break
      if (byte < 0x20) return false
      if (byte === BACKSLASH) {
        plain = false
        const letter = bytes[pos + 1] ?? 0
        if (letter === LOWER_U) {
          if (pos + 6 >= end) return false
          for (let i = pos + 2; i < pos + 6; i++) if (hexValue(bytes[i] ?? 0) < 0) return false
          pos += 6
        } else if (letter < 0x80 && simpleEscapes[letter] !== undefined && pos + 2 < end) {
          pos += 2
        } else {
          return false
        }
        continue
      }
      if (byte >= 0x80) plain = false
      pos++
    }
    this.spanStart = start
    this.spanEnd = pos
    this.plain = plain
    this.pos = pos + 1
    return true
  }

  /** The text of the span: what `JSON.parse` reads for the string last scanned. */
  text(): string {
    return this.plain ? this.slice(this.spanStart, this.spanEnd) : this.unescape()
  }

  /**
   * The ASCII text of `bytes[from, to)`, sharing no memory with the source. A slice of 13 characters
   * or more would be V8's view of the whole source, keeping it alive as long as the string (a cached
   * route would hold its whole body): text of 13 to 24 characters is joined from two shorter slices
   * (each a copy), longer text is copied out of the bytes.
   */
  private slice(from: number, to: number): string {
    const length = to - from
    if (length >= 2 * SLICE_MIN_LENGTH - 1) return asBuffer(this.bytes).toString("latin1", from, to)
    this.source ??= asBuffer(this.bytes).toString("latin1", this.base, this.end)
    const start = from - this.base
    if (length < SLICE_MIN_LENGTH) return this.source.slice(start, start + length)
    const half = start + SLICE_MIN_LENGTH - 1
    return this.source.slice(start, half) + this.source.slice(half, start + length)
  }

  /** The text of the span, which holds an escape or a non-ASCII byte (already validated). */
  private unescape(): string {
    const bytes = this.bytes
    const end = this.spanEnd
    let text = ""
    let from = this.spanStart
    let ascii = true
    let pos = from
    while (pos < end) {
      const byte = bytes[pos] ?? 0
      if (byte !== BACKSLASH) {
        if (byte >= 0x80) ascii = false
        pos++
        continue
      }
      if (pos > from) text += this.piece(from, pos, ascii)
      const letter = bytes[pos + 1] ?? 0
      if (letter === LOWER_U) {
        let unit = 0
        for (let i = pos + 2; i < pos + 6; i++) unit = unit * 16 + hexValue(bytes[i] ?? 0)
        // Surrogates come as separate units, paired or not, as JSON.parse reads them.
        text += String.fromCharCode(unit)
        pos += 6
      } else {
        text += simpleEscapes[letter] ?? ""
        pos += 2
      }
      from = pos
      ascii = true
    }
    return from < end ? text + this.piece(from, end, ascii) : text
  }

  /**
   * The text of `bytes[from, to)`, a piece of a string between escapes. Pieces end at ASCII bytes,
   * which no UTF-8 sequence holds: decoding them apart decodes as the whole text would.
   */
  private piece(from: number, to: number, ascii: boolean): string {
    return ascii ? this.slice(from, to) : readUtf8(this.bytes, from, to)
  }

  /** Whether the span is plain and its bytes are `key`'s. */
  spanIs(key: Uint8Array): boolean {
    const start = this.spanStart
    const length = key.length
    if (this.spanEnd - start !== length || !this.plain) return false
    const bytes = this.bytes
    for (let i = 0; i < length; i++) if (bytes[start + i] !== key[i]) return false
    return true
  }

  /**
   * Reads the key of the next member of the object the cursor is in, through its colon: right after
   * the object's `{` when `first`, else after a member's value (the comma first). Returns the key's
   * index in `keys` (-1 for another key, whose text `text()` gives), `MEMBERS_END` when the object's
   * `}` comes instead (read), or `MEMBER_FAILED` for anything else.
   */
  member(keys: KeySet, first: boolean): number {
    let next = this.peek()
    if (next === CLOSE_BRACE) {
      this.pos++
      return MEMBERS_END
    }
    if (!first) {
      if (next !== COMMA) return MEMBER_FAILED
      this.pos++
      next = this.peek()
    }
    if (next === QUOTE) {
      // A known key is matched in place: its bytes, then the closing quote (known keys are plain
      // ASCII, so that quote ends the key), in one pass.
      const known = this.knownKey(keys)
      if (known >= 0) {
        if (this.pos < this.end && this.bytes[this.pos] === COLON) this.pos++
        else if (!this.eat(COLON)) return MEMBER_FAILED
        return known
      }
      // The usual key, ASCII without an escape, scanned here; any other byte takes scanString.
      const bytes = this.bytes
      const end = this.end
      const start = this.pos + 1
      let pos = start
      let byte = 0
      while (pos < end) {
        byte = bytes[pos] ?? 0
        if (byte === QUOTE || byte === BACKSLASH || byte < 0x20 || byte >= 0x80) break
        pos++
      }
      if (byte === QUOTE && pos < end) {
        this.spanStart = start
        this.spanEnd = pos
        this.plain = true
        this.pos = pos + 1
      } else if (!this.scanString()) {
        return MEMBER_FAILED
      }
    } else if (!this.scanKey()) {
      return MEMBER_FAILED
    }
    if (this.pos < this.end && this.bytes[this.pos] === COLON) this.pos++
    else if (!this.eat(COLON)) return MEMBER_FAILED
    // A plain key of `keys` was matched in place above; only an escaped spelling can still be one.
    return this.plain ? -1 : this.keyOf(keys)
  }

  /**
   * Scans an object key at the cursor (after whitespace): a string, or when `lenient` a bare
   * integer (`-?[0-9]+`), whose digits become the span. `false` for anything else.
   */
  scanKey(): boolean {
    const next = this.peek()
    if (next === QUOTE) return this.scanString()
    if (!this.lenient || (next !== MINUS && !isDigit(next))) return false
    const bytes = this.bytes
    const start = this.pos
    let pos = next === MINUS ? start + 1 : start
    const first = pos
    while (pos < this.end && isDigit(bytes[pos] ?? 0)) pos++
    if (pos === first) return false
    this.spanStart = start
    this.spanEnd = pos
    this.plain = true
    this.pos = pos
    return true
  }

  /**
   * Reads the integer at the cursor (after whitespace) into `int`: a JSON number without fraction
   * or exponent, of at most 15 digits. `false` for any other token, a valid number included.
   */
  readInt(): boolean {
    const next = this.peek()
    const bytes = this.bytes
    const end = this.end
    let pos = next === MINUS ? this.pos + 1 : this.pos
    const first = pos
    let value = 0
    for (; pos < end; pos++) {
      const digit = (bytes[pos] ?? 0) - ZERO
      if (digit < 0 || digit > 9) break
      value = value * 10 + digit
    }
    const digits = pos - first
    if (digits === 0 || digits > MAX_DIGITS || (digits > 1 && bytes[first] === ZERO)) return false
    if (pos < end) {
      const after = bytes[pos]
      if (after === DOT || after === LOWER_E || after === UPPER_E) return false
    }
    this.int = next === MINUS ? -value : value
    this.pos = pos
    return true
  }

  /** Skips the literal `null` if it is next (after whitespace). */
  eatNull(): boolean {
    return this.peek() === LOWER_N && this.eatLiteral(literalNull)
  }

  private eatLiteral(literal: ReadonlyArray<number>): boolean {
    const pos = this.pos
    if (pos + literal.length > this.end) return false
    for (let i = 0; i < literal.length; i++) if (this.bytes[pos + i] !== literal[i]) return false
    this.pos = pos + literal.length
    return true
  }

  private skipNumber(): boolean {
    const bytes = this.bytes
    const end = this.end
    let pos = this.pos
    if (bytes[pos] === MINUS) pos++
    const first = pos
    while (pos < end && isDigit(bytes[pos] ?? 0)) pos++
    if (pos === first || (pos - first > 1 && bytes[first] === ZERO)) return false
    if (pos < end && bytes[pos] === DOT) {
      const fraction = ++pos
      while (pos < end && isDigit(bytes[pos] ?? 0)) pos++
      if (pos === fraction) return false
    }
    if (pos < end && (bytes[pos] === LOWER_E || bytes[pos] === UPPER_E)) {
      pos++
      if (pos < end && (bytes[pos] === PLUS || bytes[pos] === MINUS)) pos++
      const exponent = pos
      while (pos < end && isDigit(bytes[pos] ?? 0)) pos++
      if (pos === exponent) return false
    }
    this.pos = pos
    return true
  }

  /** Skips the JSON value at the cursor (after whitespace), checking it as `JSON.parse` would. */
  skipValue(depth = 0): boolean {
    const next = this.peek()
    switch (next) {
      case QUOTE:
        return this.scanString()
      case OPEN_BRACE: {
        if (depth >= MAX_DEPTH) return false
        this.pos++
        if (this.eat(CLOSE_BRACE)) return true
        do {
          if (!this.scanKey() || !this.eat(COLON) || !this.skipValue(depth + 1)) return false
        } while (this.eat(COMMA))
        return this.eat(CLOSE_BRACE)
      }
      case OPEN_BRACKET: {
        if (depth >= MAX_DEPTH) return false
        this.pos++
        if (this.eat(CLOSE_BRACKET)) return true
        do {
          if (!this.skipValue(depth + 1)) return false
        } while (this.eat(COMMA))
        return this.eat(CLOSE_BRACKET)
      }
      case LOWER_T:
        return this.eatLiteral(literalTrue)
      case LOWER_F:
        return this.eatLiteral(literalFalse)
      case LOWER_N:
        return this.eatLiteral(literalNull)
      default:
        return (next === MINUS || isDigit(next)) && this.skipNumber()
    }
  }

  /**
   * With the cursor on a key's opening quote: when the key is one of `keys`, moves past its closing
   * quote (the span is the key) and returns its index; else -1, the cursor unmoved.
   */
  knownKey(keys: KeySet): number {
    const bytes = this.bytes
    const start = this.pos + 1
    const candidates = keys.byFirstByte[bytes[start] ?? 0]
    if (candidates === undefined) return -1
    for (let c = 0; c < candidates.length; c++) {
      const index = candidates[c] ?? -1
      const key = keys.bytes[index]
      if (key === undefined) continue
      const length = key.length
      const close = start + length
      if (close >= this.end || bytes[close] !== QUOTE) continue
      let i = 1
      while (i < length && bytes[start + i] === key[i]) i++
      if (i !== length) continue
      this.spanStart = start
      this.spanEnd = close
      this.plain = true
      this.pos = close + 1
      return index
    }
    return -1
  }

  /** The index in `keys` of the key just scanned, or -1. */
  keyOf(keys: KeySet): number {
    if (!this.plain) return keys.names.indexOf(this.text())
    const candidates = keys.byLength[this.spanEnd - this.spanStart]
    if (candidates === undefined) return -1
    for (let i = 0; i < candidates.length; i++) {
      const index = candidates[i] ?? -1
      const key = keys.bytes[index]
      if (key !== undefined && this.spanIs(key)) return index
    }
    return -1
  }

  /** Reads the string at the cursor (after whitespace); `undefined` for any other value. */
  readString(): string | undefined {
    return this.peek() === QUOTE && this.scanString() ? this.text() : undefined
  }

  /** Reads `true` or `false` at the cursor (after whitespace); `undefined` for any other value. */
  readBoolean(): boolean | undefined {
    const next = this.peek()
    if (next === LOWER_T) return this.eatLiteral(literalTrue) ? true : undefined
    if (next === LOWER_F) return this.eatLiteral(literalFalse) ? false : undefined
    return undefined
  }

  /** Whether only whitespace is left. */
  atEnd(): boolean {
    return this.peek() === -1
  }
}

/**
 * What `JsonCursor.member` returns when the object ends.
 *
 * @since 0.1.0
 * @category internals
 */
export const MEMBERS_END = -2

/**
 * What `JsonCursor.member` returns for text that is no member.
 *
 * @since 0.1.0
 * @category internals
 */
export const MEMBER_FAILED = -3

/**
 * The keys a reader knows, to tell a key by its bytes without building its text: matched in place
 * by their first byte (`JsonCursor.knownKey`), or after a scan by their length
 * (`JsonCursor.keyOf`). The names must be printable ASCII without `"` or `\`, as every key of the
 * protocol is: their bytes are then their JSON spelling.
 *
 * @since 0.1.0
 * @category internals
 */
export class KeySet {
  readonly names: ReadonlyArray<string>
  readonly bytes: ReadonlyArray<Uint8Array>
  readonly byLength: ReadonlyArray<ReadonlyArray<number> | undefined>
  /** The indexes of the non-empty keys by their first byte. */
  readonly byFirstByte: ReadonlyArray<ReadonlyArray<number> | undefined>

  constructor(names: ReadonlyArray<string>) {
    this.names = names
    this.bytes = names.map((name) => Uint8Array.from(name, (ch) => ch.charCodeAt(0)))
    const byLength: Array<Array<number> | undefined> = []
    names.forEach((name, index) => {
      const same = byLength[name.length] ?? []
      same.push(index)
      byLength[name.length] = same
    })
    this.byLength = byLength
    const byFirstByte: Array<Array<number> | undefined> = []
    this.bytes.forEach((key, index) => {
      const first = key[0]
      if (first === undefined) return
      const same = byFirstByte[first] ?? []
      same.push(index)
      byFirstByte[first] = same
    })
    this.byFirstByte = byFirstByte
  }
}

/**
 * The structural bytes of JSON, for the readers built on `JsonCursor`.
 *
 * @since 0.1.0
 * @category internals
 */
export const JsonByte = {
  quote: QUOTE,
  openBrace: OPEN_BRACE,
  closeBrace: CLOSE_BRACE,
  openBracket: OPEN_BRACKET,
  closeBracket: CLOSE_BRACKET,
  comma: COMMA,
  colon: COLON
} as const
