/**
 * The `sysFlag` of a message (REMOTING.md §12.2, Java's `MessageSysFlag` and `CompressionType`):
 * compression, transaction state and, set by the broker, address forms and inner batches.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"

/**
 * The body is compressed (bit 0).
 *
 * @since 0.1.0
 * @category constants
 */
export const COMPRESSED_FLAG = 0x1

/**
 * The message has several tags (bit 1); not set by producers.
 *
 * @since 0.1.0
 * @category constants
 */
export const MULTI_TAGS_FLAG = 0x2

/**
 * Transaction type bits 2–3: not a transactional message.
 *
 * @since 0.1.0
 * @category constants
 */
export const TRANSACTION_NOT_TYPE = 0

/**
 * Transaction type bits 2–3: a half (prepared) message; the producer sets it when `TRAN_MSG=true`.
 *
 * @since 0.1.0
 * @category constants
 */
export const TRANSACTION_PREPARED_TYPE = 0x4

/**
 * Transaction type bits 2–3: committed.
 *
 * @since 0.1.0
 * @category constants
 */
export const TRANSACTION_COMMIT_TYPE = 0x8

/**
 * Transaction type bits 2–3: rolled back; also the mask of the transaction type bits.
 *
 * @since 0.1.0
 * @category constants
 */
export const TRANSACTION_ROLLBACK_TYPE = 0xc

/**
 * The born host is an IPv6 address (bit 4); set by the broker.
 *
 * @since 0.1.0
 * @category constants
 */
export const BORNHOST_V6_FLAG = 0x10

/**
 * The store host is an IPv6 address (bit 5); set by the broker.
 *
 * @since 0.1.0
 * @category constants
 */
export const STOREHOSTADDRESS_V6_FLAG = 0x20

/**
 * Inner batch to unwrap (bit 6); set by the broker.
 *
 * @since 0.1.0
 * @category constants
 */
export const NEED_UNWRAP_FLAG = 0x40

/**
 * Inner batch (bit 7); set by the broker.
 *
 * @since 0.1.0
 * @category constants
 */
export const INNER_BATCH_FLAG = 0x80

/**
 * Compression type bits 8–10: LZ4.
 *
 * @since 0.1.0
 * @category constants
 */
export const COMPRESSION_LZ4_TYPE = 0x100

/**
 * Compression type bits 8–10: ZSTD.
 *
 * @since 0.1.0
 * @category constants
 */
export const COMPRESSION_ZSTD_TYPE = 0x200

/**
 * Compression type bits 8–10: ZLIB. Java 4.9.4+ sends `COMPRESSED_FLAG | COMPRESSION_ZLIB_TYPE`
 * (`0x301`) for a zlib-compressed body.
 *
 * @since 0.1.0
 * @category constants
 */
export const COMPRESSION_ZLIB_TYPE = 0x300

/**
 * Mask of the compression type bits 8–10 (`COMPRESSION_TYPE_COMPARATOR`).
 *
 * @since 0.1.0
 * @category constants
 */
export const COMPRESSION_TYPE_MASK = 0x700

/**
 * A compression algorithm RocketMQ knows.
 *
 * @since 0.1.0
 * @category schemas
 */
export const CompressionType = Schema.Literals(["ZLIB", "LZ4", "ZSTD"])

/**
 * @since 0.1.0
 * @category models
 */
export type CompressionType = typeof CompressionType.Type

/**
 * `true` when any of `bits` is set in `sysFlag` (Java's `MessageSysFlag.check`).
 *
 * @since 0.1.0
 * @category predicates
 */
export const hasFlag = (sysFlag: number, bits: number): boolean => (sysFlag & bits) !== 0

/**
 * `true` when the body is compressed.
 *
 * @since 0.1.0
 * @category predicates
 */
export const isCompressed = (sysFlag: number): boolean => (sysFlag & COMPRESSED_FLAG) !== 0

/**
 * The compression type named by bits 8–10: 0 (senders before 4.9.4) and 3 mean ZLIB, 1 LZ4, 2 ZSTD;
 * `undefined` for the values 4–7, which no version defines. Meaningful only when the body is
 * compressed.
 *
 * @since 0.1.0
 * @category flags
 */
export const compressionTypeOf = (sysFlag: number): CompressionType | undefined => {
  switch ((sysFlag & COMPRESSION_TYPE_MASK) >>> 8) {
    case 0:
    case 3:
      return "ZLIB"
    case 1:
      return "LZ4"
    case 2:
      return "ZSTD"
    default:
      return undefined
  }
}

/**
 * The type bits of a compression type (`CompressionType.getCompressionFlag`).
 *
 * @since 0.1.0
 * @category flags
 */
export const compressionFlag = (type: CompressionType): number =>
  type === "ZLIB" ? COMPRESSION_ZLIB_TYPE : type === "LZ4" ? COMPRESSION_LZ4_TYPE : COMPRESSION_ZSTD_TYPE

/**
 * `sysFlag` without the compressed bit (the type bits stay, as in Java's `clearCompressedFlag`).
 *
 * @since 0.1.0
 * @category flags
 */
export const clearCompressedFlag = (sysFlag: number): number => sysFlag & ~COMPRESSED_FLAG

/**
 * The transaction type bits of `sysFlag`: one of the `TRANSACTION_*_TYPE` values.
 *
 * @since 0.1.0
 * @category flags
 */
export const transactionType = (sysFlag: number): number => sysFlag & TRANSACTION_ROLLBACK_TYPE

/**
 * `sysFlag` with its transaction type bits replaced by `type` (Java's `resetTransactionValue`).
 *
 * @since 0.1.0
 * @category flags
 */
export const withTransactionType = (sysFlag: number, type: number): number =>
  (sysFlag & ~TRANSACTION_ROLLBACK_TYPE) | (type & TRANSACTION_ROLLBACK_TYPE)
