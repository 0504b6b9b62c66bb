/**
 * One long-lived TCP connection to one address, with requests pipelined on it: each request
 * carries a fresh opaque, a reader fiber decodes frames and completes the waiting request by
 * opaque, in whatever order responses come.
 *
 * @since 0.1.0
 */
import { NodeSocket } from "@effect/platform-node"
import { Deferred, Effect, Exit, Result, Scope } from "effect"
import * as Socket from "effect/socket/Socket"
import { encodeFrameParts } from "../protocol/Frame.ts"
import type { EncodedFrame } from "../protocol/Frame.ts"
import { FrameDecoder } from "../protocol/FrameDecoder.ts"
import { isOneway, isResponse, makeResponse } from "../protocol/RemotingCommand.ts"
import type { RemotingCommand } from "../protocol/RemotingCommand.ts"
import { ResponseCode } from "../protocol/ResponseCode.ts"
import { parseAddress } from "./Address.ts"
import {
  ClientClosed,
  ConnectFailed,
  ConnectionClosed,
  ConnectTimedOut,
  InvalidRequest,
  RemotingError,
  WriteFailed
} from "./RemotingError.ts"
import type { RemotingErrorReason } from "./RemotingError.ts"

/**
 * How a connection behaves.
 *
 * @since 0.1.0
 */
export interface ConnectionOptions {
  /** How long opening the TCP connection may take. */
  readonly connectTimeoutMillis: number
  /** Largest frame accepted or sent, length word included. */
  readonly maxFrameSize: number
  /** Called once when the connection closes, for whatever reason. */
  readonly onClose: (connection: Connection) => void
}

/**
 * A live connection.
 *
 * @since 0.1.0
 */
export interface Connection {
  readonly address: string
  /**
   * Sends an encoded request whose opaque is `opaque` and waits for its response; the caller
   * bounds the wait (an interrupted wait leaves the pending table, and a late response is dropped).
   */
  readonly request: (opaque: number, frame: EncodedFrame) => Effect.Effect<RemotingCommand, RemotingError>
  /** Sends a oneway request: done once written. */
  readonly requestOneway: (frame: EncodedFrame) => Effect.Effect<void, RemotingError>
  /** Closes the connection: every waiting request fails with `reason`. */
  readonly close: (reason: RemotingErrorReason) => Effect.Effect<void>
  /** `true` until the connection closes. */
  readonly isOpen: () => boolean
  /** Requests waiting for their response. */
  readonly pendingCount: () => number
}

const remotingError = (reason: RemotingErrorReason) => new RemotingError({ reason })

const describe = (cause: unknown): string => (cause instanceof Error ? cause.message : String(cause))

const socketErrorDetail = (error: Socket.SocketError): string => {
  const reason = error.reason
  switch (reason._tag) {
    case "SocketCloseError":
      return reason.code === 1000 ? "closed by the peer" : "connection reset"
    case "SocketReadError":
    case "SocketWriteError":
    case "SocketOpenError":
    case "SocketUpgradeError":
      return describe(reason.cause)
  }
}

/**
 * Opens a connection to `address`; it lives in `clientScope` (closing that scope closes it).
 *
 * @since 0.1.0
 */
export const openConnection = (
  address: string,
  clientScope: Scope.Scope,
  options: ConnectionOptions
): Effect.Effect<Connection, RemotingError> =>
  Effect.gen(function*() {
    const target = parseAddress(address)
    if (Result.isFailure(target)) {
      return yield* remotingError(new InvalidRequest({ address, detail: target.failure.message }))
    }
    const scope = yield* Scope.fork(clientScope)
    const socket = yield* NodeSocket.makeNet({
      host: target.success.host,
      port: target.success.port,
      noDelay: true,
      keepAlive: true,
      keepAliveInitialDelay: 30_000,
      openTimeout: options.connectTimeoutMillis
    })
    const pull = yield* Socket.readerBytes(socket).pipe(
      Scope.provide(scope),
      Effect.onError(() => Scope.close(scope, Exit.void)),
      Effect.mapError((error) =>
        remotingError(
          error.reason._tag === "SocketOpenError" && error.reason.kind === "Timeout"
            ? new ConnectTimedOut({ address, timeoutMillis: options.connectTimeoutMillis })
            : new ConnectFailed({ address, detail: socketErrorDetail(error) })
        )
      )
    )
    const writer = yield* socket.writer.pipe(Scope.provide(scope))
    const pending = new Map<number, Deferred.Deferred<RemotingCommand, RemotingError>>()
    const decoder = new FrameDecoder({ maxFrameSize: options.maxFrameSize })
    let closedWith: RemotingError | undefined

    const close = (reason: RemotingErrorReason): Effect.Effect<void> =>
      Effect.suspend(() => {
        if (closedWith !== undefined) return Effect.void
        const error = remotingError(reason)
        closedWith = error
        options.onClose(connection)
        const waiting = [...pending.values()]
        pending.clear()
        for (const deferred of waiting) Deferred.doneUnsafe(deferred, Exit.fail(error))
        return Scope.close(scope, Exit.void)
      })

    const writeFrame = (frame: EncodedFrame): Effect.Effect<void, RemotingError> =>
      writer.writeAll(frame.body === undefined ? [frame.head] : [frame.head, frame.body]).pipe(
        Effect.catch((error) => {
          const reason = new WriteFailed({ address, detail: socketErrorDetail(error) })
          return Effect.andThen(close(reason), Effect.fail(remotingError(reason)))
        })
      )

    const request = (opaque: number, frame: EncodedFrame): Effect.Effect<RemotingCommand, RemotingError> =>
      Effect.suspend(() => {
        if (closedWith !== undefined) return Effect.fail(closedWith)
        const deferred = Deferred.makeUnsafe<RemotingCommand, RemotingError>()
        pending.set(opaque, deferred)
        return writeFrame(frame).pipe(
          Effect.andThen(Deferred.await(deferred)),
          Effect.ensuring(Effect.sync(() => pending.delete(opaque)))
        )
      })

    const requestOneway = (frame: EncodedFrame): Effect.Effect<void, RemotingError> =>
      Effect.suspend(() => (closedWith !== undefined ? Effect.fail(closedWith) : writeFrame(frame)))

    /** Requests the server sent us, collected while a chunk is decoded and answered after it. */
    let serverRequests: Array<RemotingCommand> = []

    const dispatch = (command: RemotingCommand) => {
      if (!isResponse(command)) {
        if (!isOneway(command)) serverRequests.push(command)
        return
      }
      const deferred = pending.get(command.opaque)
      if (deferred === undefined) return // late or unknown: dropped, as Java drops it
      pending.delete(command.opaque)
      Deferred.doneUnsafe(deferred, Exit.succeed(command))
    }

    /** Answers each server request "not supported", as a Java client does for codes it lacks. */
    const answerServerRequests = Effect.suspend(() => {
      const requests = serverRequests
      serverRequests = []
      return Effect.forEach(requests, (command) => {
        const frame = encodeFrameParts(makeResponse(command, {
          code: ResponseCode.REQUEST_CODE_NOT_SUPPORTED,
          remark: ` request type ${command.code} not supported`
        }), { maxFrameSize: options.maxFrameSize })
        return Result.isSuccess(frame) ? Effect.ignore(writeFrame(frame.success)) : Effect.void
      }, { discard: true })
    })

    const readLoop: Effect.Effect<never, RemotingErrorReason> = Effect.gen(function*() {
      while (true) {
        const chunks = yield* Effect.mapError(pull, (error) => new ConnectionClosed({ address, detail: socketErrorDetail(error) }))
        for (const chunk of chunks) {
          const error = decoder.push(chunk, dispatch)
          if (error !== undefined) {
            return yield* new ConnectionClosed({ address, detail: `the peer sent an invalid frame: ${error.message}` })
          }
        }
        if (serverRequests.length > 0) yield* answerServerRequests
      }
    })

    yield* readLoop.pipe(
      Effect.catch((reason) => close(reason)),
      Effect.onInterrupt(() => close(new ClientClosed({ address }))),
      Effect.forkIn(clientScope)
    )

    const connection: Connection = {
      address,
      request,
      requestOneway,
      close,
      isOpen: () => closedWith === undefined,
      pendingCount: () => pending.size
    }
    return connection
  })
