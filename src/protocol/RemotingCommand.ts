/**
 * The unit of the remoting protocol: one request or response (REMOTING.md §3).
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import { clientLanguage, LanguageCode } from "./LanguageCode.ts"

/**
 * How a frame's header is serialized: JSON (type byte 0) or the binary ROCKETMQ form (type byte 1).
 *
 * @since 0.1.0
 * @category schemas
 */
export const SerializeType = Schema.Literals(["JSON", "ROCKETMQ"])

/**
 * @since 0.1.0
 * @category models
 */
export type SerializeType = typeof SerializeType.Type

/**
 * A string → string map, as the custom header (`extFields`) travels: every value is a string.
 *
 * @since 0.1.0
 * @category schemas
 */
export const ExtFields = Schema.Record(Schema.String, Schema.String)

/**
 * @since 0.1.0
 * @category models
 */
export type ExtFields = typeof ExtFields.Type

/**
 * A remoting command. Every field is always present (absent values are `undefined`) so that all
 * commands share one object shape.
 *
 * - `language` is `undefined` when the peer sent a language no server defines.
 * - `extFields` distinguishes "no custom header" (`undefined`) from an empty one (`{}`), as the JSON
 *   form does.
 * - `body` is `undefined` when the frame has no body bytes.
 *
 * @since 0.1.0
 * @category schemas
 */
export const RemotingCommand = Schema.Struct({
  code: Schema.Int,
  language: Schema.UndefinedOr(LanguageCode),
  version: Schema.Int,
  opaque: Schema.Int,
  flag: Schema.Int,
  remark: Schema.UndefinedOr(Schema.String),
  extFields: Schema.UndefinedOr(ExtFields),
  body: Schema.UndefinedOr(Schema.Uint8Array),
  serializeType: SerializeType
})

/**
 * @since 0.1.0
 * @category models
 */
export type RemotingCommand = typeof RemotingCommand.Type

/**
 * Flag bit 0: the command is a response.
 *
 * @since 0.1.0
 * @category constants
 */
export const FLAG_RESPONSE = 1

/**
 * Flag bit 1: a oneway request, which the receiver must not answer.
 *
 * @since 0.1.0
 * @category constants
 */
export const FLAG_ONEWAY = 2

/**
 * The protocol version this client declares: 409 (`V4_9_8`). It is ≥ 401, so NameServers from 4.9.4 on
 * answer routes in standard JSON, and below the thresholds at which shutting-down 5.x servers answer
 * `GO_AWAY` (REMOTING.md §3.4).
 *
 * @since 0.1.0
 * @category constants
 */
export const clientVersion = 409

/**
 * `true` for a response.
 *
 * @since 0.1.0
 * @category predicates
 */
export const isResponse = (command: RemotingCommand): boolean => (command.flag & FLAG_RESPONSE) !== 0

/**
 * `true` for a oneway request.
 *
 * @since 0.1.0
 * @category predicates
 */
export const isOneway = (command: RemotingCommand): boolean => (command.flag & FLAG_ONEWAY) !== 0

/**
 * What a caller gives to build a request; the rest takes the client's defaults.
 *
 * @since 0.1.0
 * @category models
 */
export interface RequestOptions {
  readonly code: number
  readonly extFields?: ExtFields | undefined
  readonly body?: Uint8Array | undefined
  readonly remark?: string | undefined
  readonly oneway?: boolean | undefined
  readonly opaque?: number | undefined
  readonly language?: LanguageCode | undefined
  readonly version?: number | undefined
  readonly serializeType?: SerializeType | undefined
}

/**
 * Builds a request with this client's language and version. The transport assigns the opaque when
 * it sends the request.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeRequest = (options: RequestOptions): RemotingCommand => ({
  code: options.code,
  language: options.language ?? clientLanguage,
  version: options.version ?? clientVersion,
  opaque: options.opaque ?? 0,
  flag: options.oneway === true ? FLAG_ONEWAY : 0,
  remark: options.remark,
  extFields: options.extFields,
  body: options.body,
  serializeType: options.serializeType ?? "JSON"
})

/**
 * What a server gives to answer a request.
 *
 * @since 0.1.0
 * @category models
 */
export interface ResponseOptions {
  readonly code: number
  readonly remark?: string | undefined
  readonly extFields?: ExtFields | undefined
  readonly body?: Uint8Array | undefined
  readonly language?: LanguageCode | undefined
  readonly version?: number | undefined
  readonly serializeType?: SerializeType | undefined
}

/**
 * Builds the response to a request: same opaque, the response flag set, and by default the
 * request's serialization (as 4.9.4–4.9.8 servers do).
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeResponse = (request: RemotingCommand, options: ResponseOptions): RemotingCommand => ({
  code: options.code,
  language: options.language ?? clientLanguage,
  version: options.version ?? clientVersion,
  opaque: request.opaque,
  flag: FLAG_RESPONSE,
  remark: options.remark,
  extFields: options.extFields,
  body: options.body,
  serializeType: options.serializeType ?? request.serializeType
})

/**
 * A copy of a command with another opaque.
 *
 * @since 0.1.0
 * @category combinators
 */
export const withOpaque = (command: RemotingCommand, opaque: number): RemotingCommand => ({ ...command, opaque })
