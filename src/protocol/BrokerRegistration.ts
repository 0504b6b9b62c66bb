/**
 * What a broker sends a NameServer to join or leave it: REGISTER_BROKER (103) and
 * UNREGISTER_BROKER (104). A producer never sends these; the testkit broker and NameServer speak
 * them to each other as the real servers do.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import { BooleanFromString, headerDecoder, headerEncoder, IntFromString, LongFromString } from "./HeaderFields.ts"
import { jsonBodyParser } from "./JsonBody.ts"

/**
 * REGISTER_BROKER's header.
 *
 * @since 0.1.0
 * @category schemas
 */
export const RegisterBrokerRequestHeader = Schema.Struct({
  brokerName: Schema.String,
  brokerAddr: Schema.String,
  clusterName: Schema.String,
  haServerAddr: Schema.String,
  brokerId: LongFromString,
  compressed: Schema.optionalKey(BooleanFromString),
  bodyCrc32: Schema.optionalKey(IntFromString),
  heartbeatTimeoutMillis: Schema.optionalKey(LongFromString),
  enableActingMaster: Schema.optionalKey(BooleanFromString)
})

/**
 * @since 0.1.0
 * @category models
 */
export type RegisterBrokerRequestHeader = typeof RegisterBrokerRequestHeader.Type

/**
 * @since 0.1.0
 * @category encoding
 */
export const encodeRegisterBrokerRequestHeader = headerEncoder(RegisterBrokerRequestHeader)

/**
 * @since 0.1.0
 * @category decoding
 */
export const decodeRegisterBrokerRequestHeader = headerDecoder(RegisterBrokerRequestHeader)

/**
 * UNREGISTER_BROKER's header.
 *
 * @since 0.1.0
 * @category schemas
 */
export const UnregisterBrokerRequestHeader = Schema.Struct({
  brokerName: Schema.String,
  brokerAddr: Schema.String,
  clusterName: Schema.String,
  brokerId: LongFromString
})

/**
 * @since 0.1.0
 * @category models
 */
export type UnregisterBrokerRequestHeader = typeof UnregisterBrokerRequestHeader.Type

/**
 * @since 0.1.0
 * @category encoding
 */
export const encodeUnregisterBrokerRequestHeader = headerEncoder(UnregisterBrokerRequestHeader)

/**
 * @since 0.1.0
 * @category decoding
 */
export const decodeUnregisterBrokerRequestHeader = headerDecoder(UnregisterBrokerRequestHeader)

/**
 * A topic's configuration on a broker.
 *
 * @since 0.1.0
 * @category schemas
 */
export const TopicConfig = Schema.Struct({
  topicName: Schema.String,
  readQueueNums: Schema.Int,
  writeQueueNums: Schema.Int,
  perm: Schema.Int,
  topicSysFlag: Schema.Int,
  order: Schema.Boolean,
  topicFilterType: Schema.optionalKey(Schema.String)
})

/**
 * @since 0.1.0
 * @category models
 */
export type TopicConfig = typeof TopicConfig.Type

/**
 * REGISTER_BROKER's (uncompressed) body: the broker's topic config table and its data version.
 *
 * @since 0.1.0
 * @category schemas
 */
export const RegisterBrokerBody = Schema.Struct({
  topicConfigSerializeWrapper: Schema.Struct({
    topicConfigTable: Schema.Record(Schema.String, TopicConfig),
    dataVersion: Schema.optionalKey(Schema.Struct({ counter: Schema.Number, timestamp: Schema.Number }))
  }),
  filterServerList: Schema.optionalKey(Schema.Array(Schema.String))
})

/**
 * @since 0.1.0
 * @category models
 */
export type RegisterBrokerBody = typeof RegisterBrokerBody.Type

/**
 * Reads a REGISTER_BROKER body.
 *
 * @since 0.1.0
 * @category decoding
 */
export const parseRegisterBrokerBody = jsonBodyParser(RegisterBrokerBody, "RegisterBrokerBody")

/**
 * The REGISTER_BROKER body as a 4.9.8 broker writes it.
 *
 * @since 0.1.0
 * @category encoding
 */
export const writeRegisterBrokerBody = (body: RegisterBrokerBody): string =>
  JSON.stringify({
    filterServerList: body.filterServerList ?? [],
    topicConfigSerializeWrapper: {
      dataVersion: body.topicConfigSerializeWrapper.dataVersion,
      topicConfigTable: body.topicConfigSerializeWrapper.topicConfigTable
    }
  })
