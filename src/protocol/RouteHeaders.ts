/**
 * Headers of the NameServer route requests (REMOTING.md §8.1).
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import { BooleanFromString, headerDecoder, headerEncoder } from "./HeaderFields.ts"

/**
 * GET_ROUTEINFO_BY_TOPIC (105): the topic, and whether the client accepts only standard JSON
 * (honoured by NameServers from 4.9.4 on).
 *
 * @since 0.1.0
 * @category schemas
 */
export const GetRouteInfoRequestHeader = Schema.Struct({
  topic: Schema.String,
  acceptStandardJsonOnly: Schema.optionalKey(BooleanFromString)
})

/**
 * @since 0.1.0
 * @category models
 */
export type GetRouteInfoRequestHeader = typeof GetRouteInfoRequestHeader.Type

/**
 * @since 0.1.0
 * @category encoding
 */
export const encodeGetRouteInfoRequestHeader = headerEncoder(GetRouteInfoRequestHeader)

/**
 * @since 0.1.0
 * @category decoding
 */
export const decodeGetRouteInfoRequestHeader = headerDecoder(GetRouteInfoRequestHeader)
