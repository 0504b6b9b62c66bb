/**
 * Frames: `length(4) · serializeType(1) · headerLength(3) · header · body`, big-endian, where
 * `length` counts everything after itself (REMOTING.md §2).
 *
 * @since 0.1.0
 */
import { Buffer } from "node:buffer"
import { Result } from "effect"
import { decodeBinaryHeader, encodeBinaryHeader } from "./BinaryHeader.ts"
import { decodeJsonHeader, encodeJsonHeader } from "./JsonHeader.ts"
import {
  FrameTooLarge,
  FrameTooShort,
  HeaderLengthExceedsFrame,
  MalformedHeader,
  NotRemotingProtocol,
  NegativeFrameLength,
  ProtocolError,
  UnencodableCommand,
  UnknownSerializeType
} from "./ProtocolError.ts"
import { withOpaque } from "./RemotingCommand.ts"
import type { RemotingCommand } from "./RemotingCommand.ts"
import { utf8Length } from "./Utf8.ts"

/**
 * The default maximum frame size: 16 MiB including the 4-byte length word, as Netty's decoder in
 * RocketMQ counts it (so the length word itself may be at most 16 777 212).
 *
 * @since 0.1.0
 * @category constants
 */
export const DEFAULT_MAX_FRAME_SIZE = 16 * 1024 * 1024

/**
 * Largest header the 24-bit header length can describe.
 *
 * @since 0.1.0
 * @category constants
 */
export const MAX_HEADER_LENGTH = 0xffffff

/**
 * Serialize type byte of the JSON header.
 *
 * @since 0.1.0
 * @category constants
 */
export const SERIALIZE_JSON = 0

/**
 * Serialize type byte of the binary ROCKETMQ header.
 *
 * @since 0.1.0
 * @category constants
 */
export const SERIALIZE_ROCKETMQ = 1

/**
 * A command ready for the wire: `head` holds the length word, type word and header, and a body of up
 * to `JOINED_BODY_LIMIT` bytes after them (one buffer, one write); a larger `body` follows it
 * unchanged, never copied on its way out.
 *
 * @since 0.1.0
 * @category models
 */
export interface EncodedFrame {
  readonly head: Uint8Array
  readonly body: Uint8Array | undefined
  /** Total bytes of the frame, length word included. */
  readonly size: number
}

/**
 * Options of the frame codec.
 *
 * @since 0.1.0
 * @category models
 */
export interface FrameOptions {
  /** Maximum frame size in bytes, length word included; default 16 MiB. */
  readonly maxFrameSize?: number | undefined
}

/**
 * Bodies up to this size are copied after their header into the frame's one buffer: one plain write
 * of a small frame costs less than a `writev` of its two parts, and a large body is not worth the copy.
 *
 * @since 0.1.0
 * @category constants
 */
export const JOINED_BODY_LIMIT = 64 * 1024

/** Where JSON headers of up to ~21 000 characters are encoded before being copied into their frame. */
const jsonScratch = Buffer.allocUnsafe(64 * 1024)

const protocolError = (reason: ProtocolError["reason"]) => new ProtocolError({ reason })

/**
 * Encodes a command in its `serializeType` as a head and a body, or fails when it cannot be written
 * (see `UnencodableCommand`) or exceeds the maximum frame size.
 *
 * @since 0.1.0
 * @category encoding
 */
export const encodeFrameParts = (
  command: RemotingCommand,
  options?: FrameOptions
): Result.Result<EncodedFrame, ProtocolError> => {
  const maxFrameSize = options?.maxFrameSize ?? DEFAULT_MAX_FRAME_SIZE
  const body = command.body
  const bodyLength = body === undefined ? 0 : body.length
  // A small body is copied into the head's buffer, after the header.
  const room = bodyLength <= JOINED_BODY_LIMIT ? bodyLength : 0
  let head: Buffer
  let headerLength: number
  let type: number
  if (command.serializeType === "JSON") {
    const text = encodeJsonHeader(command)
    // A usual header is encoded once into the scratch buffer and copied out, instead of being
    // measured (one pass over the text) and then encoded (another).
    const scratched = text.length * 3 <= jsonScratch.length - 8
    headerLength = scratched ? jsonScratch.write(text, 8, "utf8") : utf8Length(text)
    if (headerLength > MAX_HEADER_LENGTH || 8 + headerLength + bodyLength > maxFrameSize) {
      return Result.fail(tooLarge(headerLength, bodyLength, maxFrameSize))
    }
    head = Buffer.allocUnsafe(8 + headerLength + room)
    if (scratched) jsonScratch.copy(head, 8, 8, 8 + headerLength)
    else head.write(text, 8, "utf8")
    type = SERIALIZE_JSON
  } else {
    // Written after 8 bytes left for the length and type words, with room for the body: no copy.
    const written = encodeBinaryHeader(command, 8, room)
    if (written instanceof UnencodableCommand) return Result.fail(protocolError(written))
    headerLength = written.length - 8 - room
    if (headerLength > MAX_HEADER_LENGTH || 8 + headerLength + bodyLength > maxFrameSize) {
      return Result.fail(tooLarge(headerLength, bodyLength, maxFrameSize))
    }
    head = written
    type = SERIALIZE_ROCKETMQ
  }
  head.writeInt32BE(4 + headerLength + bodyLength, 0)
  head.writeUInt32BE(((type << 24) | headerLength) >>> 0, 4)
  if (room > 0 && body !== undefined) head.set(body, 8 + headerLength)
  return Result.succeed({
    head,
    body: bodyLength === 0 || room > 0 ? undefined : body,
    size: 8 + headerLength + bodyLength
  })
}

const tooLarge = (headerLength: number, bodyLength: number, maxFrameSize: number) =>
  headerLength > MAX_HEADER_LENGTH
    ? protocolError(new UnencodableCommand({ detail: `header of ${headerLength} bytes exceeds ${MAX_HEADER_LENGTH}` }))
    : protocolError(new FrameTooLarge({ length: 8 + headerLength + bodyLength, maxFrameSize }))

/**
 * Encodes a command as one contiguous frame.
 *
 * @since 0.1.0
 * @category encoding
 */
export const encodeFrame = (
  command: RemotingCommand,
  options?: FrameOptions
): Result.Result<Uint8Array, ProtocolError> => Result.map(encodeFrameParts(command, options), joined)

/** A frame's parts as one buffer (the head alone when the body is in it). */
const joined = (frame: EncodedFrame): Uint8Array =>
  frame.body === undefined ? frame.head : Buffer.concat([frame.head, frame.body], frame.size)

/**
 * Checks a frame's length word (the signed int32 at its start) against the limits: not negative,
 * at least 4, and the whole frame within `maxFrameSize`.
 *
 * @since 0.1.0
 * @category validation
 */
export const checkFrameLength = (length: number, maxFrameSize: number): ProtocolError | undefined => {
  if (length < 0) return protocolError(new NegativeFrameLength({ length }))
  if (length < 4) return protocolError(new FrameTooShort({ length }))
  if (length + 4 > maxFrameSize) return protocolError(new FrameTooLarge({ length: length + 4, maxFrameSize }))
  return undefined
}

const isPrintableAscii = (byte: number): boolean => byte >= 0x20 && byte <= 0x7e

/**
 * Reads the start of a stream that should be a frame as text, when it is text: its first 4 bytes
 * printable ASCII (a frame's length word starts with a zero byte below 16 MiB, so such a length
 * is far above any frame size limit). The text runs to the first byte that is not printable
 * (a line break, say), at most 80 characters. `undefined` for anything else.
 *
 * @since 0.1.0
 */
export const textInsteadOfFrame = (byteAt: (position: number) => number | undefined): ProtocolError | undefined => {
  let text = ""
  for (let position = 0; position < 80; position++) {
    const byte = byteAt(position)
    if (byte === undefined || !isPrintableAscii(byte)) break
    text += String.fromCharCode(byte)
  }
  return text.length >= 4 ? protocolError(new NotRemotingProtocol({ text })) : undefined
}

/**
 * Checks a frame's type word (the 4 bytes after the length word) against its length word.
 *
 * @since 0.1.0
 * @category validation
 */
export const checkTypeWord = (typeWord: number, length: number): ProtocolError | undefined => {
  const type = typeWord >>> 24
  if (type !== SERIALIZE_JSON && type !== SERIALIZE_ROCKETMQ) {
    return protocolError(new UnknownSerializeType({ serializeType: type }))
  }
  const headerLength = typeWord & 0xffffff
  if (headerLength > length - 4) return protocolError(new HeaderLengthExceedsFrame({ headerLength, frameLength: length }))
  return undefined
}

/**
 * Decodes one complete frame that starts at `start` in `bytes` and whose length word has already
 * been checked. The body is a view into `bytes`, not a copy.
 *
 * @since 0.1.0
 * @category decoding
 */
export const decodeCheckedFrame = (bytes: Uint8Array, start: number): Result.Result<RemotingCommand, ProtocolError> => {
  // The words read byte by byte: the caller has checked that the 8 bytes are there.
  const length = ((bytes[start] ?? 0) << 24) | ((bytes[start + 1] ?? 0) << 16) | ((bytes[start + 2] ?? 0) << 8) | (bytes[start + 3] ?? 0)
  const typeWord = (((bytes[start + 4] ?? 0) << 24) | ((bytes[start + 5] ?? 0) << 16) | ((bytes[start + 6] ?? 0) << 8) | (bytes[start + 7] ?? 0)) >>> 0
  const typeError = checkTypeWord(typeWord, length)
  if (typeError !== undefined) return Result.fail(typeError)
  const headerStart = start + 8
  const headerEnd = headerStart + (typeWord & 0xffffff)
  const frameEnd = start + 4 + length
  const body = headerEnd < frameEnd ? bytes.subarray(headerEnd, frameEnd) : undefined
  const decoded = typeWord >>> 24 === SERIALIZE_JSON
    ? decodeJsonHeader(bytes, headerStart, headerEnd, body)
    : decodeBinaryHeader(bytes, headerStart, headerEnd, body)
  return decoded instanceof MalformedHeader ? Result.fail(protocolError(decoded)) : Result.succeed(decoded)
}

/**
 * An encoded request with another opaque, everything else as it was: its frame decoded and encoded
 * again. For a request sent again (after GO_AWAY) by a client that keeps the frame it sent rather
 * than the request it was made from.
 *
 * @since 0.1.0
 * @category encoding
 */
export const withFrameOpaque = (
  frame: EncodedFrame,
  opaque: number,
  options?: FrameOptions
): Result.Result<EncodedFrame, ProtocolError> => {
  return Result.flatMap(decodeCheckedFrame(joined(frame), 0), (command) => encodeFrameParts(withOpaque(command, opaque), options))
}
