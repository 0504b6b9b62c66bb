/**
 * What a client tells brokers about itself: HEART_BEAT (34) and UNREGISTER_CLIENT (35)
 * (REMOTING.md §16).
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import { headerDecoder, headerEncoder } from "./HeaderFields.ts"
import { jsonBodyParser } from "./JsonBody.ts"

/**
 * UNREGISTER_CLIENT's header: the client id and the group it leaves.
 *
 * @since 0.1.0
 * @category schemas
 */
export const UnregisterClientRequestHeader = Schema.Struct({
  clientID: Schema.String,
  producerGroup: Schema.optionalKey(Schema.String),
  consumerGroup: Schema.optionalKey(Schema.String)
})

/**
 * @since 0.1.0
 * @category models
 */
export type UnregisterClientRequestHeader = typeof UnregisterClientRequestHeader.Type

/**
 * @since 0.1.0
 * @category encoding
 */
export const encodeUnregisterClientRequestHeader = headerEncoder(UnregisterClientRequestHeader)

/**
 * @since 0.1.0
 * @category decoding
 */
export const decodeUnregisterClientRequestHeader = headerDecoder(UnregisterClientRequestHeader)

/**
 * The body of HEART_BEAT: the client id and the groups it runs. A producer sends an empty
 * `consumerDataSet`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const HeartbeatData = Schema.Struct({
  clientID: Schema.String,
  producerDataSet: Schema.Array(Schema.Struct({ groupName: Schema.String })),
  consumerDataSet: Schema.Array(Schema.Unknown)
})

/**
 * @since 0.1.0
 * @category models
 */
export type HeartbeatData = typeof HeartbeatData.Type

/**
 * The heartbeat body as the 4.9.8 Java client writes it (keys in alphabetical order).
 *
 * @since 0.1.0
 * @category encoding
 */
export const writeHeartbeatData = (data: HeartbeatData): string =>
  JSON.stringify({ clientID: data.clientID, consumerDataSet: data.consumerDataSet, producerDataSet: data.producerDataSet })

/**
 * Reads a heartbeat body.
 *
 * @since 0.1.0
 * @category decoding
 */
export const parseHeartbeatData = jsonBodyParser(HeartbeatData, "HeartbeatData")
