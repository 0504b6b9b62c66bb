/**
 * The pure parts of TLS and client security: option resolution, `tls.connect` options, what a
 * handshake error means, and which addresses get which TLS settings.
 */
import { assert, describe, it } from "@effect/vitest"
import { Arbitrary, Redacted, Schema } from "effect"
import { makeRequest } from "../../src/protocol/RemotingCommand.ts"
import { securedClientOptions } from "../../src/transport/ClientSecurity.ts"
import { tlsConnectOptions, tlsFailureKind, tlsSettingsOf } from "../../src/transport/Tls.ts"

const nodeError = (code: string, message = "") => Object.assign(new Error(message), { code })
const address = Arbitrary.schema(Schema.String.check(Schema.isPattern(/^10\.0\.\d{1,3}\.\d{1,3}:\d{2,5}$/)))

describe("Tls", () => {
  it("off, on and settings", () => {
    assert.isUndefined(tlsSettingsOf(undefined))
    assert.isUndefined(tlsSettingsOf(false))
    assert.deepStrictEqual(tlsSettingsOf(true), {})
    assert.deepStrictEqual(tlsSettingsOf({ servername: "b" }), { servername: "b" })
  })

  it("connect options: SNI only for names, verification unless insecure, the key unwrapped", () => {
    const byIp = tlsConnectOptions({}, "127.0.0.1", 10911)
    assert.isUndefined(byIp.servername)
    assert.strictEqual(byIp.rejectUnauthorized, true)
    assert.strictEqual(tlsConnectOptions({}, "broker-1.internal", 10911).servername, "broker-1.internal")
    assert.strictEqual(tlsConnectOptions({ servername: "mq.example" }, "127.0.0.1", 10911).servername, "mq.example")
    assert.strictEqual(tlsConnectOptions({ insecure: true }, "127.0.0.1", 1).rejectUnauthorized, false)
    assert.strictEqual(tlsConnectOptions({ key: Redacted.make("PEM KEY") }, "h", 1).key, "PEM KEY")
    assert.deepStrictEqual(tlsConnectOptions({ ca: ["A", "B"] }, "h", 1).ca, ["A", "B"])
  })

  it("handshake errors name their reason", () => {
    assert.strictEqual(tlsFailureKind(nodeError("UNABLE_TO_VERIFY_LEAF_SIGNATURE")), "UnknownCa")
    assert.strictEqual(tlsFailureKind(nodeError("SELF_SIGNED_CERT_IN_CHAIN")), "UnknownCa")
    assert.strictEqual(tlsFailureKind(nodeError("DEPTH_ZERO_SELF_SIGNED_CERT")), "UnknownCa")
    assert.strictEqual(tlsFailureKind(nodeError("ERR_TLS_CERT_ALTNAME_INVALID")), "NameMismatch")
    assert.strictEqual(tlsFailureKind(nodeError("CERT_HAS_EXPIRED")), "Expired")
    assert.strictEqual(tlsFailureKind(nodeError("CERT_NOT_YET_VALID")), "NotYetValid")
    assert.strictEqual(tlsFailureKind(nodeError("ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED")), "ClientCertificateRejected")
    assert.strictEqual(tlsFailureKind(nodeError("ECONNRESET", "socket hang up")), "Handshake")
    assert.strictEqual(tlsFailureKind("not an error"), "Handshake")
  })

  it.prop("an unknown error code is a plain handshake failure", [Arbitrary.schema(Schema.String.check(Schema.isPattern(/^E[A-Z_]{1,20}$/)))], ([code]) => {
    assert.strictEqual(tlsFailureKind(nodeError(code)), "Handshake")
  })

  it.prop(
    "NameServer addresses get nameServerTls, every other address tls; requests are signed only with credentials",
    [Arbitrary.array(address, { maxLength: 5 }), address],
    ([nameServers, other]) => {
      const tls = { servername: "brokers" }
      const nameServerTls = { servername: "nameservers" }
      const options = securedClientOptions(nameServers, { tls, nameServerTls })
      for (const nameServer of nameServers) assert.strictEqual(options.tlsFor?.(nameServer), nameServerTls)
      if (!nameServers.includes(other)) assert.strictEqual(options.tlsFor?.(other), tls)
      assert.deepStrictEqual(options.requestHooks, [])
      const signed = securedClientOptions(nameServers, { credentials: { accessKey: "ak", secretKey: Redacted.make("sk") } })
      const [hook] = signed.requestHooks ?? []
      assert.strictEqual(hook?.(makeRequest({ code: 105, extFields: { topic: "T1" } }), other).extFields?.["Signature"], "9VPuTHRkgwQkbcY5/m5xrQF1GFI=")
      assert.isUndefined(signed.tlsFor?.(other))
    }
  )
})
