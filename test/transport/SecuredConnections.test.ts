/**
 * The remoting client against secured testkit servers over real loopback sockets: request hooks
 * sign every request; TLS with the right CA, a wrong CA, a name mismatch, an expired certificate
 * and mutual TLS; plain against TLS and TLS against plain fail within their budget.
 */
import { assert, describe, it } from "@effect/vitest"
import { readFileSync } from "node:fs"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"
import { Cause, Effect, Exit, Layer, Redacted } from "effect"
import { verifySignature } from "../../src/protocol/AclSignature.ts"
import { makeRequest } from "../../src/protocol/RemotingCommand.ts"
import type { RemotingCommand } from "../../src/protocol/RemotingCommand.ts"
import { makeRemotingServer } from "../../src/testkit/RemotingServer.ts"
import type { ServerTlsSettings } from "../../src/testkit/RemotingServer.ts"
import { testCaCertificate, testServerCertificate, testServerKey, testServerTls } from "../../src/testkit/TestCertificates.ts"
import { RemotingClient } from "../../src/transport/RemotingClient.ts"
import type { RemotingClientOptions } from "../../src/transport/RemotingClient.ts"
import { aclSigning } from "../../src/transport/RequestHook.ts"
import type { TlsSettings } from "../../src/transport/Tls.ts"

const tlsDir = Path.resolve(Path.dirname(fileURLToPath(import.meta.url)), "../fixtures/tls")
const pem = (name: string) => readFileSync(Path.join(tlsDir, name), "utf8")
const serving = (name: string, clientCa?: string): ServerTlsSettings => ({
  cert: pem(`${name}.crt`),
  key: pem(`${name}.key`),
  ...(clientCa === undefined ? {} : { clientCa: pem(clientCa) })
})
const trustingTestCa: TlsSettings = { ca: pem("ca.crt") }

const withClient = <A, E>(options: RemotingClientOptions, use: (client: RemotingClient["Service"]) => Effect.Effect<A, E>) =>
  Effect.gen(function*() {
    const client = yield* RemotingClient
    return yield* use(client)
  }).pipe(Effect.provide(Layer.fresh(RemotingClient.layer({ connectTimeoutMillis: 2000, ...options }))))

const ping = (client: RemotingClient["Service"], address: string, timeoutMillis = 3000) =>
  client.invoke(address, makeRequest({ code: 105, extFields: { topic: "T1" } }), { timeoutMillis })

/** The reason tag and TLS kind of a failed exit. */
const reasonOf = (exit: Exit.Exit<unknown, { readonly reason: { readonly _tag: string } }>) => {
  if (Exit.isSuccess(exit)) return "success"
  const error = exit.cause.reasons.find((reason) => reason._tag === "Fail")
  if (error === undefined || error._tag !== "Fail") return "no failure"
  const reason = error.error.reason
  const kind = Reflect.get(reason, "kind")
  return typeof kind === "string" ? `${reason._tag}:${kind}` : reason._tag
}

describe("request hooks", () => {
  it.live("sign every request with the credentials, after every other field is final", () =>
    Effect.gen(function*() {
      const seen: Array<RemotingCommand> = []
      const server = yield* makeRemotingServer((request) => {
        seen.push(request)
        return { code: 0 }
      })
      const credentials = { accessKey: "ak", secretKey: Redacted.make("sk") }
      yield* withClient({ requestHooks: [aclSigning(credentials)] }, (client) =>
        Effect.gen(function*() {
          yield* ping(client, server.address)
          yield* client.invokeOneway(server.address, makeRequest({ code: 34, body: Buffer.from("{}") }), 3000)
          yield* Effect.sleep(100)
        }))
      assert.strictEqual(seen.length, 2)
      for (const request of seen) {
        assert.strictEqual(request.extFields?.["AccessKey"], "ak")
        assert.isTrue(verifySignature(request, credentials.secretKey))
      }
      // The 34 of §22.4: "ak" + body "{}".
      assert.strictEqual(seen[1]?.extFields?.["Signature"], "RpH/yq7z4I1jgjran9wYNZAbso8=")
    }).pipe(Effect.scoped))

  it.live("a testkit server requiring ACL rejects unsigned and wrongly signed requests as 4.9.8 does", () =>
    Effect.gen(function*() {
      const server = yield* makeRemotingServer(() => ({ code: 0 }), {
        acl: [{ accessKey: "ak", secretKey: "sk", admin: true }]
      })
      const answers = yield* Effect.forEach([undefined, "sk", "wrong"], (secret) =>
        withClient(
          secret === undefined ? {} : { requestHooks: [aclSigning({ accessKey: "ak", secretKey: Redacted.make(secret) })] },
          (client) => ping(client, server.address)
        ))
      assert.deepStrictEqual(answers.map((answer) => answer.code), [1, 0, 1])
      assert.match(answers[0]?.remark ?? "", /^org\.apache\.rocketmq\.acl\.common\.AclException: No accessKey is configured, /)
      assert.match(answers[2]?.remark ?? "", /AclException: Check signature failed for accessKey=ak, /)
    }).pipe(Effect.scoped))
})

describe("TLS", () => {
  it.live("with the test CA: requests go through TLS to the server", () =>
    Effect.gen(function*() {
      const server = yield* makeRemotingServer(() => ({ code: 0, remark: "over tls" }), { tls: serving("server") })
      const response = yield* withClient({ tlsFor: () => trustingTestCa }, (client) => ping(client, server.address))
      assert.strictEqual(response.remark, "over tls")
      // By name too: the certificate carries localhost.
      const byName = yield* withClient({ tlsFor: () => trustingTestCa }, (client) => ping(client, `localhost:${server.port}`))
      assert.strictEqual(byName.code, 0)
    }).pipe(Effect.scoped))

  it.live("the testkit's built-in certificate is the one in test/fixtures/tls, and serves TLS", () =>
    Effect.gen(function*() {
      assert.strictEqual(testCaCertificate, pem("ca.crt"))
      assert.strictEqual(testServerCertificate, pem("server.crt"))
      assert.strictEqual(testServerKey, pem("server.key"))
      const server = yield* makeRemotingServer(() => ({ code: 0 }), { tls: testServerTls })
      const response = yield* withClient({ tlsFor: () => ({ ca: testCaCertificate }) }, (client) => ping(client, server.address))
      assert.strictEqual(response.code, 0)
    }).pipe(Effect.scoped))

  it.live("certificate failures are typed and not retryable: unknown CA, name mismatch, expired", () =>
    Effect.gen(function*() {
      const cases = [
        ["other-ca-server", trustingTestCa, "TlsFailed:UnknownCa"],
        ["server", { ca: pem("other-ca.crt") }, "TlsFailed:UnknownCa"],
        ["server", {}, "TlsFailed:UnknownCa"],
        ["wrong-name-server", trustingTestCa, "TlsFailed:NameMismatch"],
        ["expired-server", trustingTestCa, "TlsFailed:Expired"]
      ] as const
      for (const [certificate, settings, expected] of cases) {
        const server = yield* makeRemotingServer(() => ({ code: 0 }), { tls: serving(certificate) })
        const exit = yield* withClient({ tlsFor: () => settings }, (client) => Effect.exit(ping(client, server.address)))
        assert.strictEqual(reasonOf(exit), expected, `${certificate} with ${JSON.stringify(Object.keys(settings))}`)
        if (Exit.isFailure(exit)) {
          const error = exit.cause.reasons.find((reason) => reason._tag === "Fail")
          if (error?._tag === "Fail") assert.isFalse(error.error.isRetryable)
        }
      }
    }).pipe(Effect.scoped))

  it.live("servername picks the name to check; insecure accepts any certificate", () =>
    Effect.gen(function*() {
      const server = yield* makeRemotingServer(() => ({ code: 0 }), { tls: serving("wrong-name-server") })
      const named = yield* withClient({ tlsFor: () => ({ ...trustingTestCa, servername: "broker.invalid" }) }, (client) =>
        ping(client, server.address))
      assert.strictEqual(named.code, 0)
      const other = yield* makeRemotingServer(() => ({ code: 0 }), { tls: serving("other-ca-server") })
      const insecure = yield* withClient({ tlsFor: () => ({ insecure: true }) }, (client) => ping(client, other.address))
      assert.strictEqual(insecure.code, 0)
    }).pipe(Effect.scoped))

  it.live("mutual TLS: with the client certificate it works, without it the server refuses", () =>
    Effect.gen(function*() {
      const server = yield* makeRemotingServer(() => ({ code: 0 }), { tls: serving("server", "ca.crt") })
      const withCert: TlsSettings = { ...trustingTestCa, cert: pem("client.crt"), key: Redacted.make(pem("client.key")) }
      const ok = yield* withClient({ tlsFor: () => withCert }, (client) => ping(client, server.address))
      assert.strictEqual(ok.code, 0)
      const exit = yield* withClient({ tlsFor: () => trustingTestCa }, (client) => Effect.exit(ping(client, server.address, 2000)))
      assert.isTrue(Exit.isFailure(exit))
      // TLS 1.3 reports the refusal after the handshake, so it may surface as a closed connection.

      assert.oneOf(reasonOf(exit), ["TlsFailed:ClientCertificateRejected", "ConnectionClosed", "TlsFailed:Handshake"])
    }).pipe(Effect.scoped))

  it.live("a plain client against a TLS-only server, and a TLS client against a plain one, fail within the budget", () =>
    Effect.gen(function*() {
      const tlsServer = yield* makeRemotingServer(() => ({ code: 0 }), { tls: serving("server") })
      const started = Date.now()
      const plain = yield* withClient({}, (client) => Effect.exit(ping(client, tlsServer.address, 1500)))
      assert.isTrue(Exit.isFailure(plain))

      // The server closes the connection without a byte, as a real broker in enforcing mode does,
      // and the error says what that may mean.
      assert.strictEqual(reasonOf(plain), "ConnectionClosed")
      assert.include(String(Exit.isFailure(plain) ? Cause.squash(plain.cause) : ""), "before sending a byte (a server that requires TLS")
      const plainServer = yield* makeRemotingServer(() => ({ code: 0 }))
      const tls = yield* withClient({ tlsFor: () => trustingTestCa }, (client) => Effect.exit(ping(client, plainServer.address, 1500)))
      assert.strictEqual(reasonOf(tls), "TlsFailed:Handshake")
      // Both within their 1.5 s budgets (generous slack for a loaded machine).
      assert.isBelow(Date.now() - started, 6000)
    }).pipe(Effect.scoped))
})
