/**
 * The producer against secured testkit clusters over real loopback sockets: ACL (right
 * credentials pass, wrong secret / unknown key / missing permission / no credentials each give
 * `AccessDenied`, never retried), TLS to brokers and NameServers, namespaces on the wire; and no
 * secret in any log line, error message or inspected value.
 */
import { assert, describe, it } from "@effect/vitest"
import { readFileSync } from "node:fs"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"
import { inspect } from "node:util"
import { ConfigProvider, Effect, Exit, Layer, Logger, Metric, Redacted } from "effect"
import { RequestCode } from "../../src/protocol/RequestCode.ts"
import { makeMessage } from "../../src/protocol/message/Message.ts"
import { Producer } from "../../src/producer/Producer.ts"
import type { ProducerOptions } from "../../src/producer/ProducerOptions.ts"
import type { AclAccount } from "../../src/testkit/AclAccounts.ts"
import { makeTestCluster } from "../../src/testkit/TestCluster.ts"
import type { TestClusterInstance } from "../../src/testkit/TestCluster.ts"
import { recordingTracer } from "../helpers.ts"

const tlsDir = Path.resolve(Path.dirname(fileURLToPath(import.meta.url)), "../fixtures/tls")
const pem = (name: string) => readFileSync(Path.join(tlsDir, name), "utf8")

/** The accounts of the recorded 4.9.8 broker (test/fixtures/captures/acl/README.md). */
const accounts: ReadonlyArray<AclAccount> = [
  { accessKey: "RocketMQ", secretKey: "12345678", admin: true },
  {
    accessKey: "rocketmq2",
    secretKey: "87654321",
    defaultTopicPerm: "DENY",
    defaultGroupPerm: "PUB",
    topicPerms: { AclTopic: "PUB", AclTopic2: "SUB" }
  }
]
const secrets = ["12345678", "87654321", "wrong-secret"]
const aclTopics = [{ topicName: "AclTopic" }, { topicName: "AclTopic2" }]

/** Runs `use` with a producer, collecting every log line it writes. */
const withProducer = <A, E>(
  cluster: TestClusterInstance,
  options: Partial<ProducerOptions>,
  use: (producer: Producer["Service"]) => Effect.Effect<A, E>,
  logs: Array<string> = []
) =>
  Producer.use(use).pipe(
    Effect.provide(Layer.fresh(Producer.layer({
      nameServers: cluster.nameServerAddress,
      producerGroup: "acl_send_group",
      retryTimesWhenSendFailed: 2,
      sendMsgTimeout: 4000,
      ...options
    }))),
    Effect.provide(Logger.layer([Logger.make((entry) => void logs.push(inspect(entry.message, { depth: 5 })))]))
  )

const credentials = (accessKey: string, secret: string) => ({ accessKey, secretKey: Redacted.make(secret) })

const failureOf = <A, E>(exit: Exit.Exit<A, E>): E | undefined => {
  if (Exit.isSuccess(exit)) return undefined
  const reason = exit.cause.reasons.find((r) => r._tag === "Fail")
  return reason?._tag === "Fail" ? reason.error : undefined
}

/** No secret in a text. */
const assertNoSecret = (text: string, what: string) => {
  for (const secret of secrets) assert.notInclude(text, secret, `${what} leaks a secret`)
}

describe("a testkit cluster that requires ACL", () => {
  it.live("right credentials: route lookup, send and heartbeat are signed and pass", () =>
    Effect.gen(function*() {
      const cluster = yield* makeTestCluster({ acl: accounts, topics: aclTopics, autoCreateTopicEnable: false })
      const broker = cluster.brokers[0]!
      const logs: Array<string> = []
      const result = yield* withProducer(cluster, { credentials: credentials("rocketmq2", "87654321") }, (producer) =>
        Effect.gen(function*() {
          const sent = yield* producer.send(makeMessage("AclTopic", "hello acl 0", { tags: "TagA" }))
          // The first heartbeat goes out 1 s after start.
          for (let waited = 0; waited < 5000 && broker.requestCount(RequestCode.HEART_BEAT) === 0; waited += 50) {
            yield* Effect.sleep(50)
          }
          yield* Effect.sleep(50)
          // The broker registered the group from the heartbeat: it passed the signature check.
          assert.isTrue((yield* broker.producers).has("acl_send_group"))
          return sent
        }), logs)
      assert.strictEqual(result.status, "SEND_OK")
      assert.strictEqual((yield* cluster.messagesIn("AclTopic")).length, 1)
      assert.isAtLeast(cluster.nameServer.requestCount(RequestCode.GET_ROUTEINFO_BY_TOPIC), 1)
      assert.isAtLeast(broker.requestCount(RequestCode.HEART_BEAT), 1)
      // The producer unregistered at shutdown, signed too (no warning about it in the logs).
      assert.isAtLeast(broker.requestCount(RequestCode.UNREGISTER_CLIENT), 1)
      assert.deepStrictEqual(logs.filter((line) => line.includes("AclException")), [])
      for (const line of logs) assertNoSecret(line, "a log line")
    }).pipe(Effect.scoped))

  it.live("wrong secret, unknown key, no credentials: AccessDenied naming what to check; no secret anywhere", () =>
    Effect.gen(function*() {
      const cluster = yield* makeTestCluster({ acl: accounts, topics: aclTopics, autoCreateTopicEnable: false })
      const cases = [
        [credentials("rocketmq2", "wrong-secret"), "SignatureMismatch", "secret key"],
        [credentials("nosuchuser", "12345678"), "UnknownAccessKey", "access key"],
        [undefined, "MissingCredentials", "credentials"]
      ] as const
      for (const [given, kind, hint] of cases) {
        const logs: Array<string> = []
        const options = given === undefined ? {} : { credentials: given }
        const exit = yield* withProducer(cluster, options, (producer) =>
          Effect.exit(producer.send(makeMessage("AclTopic", "x"))), logs)
        const error = failureOf(exit)?.reason
        assert.strictEqual(error?._tag, "AccessDenied", JSON.stringify(error))
        if (error?._tag !== "AccessDenied") continue
        assert.strictEqual(error.kind, kind)
        assert.strictEqual(error.code, 1)
        assert.include(error.message, hint)
        assert.match(error.remark, /^org\.apache\.rocketmq\.acl\.common\.AclException: /)
        for (const text of [error.message, JSON.stringify(error), inspect(error, { depth: 5 }), inspect(options, { depth: 5 }), ...logs]) {
          assertNoSecret(text, "an error or log line")
        }
      }
      // Denials are final: one route request per case, never the next NameServer or a retry.
      assert.strictEqual(cluster.brokers[0]!.requestCount(RequestCode.SEND_MESSAGE_V2), 0)
    }).pipe(Effect.scoped))

  it.live("behind a NameServer that checks nothing (as 4.9.8): the broker's denial of a send is AccessDenied, once; its denial of a heartbeat is a warning", () =>
    Effect.gen(function*() {
      const cluster = yield* makeTestCluster({
        brokers: 2,
        acl: accounts,
        nameServerAcl: false,
        topics: aclTopics,
        autoCreateTopicEnable: false
      })
      for (const [given, kind] of [[credentials("rocketmq2", "wrong-secret"), "SignatureMismatch"], [credentials("nosuchuser", "12345678"), "UnknownAccessKey"]] as const) {
        const logs: Array<string> = []
        const before = cluster.brokers.reduce((n, broker) => n + broker.requestCount(RequestCode.SEND_MESSAGE_V2), 0)
        const exit = yield* withProducer(cluster, { credentials: given, heartbeatBrokerInterval: "100 millis" }, (producer) =>
          Effect.gen(function*() {
            const result = yield* Effect.exit(producer.send(makeMessage("AclTopic", "x")))
            for (let waited = 0; waited < 5000 && !logs.some((line) => line.includes("heartbeat")); waited += 50) {
              yield* Effect.sleep(50)
            }
            return result
          }), logs)
        const error = failureOf(exit)?.reason
        assert.strictEqual(error?._tag, "AccessDenied")
        if (error?._tag === "AccessDenied") {
          assert.strictEqual(error.kind, kind)
          assert.strictEqual(error.code, 1)
          assert.include(error.operation, "AclTopic")
        }
        const sends = cluster.brokers.reduce((n, broker) => n + broker.requestCount(RequestCode.SEND_MESSAGE_V2), 0) - before
        assert.strictEqual(sends, 1, "a denial is not retried on the other broker")
        const heartbeat = logs.find((line) => line.includes("heartbeat"))
        assert.isDefined(heartbeat)
        assert.include(heartbeat ?? "", `denied by ACL (${kind}`)
        assert.include(heartbeat ?? "", `access key "${given.accessKey}"`)
        for (const line of logs) assertNoSecret(line, "a log line")
      }
    }).pipe(Effect.scoped))

  it.live("a 5.3.3 cluster answers ACL denials with 16 (ACL 2.0): AccessDenied too, and not retried although 16 is a retryable code", () =>
    Effect.gen(function*() {
      const cluster = yield* makeTestCluster({
        brokers: 2,
        profile: "5.3.3",
        acl: accounts,
        nameServerAcl: false,
        topics: aclTopics,
        autoCreateTopicEnable: false
      })
      const cases = [
        [credentials("rocketmq2", "wrong-secret"), "AclTopic", "SignatureMismatch"],
        [credentials("nosuchuser", "12345678"), "AclTopic", "UnknownAccessKey"],
        [undefined, "AclTopic", "MissingCredentials"],
        [credentials("rocketmq2", "87654321"), "AclTopic2", "NoPermission"]
      ] as const
      for (const [given, topic, kind] of cases) {
        const before = cluster.brokers.reduce((n, broker) => n + broker.requestCount(RequestCode.SEND_MESSAGE_V2), 0)
        const exit = yield* withProducer(cluster, given === undefined ? {} : { credentials: given }, (producer) =>
          Effect.exit(producer.send(makeMessage(topic, "x"))))
        const error = failureOf(exit)?.reason
        assert.strictEqual(error?._tag, "AccessDenied", JSON.stringify(error))
        if (error?._tag === "AccessDenied") {
          assert.strictEqual(error.code, 16)
          assert.strictEqual(error.kind, kind)
          assert.strictEqual(error.resource, kind === "NoPermission" ? "AclTopic2" : undefined)
        }
        const sends = cluster.brokers.reduce((n, broker) => n + broker.requestCount(RequestCode.SEND_MESSAGE_V2), 0) - before
        assert.strictEqual(sends, 1)
      }
    }).pipe(Effect.scoped))

  it.live("missing PUB permission: AccessDenied from the broker on the first attempt, not retried", () =>
    Effect.gen(function*() {
      const cluster = yield* makeTestCluster({ brokers: 2, acl: accounts, topics: aclTopics, autoCreateTopicEnable: false })
      const exit = yield* withProducer(cluster, { credentials: credentials("rocketmq2", "87654321") }, (producer) =>
        Effect.exit(producer.send(makeMessage("AclTopic2", "x"))))
      const error = failureOf(exit)?.reason
      assert.strictEqual(error?._tag, "AccessDenied")
      if (error?._tag === "AccessDenied") {
        assert.strictEqual(error.kind, "NoPermission")
        assert.strictEqual(error.resource, "AclTopic2")
        assert.include(error.message, "rocketmq2")
        assert.include(error.message, "AclTopic2")
      }
      const sends = cluster.brokers.reduce((n, broker) => n + broker.requestCount(RequestCode.SEND_MESSAGE_V2), 0)
      assert.strictEqual(sends, 1)
    }).pipe(Effect.scoped))

  it.live("credentials from ROCKETMQ_ACCESS_KEY / ROCKETMQ_SECRET_KEY", () =>
    Effect.gen(function*() {
      const cluster = yield* makeTestCluster({ acl: accounts, topics: aclTopics, autoCreateTopicEnable: false })
      const provider = ConfigProvider.fromUnknown({
        NAMESRV_ADDR: cluster.nameServerAddress,
        ROCKETMQ_ACCESS_KEY: "rocketmq2",
        ROCKETMQ_SECRET_KEY: "87654321"
      })
      const result = yield* Producer.use((producer) => producer.send(makeMessage("AclTopic", "from config"))).pipe(
        Effect.provide(Layer.fresh(Producer.layerConfig())),
        Effect.provide(ConfigProvider.layer(provider))
      )
      assert.strictEqual(result.status, "SEND_OK")
      const stored = yield* cluster.messagesIn("AclTopic")
      assert.strictEqual(stored.length, 1)
      // A secret without its access key is refused before any byte is sent.
      const half = ConfigProvider.fromUnknown({ NAMESRV_ADDR: cluster.nameServerAddress, ROCKETMQ_SECRET_KEY: "87654321" })
      const exit = yield* Producer.use((producer) => producer.send(makeMessage("AclTopic", "x"))).pipe(
        Effect.provide(Layer.fresh(Producer.layerConfig())),
        Effect.provide(ConfigProvider.layer(half)),
        Effect.exit
      )
      assert.strictEqual(failureOf(exit)?._tag, "InvalidProducerOptions")
      assertNoSecret(inspect(failureOf(exit)), "the options error")
    }).pipe(Effect.scoped))
})

describe("secrets stay secret", () => {
  it.live("no span name, span attribute, span event or metric carries a secret, for passing and denied sends", () =>
    Effect.gen(function*() {
      const cluster = yield* makeTestCluster({ acl: accounts, topics: aclTopics, autoCreateTopicEnable: false })
      const { spans, tracer } = recordingTracer()
      for (const secret of ["87654321", "wrong-secret"]) {
        yield* withProducer(cluster, { credentials: credentials("rocketmq2", secret) }, (producer) =>
          Effect.exit(producer.send(makeMessage("AclTopic", "x")))).pipe(Effect.withTracer(tracer))
      }
      assert.isAtLeast(spans.length, 2)
      for (const span of spans) {
        assertNoSecret(span.name, "a span name")
        assertNoSecret(inspect([...span.attributes], { depth: 5 }), "span attributes")
        assertNoSecret(inspect(span.events, { depth: 5 }), "span events")
        assertNoSecret(inspect(span.status, { depth: 5 }), "span status")
      }
      assertNoSecret(yield* Metric.dump, "the metrics")
    }).pipe(Effect.scoped))
})

describe("TLS and namespaces through the producer", () => {
  it.live("TLS brokers behind a plain NameServer: tls with the CA works; a plain producer fails within its budget", () =>
    Effect.gen(function*() {
      const cluster = yield* makeTestCluster({
        topics: [{ topicName: "TlsTopic" }],
        tls: { cert: pem("server.crt"), key: pem("server.key") }
      })
      const ok = yield* withProducer(cluster, { tls: { ca: pem("ca.crt") } }, (producer) => producer.send(makeMessage("TlsTopic", "x")))
      assert.strictEqual(ok.status, "SEND_OK")
      const started = Date.now()
      const plain = yield* withProducer(cluster, { sendMsgTimeout: 1500 }, (producer) => Effect.exit(producer.send(makeMessage("TlsTopic", "x"))))
      assert.strictEqual(failureOf(plain)?.reason._tag, "SendFailed")
      assert.isBelow(Date.now() - started, 6000)
    }).pipe(Effect.scoped))

  it.live("TLS NameServer too (Java's useTLS): nameServerTls and tls", () =>
    Effect.gen(function*() {
      const serving = { cert: pem("server.crt"), key: pem("server.key") }
      const cluster = yield* makeTestCluster({ topics: [{ topicName: "TlsTopic" }], tls: serving, nameServerTls: serving })
      const trust = { ca: pem("ca.crt") }
      const ok = yield* withProducer(cluster, { tls: trust, nameServerTls: trust }, (producer) =>
        producer.send(makeMessage("TlsTopic", "x")))
      assert.strictEqual(ok.status, "SEND_OK")
      const exit = yield* withProducer(cluster, { tls: trust, nameServerTls: { ca: pem("other-ca.crt") } }, (producer) =>
        Effect.exit(producer.send(makeMessage("TlsTopic", "x"))))
      const error = failureOf(exit)?.reason
      assert.strictEqual(error?._tag, "NameServerUnavailable")
      assert.include(error?.message ?? "", "UnknownCa")
    }).pipe(Effect.scoped))

  it.live("namespace: topic and group wrapped on the wire, INSTANCE_ID set, result unwrapped", () =>
    Effect.gen(function*() {
      const cluster = yield* makeTestCluster({ topics: [{ topicName: "ns1%Orders" }], autoCreateTopicEnable: false })
      const result = yield* withProducer(cluster, { namespace: "ns1", producerGroup: "orders_producer" }, (producer) =>
        Effect.gen(function*() {
          const one = yield* producer.send(makeMessage("Orders", "x"))
          const batch = yield* producer.sendBatch([makeMessage("Orders", "a"), makeMessage("Orders", "b")])
          return [one, batch] as const
        }))
      for (const sent of result) assert.strictEqual(sent.messageQueue.topic, "Orders")
      const stored = yield* cluster.messagesIn("ns1%Orders")
      assert.strictEqual(stored.length, 3)
      assert.strictEqual(stored[0]?.properties["INSTANCE_ID"], "ns1")
      assert.deepStrictEqual(yield* cluster.messagesIn("Orders"), [])
    }).pipe(Effect.scoped))
})
