/**
 * effect-rocketmq/transport: TCP to NameServers and brokers — addresses, the remoting client
 * (connections, request/response matching, timeouts) and the NameServer transport with failover.
 *
 * @since 0.1.0
 */
export * from "./AccessDenied.ts"
export * from "./Address.ts"
export * from "./ClientSecurity.ts"
export * from "./NameServerError.ts"
export * from "./NameServerTransport.ts"
export * from "./RemotingClient.ts"
export * from "./RemotingError.ts"
export * from "./RequestHook.ts"
export * from "./Tls.ts"
