/**
 * ACL for the testkit servers: accounts with per-topic permissions, checked the way a 4.9.8
 * broker's `PlainAccessValidator` / `PlainPermissionManager` does, and rejected the way it
 * rejects: code 1 (SYSTEM_ERROR), no extFields, remark `org.apache.rocketmq.acl.common.AclException:
 * <reason>, <stack frame>` (as recorded from a real broker), in the same check order (access key
 * present, account known, signature, permissions).
 *
 * @since 0.1.0
 */
import { Redacted } from "effect"
import { AclFields, verifySignature } from "../protocol/AclSignature.ts"
import type { RemotingCommand, ResponseOptions } from "../protocol/RemotingCommand.ts"
import { RequestCode } from "../protocol/RequestCode.ts"
import { ResponseCode } from "../protocol/ResponseCode.ts"

/**
 * A permission as `plain_acl.yml` writes it.
 *
 * @since 0.1.0
 * @category models
 */
export type AclPermission = "DENY" | "ANY" | "PUB" | "SUB" | "PUB|SUB"

/**
 * One account of the testkit's ACL.
 *
 * @since 0.1.0
 * @category models
 */
export interface AclAccount {
  readonly accessKey: string
  readonly secretKey: string
  /** Admin accounts may do everything; default false. */
  readonly admin?: boolean | undefined
  /** Permission on topics not listed in `topicPerms`; default DENY. */
  readonly defaultTopicPerm?: AclPermission | undefined
  /** Permission on groups not listed in `groupPerms`; default DENY. */
  readonly defaultGroupPerm?: AclPermission | undefined
  /** Per-topic permissions. */
  readonly topicPerms?: Readonly<Record<string, AclPermission>> | undefined
  /** Per-group permissions. */
  readonly groupPerms?: Readonly<Record<string, AclPermission>> | undefined
}

const DENY = 1
const ANY = 2
const PUB = 4
const SUB = 8

const permBits = (perm: AclPermission): number => {
  switch (perm) {
    case "DENY":
      return DENY
    case "ANY":
      return ANY
    case "PUB":
      return PUB
    case "SUB":
      return SUB
    case "PUB|SUB":
      return PUB | SUB
  }
}

/** `Permission.checkPermission`. */
const permits = (needed: number, owned: number): boolean => {
  if ((owned & DENY) > 0) return false
  if ((needed & ANY) > 0) return (owned & PUB) > 0 || (owned & SUB) > 0
  return (needed & owned) > 0
}

/**
 * The topic and the permission a request needs (`PlainAccessValidator.parse`, producer requests).
 */
const neededTopic = (request: RemotingCommand): string | undefined => {
  const fields = request.extFields ?? {}
  switch (request.code) {
    case RequestCode.SEND_MESSAGE:
      return fields["topic"]
    case RequestCode.SEND_MESSAGE_V2:
    case RequestCode.SEND_BATCH_MESSAGE:
      return fields["b"]
    default:
      return undefined
  }
}

/** Server-to-server requests the testkit does not sign (a real cluster signs them with the broker's own account). */
const unchecked: ReadonlySet<number> = new Set([RequestCode.REGISTER_BROKER, RequestCode.UNREGISTER_BROKER])

const denied = (reason: string, frame: string): ResponseOptions => ({
  code: ResponseCode.SYSTEM_ERROR,
  remark: `org.apache.rocketmq.acl.common.AclException: ${reason}, org.apache.rocketmq.acl.plain.PlainPermissionManager.${frame}`
})

/**
 * A check of each request against `accounts`: `undefined` lets the request through, a response
 * rejects it. With `checkPermissions` false only the credentials and the signature are checked (as
 * for a NameServer, which has no topic resources to check).
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeAclCheck = (accounts: ReadonlyArray<AclAccount>, options?: { readonly checkPermissions?: boolean }) => {
  const byKey = new Map(accounts.map((account) => [account.accessKey, account]))
  const checkPermissions = options?.checkPermissions ?? true
  return (request: RemotingCommand): ResponseOptions | undefined => {
    if (unchecked.has(request.code)) return undefined
    const accessKey = request.extFields?.[AclFields.accessKey]
    if (accessKey === undefined) return denied("No accessKey is configured", "validate(PlainPermissionManager.java:664)")
    const account = byKey.get(accessKey)
    if (account === undefined) return denied(`No acl config for ${accessKey}`, "validate(PlainPermissionManager.java:668)")
    if (!verifySignature(request, Redacted.make(account.secretKey))) {
      return denied(`Check signature failed for accessKey=${accessKey}`, "validate(PlainPermissionManager.java:684)")
    }
    if (!checkPermissions || account.admin === true) return undefined
    const topic = neededTopic(request)
    if (topic === undefined) return undefined
    const owned = account.topicPerms?.[topic] ?? account.defaultTopicPerm ?? "DENY"
    return permits(PUB, permBits(owned))
      ? undefined
      : denied(`No default permission for topic:${topic}`, "checkPerm(PlainPermissionManager.java:611)")
  }
}

/**
 * Reads `ak:sk[:topic=PERM,topic=PERM…]` (the CLI's `--acl`): an account with those topic
 * permissions and DENY elsewhere, or admin when no topic is listed.
 *
 * @since 0.1.0
 * @category constructors
 */
export const parseAclAccount = (text: string): AclAccount | string => {
  const [accessKey, secretKey, perms, ...rest] = text.split(":")
  if (accessKey === undefined || accessKey === "" || secretKey === undefined || secretKey === "" || rest.length > 0) {
    return `expected ak:sk or ak:sk:topic=PERM,… but got "${text.replace(/:.*/, ":…")}"`
  }
  if (perms === undefined || perms === "") return { accessKey, secretKey, admin: true }
  const topicPerms: Record<string, AclPermission> = {}
  for (const entry of perms.split(",")) {
    const [topic, perm] = entry.split("=")
    if (topic === undefined || topic === "" || !isPermission(perm)) {
      return `invalid topic permission "${entry}" for ${accessKey}: expected topic=PUB, SUB, PUB|SUB, ANY or DENY`
    }
    topicPerms[topic] = perm
  }
  return { accessKey, secretKey, topicPerms, defaultTopicPerm: "DENY", defaultGroupPerm: "PUB" }
}

const isPermission = (perm: string | undefined): perm is AclPermission =>
  perm === "DENY" || perm === "ANY" || perm === "PUB" || perm === "SUB" || perm === "PUB|SUB"
