/**
 * The denials a real 4.9.8 broker sent (test/fixtures/captures/acl) and 5.x's code 16 are
 * recognised, with what to check; other answers are not denials.
 */
import { assert, describe, it } from "@effect/vitest"
import { readFileSync } from "node:fs"
import * as Path from "node:path"
import { Arbitrary, Result, Schema } from "effect"
import { aclDenialHint, aclDenialOf } from "../../src/protocol/AclDenial.ts"
import { decodeFrame } from "../../src/protocol/FrameDecoder.ts"
import { makeRequest, makeResponse } from "../../src/protocol/RemotingCommand.ts"
import { requireCaptures } from "../helpers.ts"

const aclDir = Path.join(requireCaptures(), "acl")
const answer = (name: string) => Result.getOrThrow(decodeFrame(readFileSync(Path.join(aclDir, name))))
const respond = (code: number, remark?: string) => makeResponse(makeRequest({ code: 310 }), { code, remark })

describe("AclDenial", () => {
  it("reads each captured 4.9.8 rejection (code 1, AclException remark)", () => {
    const cases = [
      ["acl-send-wrong-signature.bin", "SignatureMismatch", undefined],
      ["acl-send-no-credentials.bin", "MissingCredentials", undefined],
      ["acl-send-unknown-access-key.bin", "UnknownAccessKey", undefined],
      ["acl-send-no-topic-perm.bin", "NoPermission", "AclTopic2"],
      ["acl-heartbeat-wrong-signature.bin", "SignatureMismatch", undefined]
    ] as const
    for (const [file, kind, resource] of cases) {
      const denial = aclDenialOf(answer(file))
      assert.isDefined(denial, file)
      assert.strictEqual(denial?.kind, kind, file)
      assert.strictEqual(denial?.code, 1)
      assert.strictEqual(denial?.resource, resource, file)
    }
  })

  it("successful answers are not denials", () => {
    for (const file of ["acl-send-ok.bin", "acl-heartbeat-signed.bin", "acl-route-signed.bin", "acl-unregister-signed.bin"]) {
      assert.isUndefined(aclDenialOf(answer(file)), file)
    }
  })

  it("5.x answers 16; the broker's own 'sending message is forbidden' is not an ACL denial", () => {
    assert.strictEqual(aclDenialOf(respond(16, "User:bob is not found"))?.kind, "UnknownAccessKey")
    assert.strictEqual(aclDenialOf(respond(16, "bob has no permission to access Topic:T1"))?.kind, "NoPermission")
    assert.strictEqual(aclDenialOf(respond(16, "check signature failed"))?.kind, "SignatureMismatch")
    assert.isUndefined(aclDenialOf(respond(16, "the broker[b] sending message is forbidden")))
    assert.isUndefined(aclDenialOf(respond(1, "java.lang.NullPointerException")))
  })

  it("the hints name the access key and what to check, never a secret", () => {
    assert.include(aclDenialHint("SignatureMismatch", "ak", undefined), "secret key")
    assert.include(aclDenialHint("UnknownAccessKey", "ak", undefined), "\"ak\"")
    assert.include(aclDenialHint("NoPermission", "ak", "T1"), "T1")
    assert.include(aclDenialHint("MissingCredentials", undefined, undefined), "credentials")
  })

  it.prop("a code other than 1 and 16 is never a denial", [Arbitrary.schema(Schema.Int), Arbitrary.schema(Schema.String)], ([code, remark]) => {
    if (code === 1 || code === 16) return
    assert.isUndefined(aclDenialOf(respond(code, `AclException: ${remark}`)))
  })
})
