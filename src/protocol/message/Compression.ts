/**
 * Body compression (REMOTING.md §12.3): a producer deflates a single message's body of 4 KiB or more
 * with zlib (RFC 1950, what Java's `Deflater` writes) and marks it in the `sysFlag`; the receiving
 * side inflates it again.
 *
 * @since 0.1.0
 */
import { Result, Schema } from "effect"
import { constants as BufferConstants } from "node:buffer"
import * as Zlib from "node:zlib"
import { COMPRESSED_FLAG, COMPRESSION_ZLIB_TYPE, compressionTypeOf, isCompressed } from "./MessageSysFlag.ts"

/**
 * Bodies of at least this many bytes are compressed: Java's `compressMsgBodyOverHowmuch` (4096),
 * compared with `>=` as in `DefaultMQProducerImpl.tryToCompressMessage`.
 *
 * @since 0.1.0
 * @category constants
 */
export const DEFAULT_COMPRESS_THRESHOLD = 4096

/**
 * Java's default deflate level (`rocketmq.message.compressLevel`, 5).
 *
 * @since 0.1.0
 * @category constants
 */
export const DEFAULT_COMPRESS_LEVEL = 5

/**
 * The default limit on an inflated body: 128 MiB, far above any body a broker accepts (4 MiB by
 * default), so that a small hostile body cannot inflate to gigabytes.
 *
 * @since 0.1.0
 * @category constants
 */
export const DEFAULT_MAX_INFLATED_SIZE = 128 * 1024 * 1024

/**
 * Options of {@link compressBody}.
 *
 * @since 0.1.0
 * @category models
 */
export interface CompressOptions {
  /** Compress bodies of at least this many bytes; default 4096. */
  readonly threshold?: number | undefined
  /** zlib level, 0…9 (or -1 for zlib's default); default 5. */
  readonly level?: number | undefined
}

/**
 * A body as it goes on the wire, with the `sysFlag` bits that describe it.
 *
 * @since 0.1.0
 * @category models
 */
export interface CompressedBody {
  readonly body: Uint8Array
  /** `COMPRESSED_FLAG | COMPRESSION_ZLIB_TYPE` (`0x301`) when compressed, else 0. */
  readonly sysFlag: number
}

const ZLIB_SYS_FLAG = COMPRESSED_FLAG | COMPRESSION_ZLIB_TYPE

/**
 * Deflates `body` when it has at least `threshold` bytes, as Java does: the compressed body is used
 * even if it is not smaller, and if compression fails the body is sent as it is (Java logs and
 * sends it uncompressed), so this never throws. Applies to single messages only: Java never
 * compresses a batch.
 *
 * @since 0.1.0
 * @category encoding
 */
export const compressBody = (body: Uint8Array, options?: CompressOptions): CompressedBody => {
  if (body.length < (options?.threshold ?? DEFAULT_COMPRESS_THRESHOLD)) return { body, sysFlag: 0 }
  try {
    return { body: Zlib.deflateSync(body, { level: options?.level ?? DEFAULT_COMPRESS_LEVEL }), sysFlag: ZLIB_SYS_FLAG }
  } catch {
    return { body, sysFlag: 0 }
  }
}

/**
 * Why a body could not be inflated.
 *
 * - `UnsupportedCompressionType`: LZ4, ZSTD, or a type value no version defines;
 * - `CorruptBody`: not a valid zlib stream;
 * - `BodyTooLarge`: the inflated body would exceed the limit.
 *
 * @since 0.1.0
 * @category errors
 */
export class DecompressionError extends Schema.TaggedError<DecompressionError>()("DecompressionError", {
  reason: Schema.Literals(["UnsupportedCompressionType", "CorruptBody", "BodyTooLarge"]),
  sysFlag: Schema.Number,
  detail: Schema.String
}) {
  override get message(): string {
    return `cannot decompress a body with sysFlag 0x${(this.sysFlag >>> 0).toString(16)} (${this.reason}): ${this.detail}`
  }
}

/**
 * Options of {@link decompressBody}.
 *
 * @since 0.1.0
 * @category models
 */
export interface DecompressOptions {
  /** Largest inflated body accepted, in bytes; default {@link DEFAULT_MAX_INFLATED_SIZE}. */
  readonly maxSize?: number | undefined
}

/**
 * The body as the sender gave it: `body` itself when `sysFlag` has no compressed bit, else `body`
 * inflated. The type bits 0 (senders before 4.9.4) and 3 mean ZLIB; LZ4, ZSTD and undefined types
 * fail with `UnsupportedCompressionType`. Never throws.
 *
 * @since 0.1.0
 * @category decoding
 */
export const decompressBody = (
  body: Uint8Array,
  sysFlag: number,
  options?: DecompressOptions
): Result.Result<Uint8Array, DecompressionError> => {
  if (!isCompressed(sysFlag)) return Result.succeed(body)
  const type = compressionTypeOf(sysFlag)
  if (type !== "ZLIB") {
    return Result.fail(
      new DecompressionError({
        reason: "UnsupportedCompressionType",
        sysFlag,
        detail: type === undefined
          ? `compression type ${(sysFlag >>> 8) & 7} is not defined`
          : `${type} is not supported, only ZLIB`
      })
    )
  }
  const maxSize = options?.maxSize ?? DEFAULT_MAX_INFLATED_SIZE
  try {
    const maxOutputLength = maxSize >= 1 ? Math.min(Math.floor(maxSize), BufferConstants.MAX_LENGTH) : 1
    return Result.succeed(Zlib.inflateSync(body, { maxOutputLength }))
  } catch (error) {
    const code = error instanceof Error && "code" in error ? error.code : undefined
    return Result.fail(
      code === "ERR_BUFFER_TOO_LARGE"
        ? new DecompressionError({ reason: "BodyTooLarge", sysFlag, detail: `inflates to more than ${maxSize} bytes` })
        : new DecompressionError({
          reason: "CorruptBody",
          sysFlag,
          detail: error instanceof Error ? error.message : String(error)
        })
    )
  }
}
