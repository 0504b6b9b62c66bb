/**
 * The testkit's ACL check decides every request the real 4.9.8 broker saw (test/fixtures/captures/acl)
 * as that broker did: the same code and the same remark, byte for byte; and it follows the
 * permission rules for any account and request.
 */
import { assert, describe, it } from "@effect/vitest"
import { readdirSync, readFileSync } from "node:fs"
import * as Path from "node:path"
import { Arbitrary, Redacted, Result, Schema } from "effect"
import { signRequest } from "../../src/protocol/AclSignature.ts"
import { decodeFrame } from "../../src/protocol/FrameDecoder.ts"
import { makeRequest } from "../../src/protocol/RemotingCommand.ts"
import type { RemotingCommand } from "../../src/protocol/RemotingCommand.ts"
import { makeAclCheck, parseAclAccount } from "../../src/testkit/AclAccounts.ts"
import type { AclAccount } from "../../src/testkit/AclAccounts.ts"
import { requireCaptures } from "../helpers.ts"

const sessions = Path.join(requireCaptures(), "acl", "sessions")
const BROKER_PORT = "10941"

/** The broker's accounts (README of the captures). */
const accounts: ReadonlyArray<AclAccount> = [
  { accessKey: "RocketMQ", secretKey: "12345678", admin: true },
  { accessKey: "rocketmq2", secretKey: "87654321", defaultTopicPerm: "DENY", defaultGroupPerm: "PUB", topicPerms: { AclTopic: "PUB", AclTopic2: "SUB" } }
]

/** Each request the broker got, with the broker's answer (matched by opaque). */
const brokerExchanges = (): Array<{ run: string; request: RemotingCommand; response: RemotingCommand }> => {
  const out: Array<{ run: string; request: RemotingCommand; response: RemotingCommand }> = []
  for (const run of readdirSync(sessions).sort()) {
    const files = readdirSync(Path.join(sessions, run)).filter((f) => f.endsWith(".bin")).sort()
    const frames = files.map((file) => ({
      file,
      command: Result.getOrThrow(decodeFrame(readFileSync(Path.join(sessions, run, file))))
    }))
    for (const { file, command } of frames) {
      const [, , dst] = file.split("-")
      if (dst !== BROKER_PORT || (command.flag & 1) !== 0) continue
      const answer = frames.find((f) => f.file.split("-")[1] === BROKER_PORT && (f.command.flag & 1) !== 0 && f.command.opaque === command.opaque)
      if (answer !== undefined) out.push({ run, request: command, response: answer.command })
    }
  }
  return out
}

describe("testkit ACL check", () => {
  it("decides every captured broker request as the real broker did: same code, same remark", () => {
    const check = makeAclCheck(accounts)
    const exchanges = brokerExchanges()
    assert.strictEqual(exchanges.length, 20)
    let rejected = 0
    for (const { run, request, response } of exchanges) {
      const verdict = check(request)
      if (response.code === 0) {
        assert.isUndefined(verdict, `${run} ${request.code} passes`)
        continue
      }
      rejected++
      assert.strictEqual(verdict?.code, response.code, `${run} ${request.code}`)
      assert.strictEqual(verdict?.remark, response.remark, `${run} ${request.code}`)
      assert.isUndefined(verdict?.extFields)
    }
    // wrong-signature, no-credentials and unknown-access-key reject all 4; no-topic-perm only the send.
    assert.strictEqual(rejected, 13)
  })

  const perm = Arbitrary.schema(Schema.Literals(["DENY", "ANY", "PUB", "SUB", "PUB|SUB"]))
  const name = Arbitrary.schema(Schema.String.check(Schema.isPattern(/^[A-Za-z0-9_]{1,12}$/)))

  it.prop(
    "a correctly signed send passes exactly when the account may PUB to the topic",
    [name, perm, Arbitrary.schema(Schema.UndefinedOr(Schema.Literals(["DENY", "ANY", "PUB", "SUB", "PUB|SUB"]))), Arbitrary.schema(Schema.Boolean)],
    ([topic, defaultPerm, topicPerm, admin]) => {
      const account: AclAccount = {
        accessKey: "ak",
        secretKey: "sk",
        admin,
        defaultTopicPerm: defaultPerm,
        ...(topicPerm === undefined ? {} : { topicPerms: { [topic]: topicPerm } })
      }
      const request = signRequest(makeRequest({ code: 310, extFields: { a: "g", b: topic } }), { accessKey: "ak", secretKey: Redacted.make("sk") })
      const owned = topicPerm ?? defaultPerm
      // Java's Permission.checkPermission: an owned ANY does not grant PUB (only a needed ANY matches either).
      const allowed = admin || owned === "PUB" || owned === "PUB|SUB"
      const verdict = makeAclCheck([account])(request)
      assert.strictEqual(verdict === undefined, allowed)
      if (verdict !== undefined) assert.include(verdict.remark ?? "", `No default permission for topic:${topic}`)
    }
  )

  it("parses the CLI's ak:sk[:topic=PERM,…]", () => {
    assert.deepStrictEqual(parseAclAccount("admin:secret"), { accessKey: "admin", secretKey: "secret", admin: true })
    assert.deepStrictEqual(parseAclAccount("app:s3:Orders=PUB,Audit=SUB"), {
      accessKey: "app",
      secretKey: "s3",
      topicPerms: { Orders: "PUB", Audit: "SUB" },
      defaultTopicPerm: "DENY",
      defaultGroupPerm: "PUB"
    })
    assert.isString(parseAclAccount("nosecret"))
    assert.isString(parseAclAccount("a:b:Orders=WRITE"))
    // The message never repeats the secret.
    const problem = parseAclAccount("a:topsecret:x:y")
    assert.isString(problem)
    assert.notInclude(String(problem), "topsecret")
  })
})
