/**
 * The binary ROCKETMQ header (serialize type 1), laid out as Java's `RocketMQSerializable` does
 * (REMOTING.md §5): code int16, language byte, version int16, opaque int32, flag int32, remark
 * (int32 length + UTF-8), extFields (int32 section length + entries of int16 key length, key,
 * int32 value length, value).
 *
 * @since 0.1.0
 */
import { Buffer } from "node:buffer"
import { languageFromByte, languageToByte } from "./LanguageCode.ts"
import { MalformedHeader, UnencodableCommand } from "./ProtocolError.ts"
import type { RemotingCommand } from "./RemotingCommand.ts"
import { setOwn } from "./StringMap.ts"
import { RememberedStrings } from "./RememberedStrings.ts"
import { asciiCharacters, readUtf8, utf8Length, writeUtf8 } from "./Utf8.ts"

/** Bytes of the fixed part: code 2, language 1, version 2, opaque 4, flag 4, remark length 4, ext length 4. */
const FIXED_LENGTH = 21

const fitsInt16 = (n: number): boolean => Number.isInteger(n) && n >= -32768 && n <= 32767
const fitsInt32 = (n: number): boolean => Number.isInteger(n) && n >= -2147483648 && n <= 2147483647

/**
 * The binary header bytes of a command, or why it cannot be written in this form (code or version
 * outside 16 bits, opaque or flag outside 32 bits, no language, a key longer than 32 767 bytes).
 * An empty remark and an empty extFields map are written as absent, as Java does. The buffer
 * starts with `reserve` bytes left for the caller (a frame's length and type words) and ends with
 * `room` more (for a body), so neither the header nor the frame needs a second buffer.
 *
 * @since 0.1.0
 * @category encoding
 */
export const encodeBinaryHeader = (command: RemotingCommand, reserve = 0, room = 0): Buffer | UnencodableCommand => {
  if (!fitsInt16(command.code)) return new UnencodableCommand({ detail: `code ${command.code} does not fit 16 bits` })
  if (!fitsInt16(command.version)) {
    return new UnencodableCommand({ detail: `version ${command.version} does not fit 16 bits` })
  }
  if (!fitsInt32(command.opaque)) {
    return new UnencodableCommand({ detail: `opaque ${command.opaque} does not fit 32 bits` })
  }
  if (!fitsInt32(command.flag)) return new UnencodableCommand({ detail: `flag ${command.flag} does not fit 32 bits` })
  if (command.language === undefined) {
    return new UnencodableCommand({ detail: "the binary header needs a language" })
  }
  const language = languageToByte(command.language)
  // A frame of up to 8 KiB is written in place in the slab (below), in one pass; a larger one, or a
  // header that might not fit the slab (at 3 bytes a UTF-16 unit), is measured first, then written
  // into a buffer of its own.
  if (reserve + room <= SLAB_SIZE / 8) {
    for (;;) {
      const start = slabUsed
      const end = writeHeader(command, language, slab, start + reserve, SLAB_SIZE - room)
      if (end instanceof UnencodableCommand) return end
      if (end !== undefined) {
        slabUsed = end + room
        return slab.subarray(start, end + room)
      }
      if (start === 0) break
      // Not in what is left of this slab: the next one.
      slab = Buffer.allocUnsafe(SLAB_SIZE)
      slabUsed = 0
    }
  }
  const length = measure(command, reserve)
  if (length instanceof UnencodableCommand) return length
  const header = Buffer.allocUnsafe(length + room)
  writeHeader(command, language, header, reserve, undefined)
  return header
}

/**
 * Frames are cut from slabs of 64 KiB, one after the other, as Node's `Buffer` pool cuts small
 * buffers from its own: each is written in place, and a slab is freed once no frame cut from it is
 * alive. `slabUsed` is where the next frame starts.
 */
const SLAB_SIZE = 64 * 1024
let slab = Buffer.allocUnsafe(SLAB_SIZE)
let slabUsed = 0

const noFields: Readonly<Record<string, string>> = {}

/** The remark as written: an empty one is absent. */
const remarkOf = (command: RemotingCommand): string | undefined =>
  command.remark === undefined || command.remark.length === 0 ? undefined : command.remark

/** The header's length after `reserve` bytes, measured, or the error for a key too long. */
const measure = (command: RemotingCommand, reserve: number): number | UnencodableCommand => {
  const remark = remarkOf(command)
  let length = reserve + FIXED_LENGTH + (remark === undefined ? 0 : utf8Length(remark))
  const extFields = command.extFields ?? noFields
  for (const key of Object.keys(extFields)) {
    const keyLength = utf8Length(key)
    if (keyLength > 32767) return new UnencodableCommand({ detail: `extFields key of ${keyLength} bytes exceeds 32767` })
    length += 6 + keyLength + utf8Length(extFields[key] ?? "")
  }
  return length
}

/**
 * Writes the header (with its `language` byte) into `target` from `start` and returns the offset
 * after it. With a `capacity`, stops with `undefined` where the rest might not fit before it
 * (written in part); without, `target` has been measured for it.
 */
const writeHeader = (
  command: RemotingCommand,
  language: number,
  target: Buffer,
  start: number,
  capacity: number | undefined
): number | undefined | UnencodableCommand => {
  const remark = remarkOf(command)
  if (capacity !== undefined && start + FIXED_LENGTH + (remark === undefined ? 0 : remark.length * 3) > capacity) return undefined
  let offset = writeInt16(target, start, command.code)
  target[offset++] = language
  offset = writeInt16(target, offset, command.version)
  offset = writeInt32(target, offset, command.opaque)
  offset = writeInt32(target, offset, command.flag)
  const remarkLength = remark === undefined ? 0 : writeUtf8(target, remark, offset + 4)
  offset = writeInt32(target, offset, remarkLength) + remarkLength
  const extStart = offset
  offset += 4
  const extFields = command.extFields ?? noFields
  const keys = Object.keys(extFields)
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] ?? ""
    const value = extFields[key] ?? ""
    if (capacity !== undefined && offset + 6 + (key.length + value.length) * 3 > capacity) return undefined
    const keyLength = writeUtf8(target, key, offset + 2)
    if (keyLength > 32767) return new UnencodableCommand({ detail: `extFields key of ${keyLength} bytes exceeds 32767` })
    writeInt16(target, offset, keyLength)
    offset += 2 + keyLength
    const valueLength = writeUtf8(target, value, offset + 4)
    writeInt32(target, offset, valueLength)
    offset += 4 + valueLength
  }
  writeInt32(target, extStart, offset - extStart - 4)
  return offset
}

const writeInt16 = (buffer: Buffer, offset: number, value: number): number => {
  buffer[offset] = value >> 8
  buffer[offset + 1] = value
  return offset + 2
}

const writeInt32 = (buffer: Buffer, offset: number, value: number): number => {
  buffer[offset] = value >>> 24
  buffer[offset + 1] = value >>> 16
  buffer[offset + 2] = value >>> 8
  buffer[offset + 3] = value
  return offset + 4
}

/** Big-endian signed integers read byte by byte; the caller has checked that the bytes are there. */
const readInt16 = (bytes: Uint8Array, offset: number): number => (((bytes[offset] ?? 0) << 24) | ((bytes[offset + 1] ?? 0) << 16)) >> 16

const readInt32 = (bytes: Uint8Array, offset: number): number =>
  ((bytes[offset] ?? 0) << 24) | ((bytes[offset + 1] ?? 0) << 16) | ((bytes[offset + 2] ?? 0) << 8) | (bytes[offset + 3] ?? 0)

/** Custom-header keys of up to 32 bytes (see `RememberedStrings`). */
const knownKeys = new RememberedStrings(32, 1024)

/**
 * Custom-header values of up to 24 bytes that are not numbers: a group, a topic, a region come back
 * in header after header; counters, offsets and times differ each time.
 */
const knownValues = new RememberedStrings(24, 1024)

/** A value: remembered if it is not a number (see `knownValues`). */
const readValue = (bytes: Uint8Array, start: number, end: number): string => {
  const first = bytes[start] ?? 0
  return first >= 0x30 && first <= 0x39 ? readUtf8(bytes, start, end) : knownValues.read(bytes, start, end)
}

const malformed = (detail: string) => new MalformedHeader({ serializeType: "ROCKETMQ", detail })

/**
 * Decodes the binary header in `bytes[start, end)` into a command carrying `body`. Every length is
 * checked against the bytes that remain before it is used. A zero remark length means no remark; a
 * zero extFields length means no custom header.
 *
 * @since 0.1.0
 * @category decoding
 */
export const decodeBinaryHeader = (
  bytes: Uint8Array,
  start: number,
  end: number,
  body: Uint8Array | undefined
): RemotingCommand | MalformedHeader => {
  if (end - start < FIXED_LENGTH) {
    return malformed(`header of ${end - start} bytes is shorter than the ${FIXED_LENGTH}-byte fixed part`)
  }
  let offset = start
  const code = readInt16(bytes, offset)
  const language = languageFromByte(bytes[offset + 2] ?? 0)
  const version = readInt16(bytes, offset + 3)
  const opaque = readInt32(bytes, offset + 5)
  const flag = readInt32(bytes, offset + 9)
  const remarkLength = readInt32(bytes, offset + 13)
  offset += 17
  if (remarkLength < 0 || remarkLength > end - offset - 4) {
    return malformed(`remark length ${remarkLength} does not fit the ${end - offset - 4} bytes left`)
  }
  const remark = remarkLength > 0 ? readUtf8(bytes, offset, offset + remarkLength) : undefined
  offset += remarkLength
  const extLength = readInt32(bytes, offset)
  offset += 4
  if (extLength < 0 || extLength > end - offset) {
    return malformed(`extFields length ${extLength} does not fit the ${end - offset} bytes left`)
  }
  let extFields: Record<string, string> | undefined
  if (extLength > 0) {
    extFields = {}
    // Bytes after the extFields section are ignored, as Java's decoder ignores them.
    end = offset + extLength
    while (offset < end) {
      if (end - offset < 2) return malformed("extFields entry cut inside its key length")
      const keyLength = readInt16(bytes, offset)
      offset += 2
      if (keyLength < 0 || keyLength > end - offset - 4) {
        return malformed(`extFields key length ${keyLength} does not fit the bytes left`)
      }
      // A one-byte key (the V2 send header's `a` to `n`) is taken as made.
      const first = bytes[offset] ?? 0x80
      const key = keyLength === 1 && first < 0x80 ? asciiCharacters[first] ?? "" : knownKeys.read(bytes, offset, offset + keyLength)
      offset += keyLength
      const valueLength = readInt32(bytes, offset)
      offset += 4
      if (valueLength < 0 || valueLength > end - offset) {
        return malformed(`extFields value length ${valueLength} for "${key}" does not fit the bytes left`)
      }
      setOwn(extFields, key, readValue(bytes, offset, offset + valueLength))
      offset += valueLength
    }
  }
  return {
    code,
    language,
    version,
    opaque,
    flag,
    remark,
    extFields,
    body,
    serializeType: "ROCKETMQ"
  }
}
