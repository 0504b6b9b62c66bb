/**
 * `effect-rocketmq cluster`: a local stand-in for RocketMQ for development — the testkit NameServer
 * and brokers on fixed loopback ports, in the foreground until Ctrl-C.
 *
 * @since 0.1.0
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import * as Path from "node:path"
import * as Process from "node:process"
import { Console, Effect, Result, Schema } from "effect"
import { Command, Flag } from "effect/cli"
import { RequestCode, requestCodeName } from "../protocol/RequestCode.ts"
import { parseAclAccount } from "../testkit/AclAccounts.ts"
import type { AclAccount } from "../testkit/AclAccounts.ts"
import type { TopicSpec } from "../testkit/broker/BrokerStore.ts"
import { testCaCertificate, testServerTls } from "../testkit/TestCertificates.ts"
import { makeTestCluster } from "../testkit/TestCluster.ts"
import type { TestClusterInstance } from "../testkit/TestCluster.ts"
import type { ServerProfile } from "../testkit/ServerProfile.ts"
import { reportFailures } from "./CliFailure.ts"
import { describedWithDefault, intAtLeast, portFlag } from "./CliFlags.ts"
import { jsonFlag } from "./NameServerFlags.ts"
import { plural } from "./Plural.ts"
import { interruptIsCleanStop } from "./ProcessExit.ts"
import { checkTopicName } from "./RouteCommand.ts"
import { formatTable } from "./TextTable.ts"

/**
 * A `--topic` value that is not `NAME` or `NAME:QUEUES`.
 *
 * @since 0.1.0
 * @category errors
 */
export class InvalidTopicFlag extends Schema.TaggedError<InvalidTopicFlag>()("InvalidTopicFlag", {
  value: Schema.String,
  problem: Schema.String
}) {
  override get message(): string {
    return `--topic ${JSON.stringify(this.value)}: ${this.problem}`
  }
}

/**
 * A port the cluster should listen on is taken.
 *
 * @since 0.1.0
 * @category errors
 */
export class ClusterPortInUse extends Schema.TaggedError<ClusterPortInUse>()("ClusterPortInUse", {
  detail: Schema.String
}) {
  override get message(): string {
    return `${this.detail}: another RocketMQ, or another \`cluster\`, is running there; ` +
      "pick other ports with --namesrv-port and --broker-port (0: any free port)"
  }
}

/**
 * Reads `--topic NAME[:QUEUES]`: the topic name (checked as a send checks it) and its queue count
 * (read and write) on every broker; 8 queues when absent, as a broker creates topics by default.
 *
 * @since 0.1.0
 * @category parsing
 */
export const parseTopicFlag = (value: string): Result.Result<TopicSpec, InvalidTopicFlag> => {
  const colon = value.lastIndexOf(":")
  const name = colon < 0 ? value : value.slice(0, colon)
  const count = colon < 0 ? "8" : value.slice(colon + 1)
  const checked = checkTopicName(name)
  if (Result.isFailure(checked)) return Result.fail(new InvalidTopicFlag({ value, problem: checked.failure.message }))
  const queueNums = /^\d{1,4}$/.test(count) ? Number(count) : Number.NaN
  if (!(queueNums >= 1 && queueNums <= 1024)) {
    return Result.fail(new InvalidTopicFlag({ value, problem: `the queue count must be a whole number from 1 to 1024, got ${JSON.stringify(count)}` }))
  }
  return Result.succeed({ topicName: name, queueNums })
}

/**
 * The one line `cluster --json` prints once the cluster is ready.
 *
 * @since 0.1.0
 * @category models
 */
export interface ClusterJson {
  readonly nameServer: string
  readonly brokers: ReadonlyArray<{ readonly name: string; readonly address: string }>
  /** With `--tls` or `--namesrv-tls`: the file holding the test CA clients must trust (`--tls-ca`). */
  readonly tlsCaFile?: string
}

/**
 * How a cluster started with `--acl`, `--tls` or `--namesrv-tls` is secured, for what it prints.
 *
 * @since 0.1.0
 * @category models
 */
export interface ClusterSecurity {
  readonly accounts: ReadonlyArray<AclAccount>
  readonly tls: boolean
  readonly namesrvTls: boolean
  /** The test CA written to a file for clients, when TLS is on. */
  readonly caFile: string | undefined
}

/**
 * An `--acl` value that is not `ak:sk[:topic=PERM,…]`. The message never repeats the secret.
 *
 * @since 0.1.0
 * @category errors
 */
export class InvalidAclFlag extends Schema.TaggedError<InvalidAclFlag>()("InvalidAclFlag", {
  problem: Schema.String
}) {
  override get message(): string {
    return `--acl: ${this.problem}`
  }
}

/**
 * Reads `--acl ak:sk[:topic=PERM,…]`.
 *
 * @since 0.1.0
 * @category parsing
 */
export const parseAclFlag = (value: string): Result.Result<AclAccount, InvalidAclFlag> => {
  const account = parseAclAccount(value)
  return typeof account === "string" ? Result.fail(new InvalidAclFlag({ problem: account })) : Result.succeed(account)
}

const describeAccount = (account: AclAccount): string =>
  account.admin === true
    ? `${account.accessKey} (admin: everything)`
    : `${account.accessKey} (${Object.entries(account.topicPerms ?? {}).map(([topic, perm]) => `${topic}=${perm}`).join(", ")}; other topics DENY)`

/** What a secured cluster adds to the ready text: the accounts, TLS, and the client flags to use. */
const securityLines = (
  security: ClusterSecurity | undefined
): { readonly about: ReadonlyArray<string>; readonly env: ReadonlyArray<string>; readonly flags: string } => {
  if (security === undefined) return { about: [], env: [], flags: "" }
  const about: Array<string> = []
  const env: Array<string> = []
  const flags: Array<string> = []
  const [first] = security.accounts
  if (first !== undefined) {
    about.push("ACL required (checked as a 4.9.8 broker checks it); accounts:", ...security.accounts.map((a) => `  ${describeAccount(a)}`))
    env.push(`  export ROCKETMQ_ACCESS_KEY=${first.accessKey} ROCKETMQ_SECRET_KEY=<the secret you gave for ${first.accessKey}>`)
  }
  if (security.tls || security.namesrvTls) {
    const where = security.tls && security.namesrvTls ? "brokers and NameServer" : security.tls ? "brokers" : "NameServer"
    about.push(`TLS only (${where}), with the testkit's test certificate for 127.0.0.1/localhost; its CA: ${security.caFile ?? "-"}`)
    if (security.tls) flags.push("--tls")
    if (security.namesrvTls) flags.push("--namesrv-tls")
    if (security.caFile !== undefined) flags.push("--tls-ca", security.caFile)
  }
  return { about: about.length === 0 ? [] : [...about, ""], env, flags: flags.length === 0 ? "" : ` ${flags.join(" ")}` }
}

/**
 * The `--json` line of a running cluster.
 *
 * @since 0.1.0
 * @category formatting
 */
export const clusterJson = (cluster: TestClusterInstance, security?: ClusterSecurity): ClusterJson => ({
  nameServer: cluster.nameServerAddress,
  brokers: cluster.brokers.map((broker) => ({ name: broker.brokerName, address: broker.address })),
  ...(security?.caFile === undefined ? {} : { tlsCaFile: security.caFile })
})

/**
 * What the cluster prints once ready: the addresses, the topics, and commands to try from a
 * second terminal.
 *
 * @since 0.1.0
 * @category formatting
 */
export const formatClusterReady = (
  cluster: TestClusterInstance,
  topics: ReadonlyArray<TopicSpec>,
  profile: ServerProfile,
  security?: ClusterSecurity
): string => {
  const secured = securityLines(security)
  const firstTopic = topics[0]?.topicName ?? "Orders"
  // Started by `npm run cli -- cluster` in the repository, or as the installed executable.
  const cli = Process.env["npm_lifecycle_event"] === "cli" ? "npm run cli --" : "npx effect-rocketmq"
  const rows = [
    ["NameServer", cluster.nameServerAddress, ""],
    ...cluster.brokers.map((broker) => [broker.brokerName, broker.address, `master of cluster ${broker.clusterName}`])
  ]
  const topicLines = topics.length === 0
    ? ["  No topic created up front: a broker creates a topic on its first message (from TBW102's settings)."]
    : topics.map((topic) => `  ${topic.topicName}: ${plural(topic.queueNums ?? 8, "queue")} on each broker`)
  return [
    `A local RocketMQ stand-in (the testkit, imitating ${profile} servers) is ready:`,
    "",
    ...formatTable(["server", "address", "role"], rows).split("\n").map((line) => `  ${line}`),
    "",
    "Topics:",
    ...topicLines,
    "",
    ...secured.about,
    "Try, in a second terminal:",
    `  export NAMESRV_ADDR=${cluster.nameServerAddress}`,
    ...secured.env,
    `  ${cli} brokers${secured.flags}`,
    `  ${cli} route ${firstTopic}${secured.flags}`,
    `  ${cli} send ${firstTopic} --body hi --count 3${secured.flags}`,
    "",
    "Ctrl-C stops it."
  ].join("\n")
}

const countedCodes = Object.values(RequestCode).filter((code) =>
  code !== RequestCode.REGISTER_BROKER && code !== RequestCode.UNREGISTER_BROKER
)

/**
 * The requests clients made so far, by request code (the brokers' own registrations left out),
 * most frequent first.
 *
 * @since 0.1.0
 * @category formatting
 */
export const requestsServed = (cluster: TestClusterInstance): ReadonlyArray<{ readonly code: string; readonly count: number }> => {
  const servers = [cluster.nameServer, ...cluster.brokers]
  return countedCodes
    .map((code) => ({
      code: requestCodeName(code) ?? String(code),
      count: servers.reduce((sum, server) => sum + server.requestCount(code), 0)
    }))
    .filter((entry) => entry.count > 0)
    .sort((a, b) => b.count - a.count)
}

/**
 * The live line: `12 requests served: 6 SEND_MESSAGE_V2, 3 GET_ROUTEINFO_BY_TOPIC, …`.
 *
 * @since 0.1.0
 * @category formatting
 */
export const formatRequestsServed = (served: ReadonlyArray<{ readonly code: string; readonly count: number }>): string => {
  const total = served.reduce((sum, entry) => sum + entry.count, 0)
  if (total === 0) return "no request served yet"
  return `${plural(total, "request")} served: ${served.map((entry) => `${entry.count} ${entry.code}`).join(", ")}`
}

/** The test CA in a file of its own for clients (`--tls-ca`), removed when the cluster stops. */
const testCaFile = Effect.acquireRelease(
  Effect.sync(() => {
    const dir = mkdtempSync(Path.join(tmpdir(), "effect-rocketmq-"))
    const file = Path.join(dir, "test-ca.pem")
    writeFileSync(file, testCaCertificate)
    return file
  }),
  (file) => Effect.sync(() => rmSync(Path.dirname(file), { recursive: true, force: true }))
)

/**
 * The `cluster` command.
 *
 * @since 0.1.0
 * @category commands
 */
export const clusterCommand = Command.make(
  "cluster",
  {
    brokers: intAtLeast("brokers", 1).pipe(
      Flag.filter((count) => count <= 26, () => "at most 26 brokers (broker-a … broker-z)"),
      describedWithDefault("How many brokers", 2)
    ),
    namesrvPort: portFlag("namesrv-port").pipe(describedWithDefault("The NameServer's port", 9876)),
    brokerPort: portFlag("broker-port").pipe(
      describedWithDefault("The first broker's port; the next brokers take the ports after it", 10911)
    ),
    topic: Flag.String("topic").pipe(
      Flag.withDescription("Create a topic up front: NAME or NAME:QUEUES (default 8 queues); repeatable"),
      Flag.between(0, 64)
    ),
    profile: Flag.Literals("profile", ["4.9.8", "5.3.3"]).pipe(
      describedWithDefault<ServerProfile>("The Apache RocketMQ servers to imitate", "4.9.8")
    ),
    acl: Flag.String("acl").pipe(
      Flag.withDescription(
        "Require ACL with this account: AK:SK (admin) or AK:SK:TOPIC=PERM,… (PERM: PUB, SUB, PUB|SUB, DENY; other topics DENY); repeatable"
      ),
      Flag.between(0, 64)
    ),
    tls: Flag.Boolean("tls").pipe(
      Flag.withDescription("Brokers serve TLS only, with the testkit's test certificate (its CA is written to a file)"),
      Flag.withDefault(false)
    ),
    namesrvTls: Flag.Boolean("namesrv-tls").pipe(
      Flag.withDescription("The NameServer serves TLS only, with the same certificate"),
      Flag.withDefault(false)
    ),
    json: jsonFlag
  },
  Effect.fnUntraced(function*({ brokers, namesrvPort, brokerPort, topic, profile, json, acl, tls, namesrvTls }) {
    const topics: Array<TopicSpec> = []
    for (const value of topic) topics.push(yield* Effect.fromResult(parseTopicFlag(value)))
    const accounts: Array<AclAccount> = []
    for (const value of acl) accounts.push(yield* Effect.fromResult(parseAclFlag(value)))
    const caFile = tls || namesrvTls ? yield* testCaFile : undefined
    const security: ClusterSecurity | undefined = accounts.length === 0 && caFile === undefined
      ? undefined
      : { accounts, tls, namesrvTls, caFile }
    const cluster = yield* makeTestCluster({
      brokers,
      profile,
      topics,
      nameServerPort: namesrvPort,
      brokerPort,
      clusterName: "DefaultCluster",
      ...(accounts.length === 0 ? {} : { acl: accounts }),
      ...(tls ? { tls: testServerTls } : {}),
      ...(namesrvTls ? { nameServerTls: testServerTls } : {})
    }).pipe(
      Effect.catchTag("ServerStartFailed", (error) =>
        Effect.fail(error.detail.includes("EADDRINUSE") ? new ClusterPortInUse({ detail: error.detail }) : error))
    )
    interruptIsCleanStop()
    if (json) {
      yield* Console.log(JSON.stringify(clusterJson(cluster, security)))
      return yield* Effect.never
    }
    yield* Console.log(formatClusterReady(cluster, topics, profile, security))
    yield* Effect.addFinalizer(() => Console.log(`\nStopped; ${formatRequestsServed(requestsServed(cluster))}.`))
    if (Process.stdout.isTTY !== true) return yield* Effect.never
    let shown = ""
    yield* Effect.forever(
      Effect.andThen(
        Effect.sync(() => {
          const line = formatRequestsServed(requestsServed(cluster))
          if (line !== shown) Process.stdout.write(`\r\u001b[2K${line}`)
          shown = line
        }),
        Effect.sleep("250 millis")
      )
    )
  }, (effect) => Effect.scoped(reportFailures(effect)))
).pipe(Command.withDescription(
  "Run a local RocketMQ stand-in: a testkit NameServer and brokers on fixed ports, until Ctrl-C"
))
