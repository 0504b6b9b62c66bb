/**
 * Why bytes could not be read or written as a remoting frame. One error, `ProtocolError`, whose
 * `reason` names the problem.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"

/**
 * The 4-byte length word is negative (as a signed 32-bit integer).
 *
 * @since 0.1.0
 * @category errors
 */
export class NegativeFrameLength extends Schema.TaggedError<NegativeFrameLength>()("NegativeFrameLength", {
  length: Schema.Number
}) {
  override get message(): string {
    return `frame length ${this.length} is negative`
  }

  /** `false`: the same bytes (or command) are read (or written) the same way every time. */
  get isRetryable(): boolean {
    return false
  }
}

/**
 * The length word is smaller than the 4 bytes every frame needs for its type byte and header length.
 *
 * @since 0.1.0
 * @category errors
 */
export class FrameTooShort extends Schema.TaggedError<FrameTooShort>()("FrameTooShort", {
  length: Schema.Number
}) {
  override get message(): string {
    return `frame length ${this.length} is below the minimum of 4 bytes`
  }

  /** `false`: the same bytes (or command) are read (or written) the same way every time. */
  get isRetryable(): boolean {
    return false
  }
}

/**
 * The frame (length word included) is larger than the configured maximum.
 *
 * @since 0.1.0
 * @category errors
 */
export class FrameTooLarge extends Schema.TaggedError<FrameTooLarge>()("FrameTooLarge", {
  length: Schema.Number,
  maxFrameSize: Schema.Number
}) {
  override get message(): string {
    return `frame of ${this.length} bytes exceeds the maximum frame size of ${this.maxFrameSize} bytes`
  }

  /** `false`: the same bytes (or command) are read (or written) the same way every time. */
  get isRetryable(): boolean {
    return false
  }
}

/**
 * The header length in the frame is larger than what the frame holds after its type word.
 *
 * @since 0.1.0
 * @category errors
 */
export class HeaderLengthExceedsFrame extends Schema.TaggedError<HeaderLengthExceedsFrame>()(
  "HeaderLengthExceedsFrame",
  { headerLength: Schema.Number, frameLength: Schema.Number }
) {
  override get message(): string {
    return `header length ${this.headerLength} exceeds the ${this.frameLength - 4} bytes the frame has after its type word`
  }

  /** `false`: the same bytes (or command) are read (or written) the same way every time. */
  get isRetryable(): boolean {
    return false
  }
}

/**
 * The serialize type byte is neither 0 (JSON) nor 1 (ROCKETMQ).
 *
 * @since 0.1.0
 * @category errors
 */
export class UnknownSerializeType extends Schema.TaggedError<UnknownSerializeType>()("UnknownSerializeType", {
  serializeType: Schema.Number
}) {
  override get message(): string {
    return `unknown header serialize type ${this.serializeType} (expected 0 = JSON or 1 = ROCKETMQ)`
  }

  /** `false`: the same bytes (or command) are read (or written) the same way every time. */
  get isRetryable(): boolean {
    return false
  }
}

/**
 * The header bytes do not form a valid header of their serialize type.
 *
 * @since 0.1.0
 * @category errors
 */
export class MalformedHeader extends Schema.TaggedError<MalformedHeader>()("MalformedHeader", {
  serializeType: Schema.Literals(["JSON", "ROCKETMQ"]),
  detail: Schema.String
}) {
  override get message(): string {
    return `malformed ${this.serializeType} header: ${this.detail}`
  }

  /** `false`: the same bytes (or command) are read (or written) the same way every time. */
  get isRetryable(): boolean {
    return false
  }
}

/**
 * A command that cannot be put on the wire in the requested serialization (a field out of the range
 * the binary header can hold, or a header longer than the 24-bit header length allows).
 *
 * @since 0.1.0
 * @category errors
 */
export class UnencodableCommand extends Schema.TaggedError<UnencodableCommand>()("UnencodableCommand", {
  detail: Schema.String
}) {
  override get message(): string {
    return `command cannot be encoded: ${this.detail}`
  }

  /** `false`: the same bytes (or command) are read (or written) the same way every time. */
  get isRetryable(): boolean {
    return false
  }
}

/**
 * The input ended inside a frame: fewer bytes than the length word announces.
 *
 * @since 0.1.0
 * @category errors
 */
export class IncompleteFrame extends Schema.TaggedError<IncompleteFrame>()("IncompleteFrame", {
  expected: Schema.Number,
  received: Schema.Number
}) {
  override get message(): string {
    return `incomplete frame: ${this.received} of ${this.expected} bytes`
  }

  /** `false`: the same bytes (or command) are read (or written) the same way every time. */
  get isRetryable(): boolean {
    return false
  }
}

/**
 * Bytes left over after a complete frame where exactly one frame was expected.
 *
 * @since 0.1.0
 * @category errors
 */
export class TrailingBytes extends Schema.TaggedError<TrailingBytes>()("TrailingBytes", {
  count: Schema.Number
}) {
  override get message(): string {
    return `${this.count} trailing bytes after the frame`
  }

  /** `false`: the same bytes (or command) are read (or written) the same way every time. */
  get isRetryable(): boolean {
    return false
  }
}

/**
 * The peer answered in a text protocol (HTTP, SMTP, …) where a frame's length word was due: it is
 * not a RocketMQ server. `text` is the start of what it sent, up to its first line break.
 *
 * @since 0.1.0
 * @category errors
 */
export class NotRemotingProtocol extends Schema.TaggedError<NotRemotingProtocol>()("NotRemotingProtocol", {
  text: Schema.String
}) {
  override get message(): string {
    return `not a RocketMQ server: it answered ${JSON.stringify(this.text)}, text where a frame was due`
  }

  /** `false`: the same bytes (or command) are read (or written) the same way every time. */
  get isRetryable(): boolean {
    return false
  }
}

/**
 * What went wrong in a `ProtocolError`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const ProtocolErrorReason = Schema.Union([
  NegativeFrameLength,
  FrameTooShort,
  FrameTooLarge,
  HeaderLengthExceedsFrame,
  UnknownSerializeType,
  MalformedHeader,
  UnencodableCommand,
  IncompleteFrame,
  TrailingBytes,
  NotRemotingProtocol
])

/**
 * @since 0.1.0
 * @category models
 */
export type ProtocolErrorReason = typeof ProtocolErrorReason.Type

/**
 * Bytes that are not a valid remoting frame, or a command that cannot become one.
 *
 * @since 0.1.0
 * @category errors
 */
export class ProtocolError extends Schema.TaggedError<ProtocolError>()("ProtocolError", {
  reason: ProtocolErrorReason
}) {
  override get message(): string {
    return this.reason.message
  }

  /** The reason's `isRetryable`: `false` for every reason, since bytes decode the same way each time. */
  get isRetryable(): boolean {
    return this.reason.isRetryable
  }
}
