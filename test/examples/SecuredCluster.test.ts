/**
 * The examples of docs/secured-cluster.md, run as written against secured testkit clusters.
 */
import { assert, describe, it } from "@effect/vitest"
import { makeTestCluster, testCaCertificate, testServerTls } from "../../src/testkit/index.ts"
import { Effect, Redacted } from "effect"
import { makeMessage, Producer } from "../../src/index.ts"

// secretKey: from a secret store or the environment, never from source code
const sendSigned = (nameServers: string, secretKey: Redacted.Redacted<string>) =>
  Producer.use((producer) => producer.send(makeMessage("Orders", "hello"))).pipe(
    Effect.provide(Producer.layer({ nameServers, credentials: { accessKey: "orders-app", secretKey } }))
  )

const tlsProducer = (nameServers: string, caPem: string) =>
  Producer.layer({
    nameServers,
    tls: { ca: caPem }, // to the brokers: trust this CA (PEM text, e.g. readFileSync("ca.pem", "utf8"))
    nameServerTls: false // the NameServer is plain (the default)
  })

const tenantProducer = (nameServers: string) => Producer.layer({ nameServers, namespace: "tenant1" })

describe("docs/secured-cluster.md", () => {
  it.live("ACL credentials: the signed send passes; another secret is denied", () =>
    Effect.gen(function*() {
      const cluster = yield* makeTestCluster({
        topics: [{ topicName: "Orders" }],
        acl: [{ accessKey: "orders-app", secretKey: "orders-secret", topicPerms: { Orders: "PUB" } }]
      })
      const sent = yield* sendSigned(cluster.nameServerAddress, Redacted.make("orders-secret"))
      assert.strictEqual(sent.status, "SEND_OK")
      const denied = yield* Effect.flip(sendSigned(cluster.nameServerAddress, Redacted.make("not-the-secret")))
      assert.strictEqual(denied._tag, "ProducerError")
      if (denied._tag === "ProducerError") assert.strictEqual(denied.reason._tag, "AccessDenied")
    }).pipe(Effect.scoped))

  it.live("TLS to the brokers, a plain NameServer; a namespace", () =>
    Effect.gen(function*() {
      const cluster = yield* makeTestCluster({ topics: [{ topicName: "Orders" }, { topicName: "tenant1%Orders" }], tls: testServerTls })
      const overTls = yield* Producer.use((producer) => producer.send(makeMessage("Orders", "x"))).pipe(
        Effect.provide(tlsProducer(cluster.nameServerAddress, testCaCertificate))
      )
      assert.strictEqual(overTls.status, "SEND_OK")
      const plainCluster = yield* makeTestCluster({ topics: [{ topicName: "tenant1%Orders" }] })
      const tenant = yield* Producer.use((producer) => producer.send(makeMessage("Orders", "x"))).pipe(
        Effect.provide(tenantProducer(plainCluster.nameServerAddress))
      )
      assert.strictEqual(tenant.messageQueue.topic, "Orders")
      assert.strictEqual((yield* plainCluster.messagesIn("tenant1%Orders")).length, 1)
    }).pipe(Effect.scoped))

  it.live("a secured testkit cluster: ACL accounts, TLS brokers and NameServer", () =>
    Effect.gen(function*() {
      const cluster = yield* makeTestCluster({
        topics: [{ topicName: "Orders" }],
        acl: [
          { accessKey: "admin", secretKey: "admin-secret", admin: true },
          { accessKey: "app", secretKey: "app-secret", topicPerms: { Orders: "PUB" }, defaultTopicPerm: "DENY" }
        ],
        tls: testServerTls, // brokers serve TLS only, with the testkit's certificate for 127.0.0.1/localhost
        nameServerTls: testServerTls // optional: the NameServer too
      })
      const trust = { ca: testCaCertificate }
      const result = yield* Producer.use((producer) => producer.send(makeMessage("Orders", "x"))).pipe(
        Effect.provide(Producer.layer({
          nameServers: cluster.nameServerAddress,
          credentials: { accessKey: "app", secretKey: Redacted.make("app-secret") },
          tls: trust,
          nameServerTls: trust
        }))
      )
      assert.strictEqual(result.status, "SEND_OK")
    }).pipe(Effect.scoped))
})
