/**
 * A client's security settings in one place: ACL credentials (a signing request hook) and TLS per
 * address (`nameServerTls` for the NameServers, `tls` for every other address, i.e. the brokers).
 *
 * @since 0.1.0
 */
import type { Credentials } from "../protocol/AclSignature.ts"
import type { RemotingClientOptions } from "./RemotingClient.ts"
import { aclSigning } from "./RequestHook.ts"
import type { TlsSettings } from "./Tls.ts"

/**
 * How a client authenticates and encrypts.
 *
 * @since 0.1.0
 * @category models
 */
export interface ClientSecurity {
  readonly credentials?: Credentials | undefined
  /** TLS to brokers. */
  readonly tls?: TlsSettings | undefined
  /** TLS to NameServers. */
  readonly nameServerTls?: TlsSettings | undefined
}

/**
 * The remoting client options that apply `security` for a cluster with these NameServers.
 *
 * @since 0.1.0
 * @category constructors
 */
export const securedClientOptions = (
  nameServers: ReadonlyArray<string>,
  security: ClientSecurity
): Pick<RemotingClientOptions, "requestHooks" | "tlsFor"> => {
  const isNameServer = new Set(nameServers)
  return {
    requestHooks: security.credentials === undefined ? [] : [aclSigning(security.credentials)],
    tlsFor: (address) => (isNameServer.has(address) ? security.nameServerTls : security.tls)
  }
}
