/**
 * effect-rocketmq: a RocketMQ producer client on Effect 4, speaking the remoting protocol.
 *
 * Start with `Producer.layer({ nameServers })` and `Producer.send(message)`. The root holds what a
 * producer's user needs: the producer and its options, messages, send results and the errors a
 * send or the layer can fail with, and the metrics as `ProducerMetrics` and `RouteMetrics`. The
 * layers beneath are subpaths: `effect-rocketmq/producer` (validation, queue selection, fault
 * strategy), `effect-rocketmq/route` (route lookup, `RouteDiff`), `effect-rocketmq/transport`
 * (remoting client, NameServer transport) and `effect-rocketmq/protocol` (the wire format).
 *
 * @since 0.1.0
 */
export * from "./producer/Producer.ts"
export * from "./producer/ProducerError.ts"
export * from "./producer/ProducerOptions.ts"
export * from "./producer/Requester.ts"
export * from "./producer/SendResult.ts"
export { InvalidMessage, InvalidMessageRule } from "./producer/MessageValidation.ts"
export type { FaultStrategyOptions } from "./producer/FaultStrategy.ts"
export * from "./producer/TransactionProducer.ts"
export * from "./protocol/message/Message.ts"
export * from "./route/MessageQueue.ts"
export * from "./route/NoRouteInfo.ts"
export type { RouteLookupOptions } from "./route/RouteLookup.ts"
export * from "./transport/NameServerError.ts"
export * from "./transport/RemotingError.ts"
export { InvalidAddress } from "./transport/Address.ts"
export { AccessDenied } from "./transport/AccessDenied.ts"
export type { Credentials } from "./protocol/AclSignature.ts"
export type { TlsOption, TlsSettings } from "./transport/Tls.ts"
/**
 * The producer's metrics: sends, failures, retries, latency.
 *
 * @since 0.1.0
 * @category metrics
 */
export * as ProducerMetrics from "./producer/ProducerMetrics.ts"
/**
 * Route lookup's metrics: cache hits and misses, NameServer fetches, failures, latency.
 *
 * @since 0.1.0
 * @category metrics
 */
export * as RouteMetrics from "./route/RouteMetrics.ts"
