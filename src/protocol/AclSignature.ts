/**
 * ACL 1.0 request signing, as the Java client's `AclClientRPCHook` does it (REMOTING.md §17): add
 * `AccessKey` (and `SecurityToken`), take every extField but `Signature` in key order, concatenate
 * the values, append the body, and sign that with HmacSHA1 under the secret key. 5.x brokers with
 * ACL 2.0 verify the same signature.
 *
 * @since 0.1.0
 */
import { Buffer } from "node:buffer"
import { createHmac, createSecretKey } from "node:crypto"
import type { KeyObject } from "node:crypto"
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

/** The HMAC key of each secret, made once: a `KeyObject` keeps the secret out of JavaScript strings. */
const hmacKeys = new WeakMap<Redacted.Redacted<string>, KeyObject>()

const hmacKey = (secretKey: Redacted.Redacted<string>): KeyObject => {
  const cached = hmacKeys.get(secretKey)
  if (cached !== undefined) return cached
  const key = createSecretKey(Buffer.from(Redacted.value(secretKey), "utf8"))
  hmacKeys.set(secretKey, key)
  return key
}

/** The values of every extField but `Signature`, in Java `TreeMap` key order, concatenated. */
const signedText = (extFields: ExtFields): string => {
  const keys = Object.keys(extFields).filter((key) => key !== AclFields.signature).sort(javaOrder)
  let text = ""
  for (const key of keys) text += extFields[key] ?? ""
  return text
}

const sign = (extFields: ExtFields, body: Uint8Array | undefined, secretKey: Redacted.Redacted<string>): string => {
  const hmac = createHmac("sha1", hmacKey(secretKey)).update(signedText(extFields), "utf8")
  if (body !== undefined && body.length > 0) hmac.update(body)
  return hmac.digest("base64")
}

/**
 * The bytes a signature covers: the values of every extField but `Signature`, in Java `TreeMap`
 * key order, without separators, UTF-8, then the body (`AclUtils.combineRequestContent`).
 *
 * @since 0.1.0
 * @category constructors
 */
export const signedContent = (extFields: ExtFields, body: Uint8Array | undefined): Buffer => {
  const text = Buffer.from(signedText(extFields), "utf8")
  return body === undefined || body.length === 0 ? text : Buffer.concat([text, body])
}

/**
 * `Base64(HmacSHA1(secretKey, content))`.
 *
 * @since 0.1.0
 * @category utils
 */
export const calculateSignature = (content: Uint8Array, secretKey: Redacted.Redacted<string>): string =>
  createHmac("sha1", hmacKey(secretKey)).update(content).digest("base64")

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
  extFields[AclFields.signature] = sign(extFields, command.body, credentials.secretKey)
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
  return sign(covered, command.body, secretKey) === signature
}
