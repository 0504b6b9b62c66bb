/**
 * ACL 1.0 request signing, as the Java client's `AclClientRPCHook` does it (REMOTING.md §17): add
 * `AccessKey` (and `SecurityToken`), take every extField but `Signature` in key order, concatenate
 * the values, append the body, and sign that with HmacSHA1 under the secret key. 5.x brokers with
 * ACL 2.0 verify the same signature.
 *
 * @since 0.1.0
 */
import { Buffer } from "node:buffer"
import { createHmac } from "node:crypto"
import { Redacted } from "effect"
import type { ExtFields, RemotingCommand } from "./RemotingCommand.ts"

/**
 * An ACL account's credentials. The secret key and the security token are `Redacted`, so they
 * never show in logs, errors or `inspect` output; only the access key travels on the wire
 * (and the token, when set).
 *
 * @since 0.1.0
 * @category models
 */
export interface Credentials {
  readonly accessKey: string
  readonly secretKey: Redacted.Redacted<string>
  readonly securityToken?: Redacted.Redacted<string> | undefined
}

/**
 * The extField names the signature uses.
 *
 * @since 0.1.0
 * @category constants
 */
export const AclFields = {
  accessKey: "AccessKey",
  signature: "Signature",
  securityToken: "SecurityToken"
} as const

/**
 * Java's `String.compareTo` (UTF-16 code units), which is what JavaScript's `<` compares.
 */
const javaOrder = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)

/**
 * The bytes a signature covers: the values of every extField but `Signature`, in Java `TreeMap`
 * key order, without separators, UTF-8, then the body (`AclUtils.combineRequestContent`).
 *
 * @since 0.1.0
 * @category constructors
 */
export const signedContent = (extFields: ExtFields, body: Uint8Array | undefined): Buffer => {
  const keys = Object.keys(extFields).filter((key) => key !== AclFields.signature).sort(javaOrder)
  const text = Buffer.from(keys.map((key) => extFields[key] ?? "").join(""), "utf8")
  return body === undefined || body.length === 0 ? text : Buffer.concat([text, body])
}

/**
 * `Base64(HmacSHA1(secretKey, content))`.
 *
 * @since 0.1.0
 * @category utils
 */
export const calculateSignature = (content: Uint8Array, secretKey: Redacted.Redacted<string>): string =>
  createHmac("sha1", Buffer.from(Redacted.value(secretKey), "utf8")).update(content).digest("base64")

/**
 * Signs a request: the same command with `AccessKey` (and `SecurityToken`) and `Signature` in its
 * extFields. Fields already present keep their place (a re-signed request encodes in the same
 * field order); new ones are appended. Sign last: anything added afterwards breaks the signature.
 *
 * @since 0.1.0
 * @category constructors
 */
export const signRequest = (command: RemotingCommand, credentials: Credentials): RemotingCommand => {
  const extFields: Record<string, string> = { ...command.extFields }
  extFields[AclFields.accessKey] = credentials.accessKey
  if (credentials.securityToken !== undefined) {
    extFields[AclFields.securityToken] = Redacted.value(credentials.securityToken)
  }
  extFields[AclFields.signature] = calculateSignature(signedContent(extFields, command.body), credentials.secretKey)
  return { ...command, extFields }
}

/**
 * Checks a request's signature against a secret, as a broker does (`PlainAccessValidator`, which
 * also leaves `_UNIQUE_KEY_QUERY` out of the content). `false` when the request carries none.
 *
 * @since 0.1.0
 * @category predicates
 */
export const verifySignature = (command: RemotingCommand, secretKey: Redacted.Redacted<string>): boolean => {
  const fields = command.extFields
  const signature = fields?.[AclFields.signature]
  if (fields === undefined || signature === undefined) return false
  const { _UNIQUE_KEY_QUERY: _ignored, ...covered } = fields
  return calculateSignature(signedContent(covered, command.body), secretKey) === signature
}
