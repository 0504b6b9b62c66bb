/**
 * ACL 1.0 signing against REMOTING.md §22.4's vectors and the requests a real 4.9.8 Java client
 * signed (test/fixtures/captures/acl): every captured signed request, signed again, encodes to the
 * same bytes.
 */
import { assert, describe, it } from "@effect/vitest"
import { Buffer } from "node:buffer"
import { readdirSync, readFileSync, statSync } from "node:fs"
import * as Path from "node:path"
import { Arbitrary, Redacted, Result, Schema } from "effect"
import { calculateSignature, signedContent, signRequest, verifySignature } from "../../src/protocol/AclSignature.ts"
import { encodeFrame } from "../../src/protocol/Frame.ts"
import { decodeFrame } from "../../src/protocol/FrameDecoder.ts"
import { makeRequest } from "../../src/protocol/RemotingCommand.ts"
import type { RemotingCommand } from "../../src/protocol/RemotingCommand.ts"
import { remotingCommand } from "../../src/testkit/Arbitraries.ts"
import { requireCaptures } from "../helpers.ts"

const aclDir = Path.join(requireCaptures(), "acl")
const secret = (text: string) => Redacted.make(text)

/** The secret each access key of the captures was signed with (README of the folder). */
const secrets: Record<string, string> = { RocketMQ: "12345678", rocketmq2: "87654321", nosuchuser: "12345678" }

const requestFiles = (): Array<string> => {
  const out: Array<string> = []
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const path = Path.join(dir, name)
      if (statSync(path).isDirectory()) walk(path)
      else if (name.endsWith(".bin")) out.push(path)
    }
  }
  walk(aclDir)
  return out.filter((file) => {
    const command = Result.getOrThrow(decodeFrame(readFileSync(file)))
    return (command.flag & 1) === 0
  })
}

const decode = (file: string): RemotingCommand => Result.getOrThrow(decodeFrame(readFileSync(file)))

describe("AclSignature", () => {
  it("§22.4 vectors: 105 {topic: T1} and 34 with body {}", () => {
    const route = signRequest(makeRequest({ code: 105, extFields: { topic: "T1" } }), { accessKey: "ak", secretKey: secret("sk") })
    assert.strictEqual(signedContent({ topic: "T1", AccessKey: "ak" }, undefined).toString("utf8"), "akT1")
    assert.deepStrictEqual(route.extFields, { topic: "T1", AccessKey: "ak", Signature: "9VPuTHRkgwQkbcY5/m5xrQF1GFI=" })
    const heartbeat = signRequest(makeRequest({ code: 34, body: Buffer.from("{}") }), { accessKey: "ak", secretKey: secret("sk") })
    assert.deepStrictEqual(heartbeat.extFields, { AccessKey: "ak", Signature: "RpH/yq7z4I1jgjran9wYNZAbso8=" })
  })

  it("the README's worked contents: route and heartbeat requests", () => {
    const route = decode(Path.join(aclDir, "acl-route-signed.req.bin"))
    assert.strictEqual(signedContent(route.extFields ?? {}, route.body).toString("utf8"), "rocketmq2AclTopic")
    assert.strictEqual(calculateSignature(Buffer.from("rocketmq2AclTopic"), secret("87654321")), "kG1GUH/Zqlp6gy4QhDKCRP5ATQ0=")
    const send = decode(Path.join(aclDir, "acl-send-ok.req.bin"))
    assert.strictEqual(signedContent(send.extFields ?? {}, send.body).length, 136 + 11)
  })

  it("every captured signed request, signed again with its run's secret, encodes to the same bytes", () => {
    const files = requestFiles()
    let signed = 0
    let unsigned = 0
    for (const file of files) {
      const bytes = readFileSync(file)
      const command = decode(file)
      const accessKey = command.extFields?.["AccessKey"]
      if (accessKey === undefined) {
        assert.include(file, "no-credentials", `${file} is unsigned`)
        assert.isUndefined(command.extFields?.["Signature"])
        unsigned++
        continue
      }
      const secretKey = file.includes("wrong-signature") ? "wrong-secret" : secrets[accessKey]
      assert.isDefined(secretKey, `${file}: known access key ${accessKey}`)
      const again = signRequest(command, { accessKey, secretKey: secret(secretKey ?? "") })
      const encoded = Buffer.from(Result.getOrThrow(encodeFrame(again)))
      assert.isTrue(encoded.equals(bytes), `${file} re-signs to the same bytes`)
      assert.isTrue(verifySignature(command, secret(secretKey ?? "")))
      if (file.includes("wrong-signature")) assert.isFalse(verifySignature(command, secret(secrets[accessKey] ?? "")))
      // Signing the request with the fields stripped gives the same signature (only the place of the fields differs).
      const { AccessKey: _a, Signature: _s, ...header } = command.extFields ?? {}
      const fresh = signRequest({ ...command, extFields: header }, { accessKey, secretKey: secret(secretKey ?? "") })
      assert.strictEqual(fresh.extFields?.["Signature"], command.extFields?.["Signature"])
      signed++
    }
    // The folder's own checker reports 36 signed and 8 unsigned requests.
    assert.strictEqual(signed, 36)
    assert.strictEqual(unsigned, 8)
  })

  const fieldMap = Arbitrary.schema(Schema.Record(Schema.String, Schema.String))

  it.prop("a signed request verifies with its secret and not with another", [remotingCommand, fieldMap], ([command, extra]) => {
    const credentials = { accessKey: "ak", secretKey: secret("sk") }
    const signed = signRequest({ ...command, extFields: { ...extra, ...command.extFields } }, credentials)
    assert.isTrue(verifySignature(signed, credentials.secretKey))
    assert.isFalse(verifySignature(signed, secret("other")))
    // Signing again changes nothing: the signature never covers itself.
    assert.deepStrictEqual(signRequest(signed, credentials).extFields, signed.extFields)
  })

  it.prop("the signature does not depend on the order of the fields", [fieldMap], ([fields]) => {
    const reversed = Object.fromEntries(Object.entries(fields).reverse())
    const credentials = { accessKey: "ak", secretKey: secret("sk") }
    const a = signRequest(makeRequest({ code: 310, extFields: fields }), credentials)
    const b = signRequest(makeRequest({ code: 310, extFields: reversed }), credentials)
    assert.strictEqual(a.extFields?.["Signature"], b.extFields?.["Signature"])
  })

  it.prop("changing any covered value or the body breaks the signature", [fieldMap, Arbitrary.schema(Schema.Uint8Array)], ([fields, body]) => {
    const credentials = { accessKey: "ak", secretKey: secret("sk") }
    const signed = signRequest(makeRequest({ code: 310, extFields: fields, body }), credentials)
    for (const key of Object.keys(fields)) {
      if (key === "Signature" || key === "AccessKey") continue
      const tampered = { ...signed, extFields: { ...signed.extFields, [key]: `${fields[key]}x` } }
      assert.isFalse(verifySignature(tampered, credentials.secretKey), `tampering with ${key}`)
    }
    const longer = { ...signed, body: Buffer.concat([Buffer.from(body), Buffer.from([0])]) }
    assert.isFalse(verifySignature(longer, credentials.secretKey))
  })

  it("a security token is sent and covered", () => {
    const credentials = { accessKey: "ak", secretKey: secret("sk"), securityToken: secret("tok") }
    const signed = signRequest(makeRequest({ code: 105, extFields: { topic: "T1" } }), credentials)
    assert.strictEqual(signed.extFields?.["SecurityToken"], "tok")
    assert.strictEqual(
      signed.extFields?.["Signature"],
      calculateSignature(Buffer.from("aktokT1"), credentials.secretKey)
    )
  })
})
