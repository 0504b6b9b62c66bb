/**
 * effect-rocketmq/protocol: the remoting protocol as data and pure codecs — frames, headers,
 * request and response codes, route and registration bodies, and the message wire format
 * (`message/`: properties, system flags, batches, compression, message ids). No I/O.
 *
 * @since 0.1.0
 */
export * from "./BrokerRegistration.ts"
export * from "./ClientHeaders.ts"
export * from "./ClusterInfo.ts"
export * from "./Frame.ts"
export * from "./FrameDecoder.ts"
export * from "./HeaderFields.ts"
export * from "./IpAddress.ts"
export * from "./LanguageCode.ts"
export * from "./LenientJson.ts"
export * from "./MalformedBody.ts"
export * from "./OrderTopicConf.ts"
export * from "./Permission.ts"
export * from "./ProtocolError.ts"
export * from "./RemotingCommand.ts"
export * from "./RequestCode.ts"
export * from "./ResponseCode.ts"
export * from "./RouteHeaders.ts"
export * from "./RouteLimits.ts"
export * from "./SendHeaders.ts"
export * from "./StringMap.ts"
export * from "./TopicRouteData.ts"
export * from "./TopicValidator.ts"
export * from "./message/BatchEncoding.ts"
export * from "./message/Compression.ts"
export * from "./message/Message.ts"
export * from "./message/MessageConst.ts"
export * from "./message/MessageId.ts"
export * from "./message/MessageLimits.ts"
export * from "./message/MessageProperties.ts"
export * from "./message/MessageSysFlag.ts"
export * from "./message/OffsetMsgId.ts"
export * from "./message/UniqueId.ts"
