/**
 * A server denied a request for ACL reasons: the credentials are missing or wrong, or the account
 * lacks a permission. Final: another attempt with the same credentials gets the same answer, so
 * it is never retried (whereas a 4.9.8 Java producer retries it, since the broker says code 1).
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import { aclDenialHint, aclDenialOf, AclDenialKind } from "../protocol/AclDenial.ts"
import type { RemotingCommand } from "../protocol/RemotingCommand.ts"

/**
 * The server's ACL denial, with its code and remark and what to check. Never carries a secret.
 *
 * @since 0.1.0
 * @category errors
 */
export class AccessDenied extends Schema.TaggedError<AccessDenied>()("AccessDenied", {
  /** What the server objected to. */
  kind: AclDenialKind,
  /** The request, e.g. `SEND_MESSAGE_V2 for topic "T"`. */
  operation: Schema.String,
  /** The server that denied it. */
  address: Schema.String,
  /** The response code: 1 from 4.9.x brokers, 16 from 5.x. */
  code: Schema.Number,
  /** The server's remark, as sent. */
  remark: Schema.String,
  /** The access key the request was signed with, if any. */
  accessKey: Schema.UndefinedOr(Schema.String),
  /** The topic or group a permission is missing on, when the server names it. */
  resource: Schema.UndefinedOr(Schema.String)
}) {
  override get message(): string {
    return `${this.operation} to ${this.address} was denied by ACL (${this.kind}, code ${this.code}): ` +
      `${aclDenialHint(this.kind, this.accessKey, this.resource)}; the server said: ${this.remark}`
  }

  /** `false`: the same credentials get the same answer. */
  get isRetryable(): boolean {
    return false
  }
}

/**
 * The `AccessDenied` a response carries, or `undefined` when it is no ACL denial.
 *
 * @since 0.1.0
 * @category utils
 */
export const accessDeniedOf = (
  response: RemotingCommand,
  context: { readonly operation: string; readonly address: string; readonly accessKey: string | undefined }
): AccessDenied | undefined => {
  const denial = aclDenialOf(response)
  return denial === undefined ? undefined : new AccessDenied({
    kind: denial.kind,
    operation: context.operation,
    address: context.address,
    code: denial.code,
    remark: denial.remark,
    accessKey: context.accessKey,
    resource: denial.resource
  })
}
