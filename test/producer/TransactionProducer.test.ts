/**
 * Transactional messages end to end over real sockets: the TransactionProducer against the testkit
 * cluster (half messages hidden until committed, dropped on rollback, checked back when UNKNOWN),
 * and against the frames of a real 4.9.8 broker and Java client.
 */
import { assert, describe, it } from "@effect/vitest"
import { Buffer } from "node:buffer"
import { readFileSync } from "node:fs"
import * as Path from "node:path"
import { Deferred, Effect, Fiber, Layer, Result, Schema } from "effect"
import { TestClock } from "effect/testing"
import { encodeFrame } from "../../src/protocol/Frame.ts"
import { decodeFrame } from "../../src/protocol/FrameDecoder.ts"
import type { RemotingCommand } from "../../src/protocol/RemotingCommand.ts"
import { RequestCode } from "../../src/protocol/RequestCode.ts"
import { ResponseCode } from "../../src/protocol/ResponseCode.ts"
import { makeMessage } from "../../src/protocol/message/Message.ts"
import { TRAN_MSG, UNIQ_KEY } from "../../src/protocol/message/MessageConst.ts"
import { decodeProperties } from "../../src/protocol/message/MessageProperties.ts"
import { TransactionProducer } from "../../src/producer/TransactionProducer.ts"
import type { LocalTransactionState, TransactionCheck, TransactionProducerOptions } from "../../src/producer/TransactionProducer.ts"
import type { ServerProfile } from "../../src/testkit/ServerProfile.ts"
import { Control } from "../../src/testkit/Control.ts"
import { makeTestCluster } from "../../src/testkit/TestCluster.ts"
import type { TestClusterInstance } from "../../src/testkit/TestCluster.ts"
import { failureTag, requireCaptures } from "../helpers.ts"

const captures = requireCaptures()
const capture = (file: string): RemotingCommand => Result.getOrThrow(decodeFrame(readFileSync(Path.join(captures, file))))

/** A cluster whose brokers check back only when told to (or after an hour). */
const cluster = (topic: string, profile: ServerProfile = "4.9.8", checkIntervalMillis = 3_600_000) =>
  makeTestCluster({
    brokers: 2,
    profile,
    topics: [{ topicName: topic }],
    brokerOptions: { transactions: { checkIntervalMillis, timeoutMillis: 0 } }
  })

const withProducer = <A, E>(
  testCluster: TestClusterInstance,
  check: TransactionProducerOptions["check"],
  use: (producer: TransactionProducer["Service"]) => Effect.Effect<A, E>,
  options?: Partial<TransactionProducerOptions>
) =>
  TransactionProducer.use(use).pipe(
    Effect.provide(Layer.fresh(TransactionProducer.layer({
      nameServers: testCluster.nameServerAddress,
      producerGroup: "tx_group",
      check,
      ...options
    })))
  )

const realWait = (millis: number) => Effect.promise(() => new Promise<void>((resolve) => setTimeout(resolve, millis)))

/** Polls (in real time, so it also works under TestClock) until `done` holds, at most ~10 s (a loaded machine). */
const eventually = (done: Effect.Effect<boolean>) =>
  Effect.gen(function*() {
    for (let i = 0; i < 1000; i++) {
      if (yield* done) return
      yield* realWait(10)
    }
    assert.fail("condition not reached within 10 s")
  })

const ends = (testCluster: TestClusterInstance) =>
  Effect.map(Effect.forEach(testCluster.brokers, (broker) => broker.endTransactions), (all) => all.flat())
const pending = (testCluster: TestClusterInstance) =>
  Effect.map(Effect.forEach(testCluster.brokers, (broker) => broker.halfMessages), (all) => all.flat())
const checkAll = (testCluster: TestClusterInstance) =>
  Effect.map(Effect.forEach(testCluster.brokers, (broker) => broker.checkTransactions), (counts) => counts.reduce((a, b) => a + b, 0))
const heartbeated = (testCluster: TestClusterInstance, broker: string) =>
  Effect.map(testCluster.broker(broker)!.producers, (producers) => producers.has("tx_group"))

const noCheck = () => Effect.die("no check expected")

describe("TransactionProducer over the testkit cluster", () => {
  it.live("COMMIT: the message shows up in its topic once, as a committed transactional message; ROLLBACK: never", () =>
    Effect.gen(function*() {
      const testCluster = yield* cluster("TxTopic")
      yield* withProducer(testCluster, noCheck, (producer) =>
        Effect.gen(function*() {
          const committed = yield* producer.sendInTransaction(makeMessage("TxTopic", "commit me", { keys: ["tx-commit"] }), (half) => {
            assert.strictEqual(half.sendResult.status, "SEND_OK")
            return Effect.succeed("COMMIT" as const)
          })
          const rolledBack = yield* producer.sendInTransaction(makeMessage("TxTopic", "roll me back"), () => Effect.succeed("ROLLBACK" as const))
          assert.strictEqual(committed.localState, "COMMIT")
          assert.strictEqual(committed.transactionId, committed.msgId) // 4.9.8 answers no transactionId
          assert.strictEqual(rolledBack.localState, "ROLLBACK")
          yield* eventually(Effect.map(ends(testCluster), (all) => all.length === 2))
          const stored = yield* testCluster.messagesIn("TxTopic")
          assert.strictEqual(stored.length, 1)
          assert.strictEqual(stored[0]?.properties[UNIQ_KEY], committed.msgId)
          assert.strictEqual(stored[0]?.properties[TRAN_MSG], "true")
          assert.strictEqual(stored[0]?.sysFlag, 0x8)
          assert.deepStrictEqual((yield* pending(testCluster)).length, 0)
          const recorded = yield* ends(testCluster)
          assert.deepStrictEqual(recorded.map((end) => end.outcome).sort(), ["committed", "rolledBack"])
          const commitEnd = recorded.find((end) => end.outcome === "committed")!
          assert.deepStrictEqual(Object.keys(commitEnd.command.extFields ?? {}), [
            "topic", "producerGroup", "bname", "commitLogOffset", "msgId", "tranStateTableOffset", "commitOrRollback", "fromTransactionCheck"
          ])
          assert.include(commitEnd.header, {
            topic: "TxTopic",
            producerGroup: "tx_group",
            brokerName: committed.messageQueue.brokerName,
            msgId: committed.msgId,
            tranStateTableOffset: committed.queueOffset,
            commitOrRollback: 8,
            fromTransactionCheck: false
          })
          assert.strictEqual(commitEnd.command.flag & 2, 2) // oneway
          // the END_TRANSACTION went to the broker that stored the half message
          const b = testCluster.broker(committed.messageQueue.brokerName)!
          assert.isTrue((yield* b.endTransactions).some((end) => end.outcome === "committed"))
        }))
    }).pipe(Effect.scoped))

  it.live("UNKNOWN is resolved by the check-back both ways; the answer echoes the re-appended copy's offsets", () =>
    Effect.gen(function*() {
      const testCluster = yield* cluster("TxUnknown")
      const checked: Array<TransactionCheck> = []
      const decisions = new Map<string, LocalTransactionState>()
      const check = (transaction: TransactionCheck) =>
        Effect.sync(() => {
          checked.push(transaction)
          return decisions.get(transaction.msgId) ?? "UNKNOWN"
        })
      yield* withProducer(testCluster, check, (producer) =>
        Effect.gen(function*() {
          const toCommit = yield* producer.sendInTransaction(makeMessage("TxUnknown", "decided later: commit"), () => Effect.succeed("UNKNOWN" as const))
          const toRollBack = yield* producer.sendInTransaction(makeMessage("TxUnknown", "decided later: roll back"), () => Effect.succeed("UNKNOWN" as const))
          decisions.set(toCommit.msgId, "COMMIT")
          decisions.set(toRollBack.msgId, "ROLLBACK")
          assert.strictEqual(toCommit.localState, "UNKNOWN")
          yield* eventually(Effect.map(ends(testCluster), (all) => all.length === 2 && all.every((end) => end.outcome === "unknown")))
          assert.strictEqual((yield* testCluster.messagesIn("TxUnknown")).length, 0)
          assert.strictEqual((yield* pending(testCluster)).length, 2)
          for (const { messageQueue } of [toCommit, toRollBack]) yield* eventually(heartbeated(testCluster, messageQueue.brokerName))
          assert.strictEqual(yield* checkAll(testCluster), 2)
          yield* eventually(Effect.map(ends(testCluster), (all) => all.length === 4))
          const stored = yield* testCluster.messagesIn("TxUnknown")
          assert.deepStrictEqual(stored.map((m) => m.properties[UNIQ_KEY]), [toCommit.msgId])
          assert.strictEqual(Buffer.from(stored[0]!.body).toString(), "decided later: commit")
          assert.deepStrictEqual(checked.map((c) => Buffer.from(c.message.body).toString()).sort(), [
            "decided later: commit",
            "decided later: roll back"
          ])
          assert.strictEqual((yield* pending(testCluster)).length, 0)
          assert.deepStrictEqual(checked.map((c) => c.msgId).sort(), [toCommit.msgId, toRollBack.msgId].sort())
          assert.isTrue(checked.every((c) => c.transactionId === c.msgId && c.message.properties["TRANSACTION_CHECK_TIMES"] === "1"))
          const fromCheck = (yield* ends(testCluster)).filter((end) => end.header?.fromTransactionCheck === true)
          assert.deepStrictEqual(fromCheck.map((end) => end.outcome).sort(), ["committed", "rolledBack"])
          for (const end of fromCheck) {
            // the copy's offsets: past the original half message in the half queue
            const original = end.header?.msgId === toCommit.msgId ? toCommit : toRollBack
            assert.isAbove(end.header!.tranStateTableOffset, original.queueOffset)
            assert.isUndefined(end.header?.brokerName) // 4.9.8 check: no bname to echo
          }
        }))
    }).pipe(Effect.scoped))

  it.live("a large body travels compressed; the check sees it inflated, and the committed message is whole", () =>
    Effect.gen(function*() {
      const testCluster = yield* cluster("TxLarge")
      const body = "0123456789".repeat(1000)
      let seen = ""
      const check = (transaction: TransactionCheck) =>
        Effect.sync(() => {
          seen = Buffer.from(transaction.message.body).toString()
          assert.strictEqual(transaction.message.sysFlag & 0x1, 0x1) // stored compressed
          return "COMMIT" as const
        })
      yield* withProducer(testCluster, check, (producer) =>
        Effect.gen(function*() {
          const sent = yield* producer.sendInTransaction(makeMessage("TxLarge", body), () => Effect.succeed("UNKNOWN" as const))
          yield* eventually(heartbeated(testCluster, sent.messageQueue.brokerName))
          yield* eventually(Effect.map(ends(testCluster), (all) => all.length === 1))
          yield* checkAll(testCluster)
          yield* eventually(Effect.map(testCluster.messagesIn("TxLarge"), (stored) => stored.length === 1))
          assert.strictEqual(seen, body)
          assert.strictEqual(Buffer.from((yield* testCluster.messagesIn("TxLarge"))[0]!.body).toString(), body)
        }))
    }).pipe(Effect.scoped))

  it.live("a failing or dying local transaction is UNKNOWN with Java's remark, and the check decides", () =>
    Effect.gen(function*() {
      const testCluster = yield* cluster("TxCrash")
      yield* withProducer(testCluster, () => Effect.succeed("COMMIT" as const), (producer) =>
        Effect.gen(function*() {
          const failed = yield* producer.sendInTransaction(makeMessage("TxCrash", "a"), () => Effect.fail("database down"))
          const died = yield* producer.sendInTransaction(makeMessage("TxCrash", "b"), () => Effect.die(new Error("bug")))
          assert.strictEqual(failed.localState, "UNKNOWN")
          assert.strictEqual(died.localState, "UNKNOWN")
          yield* eventually(Effect.map(ends(testCluster), (all) => all.length === 2))
          const remarks = (yield* ends(testCluster)).map((end) => end.remark ?? "")
          assert.isTrue(remarks.every((remark) => remark.startsWith("executeLocalTransactionBranch exception: ")))
          assert.isTrue(remarks.some((remark) => remark.includes("bug")))
          assert.isTrue(remarks.some((remark) => remark.includes("database down")))
          for (const { messageQueue } of [failed, died]) yield* eventually(heartbeated(testCluster, messageQueue.brokerName))
          yield* checkAll(testCluster)
          yield* eventually(Effect.map(testCluster.messagesIn("TxCrash"), (stored) => stored.length === 2))
        }))
    }).pipe(Effect.scoped))

  it.live("a check that fails or hangs answers UNKNOWN with a remark: the message stays half, and a later check commits it", () =>
    Effect.gen(function*() {
      const testCluster = yield* cluster("TxBadCheck")
      let round = 0
      const check = () => {
        round++
        return round === 1 ? Effect.fail(new Error("cannot tell")) : round === 2 ? Effect.never : Effect.succeed("COMMIT" as const)
      }
      yield* withProducer(testCluster, check, (producer) =>
        Effect.gen(function*() {
          const sent = yield* producer.sendInTransaction(makeMessage("TxBadCheck", "x"), () => Effect.succeed("UNKNOWN" as const))
          yield* eventually(heartbeated(testCluster, sent.messageQueue.brokerName))
          for (const expected of [2, 3]) {
            yield* checkAll(testCluster)
            yield* eventually(Effect.map(ends(testCluster), (all) => all.length === expected))
            const last = (yield* ends(testCluster)).at(-1)!
            assert.strictEqual(last.outcome, "unknown")
            assert.include(last.remark, "checkLocalTransactionState Exception")
            assert.strictEqual((yield* testCluster.messagesIn("TxBadCheck")).length, 0)
          }
          assert.include((yield* ends(testCluster)).at(-1)?.remark, "longer than 200 ms")
          yield* checkAll(testCluster)
          yield* eventually(Effect.map(testCluster.messagesIn("TxBadCheck"), (stored) => stored.length === 1))
          assert.strictEqual((yield* pending(testCluster)).length, 0)
        }), { checkTimeout: "200 millis" })
    }).pipe(Effect.scoped))

  it.live("40 concurrent transactions: each committed one is stored exactly once, none of the others", () =>
    Effect.gen(function*() {
      const testCluster = yield* cluster("TxMany")
      const states: ReadonlyArray<LocalTransactionState> = ["COMMIT", "ROLLBACK", "UNKNOWN", "COMMIT"]
      yield* withProducer(testCluster, () => Effect.succeed("ROLLBACK" as const), (producer) =>
        Effect.gen(function*() {
          const results = yield* Effect.forEach(
            Array.from({ length: 40 }, (_, i) => i),
            (i) => producer.sendInTransaction(makeMessage("TxMany", `m${i}`), () => Effect.succeed(states[i % states.length]!)),
            { concurrency: "unbounded" }
          )
          yield* eventually(Effect.map(ends(testCluster), (all) => all.length === 40))
          yield* Effect.forEach(testCluster.brokers, (broker) => eventually(heartbeated(testCluster, broker.brokerName)))
          yield* checkAll(testCluster) // the UNKNOWN ones are checked and rolled back
          yield* eventually(Effect.map(pending(testCluster), (left) => left.length === 0))
          const stored = (yield* testCluster.messagesIn("TxMany")).map((m) => m.properties[UNIQ_KEY]).sort()
          const expected = results.filter((r) => r.localState === "COMMIT").map((r) => r.msgId).sort()
          assert.strictEqual(expected.length, 20)
          assert.deepStrictEqual(stored, expected)
        }))
    }).pipe(Effect.scoped))

  it.live("a half send the broker refuses fails with its error: execute does not run, nothing is ended", () =>
    Effect.gen(function*() {
      const testCluster = yield* cluster("TxRefused")
      for (const broker of testCluster.brokers) {
        broker.faults.add({ code: RequestCode.SEND_MESSAGE_V2, fault: { _tag: "RespondWith", code: ResponseCode.MESSAGE_ILLEGAL, remark: "no" } })
      }
      yield* withProducer(testCluster, noCheck, (producer) =>
        Effect.gen(function*() {
          let executed = 0
          const exit = yield* Effect.exit(producer.sendInTransaction(makeMessage("TxRefused", "x"), () => Effect.sync(() => (executed++, "COMMIT" as const))))
          assert.strictEqual(failureTag(exit), "BrokerRejected")
          assert.strictEqual(executed, 0)
          yield* realWait(50)
          assert.strictEqual((yield* ends(testCluster)).length, 0)
        }))
    }).pipe(Effect.scoped))

  it.live("a delay, delivery time or timer in a transaction is refused before any request", () =>
    Effect.gen(function*() {
      const testCluster = yield* cluster("TxBad")
      yield* withProducer(testCluster, noCheck, (producer) =>
        Effect.gen(function*() {
          let executed = 0
          const execute = () => Effect.sync(() => (executed++, "COMMIT" as const))
          for (const options of [{ delayTimeLevel: 2 }, { deliverTimeMs: Date.now() + 1000 }, { delayTimeSec: 5 }, { delayTimeMs: 5 }]) {
            const exit = yield* Effect.exit(producer.sendInTransaction(makeMessage("TxBad", "x", options), execute))
            assert.strictEqual(failureTag(exit), "InvalidMessage")
            assert.include(JSON.stringify(exit), "TransactionInvalid")
          }
          for (const junk of [null, 42, { topic: 7 }, { get delayTimeLevel(): number { throw new Error("hostile") } }]) {
            const exit = yield* Effect.exit(producer.sendInTransaction(Schema.decodeUnknownSync(Schema.Any)(junk), execute))
            assert.strictEqual(failureTag(exit), "InvalidMessage")
          }
          assert.strictEqual(executed, 0)
          assert.strictEqual(testCluster.brokers.reduce((n, b) => n + b.requestCount(RequestCode.SEND_MESSAGE_V2), 0), 0)
        }))
    }).pipe(Effect.scoped))

  it.live("5.3.3: the broker's transactionId is the result's and END_TRANSACTION carries it; checks carry topic and bname back", () =>
    Effect.gen(function*() {
      const testCluster = yield* cluster("Tx5", "5.3.3")
      yield* withProducer(testCluster, () => Effect.succeed("COMMIT" as const), (producer) =>
        Effect.gen(function*() {
          const sent = yield* producer.sendInTransaction(makeMessage("Tx5", "five"), () => Effect.succeed("UNKNOWN" as const))
          yield* eventually(heartbeated(testCluster, sent.messageQueue.brokerName))
          yield* eventually(Effect.map(ends(testCluster), (all) => all.length === 1))
          assert.strictEqual((yield* ends(testCluster))[0]?.header?.transactionId, sent.transactionId)
          yield* checkAll(testCluster)
          yield* eventually(Effect.map(testCluster.messagesIn("Tx5"), (stored) => stored.length === 1))
          const answer = (yield* ends(testCluster)).find((end) => end.header?.fromTransactionCheck === true)
          assert.include(answer?.header, { topic: "Tx5", brokerName: sent.messageQueue.brokerName, transactionId: sent.transactionId })
        }))
    }).pipe(Effect.scoped))
})

describe("TransactionProducer in a namespace", () => {
  it.live("topic and group travel wrapped (PGROUP, END_TRANSACTION, the check's group); results name the topic as the user did", () =>
    Effect.gen(function*() {
      const testCluster = yield* makeTestCluster({
        brokers: 1,
        topics: [{ topicName: "ns1%TxNs" }],
        autoCreateTopicEnable: false,
        brokerOptions: { transactions: { checkIntervalMillis: 3_600_000, timeoutMillis: 0 } }
      })
      const checked: Array<string> = []
      yield* withProducer(testCluster, (transaction) => Effect.sync(() => (checked.push(transaction.message.topic), "COMMIT" as const)), (producer) =>
        Effect.gen(function*() {
          const committed = yield* producer.sendInTransaction(makeMessage("TxNs", "now"), (half) => {
            assert.strictEqual(half.sendResult.messageQueue.topic, "TxNs")
            return Effect.succeed("COMMIT" as const)
          })
          assert.strictEqual(committed.messageQueue.topic, "TxNs")
          const later = yield* producer.sendInTransaction(makeMessage("TxNs", "later"), () => Effect.succeed("UNKNOWN" as const))
          const broker = testCluster.brokers[0]!
          yield* eventually(Effect.map(broker.producers, (producers) => producers.has("ns1%tx_group")))
          yield* eventually(Effect.map(broker.endTransactions, (all) => all.length === 2))
          yield* broker.checkTransactions
          yield* eventually(Effect.map(testCluster.messagesIn("ns1%TxNs"), (stored) => stored.length === 2))
          const stored = yield* testCluster.messagesIn("ns1%TxNs")
          assert.isTrue(stored.every((m) => m.properties["PGROUP"] === "ns1%tx_group"))
          assert.sameMembers(stored.map((m) => m.properties[UNIQ_KEY]), [committed.msgId, later.msgId])
          assert.isTrue((yield* broker.endTransactions).every((end) => end.header?.producerGroup === "ns1%tx_group"))
          assert.deepStrictEqual(checked, ["TxNs"])
        }), { namespace: "ns1" })
    }).pipe(Effect.scoped))
})

describe("TransactionProducer under TestClock", () => {
  it.effect("the broker checks back an UNKNOWN transaction at its check interval, not before", () =>
    Effect.gen(function*() {
      const testCluster = yield* cluster("TxClock", "4.9.8", 60_000)
      const asked = yield* Deferred.make<TransactionCheck>()
      const check = (transaction: TransactionCheck) => Effect.as(Deferred.succeed(asked, transaction), "COMMIT" as const)
      yield* withProducer(testCluster, check, (producer) =>
        Effect.gen(function*() {
          const sent = yield* producer.sendInTransaction(makeMessage("TxClock", "tick"), () => Effect.succeed("UNKNOWN" as const))
          yield* eventually(heartbeated(testCluster, sent.messageQueue.brokerName))
          const waiting = yield* Effect.forkChild(Deferred.await(asked))
          yield* TestClock.adjust("59 seconds")
          yield* realWait(100)
          assert.isUndefined(waiting.pollUnsafe())
          assert.strictEqual((yield* pending(testCluster)).length, 1)
          yield* TestClock.adjust("1 second")
          const transaction = yield* Fiber.join(waiting)
          assert.strictEqual(transaction.msgId, sent.msgId)
          yield* eventually(Effect.map(testCluster.messagesIn("TxClock"), (stored) => stored.length === 1))
        }))
    }).pipe(Effect.scoped))
})

describe("TransactionProducer against a real 4.9.8 broker's frames", () => {
  it.live("the half send has the Java client's header fields, in its order, with sysFlag 4 and TRAN_MSG / PGROUP", () =>
    Effect.gen(function*() {
      const testCluster = yield* makeTestCluster({ brokers: 1, topics: [{ topicName: "CapTxTopic" }] })
      const broker = testCluster.brokers[0]!
      const halfSends: Array<RemotingCommand> = []
      yield* broker.control(RequestCode.SEND_MESSAGE_V2, (request) => Effect.sync(() => (halfSends.push(request), Control.pass)))
      yield* withProducer(testCluster, noCheck, (producer) =>
        producer.sendInTransaction(makeMessage("CapTxTopic", "transactional body tx-commit", { keys: ["tx-commit"], tags: "TagTx" }), () =>
          Effect.succeed("COMMIT" as const)), { producerGroup: "CapTxGroup" })
      const java = capture("transactions/01-c2b-310-half-send-commit.bin").extFields!
      const ours = halfSends[0]!.extFields!
      assert.deepStrictEqual(Object.keys(ours), Object.keys(java))
      for (const key of ["a", "b", "c", "d", "f", "h", "j", "k", "m", "n"]) assert.strictEqual(ours[key], java[key], key)
      const javaProperties = decodeProperties(java["i"]!)
      const ourProperties = decodeProperties(ours["i"]!)
      assert.sameMembers(Object.keys(ourProperties), Object.keys(javaProperties))
      for (const name of ["KEYS", "TRAN_MSG", "WAIT", "PGROUP", "TAGS"]) assert.strictEqual(ourProperties[name], javaProperties[name], name)
      assert.strictEqual(Buffer.from(halfSends[0]!.body!).toString(), Buffer.from(capture("transactions/01-c2b-310-half-send-commit.bin").body!).toString())
    }).pipe(Effect.scoped))

  it.live("given the recorded half-send answers, ends commit, rollback and unknown as the Java client did, byte for byte but the 5.x topic field", () =>
    Effect.gen(function*() {
      const testCluster = yield* makeTestCluster({ brokers: 1, topics: [{ topicName: "CapTxTopic" }] })
      const broker = testCluster.broker("broker-a")!
      const cases = [
        { state: "COMMIT", answer: "02-b2c-0-half-send-commit-response.bin", end: "03-c2b-37-end-transaction-commit-oneway.bin" },
        { state: "ROLLBACK", answer: "05-b2c-0-half-send-rollback-response.bin", end: "06-c2b-37-end-transaction-rollback-oneway.bin" },
        { state: "UNKNOWN", answer: "08-b2c-0-half-send-unknow-response.bin", end: "09-c2b-37-end-transaction-unknow-oneway.bin" }
      ] as const
      let next = 0
      // the broker answers each half send with the recorded answer
      yield* broker.control(RequestCode.SEND_MESSAGE_V2, () =>
        Effect.sync(() => {
          const recorded = capture(`transactions/${cases[next++]!.answer}`)
          return { _tag: "Respond", response: { code: recorded.code, extFields: recorded.extFields } } as const
        }))
      yield* withProducer(testCluster, noCheck, (producer) =>
        Effect.forEach(cases, ({ state }) =>
          producer.sendInTransaction(makeMessage("CapTxTopic", "x"), () => Effect.succeed(state))), { producerGroup: "CapTxGroup", serializeType: "JSON" })
      yield* eventually(Effect.map(broker.endTransactions, (all) => all.length === 3))
      const ends = yield* broker.endTransactions
      cases.forEach(({ end }, i) => {
        const java = capture(`transactions/${end}`)
        const { topic, ...fields } = ends[i]!.command.extFields!
        assert.strictEqual(topic, "CapTxTopic")
        const ours = { ...ends[i]!.command, extFields: { ...fields, msgId: java.extFields!["msgId"]! }, language: "JAVA" as const, opaque: java.opaque }
        const expected = readFileSync(Path.join(captures, `transactions/${end}`))
        assert.strictEqual(Buffer.from(Result.getOrThrow(encodeFrame(ours))).toString("latin1"), expected.toString("latin1"), end)
      })
    }).pipe(Effect.scoped))

  it.live("answers the recorded CHECK_TRANSACTION_STATE with the recorded END_TRANSACTION, byte for byte but its language and opaque", () =>
    Effect.gen(function*() {
      const testCluster = yield* cluster("CapTxTopic")
      yield* withProducer(testCluster, () => Effect.succeed("COMMIT" as const), (producer) =>
        Effect.gen(function*() {
          // a first transaction opens the connection and registers the group by heartbeat
          const sent = yield* producer.sendInTransaction(makeMessage("CapTxTopic", "x"), () => Effect.succeed("COMMIT" as const))
          const broker = testCluster.broker(sent.messageQueue.brokerName)!
          yield* eventually(Effect.map(broker.producers, (producers) => producers.has("CapTxGroup")))
          const [session] = broker.sessions()
          session!.push(capture("transactions/12-b2c-39-check-transaction-state.bin"))
          yield* eventually(Effect.map(broker.endTransactions, (all) => all.some((end) => end.header?.fromTransactionCheck === true)))
          const answer = (yield* broker.endTransactions).find((end) => end.header?.fromTransactionCheck === true)!
          const expected = readFileSync(Path.join(captures, "transactions/13-c2b-37-end-transaction-commit-from-check.bin"))
          const ours = Result.getOrThrow(encodeFrame({ ...answer.command, language: "JAVA", opaque: 20 }))
          assert.strictEqual(Buffer.from(ours).toString("latin1"), expected.toString("latin1"))
        }), { producerGroup: "CapTxGroup", serializeType: "JSON" })
    }).pipe(Effect.scoped))
})
