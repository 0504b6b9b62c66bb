/**
 * effect-rocketmq/testkit: an embedded NameServer and broker, and arbitraries for property tests.
 *
 * @since 0.1.0
 */
export * from "./Arbitraries.ts"
export * from "./RouteArbitraries.ts"
