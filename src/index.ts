/**
 * effect-rocketmq: a RocketMQ producer client on Effect 4, speaking the remoting protocol.
 *
 * @since 0.1.0
 */
export * from "./protocol/BrokerRegistration.ts"
export * from "./protocol/ClientHeaders.ts"
export * from "./protocol/ClusterInfo.ts"
export * from "./protocol/Frame.ts"
export * from "./protocol/FrameDecoder.ts"
export * from "./protocol/HeaderFields.ts"
export * from "./protocol/LanguageCode.ts"
export * from "./protocol/MalformedBody.ts"
export * from "./protocol/Permission.ts"
export * from "./protocol/ProtocolError.ts"
export * from "./protocol/RemotingCommand.ts"
export * from "./protocol/RequestCode.ts"
export * from "./protocol/ResponseCode.ts"
export * from "./protocol/RouteHeaders.ts"
export * from "./protocol/SendHeaders.ts"
export * from "./protocol/TopicRouteData.ts"
export * from "./route/MessageQueue.ts"
