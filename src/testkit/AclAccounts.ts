/**
 * ACL for the testkit servers: accounts with per-topic permissions, checked the way a 4.9.8
 * broker's `PlainAccessValidator` / `PlainPermissionManager` does, and rejected the way it
 * rejects: code 1 (SYSTEM_ERROR), no extFields, remark `org.apache.rocketmq.acl.common.AclException:
 * <reason>, <stack frame>` (as recorded from a real broker), in the same check order (access key
 * present, account known, signature, permissions). With the 5.3.3 profile the answers are ACL
 * 2.0's: code 16 (NO_PERMISSION) with the exception's message (from the 5.3 source; not recorded).
 *
 * @since 0.1.0
 */
import { Redacted } from "effect"
import { AclFields, verifySignature } from "../protocol/AclSignature.ts"
import type { RemotingCommand, ResponseOptions } from "../protocol/RemotingCommand.ts"
import { RequestCode } from "../protocol/RequestCode.ts"
import { ResponseCode } from "../protocol/ResponseCode.ts"
import type { ServerProfile } from "./ServerProfile.ts"

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

/** One denial in both server lines' words: 4.9.8's `AclException` (with its stack frame), 5.3's message. */
interface Denial {
  readonly v4: string
  readonly frame: string
  readonly v5: string
}

const answer = (profile: ServerProfile, denial: Denial): ResponseOptions =>
  profile === "5.3.3"
    ? { code: ResponseCode.NO_PERMISSION, remark: denial.v5 }
    : {
      code: ResponseCode.SYSTEM_ERROR,
      remark: `org.apache.rocketmq.acl.common.AclException: ${denial.v4}, ` +
        `org.apache.rocketmq.acl.plain.PlainPermissionManager.${denial.frame}`
    }

/**
 * A check of each request against `accounts`: `undefined` lets the request through, a response
 * rejects it. With `checkPermissions` false only the credentials and the signature are checked (as
 * for a NameServer, which has no topic resources to check).
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeAclCheck = (
  accounts: ReadonlyArray<AclAccount>,
  options?: { readonly checkPermissions?: boolean | undefined; readonly profile?: ServerProfile | undefined }
) => {
  const byKey = new Map(accounts.map((account) => [account.accessKey, account]))
  const checkPermissions = options?.checkPermissions ?? true
  const denied = (denial: Denial) => answer(options?.profile ?? "4.9.8", denial)
  return (request: RemotingCommand): ResponseOptions | undefined => {
    if (unchecked.has(request.code)) return undefined
    const accessKey = request.extFields?.[AclFields.accessKey]
    if (accessKey === undefined) {
      return denied({ v4: "No accessKey is configured", frame: "validate(PlainPermissionManager.java:664)", v5: "username cannot be null" })
    }
    const account = byKey.get(accessKey)
    if (account === undefined) {
      return denied({ v4: `No acl config for ${accessKey}`, frame: "validate(PlainPermissionManager.java:668)", v5: `User:${accessKey} is not found.` })
    }
    if (!verifySignature(request, Redacted.make(account.secretKey))) {
      return denied({
        v4: `Check signature failed for accessKey=${accessKey}`,
        frame: "validate(PlainPermissionManager.java:684)",
        v5: "check signature failed."
      })
    }
    if (!checkPermissions || account.admin === true) return undefined
    const topic = neededTopic(request)
    if (topic === undefined) return undefined
    const owned = account.topicPerms?.[topic] ?? account.defaultTopicPerm ?? "DENY"
    return permits(PUB, permBits(owned)) ? undefined : denied({
      v4: `No default permission for topic:${topic}`,
      frame: "checkPerm(PlainPermissionManager.java:611)",
      v5: `User:${accessKey} has no permission to access Topic:${topic} from 127.0.0.1, the decision is not allow.`
    })
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
