/**
 * Transactional messages in the testkit broker, as a 4.9.8 broker keeps them
 * (`TransactionalMessageServiceImpl`, `EndTransactionProcessor`, REMOTING.md §19):
 *
 * - a half message (sysFlag PREPARED, `TRAN_MSG=true`) is stored in `RMQ_SYS_TRANS_HALF_TOPIC`
 *   queue 0 with `REAL_TOPIC` / `REAL_QID`, so it is not in its topic; the send answer carries the
 *   half queue's offset and the half message's offsetMsgId;
 * - END_TRANSACTION with COMMIT copies it into its topic (sysFlag COMMIT) once; ROLLBACK drops it;
 *   UNKNOWN leaves it; a header that does not match the half message (group, offsets) changes
 *   nothing. Every END_TRANSACTION is recorded with what it did;
 * - a check round re-appends each half message older than the transaction timeout to the half
 *   queue (`TRANSACTION_CHECK_TIMES` + 1) and sends CHECK_TRANSACTION_STATE, oneway, with the
 *   copy's offsets and the copy as its body, to a connection of the message's producer group (known
 *   from heartbeats); after `checkMax` checks the message is dropped.
 *
 * @since 0.1.0
 */
import { Result } from "effect"
import { PGROUP, PROPERTY_SEPARATOR, REAL_QID, REAL_TOPIC, TRAN_MSG, TRANSACTION_CHECK_TIMES, UNIQ_KEY } from "../../protocol/message/MessageConst.ts"
import { encodeProperties } from "../../protocol/message/MessageProperties.ts"
import { TRANSACTION_PREPARED_TYPE, TRANSACTION_ROLLBACK_TYPE } from "../../protocol/message/MessageSysFlag.ts"
import { encodeStoredMessage } from "../../protocol/message/StoredMessage.ts"
import { makeRequest } from "../../protocol/RemotingCommand.ts"
import type { RemotingCommand } from "../../protocol/RemotingCommand.ts"
import { RequestCode } from "../../protocol/RequestCode.ts"
import {
  decodeEndTransactionRequestHeader,
  encodeCheckTransactionStateRequestHeader,
  TransactionResolution
} from "../../protocol/TransactionHeaders.ts"
import type { EndTransactionRequestHeader } from "../../protocol/TransactionHeaders.ts"
import type { AppendRequest, BrokerStore, StoredMessage } from "./BrokerStore.ts"

/**
 * The internal topic of half messages.
 *
 * @since 0.1.0
 * @category constants
 */
export const TRANS_HALF_TOPIC = "RMQ_SYS_TRANS_HALF_TOPIC"

/** The transaction type bits of a sysFlag. */
const TRANSACTION_TYPE_MASK = TRANSACTION_ROLLBACK_TYPE

/**
 * How the broker checks transactions back.
 *
 * @since 0.1.0
 * @category models
 */
export interface TransactionSettings {
  /** How often a check round runs; default 60 000 ms (`transactionCheckInterval`). */
  readonly checkIntervalMillis?: number | undefined
  /** Only half messages at least this old are checked; default 6000 ms (`transactionTimeOut`). */
  readonly timeoutMillis?: number | undefined
  /** Checks of one message before it is dropped; default 15 (`transactionCheckMax`). */
  readonly checkMax?: number | undefined
}

/**
 * One END_TRANSACTION the broker got, and what it did with it.
 *
 * @since 0.1.0
 * @category models
 */
export interface RecordedEndTransaction {
  /** The request as it arrived. */
  readonly command: RemotingCommand
  /** The header as decoded; `undefined` when it did not decode. */
  readonly header: EndTransactionRequestHeader | undefined
  readonly remark: string | undefined
  /** The sender's `ip:port`. */
  readonly from: string
  /** `committed`, `rolledBack`, `unknown` (left for a check) or `rejected` (no such half message, a mismatch, a bad header). */
  readonly outcome: "committed" | "rolledBack" | "unknown" | "rejected"
  readonly detail: string
}

/**
 * A check-back to send: to whom and what.
 *
 * @since 0.1.0
 * @category models
 */
export interface CheckBack<S> {
  readonly session: S
  readonly command: RemotingCommand
}

/**
 * The transactions of one broker.
 *
 * @since 0.1.0
 * @category models
 */
export interface BrokerTransactions<S> {
  /** `true` for a send that carries a half message. */
  readonly isHalf: (sysFlag: number) => boolean
  /** What a half send appends instead: the same message in the half queue, its real place in properties. */
  readonly halfAppend: (request: AppendRequest) => AppendRequest
  /** Starts tracking a stored half message. */
  readonly track: (half: StoredMessage) => void
  /** Handles an END_TRANSACTION. */
  readonly endTransaction: (request: RemotingCommand, from: string) => RecordedEndTransaction
  /** One check round at `now`: the check-backs to send (to the session `sessionOf` gives for a group). */
  readonly checkRound: (now: number, sessionOf: (group: string) => S | undefined) => ReadonlyArray<CheckBack<S>>
  /** Half messages not resolved yet, oldest first. */
  readonly pending: () => ReadonlyArray<StoredMessage>
  /** Every END_TRANSACTION so far, in arrival order. */
  readonly ends: () => ReadonlyArray<RecordedEndTransaction>
}

interface Half {
  readonly message: StoredMessage
  readonly checkTimes: number
}

const hostOf = (address: string) => {
  const at = address.lastIndexOf(":")
  return { host: at < 0 ? address : address.slice(0, at), port: at < 0 ? 0 : Number(address.slice(at + 1)) || 0 }
}

/**
 * The transactions of a broker on `store`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeBrokerTransactions = <S>(options: {
  /** The broker's store, once it listens (nothing can arrive before). */
  readonly store: () => BrokerStore | undefined
  /** The broker's `host:port`, once it listens. */
  readonly storeAddress: () => string
  readonly v5: boolean
  readonly brokerName: string
  readonly version: number
  readonly settings?: TransactionSettings | undefined
}): BrokerTransactions<S> => {
  const timeoutMillis = options.settings?.timeoutMillis ?? 6000
  const checkMax = options.settings?.checkMax ?? 15
  /** Unresolved half messages by commit-log offset. */
  const halves = new Map<number, Half>()
  const recorded: Array<RecordedEndTransaction> = []

  const append = (half: StoredMessage, properties: Readonly<Record<string, string>>, topic: string, queueId: number, sysFlag: number) =>
    options.store()?.append({
      topic,
      queueId,
      sysFlag,
      bornTimestamp: half.bornTimestamp,
      bornHost: half.bornHost,
      storeTimestamp: half.storeTimestamp,
      producerGroup: half.producerGroup,
      requestCode: half.requestCode,
      reconsumeTimes: half.reconsumeTimes,
      messages: [{ body: half.body, wireBody: half.wireBody, flag: half.flag, properties: encodeProperties(properties) }]
    })[0]

  const endTransaction = (request: RemotingCommand, from: string): RecordedEndTransaction => {
    const record = (header: EndTransactionRequestHeader | undefined, outcome: RecordedEndTransaction["outcome"], detail: string) => {
      const entry: RecordedEndTransaction = { command: request, header, remark: request.remark, from, outcome, detail }
      recorded.push(entry)
      return entry
    }
    const decoded = decodeEndTransactionRequestHeader(request.extFields)
    if (Result.isFailure(decoded)) return record(undefined, "rejected", decoded.failure.message)
    const header = decoded.success
    if (header.commitOrRollback === TransactionResolution.UNKNOWN) return record(header, "unknown", "left for a check")
    if (header.commitOrRollback !== TransactionResolution.COMMIT && header.commitOrRollback !== TransactionResolution.ROLLBACK) {
      return record(header, "rejected", "commitOrRollback field wrong")
    }
    const half = halves.get(header.commitLogOffset)
    if (half === undefined) return record(header, "rejected", "Find prepared transaction message failed")
    // EndTransactionProcessor.checkPrepareMessage
    const message = half.message
    if (message.properties[PGROUP] !== header.producerGroup) return record(header, "rejected", "The producer group wrong")
    if (message.queueOffset !== header.tranStateTableOffset) return record(header, "rejected", "The transaction state table offset wrong")
    halves.delete(header.commitLogOffset)
    if (header.commitOrRollback === TransactionResolution.ROLLBACK) return record(header, "rolledBack", message.offsetMsgId)
    const realTopic = message.properties[REAL_TOPIC] ?? message.topic
    const realQueueId = Number(message.properties[REAL_QID] ?? "0")
    const committed = append(message, message.properties, realTopic, realQueueId, (message.sysFlag & ~TRANSACTION_TYPE_MASK) | TransactionResolution.COMMIT)
    return record(header, "committed", committed?.offsetMsgId ?? "")
  }

  const checkRound = (now: number, sessionOf: (group: string) => S | undefined): ReadonlyArray<CheckBack<S>> => {
    const checks: Array<CheckBack<S>> = []
    for (const [offset, half] of [...halves]) {
      const message = half.message
      if (now - message.storeTimestamp < timeoutMillis) continue
      halves.delete(offset)
      if (half.checkTimes >= checkMax) continue // Java moves it to TRANS_CHECK_MAX_TIME_TOPIC
      // putBackHalfMsgQueue: a copy at the end of the half queue; the check carries the copy's offsets.
      const properties = { ...message.properties, [TRANSACTION_CHECK_TIMES]: String(half.checkTimes + 1) }
      const copy = append(message, properties, TRANS_HALF_TOPIC, 0, message.sysFlag)
      if (copy === undefined) continue
      halves.set(copy.commitLogOffset, { message: copy, checkTimes: half.checkTimes + 1 })
      const group = copy.properties[PGROUP]
      const session = group === undefined ? undefined : sessionOf(group)
      if (session === undefined) continue // "Check transaction failed, channel is null"
      const realTopic = copy.properties[REAL_TOPIC] ?? copy.topic
      const body = encodeStoredMessage({
        topic: realTopic,
        queueId: Number(copy.properties[REAL_QID] ?? "0"),
        flag: copy.flag,
        queueOffset: BigInt(copy.queueOffset),
        commitLogOffset: BigInt(copy.commitLogOffset),
        sysFlag: copy.sysFlag,
        bornTimestamp: copy.bornTimestamp,
        bornHost: hostOf(copy.bornHost),
        storeTimestamp: copy.storeTimestamp,
        storeHost: hostOf(options.storeAddress()),
        reconsumeTimes: copy.reconsumeTimes,
        preparedTransactionOffset: 0n,
        body: copy.wireBody,
        properties: copy.properties
      })
      if (Result.isFailure(body)) continue
      const uniqueKey = copy.properties[UNIQ_KEY]
      checks.push({
        session,
        command: makeRequest({
          code: RequestCode.CHECK_TRANSACTION_STATE,
          oneway: true,
          language: "JAVA",
          version: options.version,
          extFields: encodeCheckTransactionStateRequestHeader({
            ...(options.v5 ? { topic: realTopic, brokerName: options.brokerName } : {}),
            commitLogOffset: copy.commitLogOffset,
            ...(uniqueKey === undefined ? {} : { msgId: uniqueKey }),
            tranStateTableOffset: copy.queueOffset,
            offsetMsgId: copy.offsetMsgId,
            ...(uniqueKey === undefined ? {} : { transactionId: uniqueKey })
          }),
          body: body.success
        })
      })
    }
    return checks
  }

  return {
    isHalf: (sysFlag) => (sysFlag & TRANSACTION_TYPE_MASK) === TRANSACTION_PREPARED_TYPE,
    halfAppend: (request) => ({
      ...request,
      topic: TRANS_HALF_TOPIC,
      queueId: 0,
      // TransactionalMessageBridge.parseHalfMessageInner: the transaction bits are cleared.
      sysFlag: request.sysFlag & ~TRANSACTION_TYPE_MASK,
      messages: request.messages.map((message) => ({
        ...message,
        properties: `${message.properties}${message.properties.length === 0 || message.properties.endsWith(PROPERTY_SEPARATOR) ? "" : PROPERTY_SEPARATOR}` +
          encodeProperties({ [REAL_TOPIC]: request.topic, [REAL_QID]: String(request.queueId) })
      }))
    }),
    track: (half) => {
      if (half.properties[TRAN_MSG] === "true") halves.set(half.commitLogOffset, { message: half, checkTimes: 0 })
    },
    endTransaction,
    checkRound,
    pending: () => [...halves.values()].map((half) => half.message),
    ends: () => recorded.slice()
  }
}
