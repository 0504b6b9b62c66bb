/**
 * An incremental frame decoder for a byte stream: it takes chunks as they arrive, cut anywhere, and
 * hands out each command as soon as its last byte is in.
 *
 * It never throws, and it never allocates from a length it has read: bytes are only gathered once
 * they have all arrived. The length word and the type word are checked as soon as their bytes are
 * in, so garbage is rejected at once instead of after waiting for a bogus length. After an error the
 * decoder stays failed, since the stream position is lost (a real server closes the connection).
 *
 * @since 0.1.0
 */
import { Buffer } from "node:buffer"
import { Result } from "effect"
import { checkFrameLength, checkTypeWord, decodeCheckedFrame, DEFAULT_MAX_FRAME_SIZE, textInsteadOfFrame } from "./Frame.ts"
import type { FrameOptions } from "./Frame.ts"
import { IncompleteFrame, ProtocolError, TrailingBytes } from "./ProtocolError.ts"
import type { RemotingCommand } from "./RemotingCommand.ts"
import { asBuffer } from "./Utf8.ts"

/**
 * A stateful decoder for one byte stream.
 *
 * @since 0.1.0
 * @category models
 */
export class FrameDecoder {
  readonly maxFrameSize: number
  private pending: Array<Uint8Array> = []
  private pendingBytes = 0
  private failure: ProtocolError | undefined = undefined

  constructor(options?: FrameOptions) {
    this.maxFrameSize = options?.maxFrameSize ?? DEFAULT_MAX_FRAME_SIZE
  }

  /** Bytes received that do not yet form a complete frame. */
  get bufferedBytes(): number {
    return this.pendingBytes
  }

  /** The error that stopped this decoder, if any. */
  get error(): ProtocolError | undefined {
    return this.failure
  }

  /**
   * Feeds one chunk. Calls `emit` for every command completed by it, in stream order, and returns
   * the error that stops the stream, if the chunk holds one (commands before it are still emitted).
   */
  push(chunk: Uint8Array, emit: (command: RemotingCommand) => void): ProtocolError | undefined {
    if (this.failure !== undefined) return this.failure
    if (chunk.length === 0) return undefined
    if (this.pendingBytes === 0) return this.scan(chunk, emit)
    this.pending.push(chunk)
    this.pendingBytes += chunk.length
    const error = this.checkPendingPrefix()
    if (error !== undefined) return this.fail(error)
    if (this.pendingBytes < 4 || this.pendingBytes < 4 + this.peekInt32(0)) return undefined
    // The frame at the front is complete: gather what has arrived and scan it.
    const joined = Buffer.concat(this.pending, this.pendingBytes)
    this.pending = []
    this.pendingBytes = 0
    return this.scan(joined, emit)
  }

  /** Decodes every complete frame in `bytes`; keeps the incomplete rest for the next chunk. */
  private scan(bytes: Uint8Array, emit: (command: RemotingCommand) => void): ProtocolError | undefined {
    const buffer = asBuffer(bytes)
    let offset = 0
    while (bytes.length - offset >= 4) {
      const length = buffer.readInt32BE(offset)
      const lengthError = checkFrameLength(length, this.maxFrameSize)
      if (lengthError !== undefined) {
        const start = offset
        return this.fail(textInsteadOfFrame((position) => bytes[start + position]) ?? lengthError)
      }
      if (bytes.length - offset >= 8) {
        const typeError = checkTypeWord(buffer.readUInt32BE(offset + 4), length)
        if (typeError !== undefined) return this.fail(typeError)
      }
      if (bytes.length - offset < 4 + length) break
      const decoded = decodeCheckedFrame(bytes, offset)
      if (Result.isFailure(decoded)) return this.fail(decoded.failure)
      offset += 4 + length
      emit(decoded.success)
    }
    if (offset < bytes.length) {
      this.pending = [offset === 0 ? bytes : bytes.subarray(offset)]
      this.pendingBytes = bytes.length - offset
    }
    return undefined
  }

  /** Checks the length and type words of the buffered frame as soon as their bytes are in. */
  private checkPendingPrefix(): ProtocolError | undefined {
    if (this.pendingBytes < 4) return undefined
    const length = this.peekInt32(0)
    const lengthError = checkFrameLength(length, this.maxFrameSize)
    if (lengthError !== undefined) {
      return textInsteadOfFrame((position) => (position < this.pendingBytes ? this.peekByte(position) : undefined)) ?? lengthError
    }
    if (this.pendingBytes < 8) return undefined
    return checkTypeWord(this.peekInt32(4) >>> 0, length)
  }

  /** Reads a big-endian int32 at `position` of the buffered bytes, across chunk boundaries. */
  private peekInt32(position: number): number {
    let value = 0
    for (let i = 0; i < 4; i++) value = (value << 8) | this.peekByte(position + i)
    return value
  }

  private peekByte(position: number): number {
    for (const chunk of this.pending) {
      if (position < chunk.length) return chunk[position] ?? 0
      position -= chunk.length
    }
    return 0
  }

  private fail(error: ProtocolError): ProtocolError {
    this.failure = error
    this.pending = []
    this.pendingBytes = 0
    return error
  }
}

/**
 * Decodes a buffer that must hold exactly one frame (a capture file, say): an incomplete frame or
 * bytes after it are errors too.
 *
 * @since 0.1.0
 * @category decoding
 */
export const decodeFrame = (
  bytes: Uint8Array,
  options?: FrameOptions
): Result.Result<RemotingCommand, ProtocolError> => {
  const fail = (reason: ProtocolError["reason"]) => Result.fail(new ProtocolError({ reason }))
  if (bytes.length < 4) return fail(new IncompleteFrame({ expected: 4, received: bytes.length }))
  const buffer = asBuffer(bytes)
  const length = buffer.readInt32BE(0)
  const lengthError = checkFrameLength(length, options?.maxFrameSize ?? DEFAULT_MAX_FRAME_SIZE)
  if (lengthError !== undefined) return Result.fail(lengthError)
  if (bytes.length >= 8) {
    const typeError = checkTypeWord(buffer.readUInt32BE(4), length)
    if (typeError !== undefined) return Result.fail(typeError)
  }
  if (bytes.length < 4 + length) return fail(new IncompleteFrame({ expected: 4 + length, received: bytes.length }))
  if (bytes.length > 4 + length) return fail(new TrailingBytes({ count: bytes.length - 4 - length }))
  return decodeCheckedFrame(bytes, 0)
}
