/**
 * Request hooks: steps every request passes through in the remoting client just before it is
 * encoded, whatever sends it (route lookups, heartbeats, unregister, sends, and anything added
 * later), as Java's `RPCHook.doBeforeRequest`. Hooks run in order; a signing hook goes last, so
 * that it signs the request as it goes on the wire.
 *
 * @since 0.1.0
 */
import { signRequest } from "../protocol/AclSignature.ts"
import type { Credentials } from "../protocol/AclSignature.ts"
import type { RemotingCommand } from "../protocol/RemotingCommand.ts"

/**
 * A step applied to each request sent to `address`; it returns the request to send.
 *
 * @since 0.1.0
 * @category models
 */
export type RequestHook = (request: RemotingCommand, address: string) => RemotingCommand

/**
 * Signs every request with ACL credentials (Java's `AclClientRPCHook`).
 *
 * @since 0.1.0
 * @category constructors
 */
export const aclSigning = (credentials: Credentials): RequestHook => (request) => signRequest(request, credentials)

/**
 * Applies hooks in order.
 *
 * @since 0.1.0
 * @category utils
 */
export const applyRequestHooks = (
  hooks: ReadonlyArray<RequestHook>,
  request: RemotingCommand,
  address: string
): RemotingCommand => {
  let current = request
  for (const hook of hooks) current = hook(current, address)
  return current
}
