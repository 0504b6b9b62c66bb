/**
 * effect-rocketmq/producer: everything of the producer, including what the package root leaves
 * out — message validation, queue selection and the latency fault strategy, client ids.
 *
 * @since 0.1.0
 */
export * from "./AttemptBudget.ts"
export * from "./ClientId.ts"
export * from "./ClientIp.ts"
export * from "./FaultStrategy.ts"
export * from "./MessageValidation.ts"
export * from "./Producer.ts"
export * from "./ProducerError.ts"
export * from "./ProducerMetrics.ts"
export * from "./ProducerOptions.ts"
export * from "./SelectOneMessageQueue.ts"
export * from "./SendResult.ts"
