/**
 * effect-rocketmq/testkit: an embedded NameServer and brokers on loopback ports that answer as real
 * Apache RocketMQ servers do, control hooks to script any fault, and arbitraries for property tests.
 *
 * Layout, in the manner of franz-go's kfake:
 *
 * - `TestNameServer`, `TestBroker`, `TestCluster`: start the servers (in a scope, or as layers).
 * - One handler file per request code a server answers, named after the code:
 *   `nameserver/GetRouteInfoByTopic.ts`, `nameserver/GetBrokerClusterInfo.ts`,
 *   `nameserver/RegisterBroker.ts`, `nameserver/UnregisterBroker.ts`; `broker/SendMessage.ts`,
 *   `broker/SendMessageV2.ts`, `broker/SendBatchMessage.ts` (all three through
 *   `broker/SendMessageProcessor.ts`), `broker/HeartBeat.ts`, `broker/UnregisterClient.ts`.
 *   A handler is a `Handler<BrokerContext>` (or `Handler<NameServerContext>`): it reads and changes
 *   the server's state through the context and returns the response fields.
 * - To answer a new request code (END_TRANSACTION, say): add `broker/EndTransaction.ts` exporting
 *   `endTransaction: Handler<BrokerContext>`, add any state it needs to `BrokerContext` (and build it
 *   in `makeTestBroker`), and add `[RequestCode.END_TRANSACTION, endTransaction]` to the table in
 *   `broker/BrokerHandlers.ts` (for the NameServer: `nameserver/NameServerHandlers.ts`). A request
 *   the broker sends to a client (CHECK_TRANSACTION_STATE, PUSH_REPLY_MESSAGE_TO_CLIENT) goes out
 *   with `Session.push` or `pushToClients`.
 * - Faults: `server.control(code, hook)` runs an Effect for every request with that code before its
 *   handler; the hook answers with `Control.pass`, `Control.respond(code, remark)`, `Control.drop`,
 *   `Control.closeConnection`, `Control.garbage`, `Control.trickle` or `Control.answerLate`, and may
 *   sleep, wait on a `Deferred` or change the server's tables first (see `Control.ts`).
 *   `server.faults.add(rule)` is the shorthand for hooks that always decide the same.
 *
 * @since 0.1.0
 */
export * from "./Arbitraries.ts"
/**
 * The request and response codes, for scripting control hooks without a second import.
 *
 * @since 0.1.0
 * @category codes
 */
export { RequestCode } from "../protocol/RequestCode.ts"
/**
 * @since 0.1.0
 * @category codes
 */
export { ResponseCode } from "../protocol/ResponseCode.ts"
export * from "./RouteArbitraries.ts"
export * from "./MessageArbitraries.ts"
export * from "./AclAccounts.ts"
export * from "./TestCertificates.ts"
export * from "./Control.ts"
export * from "./Faults.ts"
export * from "./Session.ts"
export * from "./Handler.ts"
export * from "./ServerProfile.ts"
export * from "./RemotingServer.ts"
export * from "./nameserver/NameServerState.ts"
export * from "./nameserver/NameServerContext.ts"
export * from "./nameserver/GetRouteInfoByTopic.ts"
export * from "./TestNameServer.ts"
export * from "./broker/BrokerStore.ts"
export * from "./broker/BrokerContext.ts"
export * from "./TestBroker.ts"
export * from "./TestCluster.ts"
