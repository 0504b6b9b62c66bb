/**
 * effect-rocketmq/testkit: an embedded NameServer and broker, and arbitraries for property tests.
 *
 * @since 0.1.0
 */
export * from "./Arbitraries.ts"
export * from "./RouteArbitraries.ts"
export * from "./MessageArbitraries.ts"
export * from "./AclAccounts.ts"
export * from "./Faults.ts"
export * from "./RemotingServer.ts"
export * from "./NameServerState.ts"
export * from "./TestNameServer.ts"
export * from "./BrokerStore.ts"
export * from "./TestBroker.ts"
export * from "./TestCluster.ts"
