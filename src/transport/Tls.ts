/**
 * TLS for remoting connections: the settings a connection is opened with, and what a failed
 * handshake means. RocketMQ speaks the same frames inside TLS as over plain TCP (Java's `useTLS`,
 * `tls.client.*` settings).
 *
 * @since 0.1.0
 */
import { Buffer } from "node:buffer"
import type * as Tls from "node:tls"
import { Redacted } from "effect"

/**
 * How to speak TLS to a server.
 *
 * @since 0.1.0
 * @category models
 */
export interface TlsSettings {
  /** Certificate authorities to trust (PEM), instead of Node's default list. */
  readonly ca?: string | Uint8Array | ReadonlyArray<string | Uint8Array> | undefined
  /** Client certificate chain (PEM), for servers that require mutual TLS. */
  readonly cert?: string | Uint8Array | undefined
  /** The client certificate's private key (PEM), kept `Redacted`. */
  readonly key?: Redacted.Redacted<string | Uint8Array> | undefined
  /** Passphrase of an encrypted private key. */
  readonly passphrase?: Redacted.Redacted<string> | undefined
  /**
   * The name the server's certificate must carry (and the SNI name sent); default the host of the
   * address, whose IP must then be in the certificate's subject alternative names.
   */
  readonly servername?: string | undefined
  /**
   * Accept any certificate: no CA check, no name check. For test setups only: the connection is
   * encrypted but the server is not authenticated (Java's `tls.test.mode.enable`).
   */
  readonly insecure?: boolean | undefined
}

/**
 * TLS off (`false`, the default), on with Node's trusted CAs (`true`), or on with settings.
 *
 * @since 0.1.0
 * @category models
 */
export type TlsOption = boolean | TlsSettings

/**
 * The settings of an option, or `undefined` when TLS is off.
 *
 * @since 0.1.0
 * @category constructors
 */
export const tlsSettingsOf = (option: TlsOption | undefined): TlsSettings | undefined =>
  option === undefined || option === false ? undefined : option === true ? {} : option

const pem = (value: string | Uint8Array): string | Buffer => (typeof value === "string" ? value : Buffer.from(value))

const isList = (
  value: string | Uint8Array | ReadonlyArray<string | Uint8Array>
): value is ReadonlyArray<string | Uint8Array> => Array.isArray(value)

const isIp = (host: string): boolean => /^[\d.]+$/.test(host) || host.includes(":")

/**
 * The `tls.connect` options for `host:port` under `settings`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const tlsConnectOptions = (settings: TlsSettings, host: string, port: number): Tls.ConnectionOptions => {
  const servername = settings.servername ?? (isIp(host) ? undefined : host)
  const ca = settings.ca === undefined ? undefined : isList(settings.ca) ? settings.ca.map(pem) : pem(settings.ca)
  return {
    host,
    port,
    ...(servername === undefined ? {} : { servername }),
    ...(ca === undefined ? {} : { ca }),
    ...(settings.cert === undefined ? {} : { cert: pem(settings.cert) }),
    ...(settings.key === undefined ? {} : { key: pem(Redacted.value(settings.key)) }),
    ...(settings.passphrase === undefined ? {} : { passphrase: Redacted.value(settings.passphrase) }),
    rejectUnauthorized: settings.insecure !== true
  }
}

/**
 * Why a TLS connection could not be set up:
 *
 * - `UnknownCa`: the server's certificate is not signed by a trusted CA (set `ca`).
 * - `NameMismatch`: the certificate does not carry the server's name or IP (set `servername`).
 * - `Expired` / `NotYetValid`: the certificate is outside its validity period.
 * - `ClientCertificateRejected`: the server refused the client certificate (mutual TLS).
 * - `Handshake`: anything else (the server does not speak TLS, a protocol mismatch…).
 *
 * @since 0.1.0
 * @category models
 */
export type TlsFailureKind = "UnknownCa" | "NameMismatch" | "Expired" | "NotYetValid" | "ClientCertificateRejected" | "Handshake"

const unknownCaCodes = new Set([
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "CERT_UNTRUSTED",
  "CERT_SIGNATURE_FAILURE"
])

/**
 * The kind of a handshake failure, from Node's error code.
 *
 * @since 0.1.0
 * @category utils
 */
export const tlsFailureKind = (cause: unknown): TlsFailureKind => {
  const code = typeof cause === "object" && cause !== null ? Reflect.get(cause, "code") : undefined
  const message = cause instanceof Error ? cause.message : ""
  if (typeof code === "string") {
    if (unknownCaCodes.has(code)) return "UnknownCa"
    if (code === "ERR_TLS_CERT_ALTNAME_INVALID") return "NameMismatch"
    if (code === "CERT_HAS_EXPIRED") return "Expired"
    if (code === "CERT_NOT_YET_VALID") return "NotYetValid"
    if (/CERTIFICATE_REQUIRED|BAD_CERTIFICATE|UNKNOWN_CA|CERTIFICATE_UNKNOWN/.test(code)) return "ClientCertificateRejected"
  }
  if (/alert (certificate required|bad certificate|unknown ca)/i.test(message)) return "ClientCertificateRejected"
  return "Handshake"
}

/**
 * What to do about a kind of failure, in words a user can act on.
 *
 * @since 0.1.0
 * @category utils
 */
export const tlsFailureHint = (kind: TlsFailureKind): string => {
  switch (kind) {
    case "UnknownCa":
      return "the server's certificate is not signed by a trusted CA: pass the CA that signed it (ca / --tls-ca)"
    case "NameMismatch":
      return "the server's certificate does not name this host: connect by a name it carries, or set servername (--tls-servername)"
    case "Expired":
      return "the server's certificate has expired"
    case "NotYetValid":
      return "the server's certificate is not valid yet (check the clocks)"
    case "ClientCertificateRejected":
      return "the server refused the client certificate: check cert/key (--tls-cert/--tls-key) and the server's CA"
    case "Handshake":
      return "the TLS handshake failed: check that the server speaks TLS on this port"
  }
}
