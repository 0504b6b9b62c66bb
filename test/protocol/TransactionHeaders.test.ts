/**
 * END_TRANSACTION, CHECK_TRANSACTION_STATE and PUSH_REPLY_MESSAGE_TO_CLIENT headers: decoded from
 * the frames of a real 4.9.8 broker and Java client, and written back so that the whole frame is
 * the recorded one byte for byte.
 */
import { assert, describe, it } from "@effect/vitest"
import { Buffer } from "node:buffer"
import { readFileSync } from "node:fs"
import * as Path from "node:path"
import { Arbitrary, Result, Schema } from "effect"
import { encodeFrame } from "../../src/protocol/Frame.ts"
import { decodeFrame } from "../../src/protocol/FrameDecoder.ts"
import type { RemotingCommand } from "../../src/protocol/RemotingCommand.ts"
import { decodeReplyMessageRequestHeader, encodeReplyMessageRequestHeader, ReplyMessageRequestHeader } from "../../src/protocol/ReplyHeaders.ts"
import {
  CheckTransactionStateRequestHeader,
  decodeCheckTransactionStateRequestHeader,
  decodeEndTransactionRequestHeader,
  encodeCheckTransactionStateRequestHeader,
  encodeEndTransactionRequestHeader,
  EndTransactionRequestHeader,
  TransactionResolution
} from "../../src/protocol/TransactionHeaders.ts"
import { requireCaptures } from "../helpers.ts"

const dir = requireCaptures()
const read = (file: string) => readFileSync(Path.join(dir, file))
const decode = (file: string): RemotingCommand => Result.getOrThrow(decodeFrame(read(file)))
const sameBytes = (command: RemotingCommand, file: string) =>
  assert.isTrue(Buffer.from(Result.getOrThrow(encodeFrame(command))).equals(read(file)), `${file} written back byte for byte`)

describe("transaction headers", () => {
  it("END_TRANSACTION of the Java client: commit, rollback, unknown and the answer to a check", () => {
    const cases = [
      { file: "transactions/03-c2b-37-end-transaction-commit-oneway.bin", resolution: TransactionResolution.COMMIT, offset: 0, commitLog: 3985650354 },
      { file: "transactions/06-c2b-37-end-transaction-rollback-oneway.bin", resolution: TransactionResolution.ROLLBACK, offset: 1, commitLog: 3985651091 },
      { file: "transactions/09-c2b-37-end-transaction-unknow-oneway.bin", resolution: TransactionResolution.UNKNOWN, offset: 2, commitLog: 3985651538 }
    ]
    for (const { commitLog, file, offset, resolution } of cases) {
      const command = decode(file)
      const header = Result.getOrThrow(decodeEndTransactionRequestHeader(command.extFields))
      assert.deepStrictEqual({ ...header, msgId: "" }, {
        producerGroup: "CapTxGroup",
        brokerName: "broker-a",
        commitLogOffset: commitLog,
        msgId: "",
        tranStateTableOffset: offset,
        commitOrRollback: resolution,
        fromTransactionCheck: false
      })
      sameBytes({ ...command, extFields: encodeEndTransactionRequestHeader(header) }, file)
    }
    const fromCheck = decode("transactions/13-c2b-37-end-transaction-commit-from-check.bin")
    const header = Result.getOrThrow(decodeEndTransactionRequestHeader(fromCheck.extFields))
    assert.deepStrictEqual(header, {
      producerGroup: "CapTxGroup",
      commitLogOffset: 3985651848,
      msgId: "C0000202406E4E0E2F2A939937A90002",
      tranStateTableOffset: 3,
      commitOrRollback: 8,
      transactionId: "C0000202406E4E0E2F2A939937A90002",
      fromTransactionCheck: true
    })
    sameBytes({ ...fromCheck, extFields: encodeEndTransactionRequestHeader(header) }, "transactions/13-c2b-37-end-transaction-commit-from-check.bin")
  })

  it("CHECK_TRANSACTION_STATE of a real broker", () => {
    const file = "transactions/12-b2c-39-check-transaction-state.bin"
    const command = decode(file)
    const header = Result.getOrThrow(decodeCheckTransactionStateRequestHeader(command.extFields))
    assert.deepStrictEqual(header, {
      commitLogOffset: 3985651848,
      msgId: "C0000202406E4E0E2F2A939937A90002",
      tranStateTableOffset: 3,
      offsetMsgId: "7F00000100002A9F00000000ED903888",
      transactionId: "C0000202406E4E0E2F2A939937A90002"
    })
    sameBytes({ ...command, extFields: encodeCheckTransactionStateRequestHeader(header) }, file)
  })

  it("a check without its offsets does not decode", () => {
    assert.isTrue(Result.isFailure(decodeCheckTransactionStateRequestHeader({ msgId: "x", tranStateTableOffset: "1" })))
    assert.isTrue(Result.isFailure(decodeCheckTransactionStateRequestHeader(undefined)))
  })

  it.prop("headers round trip", [
    Arbitrary.schema(Schema.toType(EndTransactionRequestHeader)),
    Arbitrary.schema(Schema.toType(CheckTransactionStateRequestHeader))
  ], ([end, check]) => {
    assert.deepStrictEqual(Result.getOrThrow(decodeEndTransactionRequestHeader(encodeEndTransactionRequestHeader(end))), end)
    assert.deepStrictEqual(Result.getOrThrow(decodeCheckTransactionStateRequestHeader(encodeCheckTransactionStateRequestHeader(check))), check)
  }, { arbitrary: { runs: 300 } })
})

describe("reply header", () => {
  it.prop("round trips", [Arbitrary.schema(Schema.toType(ReplyMessageRequestHeader))], ([header]) => {
    assert.deepStrictEqual(Result.getOrThrow(decodeReplyMessageRequestHeader(encodeReplyMessageRequestHeader(header))), header)
  }, { arbitrary: { runs: 300 } })

  it("PUSH_REPLY_MESSAGE_TO_CLIENT of a real broker: decoded and written back byte for byte", () => {
    for (const file of ["request-reply/10-b2c-326-push-reply-to-requester-from-broker-b.bin", "request-reply/14-b2c-326-push-reply-to-requester-from-broker-a.bin"]) {
      const command = decode(file)
      const header = Result.getOrThrow(decodeReplyMessageRequestHeader(command.extFields))
      assert.strictEqual(header.producerGroup, "CapReplyProducerGroup")
      assert.strictEqual(header.topic, "DefaultCluster_REPLY_TOPIC")
      assert.strictEqual(header.sysFlag, 0)
      assert.include(header.properties, "CORRELATION_ID\u0001")
      sameBytes({ ...command, extFields: encodeReplyMessageRequestHeader(header) }, file)
    }
  })
})
