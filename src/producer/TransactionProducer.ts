/**
 * The transactional producer (Java's `TransactionMQProducer`, REMOTING.md §19): a message is sent
 * as a half message the broker keeps out of its topic, the user's local transaction runs, and the
 * producer commits or rolls the message back with a oneway END_TRANSACTION to the master that
 * stored it. When the outcome is not known yet (UNKNOWN), the broker later asks again with
 * CHECK_TRANSACTION_STATE; the `check` handler given to the layer answers it.
 *
 * A layer of its own on the same remoting client, route lookup and route cache as `Producer`, so
 * both can share one connection pool. It heartbeats its group to the brokers it uses (the broker
 * finds the producer to check back only through a heartbeat) and unregisters when it closes.
 *
 * @since 0.1.0
 */
import { Cause, Config, Context, Duration, Effect, Exit, Layer, Result, Schema } from "effect"
import type { Scope } from "effect"
import { decompressBody } from "../protocol/message/Compression.ts"
import { decodeOffsetMsgId } from "../protocol/message/OffsetMsgId.ts"
import { decodeStoredMessage, storedOffsetMsgId } from "../protocol/message/StoredMessage.ts"
import type { StoredMessage } from "../protocol/message/StoredMessage.ts"
import { makeRequest } from "../protocol/RemotingCommand.ts"
import { RequestCode } from "../protocol/RequestCode.ts"
import {
  decodeCheckTransactionStateRequestHeader,
  encodeEndTransactionRequestHeader,
  TransactionResolution
} from "../protocol/TransactionHeaders.ts"
import type { EndTransactionRequestHeader } from "../protocol/TransactionHeaders.ts"
import { RouteLookup } from "../route/RouteLookup.ts"
import type { InvalidAddress } from "../transport/Address.ts"
import { RemotingClient } from "../transport/RemotingClient.ts"
import type { ServerRequest } from "../transport/ServerRequests.ts"
import type { Message } from "../protocol/message/Message.ts"
import { makeClientInstance, provideClientLayers } from "./ClientInstance.ts"
import { PGROUP, TRAN_MSG, UNIQ_KEY } from "../protocol/message/MessageConst.ts"
import { InvalidMessage, topicOfUnchecked } from "./MessageValidation.ts"
import { ProducerError } from "./ProducerError.ts"
import { defaultProducerGroup, InvalidProducerOptions, resolveProducerOptions } from "./ProducerOptions.ts"
import type { ProducerOptions, ResolvedProducerOptions } from "./ProducerOptions.ts"
import type { SendResult } from "./SendResult.ts"

/**
 * What the local transaction decided (Java's `LocalTransactionState`: COMMIT_MESSAGE,
 * ROLLBACK_MESSAGE, UNKNOW).
 *
 * @since 0.1.0
 * @category models
 */
export const LocalTransactionState = Schema.Literals(["COMMIT", "ROLLBACK", "UNKNOWN"])

/**
 * @since 0.1.0
 * @category models
 */
export type LocalTransactionState = typeof LocalTransactionState.Type

/**
 * What the local transaction is given: the message as sent, the broker's answer to the half send,
 * and the transaction id the broker will use when it checks back.
 *
 * @since 0.1.0
 * @category models
 */
export interface HalfMessage {
  readonly message: Message
  readonly sendResult: SendResult
  readonly transactionId: string
}

/**
 * The result of `sendInTransaction`: the half send's result, the transaction id (the broker's when
 * it answers one, 5.x; else the message id, which is what a 4.9.x broker checks back with) and what
 * the local transaction decided.
 *
 * @since 0.1.0
 * @category models
 */
export interface TransactionSendResult extends SendResult {
  readonly transactionId: string
  readonly localState: LocalTransactionState
}

/**
 * What a check is given: the half message as the broker stored it (topic and queue already the
 * real ones, the body inflated if it was sent compressed), its message id (`UNIQ_KEY`) and the
 * transaction id of the check.
 *
 * @since 0.1.0
 * @category models
 */
export interface TransactionCheck {
  readonly message: StoredMessage
  readonly msgId: string
  readonly transactionId: string | undefined
  /** The `host:port` of the broker that asks. */
  readonly brokerAddress: string
}

/**
 * Settings of a transactional producer: those of `Producer`, the check handler and how it runs.
 *
 * @since 0.1.0
 * @category models
 */
export interface TransactionProducerOptions extends ProducerOptions {
  /**
   * Answers the broker's check of a transaction left UNKNOWN (Java's `checkLocalTransaction`). A
   * failure, a defect or a timeout answers UNKNOWN (the broker asks again later, up to its
   * `transactionCheckMax`, 15 by default).
   */
  readonly check: (transaction: TransactionCheck) => Effect.Effect<LocalTransactionState, unknown>
  /** Checks run at once; default 1 (Java's check executor). */
  readonly checkConcurrency?: number | undefined
  /** Checks waiting beyond those running; default 2000 (Java's check queue); more are dropped. */
  readonly checkMaxPending?: number | undefined
  /** Longest a check may run; default 30 s. */
  readonly checkTimeout?: Duration.Input | undefined
  /** Called once the answer to a check is written (or could not be), with what it answered. */
  readonly onCheckAnswered?: ((answer: CheckAnswer) => Effect.Effect<void>) | undefined
}

/**
 * What the producer answered to a check.
 *
 * @since 0.1.0
 * @category models
 */
export interface CheckAnswer {
  readonly msgId: string
  readonly transactionId: string | undefined
  readonly state: LocalTransactionState
  /** The `host:port` of the broker that asked. */
  readonly brokerAddress: string
}

/**
 * The transactional producer service.
 *
 * @since 0.1.0
 * @category services
 */
export class TransactionProducer extends Context.Service<TransactionProducer, {
  /** `ip@instanceName`, as brokers know this producer. */
  readonly clientId: string
  readonly producerGroup: string
  /**
   * Sends `message` as a half message, runs `execute` (the local transaction), and ends the
   * transaction as it decided. A failure or defect of `execute` counts as UNKNOWN and is logged,
   * as Java treats an exception. A half message stored with a non-OK status is rolled back without
   * running `execute`. A delay, delivery time or timer on the message is refused before any I/O.
   * Ending is oneway and best effort: if it cannot be written the broker checks back.
   */
  readonly sendInTransaction: <E, R>(
    message: Message,
    execute: (half: HalfMessage) => Effect.Effect<LocalTransactionState, E, R>
  ) => Effect.Effect<TransactionSendResult, ProducerError, R>
}>()("effect-rocketmq/producer/TransactionProducer") {
  /** On a remoting client, route lookup and route cache provided from outside (shared with a `Producer`). */
  static readonly layerNoDeps = (
    options: TransactionProducerOptions
  ): Layer.Layer<TransactionProducer, InvalidProducerOptions, RemotingClient | RouteLookup> =>
    Layer.effect(
      TransactionProducer,
      Effect.flatMap(Effect.fromResult(resolveTransactionOptions(options)), makeTransactionProducer)
    )

  /** With everything it needs: remoting client, NameServer transport, route cache and lookup. */
  static readonly layer = (
    options: TransactionProducerOptions
  ): Layer.Layer<TransactionProducer, InvalidProducerOptions | InvalidAddress> =>
    Layer.unwrap(Effect.map(
      Effect.fromResult(resolveTransactionOptions(options)),
      (resolved) => provideClientLayers(resolved.producer, Layer.effect(TransactionProducer, makeTransactionProducer(resolved)))
    ))

  /** From configuration (`NAMESRV_ADDR`, `ROCKETMQ_PRODUCER_GROUP`), with the check handler. */
  static readonly layerConfig = (
    check: TransactionProducerOptions["check"],
    options: Config.Wrap<ProducerOptions> = {
      nameServers: Config.String("NAMESRV_ADDR"),
      producerGroup: Config.String("ROCKETMQ_PRODUCER_GROUP").pipe(Config.withDefault(defaultProducerGroup))
    }
  ): Layer.Layer<TransactionProducer, InvalidProducerOptions | InvalidAddress | Config.ConfigError> =>
    Layer.unwrap(Effect.map(Config.unwrap(options), (resolved) => TransactionProducer.layer({ ...resolved, check })))
}

/**
 * Settings after defaults and checks.
 *
 * @since 0.1.0
 * @category models
 */
export interface ResolvedTransactionOptions {
  readonly producer: ResolvedProducerOptions
  readonly check: TransactionProducerOptions["check"]
  readonly checkConcurrency: number
  readonly checkMaxPending: number
  readonly checkTimeoutMillis: number
  readonly onCheckAnswered: ((answer: CheckAnswer) => Effect.Effect<void>) | undefined
}

const count = (option: string, value: number | undefined, fallback: number, minimum: number) => {
  const chosen = value ?? fallback
  return Number.isSafeInteger(chosen) && chosen >= minimum
    ? Result.succeed(chosen)
    : Result.fail(new InvalidProducerOptions({ option, detail: `must be an integer ≥ ${minimum}, got ${chosen}` }))
}

/**
 * Fills in the defaults and checks every setting.
 *
 * @since 0.1.0
 * @category constructors
 */
export const resolveTransactionOptions = (
  options: TransactionProducerOptions
): Result.Result<ResolvedTransactionOptions, InvalidProducerOptions> =>
  Result.gen(function*() {
    const producer = yield* resolveProducerOptions(options)
    const timeout = Duration.fromInput(options.checkTimeout ?? "30 seconds")
    const checkTimeoutMillis = timeout._tag === "None" ? Number.NaN : Duration.toMillis(timeout.value)
    if (!(checkTimeoutMillis > 0) || !Number.isFinite(checkTimeoutMillis)) {
      return yield* Result.fail(new InvalidProducerOptions({ option: "checkTimeout", detail: "must be a positive, finite duration" }))
    }
    return {
      producer,
      check: options.check,
      checkConcurrency: yield* count("checkConcurrency", options.checkConcurrency, 1, 1),
      checkMaxPending: yield* count("checkMaxPending", options.checkMaxPending, 2000, 0),
      checkTimeoutMillis,
      onCheckAnswered: options.onCheckAnswered
    }
  })

const describeCause = (cause: Cause.Cause<unknown>): string => {
  const error: unknown = Cause.squash(cause)
  if (error instanceof Error) return `${error.name}: ${error.message}`
  if (typeof error === "object" && error !== null && "message" in error && typeof error.message === "string") return error.message
  return String(error)
}

const resolution = (state: LocalTransactionState): number =>
  state === "COMMIT" ? TransactionResolution.COMMIT : state === "ROLLBACK" ? TransactionResolution.ROLLBACK : TransactionResolution.UNKNOWN

/** The commit-log offset in an offsetMsgId (`MessageDecoder.decodeMessageId`), if it is one and fits. */
const commitLogOffsetOf = (offsetMsgId: string): number | undefined => {
  const decoded = decodeOffsetMsgId(offsetMsgId)
  if (Result.isFailure(decoded)) return undefined
  const offset = Number(decoded.success.commitLogOffset)
  return Number.isSafeInteger(offset) ? offset : undefined
}

/** How a message is delayed, if it is; a message that cannot be read is left to validation. */
const delayOf = (message: Message): string | undefined => {
  try {
    if ((message.delayTimeLevel ?? 0) > 0) return "a delay level"
    if (message.deliverTimeMs !== undefined) return "a delivery time"
    if (message.delayTimeSec !== undefined || message.delayTimeMs !== undefined) return "a timer delay"
  } catch {
    // validation names the problem
  }
  return undefined
}

/**
 * Builds a transactional producer in the current scope.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeTransactionProducer = (
  options: ResolvedTransactionOptions
): Effect.Effect<TransactionProducer["Service"], never, RemotingClient | RouteLookup | Scope.Scope> =>
  Effect.gen(function*() {
    const { client, heartbeat, identity, lookup, pipeline, unwrap, unwrapTopic, wrap } = yield* makeClientInstance(options.producer)
    const scope = yield* Effect.scope
    const producerOptions = options.producer
    // The group as brokers know it (in the namespace, if any).
    const group = identity.producerGroup
    /** Masters this producer has heartbeated: a half message stored elsewhere heartbeats at once. */
    const heartbeated = new Set<string>()

    const endTransaction = (address: string, header: EndTransactionRequestHeader, remark: string | undefined) =>
      client.invokeOneway(address, makeRequest({
        code: RequestCode.END_TRANSACTION,
        oneway: true,
        serializeType: producerOptions.serializeType,
        remark,
        extFields: encodeEndTransactionRequestHeader(header)
      }), producerOptions.sendMsgTimeoutMillis).pipe(
        Effect.catch((error) => Effect.logWarning(`END_TRANSACTION to ${address} failed, the broker will check back: ${error.message}`))
      )

    const sendInTransaction = <E, R>(
      message: Message,
      execute: (half: HalfMessage) => Effect.Effect<LocalTransactionState, E, R>
    ): Effect.Effect<TransactionSendResult, ProducerError, R> =>
      Effect.gen(function*() {
        const delay = delayOf(message)
        if (delay !== undefined) {
          return yield* new ProducerError({
            reason: new InvalidMessage({ rule: "TransactionInvalid", detail: `a transactional message cannot have ${delay}` })
          })
        }
        const wrapped = wrap(message)
        const sendResult = yield* pipeline.send(wrapped, { [TRAN_MSG]: "true", [PGROUP]: group })
        const transactionId = sendResult.transactionId ?? sendResult.msgId
        let localState: LocalTransactionState = "ROLLBACK"
        let remark: string | undefined
        if (sendResult.status === "SEND_OK") {
          const exit = yield* Effect.exit(Effect.suspend(() => execute({ message, sendResult: unwrap(sendResult), transactionId })))
          if (Exit.isSuccess(exit)) {
            localState = exit.value
          } else if (Cause.hasInterruptsOnly(exit.cause)) {
            return yield* Effect.interrupt
          } else {
            localState = "UNKNOWN"
            remark = `executeLocalTransactionBranch exception: ${describeCause(exit.cause)}`
            yield* Effect.logError(`the local transaction of ${sendResult.msgId} failed; left UNKNOWN for the broker's check`, exit.cause)
          }
        }
        const brokerName = sendResult.messageQueue.brokerName
        const address = yield* lookup.masterAddress(brokerName)
        const commitLogOffset = commitLogOffsetOf(sendResult.offsetMsgId)
        if (address === undefined || commitLogOffset === undefined) {
          yield* Effect.logWarning(`cannot end the transaction of ${sendResult.msgId} on ${brokerName}; the broker will check back`)
        } else {
          yield* endTransaction(address, {
            topic: wrapped.topic,
            producerGroup: group,
            brokerName,
            commitLogOffset,
            msgId: sendResult.msgId,
            tranStateTableOffset: sendResult.queueOffset,
            commitOrRollback: resolution(localState),
            ...(sendResult.transactionId === undefined ? {} : { transactionId: sendResult.transactionId }),
            fromTransactionCheck: false
          }, remark)
          if (!heartbeated.has(address)) {
            heartbeated.add(address)
            yield* Effect.forkIn(heartbeat, scope)
          }
        }
        return { ...unwrap(sendResult), transactionId, localState }
      }).pipe(Effect.withSpan("TransactionProducer.sendInTransaction", { attributes: { topic: topicOfUnchecked(message) } }))

    /** The half message a check carries, if it is this group's. */
    const checkedMessage = (request: ServerRequest) => {
      const body = request.command.body
      if (body === undefined) return undefined
      const decoded = decodeStoredMessage(body)
      return Result.isSuccess(decoded) && decoded.success.properties[PGROUP] === group ? decoded.success : undefined
    }

    const answerCheck = (request: ServerRequest) =>
      Effect.gen(function*() {
        const header = decodeCheckTransactionStateRequestHeader(request.command.extFields)
        const message = checkedMessage(request)
        if (Result.isFailure(header) || message === undefined) {
          return yield* Effect.logWarning(`ignored a malformed CHECK_TRANSACTION_STATE from ${request.address}`)
        }
        const check = header.success
        const msgId = message.properties[UNIQ_KEY] ?? storedOffsetMsgId(message) ?? check.msgId ?? ""
        // The check sees the body as sent, as Java's decoder inflates it.
        const body = decompressBody(message.body, message.sysFlag)
        // …and the topic as the user named it, as Java's client gives it to checkLocalTransaction.
        const inflated = { ...message, topic: unwrapTopic(message.topic), body: Result.isSuccess(body) ? body.success : message.body }
        const exit = yield* Effect.exit(
          Effect.suspend(() =>
            options.check({ message: inflated, msgId, transactionId: check.transactionId, brokerAddress: request.address })
          ).pipe(
            Effect.timeoutOrElse({
              duration: options.checkTimeoutMillis,
              orElse: () => Effect.fail(new Error(`the check took longer than ${options.checkTimeoutMillis} ms`))
            })
          )
        )
        let state: LocalTransactionState = "UNKNOWN"
        let remark: string | undefined
        if (Exit.isSuccess(exit)) {
          state = exit.value
        } else {
          remark = `checkLocalTransactionState Exception: ${describeCause(exit.cause)}`
          yield* Effect.logError(`the check of transaction ${check.transactionId ?? msgId} failed; answered UNKNOWN`, exit.cause)
        }
        // Answered on the connection the check came in on, echoing the check's offsets (those of
        // the copy the broker re-appended, not of the original send).
        yield* endTransaction(request.address, {
          ...(check.topic === undefined ? {} : { topic: check.topic }),
          producerGroup: group,
          ...(check.brokerName === undefined ? {} : { brokerName: check.brokerName }),
          commitLogOffset: check.commitLogOffset,
          msgId,
          tranStateTableOffset: check.tranStateTableOffset,
          commitOrRollback: resolution(state),
          ...(check.transactionId === undefined ? {} : { transactionId: check.transactionId }),
          fromTransactionCheck: true
        }, remark)
        if (options.onCheckAnswered !== undefined) {
          yield* options.onCheckAnswered({ msgId, transactionId: check.transactionId, state, brokerAddress: request.address })
        }
      })

    yield* client.handle(RequestCode.CHECK_TRANSACTION_STATE, answerCheck, {
      concurrency: options.checkConcurrency,
      maxPending: options.checkMaxPending,
      accepts: (request) => checkedMessage(request) !== undefined
    })

    return TransactionProducer.of({ clientId: identity.clientId, producerGroup: producerOptions.producerGroup, sendInTransaction })
  })
