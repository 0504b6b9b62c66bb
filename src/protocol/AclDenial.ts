/**
 * Recognising a server's ACL denial. A 4.9.8 broker answers every denial with code 1
 * (SYSTEM_ERROR) and the remark `org.apache.rocketmq.acl.common.AclException: <reason>, <stack
 * frame>`; 5.x (ACL 2.0) answers 16 (NO_PERMISSION). Both are final: another attempt with the same
 * credentials gets the same answer.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import type { RemotingCommand } from "./RemotingCommand.ts"
import { ResponseCode } from "./ResponseCode.ts"

/**
 * What the server objected to:
 *
 * - `MissingCredentials`: the request carried no access key (`No accessKey is configured`).
 * - `UnknownAccessKey`: the server has no account for the access key (`No acl config for <ak>`).
 * - `SignatureMismatch`: the signature does not verify: the secret key is wrong for the access key
 *   (`Check signature failed for accessKey=<ak>`).
 * - `NeedAdmin`: the request code needs an admin account.
 * - `NoPermission`: the account lacks the permission on a topic or group.
 * - `Denied`: any other ACL denial (5.x wording, or one not listed here).
 *
 * @since 0.1.0
 * @category models
 */
export const AclDenialKind = Schema.Literals([
  "MissingCredentials",
  "UnknownAccessKey",
  "SignatureMismatch",
  "NeedAdmin",
  "NoPermission",
  "Denied"
])

/**
 * @since 0.1.0
 * @category models
 */
export type AclDenialKind = typeof AclDenialKind.Type

/**
 * A server's ACL denial, read from its answer.
 *
 * @since 0.1.0
 * @category models
 */
export interface AclDenial {
  readonly kind: AclDenialKind
  /** The response code (1 from 4.9.x, 16 from 5.x). */
  readonly code: number
  /** The server's remark, as sent. */
  readonly remark: string
  /** The topic or group the permission is missing on, when the server names it. */
  readonly resource: string | undefined
}

const ACL_EXCEPTION = "AclException: "

/** The exception's message: after the `AclException: ` prefix, before the stack frame. */
const reasonOf = (remark: string): string => {
  const start = remark.indexOf(ACL_EXCEPTION)
  const text = start < 0 ? remark : remark.slice(start + ACL_EXCEPTION.length)
  const frame = text.lastIndexOf(", org.apache.rocketmq.")
  return frame < 0 ? text : text.slice(0, frame)
}

const resourceOf = (reason: string): string | undefined => {
  const match = /(?:topic|group)\s*:\s*(\S+?)\s*$/i.exec(reason) ?? /(?:topic|group)\s*[:=]\s*([^\s,]+)/i.exec(reason)
  return match?.[1]
}

const kindOf = (reason: string): AclDenialKind => {
  if (reason.startsWith("No accessKey is configured") || reason.startsWith("username cannot be null")) return "MissingCredentials"
  if (reason.startsWith("No acl config for") || /user.*(not found|does not exist)/i.test(reason)) return "UnknownAccessKey"
  if (reason.startsWith("Check signature failed") || /signature/i.test(reason)) return "SignatureMismatch"
  if (reason.startsWith("Need admin permission")) return "NeedAdmin"
  if (/permission/i.test(reason)) return "NoPermission"
  return "Denied"
}

/**
 * The ACL denial a response carries, or `undefined` for any other answer: code 1 with an
 * `AclException` remark (4.9.x), or code 16 NO_PERMISSION (5.x) other than the broker's own
 * "sending message is forbidden" (a read-only broker or topic, which another broker may serve).
 *
 * @since 0.1.0
 * @category utils
 */
export const aclDenialOf = (response: RemotingCommand): AclDenial | undefined => {
  const remark = response.remark ?? ""
  const isAcl = (response.code === ResponseCode.SYSTEM_ERROR && remark.includes(ACL_EXCEPTION)) ||
    (response.code === ResponseCode.NO_PERMISSION && !/forbidden/i.test(remark))
  if (!isAcl) return undefined
  const reason = reasonOf(remark)
  const kind = response.code === ResponseCode.NO_PERMISSION && kindOf(reason) === "Denied" ? "NoPermission" : kindOf(reason)
  return { kind, code: response.code, remark, resource: kind === "NoPermission" ? resourceOf(reason) : undefined }
}

/**
 * What to check for each kind of denial, in words a user can act on.
 *
 * @since 0.1.0
 * @category utils
 */
export const aclDenialHint = (kind: AclDenialKind, accessKey: string | undefined, resource: string | undefined): string => {
  const account = accessKey === undefined ? "no access key" : `access key "${accessKey}"`
  switch (kind) {
    case "MissingCredentials":
      return "the server requires ACL credentials: set credentials (accessKey and secretKey)"
    case "UnknownAccessKey":
      return `the server has no account for ${account}: check the access key`
    case "SignatureMismatch":
      return `the signature did not verify for ${account}: check the secret key`
    case "NeedAdmin":
      return `${account} is not an admin account and the request needs one`
    case "NoPermission":
      return `${account} lacks the permission${resource === undefined ? "" : ` on ${resource}`}: ` +
        "check the account's topic/group permissions (a producer needs PUB)"
    case "Denied":
      return `the server denied ${account}: check the account and its permissions`
  }
}
