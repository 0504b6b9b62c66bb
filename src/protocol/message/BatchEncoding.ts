/**
 * The body of SEND_BATCH_MESSAGE (REMOTING.md §12.4, `MessageDecoder.encodeMessages` /
 * `decodeMessages`): one record per message, concatenated, with no count and no outer header.
 *
 * ```
 * int32 record size (this field included) · int32 magic 0 · int32 body CRC 0 · int32 flag
 * · int32 body length · body · int16 properties length · properties (UTF-8)
 * ```
 *
 * @since 0.1.0
 */
import { Result, Schema } from "effect"
import { Buffer } from "node:buffer"
import { asBuffer, decodeUtf8 } from "../Utf8.ts"

/**
 * One message of a batch as it travels: its body, its user flag and its encoded properties string.
 *
 * @since 0.1.0
 * @category models
 */
export interface BatchRecord {
  readonly body: Uint8Array
  /** The message's user flag, a Java `int`. */
  readonly flag: number
  /** The encoded properties (see `encodeProperties`), at most 32 767 UTF-8 bytes. */
  readonly properties: string
}

/**
 * Bytes a record takes besides its body and properties: five int32 fields and the int16 length.
 *
 * @since 0.1.0
 * @category constants
 */
export const BATCH_RECORD_OVERHEAD = 22

/**
 * A batch record that cannot be written: its properties exceed the int16 length field, its flag is
 * not a Java `int`, or the batch exceeds the 2 GiB an int32 size can describe.
 *
 * @since 0.1.0
 * @category errors
 */
export class UnencodableBatch extends Schema.TaggedError<UnencodableBatch>()("UnencodableBatch", {
  index: Schema.Number,
  detail: Schema.String
}) {
  override get message(): string {
    return `batch record ${this.index} cannot be encoded: ${this.detail}`
  }
}

/**
 * Bytes that are not a well-formed batch body: `offset` is where the bad record starts.
 *
 * @since 0.1.0
 * @category errors
 */
export class MalformedBatch extends Schema.TaggedError<MalformedBatch>()("MalformedBatch", {
  offset: Schema.Number,
  detail: Schema.String
}) {
  override get message(): string {
    return `malformed batch body at byte ${this.offset}: ${this.detail}`
  }
}

const MAX_PROPERTIES_LENGTH = 32767
const MAX_INT32 = 2147483647

/**
 * Encodes records into one batch body, allocating it once and writing every body and properties
 * string straight into it. Properties are written as given (4.9.8 writes them without a trailing
 * separator; `encodeProperties` does the same).
 *
 * A properties string over 32 767 UTF-8 bytes, a flag that is not a Java `int` or a batch over
 * 2 GiB fails with {@link UnencodableBatch} instead of writing a corrupt record (Java 4.9.8 throws;
 * 5.x silently truncates the length); never throws.
 *
 * @since 0.1.0
 * @category encoding
 */
export const encodeBatch = (records: ReadonlyArray<BatchRecord>): Result.Result<Uint8Array, UnencodableBatch> => {
  let total = 0
  for (let i = 0; i < records.length; i++) {
    const record = records[i]
    if (record === undefined) continue
    if (!Number.isInteger(record.flag) || record.flag < -2147483648 || record.flag > MAX_INT32) {
      return Result.fail(new UnencodableBatch({ index: i, detail: `flag ${record.flag} is not a Java int` }))
    }
    const propertiesLength = Buffer.byteLength(record.properties, "utf8")
    if (propertiesLength > MAX_PROPERTIES_LENGTH) {
      return Result.fail(
        new UnencodableBatch({
          index: i,
          detail: `properties take ${propertiesLength} bytes, more than ${MAX_PROPERTIES_LENGTH}`
        })
      )
    }
    total += BATCH_RECORD_OVERHEAD + record.body.length + propertiesLength
    if (total > MAX_INT32) return Result.fail(new UnencodableBatch({ index: i, detail: `the batch exceeds ${MAX_INT32} bytes` }))
  }
  const out = Buffer.allocUnsafe(total)
  let offset = 0
  for (const record of records) {
    const bodyLength = record.body.length
    const propertiesStart = offset + 22 + bodyLength
    const propertiesLength = out.write(record.properties, propertiesStart, "utf8")
    const size = BATCH_RECORD_OVERHEAD + bodyLength + propertiesLength
    out.writeInt32BE(size, offset)
    out.writeInt32BE(0, offset + 4)
    out.writeInt32BE(0, offset + 8)
    out.writeInt32BE(record.flag, offset + 12)
    out.writeInt32BE(bodyLength, offset + 16)
    out.set(record.body, offset + 20)
    out.writeInt16BE(propertiesLength, propertiesStart - 2)
    offset += size
  }
  return Result.succeed(out)
}

/**
 * Decodes a batch body into its records. Bodies are views into `bytes` (no copy); properties are
 * decoded as UTF-8 text (see `decodeProperties` for their map). Like Java it does not check the
 * magic code and CRC fields. It fails, without reading past the buffer, on a record that is cut
 * short, has a negative length, or whose size field disagrees with its body and properties lengths;
 * never throws. An empty body is an empty batch.
 *
 * @since 0.1.0
 * @category decoding
 */
export const decodeBatch = (bytes: Uint8Array): Result.Result<Array<BatchRecord>, MalformedBatch> => {
  const buffer = asBuffer(bytes)
  const records: Array<BatchRecord> = []
  const end = buffer.length
  let offset = 0
  const fail = (detail: string) => Result.fail(new MalformedBatch({ offset, detail }))
  while (offset < end) {
    const remaining = end - offset
    if (remaining < BATCH_RECORD_OVERHEAD) {
      return fail(`${remaining} bytes left, fewer than the ${BATCH_RECORD_OVERHEAD} of a record's fixed fields`)
    }
    const size = buffer.readInt32BE(offset)
    if (size < BATCH_RECORD_OVERHEAD) return fail(`record size ${size} is below the minimum of ${BATCH_RECORD_OVERHEAD}`)
    if (size > remaining) return fail(`record size ${size} exceeds the ${remaining} bytes left`)
    const flag = buffer.readInt32BE(offset + 12)
    const bodyLength = buffer.readInt32BE(offset + 16)
    if (bodyLength < 0 || bodyLength > size - BATCH_RECORD_OVERHEAD) {
      return fail(`body length ${bodyLength} does not fit in a record of ${size} bytes`)
    }
    const bodyStart = offset + 20
    const propertiesStart = bodyStart + bodyLength + 2
    const propertiesLength = buffer.readInt16BE(propertiesStart - 2)
    if (propertiesLength < 0 || BATCH_RECORD_OVERHEAD + bodyLength + propertiesLength !== size) {
      return fail(
        `record size ${size} disagrees with body length ${bodyLength} and properties length ${propertiesLength}`
      )
    }
    records.push({
      body: bytes.subarray(bodyStart, bodyStart + bodyLength),
      flag,
      properties: decodeUtf8(bytes, propertiesStart, propertiesStart + propertiesLength)
    })
    offset += size
  }
  return Result.succeed(records)
}
