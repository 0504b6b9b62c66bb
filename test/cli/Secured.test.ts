/**
 * The CLI against a secured testkit cluster: ACL credentials from flags or the environment,
 * namespaces, TLS to brokers and NameServers; clear errors for flags that cannot work; no secret
 * in what it prints.
 */
import { assert, describe, it } from "@effect/vitest"
import { existsSync, readFileSync } from "node:fs"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"
import { ConfigProvider, Effect } from "effect"
import { makeTestCluster } from "../../src/testkit/TestCluster.ts"
import { runCliCapture } from "./cliHarness.ts"
import { startCli } from "./cliProcess.ts"

const tlsDir = Path.resolve(Path.dirname(fileURLToPath(import.meta.url)), "../fixtures/tls")
const file = (name: string) => Path.join(tlsDir, name)
const accounts = [{ accessKey: "cli", secretKey: "cli-secret-1", topicPerms: { Secure: "PUB" as const } }]
const noSecret = (lines: ReadonlyArray<string>) => {
  for (const line of lines) assert.notInclude(line, "cli-secret-1")
}

describe("CLI against a secured cluster", () => {
  it.live("send, route and brokers with --access-key/--secret-key; a wrong secret is a one-line AccessDenied", () =>
    Effect.gen(function*() {
      const cluster = yield* makeTestCluster({ acl: accounts, topics: [{ topicName: "Secure" }], autoCreateTopicEnable: false })
      const ns = ["--namesrv", cluster.nameServerAddress]
      const creds = ["--access-key", "cli", "--secret-key", "cli-secret-1"]
      const send = yield* runCliCapture(["send", "Secure", ...ns, ...creds, "--json"])
      assert.strictEqual(send.exitCode, 0, send.stderr.join("\n"))
      assert.include(JSON.parse(send.stdout[0] ?? "{}"), { status: "SEND_OK", topic: "Secure" })
      const route = yield* runCliCapture(["route", "Secure", ...ns, ...creds, "--json"])
      assert.strictEqual(route.exitCode, 0, route.stderr.join("\n"))
      const brokers = yield* runCliCapture(["brokers", ...ns, ...creds])
      assert.strictEqual(brokers.exitCode, 0, brokers.stderr.join("\n"))
      const wrong = yield* runCliCapture(["send", "Secure", ...ns, "--access-key", "cli", "--secret-key", "nope-nope"])
      assert.strictEqual(wrong.exitCode, 1)
      assert.match(wrong.stderr.join("\n"), /denied by ACL \(SignatureMismatch/)
      assert.notInclude(wrong.stderr.join("\n"), "nope-nope")
      const unsigned = yield* runCliCapture(["route", "Secure", ...ns])
      assert.strictEqual(unsigned.exitCode, 1)
      assert.match(unsigned.stderr.join("\n"), /MissingCredentials/)
      for (const run of [send, route, brokers, wrong, unsigned]) noSecret([...run.stdout, ...run.stderr])
      assert.strictEqual((yield* cluster.messagesIn("Secure")).length, 1)
    }).pipe(Effect.scoped))

  it.live("credentials and namespace from ROCKETMQ_ACCESS_KEY / ROCKETMQ_SECRET_KEY / ROCKETMQ_NAMESPACE", () =>
    Effect.gen(function*() {
      const cluster = yield* makeTestCluster({
        acl: [{ accessKey: "cli", secretKey: "cli-secret-1", topicPerms: { "tenant%Secure": "PUB" } }],
        topics: [{ topicName: "tenant%Secure" }],
        autoCreateTopicEnable: false
      })
      const env = ConfigProvider.fromUnknown({
        ROCKETMQ_ACCESS_KEY: "cli",
        ROCKETMQ_SECRET_KEY: "cli-secret-1",
        ROCKETMQ_NAMESPACE: "tenant"
      })
      const send = yield* runCliCapture(["send", "Secure", "--namesrv", cluster.nameServerAddress, "--json"]).pipe(
        Effect.provide(ConfigProvider.layer(env))
      )
      assert.strictEqual(send.exitCode, 0, send.stderr.join("\n"))
      assert.include(JSON.parse(send.stdout[0] ?? "{}"), { status: "SEND_OK", topic: "Secure" })
      assert.strictEqual((yield* cluster.messagesIn("tenant%Secure")).length, 1)
      const route = yield* runCliCapture(["route", "Secure", "--namesrv", cluster.nameServerAddress, "--json"]).pipe(
        Effect.provide(ConfigProvider.layer(env))
      )
      assert.strictEqual(route.exitCode, 0, route.stderr.join("\n"))
    }).pipe(Effect.scoped))

  it.live("--tls / --namesrv-tls with --tls-ca; a wrong CA names the reason; mutual TLS with --tls-cert/--tls-key", () =>
    Effect.gen(function*() {
      const pem = { cert: readFileSync(file("server.crt"), "utf8"), key: readFileSync(file("server.key"), "utf8") }
      const cluster = yield* makeTestCluster({
        topics: [{ topicName: "Tls" }],
        tls: { ...pem, clientCa: readFileSync(file("ca.crt"), "utf8") },
        nameServerTls: pem
      })
      const ns = ["--namesrv", cluster.nameServerAddress]
      const mtls = ["--tls-cert", file("client.crt"), "--tls-key", file("client.key")]
      const ok = yield* runCliCapture(["send", "Tls", ...ns, "--tls", "--namesrv-tls", "--tls-ca", file("ca.crt"), ...mtls])
      assert.strictEqual(ok.exitCode, 0, ok.stderr.join("\n"))
      const wrongCa = yield* runCliCapture(["route", "Tls", ...ns, "--namesrv-tls", "--tls-ca", file("other-ca.crt")])
      assert.strictEqual(wrongCa.exitCode, 1)
      assert.match(wrongCa.stderr.join("\n"), /UnknownCa/)
      const insecure = yield* runCliCapture(["brokers", ...ns, "--namesrv-tls", "--tls-insecure"])
      assert.strictEqual(insecure.exitCode, 0, insecure.stderr.join("\n"))
      const noClientCert = yield* runCliCapture([
        "send", "Tls", ...ns, "--tls", "--namesrv-tls", "--tls-ca", file("ca.crt"), "--timeout", "2000"
      ])
      assert.strictEqual(noClientCert.exitCode, 1)
    }).pipe(Effect.scoped))

  it.live("flags that cannot work fail before any connection, with a clear message", () =>
    Effect.gen(function*() {
      const cases: ReadonlyArray<readonly [ReadonlyArray<string>, RegExp]> = [
        [["--access-key", "ak"], /without a secret key/],
        [["--secret-key", "cli-secret-1"], /without an access key/],
        [["--tls-ca", file("ca.crt")], /need --tls/],
        [["--tls", "--tls-cert", file("client.crt")], /both --tls-cert and --tls-key/],
        [["--tls", "--tls-ca", file("missing.crt")], /--tls-ca .*missing\.crt/]
      ]
      for (const [flags, expected] of cases) {
        const run = yield* runCliCapture(["route", "T", "--namesrv", "127.0.0.1:1", ...flags])
        assert.strictEqual(run.exitCode, 1)
        assert.match(run.stderr.join("\n"), expected)
        noSecret(run.stderr)
      }
    }))

  it.live("effect-rocketmq cluster --acl … --tls --namesrv-tls: a secured stand-in the other commands reach with the printed flags", () =>
    Effect.gen(function*() {
      const cluster = yield* startCli([
        "cluster", "--json", "--namesrv-port", "0", "--broker-port", "0", "--brokers", "1", "--topic", "Orders",
        "--acl", "app:app-secret-7:Orders=PUB", "--acl", "ops:ops-secret-7", "--tls", "--namesrv-tls"
      ])
      const ready: { nameServer: string; tlsCaFile: string } = JSON.parse(yield* cluster.line(/^\{/))
      assert.isTrue(existsSync(ready.tlsCaFile))
      const reach = ["--namesrv", ready.nameServer, "--tls", "--namesrv-tls", "--tls-ca", ready.tlsCaFile]
      const send = yield* runCliCapture(["send", "Orders", ...reach, "--access-key", "app", "--secret-key", "app-secret-7", "--json"])
      assert.strictEqual(send.exitCode, 0, send.stderr.join("\n"))
      assert.strictEqual(JSON.parse(send.stdout[0] ?? "{}").status, "SEND_OK")
      const denied = yield* runCliCapture(["send", "Other", ...reach, "--access-key", "app", "--secret-key", "app-secret-7"])
      assert.strictEqual(denied.exitCode, 1)
      assert.match(denied.stderr.join("\n"), /denied by ACL \(NoPermission/)
      const admin = yield* runCliCapture(["brokers", ...reach, "--access-key", "ops", "--secret-key", "ops-secret-7"])
      assert.strictEqual(admin.exitCode, 0, admin.stderr.join("\n"))
      const plain = yield* runCliCapture(["brokers", "--namesrv", ready.nameServer, "--access-key", "ops", "--secret-key", "ops-secret-7", "--timeout", "1500"])
      assert.strictEqual(plain.exitCode, 1)
      cluster.interrupt()
      assert.strictEqual(yield* cluster.exited, 0)
      assert.isFalse(existsSync(ready.tlsCaFile), "the CA file is removed when the cluster stops")
      for (const line of [...cluster.stdout, ...cluster.stderr]) assert.notInclude(line, "secret-7")
    }).pipe(Effect.scoped), { timeout: 60_000 })

  it.effect("cluster --acl: a malformed account is one line, exit 1, and never repeats the secret", () =>
    Effect.gen(function*() {
      for (const [value, expected] of [["nosecret", /--acl: expected ak:sk/], ["a:topsecret:Orders=WRITE", /--acl: invalid topic permission/], ["a:topsecret:x:y", /--acl: expected/]] as const) {
        const run = yield* runCliCapture(["cluster", "--acl", value, "--namesrv-port", "0", "--broker-port", "0"])
        assert.strictEqual(run.exitCode, 1)
        assert.match(run.stderr.join("\n"), expected)
        assert.notInclude(run.stderr.join("\n"), "topsecret")
      }
    }))
})
