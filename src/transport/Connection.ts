/**
 * One long-lived TCP connection to one address, with requests pipelined on it: each request
 * carries a fresh opaque, a reader fiber decodes frames and completes the waiting request by
 * opaque, in whatever order responses come. A request is handed to the socket by its caller, with
 * the socket corked when others are in flight (`CorkedWrites`: to the end of the tick, or while
 * enough are on the wire until a read leaves fewer), so many requests cost one system call; the
 * caller never waits on that write (the socket keeps what it cannot send yet), so the request's
 * deadline bounds it as it bounds the response. Oneways, answers to the server's requests, and
 * every frame while one of those is waiting or while the socket holds more than 1 MiB the peer has
 * not taken, go through a `Queue` to a writer fiber, which writes all that are waiting in one go
 * and waits for the socket to drain. Frames reach the socket in the order they were handed to the
 * connection.
 *
 * @since 0.1.0
 */
import * as NodeSocket from "@effect/platform-node/NodeSocket"
import { Buffer } from "node:buffer"
import * as Net from "node:net"
import * as NodeTls from "node:tls"
import { Array as Arr, Deferred, Effect, Exit, Queue, Result, Scope } from "effect"
import * as Socket from "effect/socket/Socket"
import { encodeFrameParts } from "../protocol/Frame.ts"
import type { EncodedFrame } from "../protocol/Frame.ts"
import { FrameDecoder } from "../protocol/FrameDecoder.ts"
import { isResponse } from "../protocol/RemotingCommand.ts"
import type { RemotingCommand } from "../protocol/RemotingCommand.ts"
import { parseAddress } from "./Address.ts"
import { makeCorkedWrites } from "./CorkedWrites.ts"
import type { CorkedWrites } from "./CorkedWrites.ts"
import {
  ClientClosed,
  ConnectFailed,
  ConnectionClosed,
  ConnectTimedOut,
  InvalidRequest,
  RemotingError,
  RequestTimedOut,
  TlsFailed,
  WriteFailed
} from "./RemotingError.ts"
import { tlsConnectOptions, tlsFailureKind } from "./Tls.ts"
import type { TlsSettings } from "./Tls.ts"
import type { DeadlineEntry, Deadlines, DeadlineTarget } from "./Deadlines.ts"
import type { RemotingErrorReason } from "./RemotingError.ts"
import { ResponseTable } from "./ResponseTable.ts"

/**
 * How a connection behaves.
 *
 * @since 0.1.0
 * @category models
 */
export interface ConnectionOptions {
  /** How long opening the TCP connection may take. */
  readonly connectTimeoutMillis: number
  /** Largest frame accepted or sent, length word included. */
  readonly maxFrameSize: number
  /** Called once when the connection closes, for whatever reason, before anything else. */
  readonly onClose: (connection: Connection) => void
  /** Run once after the connection closed, before its scope closes (the pool forgets it). */
  readonly release: (connection: Connection) => Effect.Effect<void>
  /** Where requests register their deadlines. */
  readonly deadlines: Deadlines
  /**
   * Takes each request the server sends; `respond` writes an answer on this connection. Must not
   * block (see `ServerRequests`).
   */
  readonly onServerRequest: (command: RemotingCommand, address: string, respond: (response: RemotingCommand) => void) => void
  /** TLS for this address, or `undefined` for plain TCP. */
  readonly tls?: TlsSettings | undefined
}

/**
 * One request to send on a connection, as the connection keeps it while it waits: the caller's
 * object, read by the connection (its frame is handed over on its own and not kept).
 *
 * @since 0.1.0
 * @category models
 */
export interface PendingRequest {
  readonly opaque: number
  readonly code: number
  /** When it times out, on the deadlines' clock (epoch milliseconds). */
  readonly deadline: number
  /** Its whole timeout, for the error message. */
  readonly timeoutMillis: number
  /** Close the connection if it times out (failing the other requests on it). */
  readonly closeOnTimeout: boolean
  /**
   * What the caller resumes with when the response comes: the response itself, or (for an answer
   * such as GO_AWAY) what to do instead. Called as the response is read; the effect it returns runs
   * in the caller's fiber, with no step of its own before it. A method, not a closure per request.
   */
  onResponse(response: RemotingCommand): Effect.Effect<RemotingCommand, RemotingError>
}

/**
 * A live connection.
 *
 * @since 0.1.0
 * @category models
 */
export interface Connection {
  readonly address: string
  /**
   * Sends a request's encoded frame and waits for its response until its deadline. A timed-out or
   * interrupted request leaves the pending table at once; a late response is dropped.
   */
  readonly request: (request: PendingRequest, frame: EncodedFrame) => Effect.Effect<RemotingCommand, RemotingError>
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

/**
 * A request waiting for its response, and the target of its own deadline: one object per request
 * and no closure (what is in flight survives young collections, so every byte of it counts).
 */
class Waiting implements DeadlineTarget {
  readonly request: PendingRequest
  readonly resume: (result: Effect.Effect<RemotingCommand, RemotingError>) => void
  /** Set right after construction: the entry takes the request as its target. */
  entry: DeadlineEntry | undefined = undefined
  private readonly onDeadline: (waiting: Waiting) => void
  constructor(
    request: PendingRequest,
    resume: (result: Effect.Effect<RemotingCommand, RemotingError>) => void,
    onDeadline: (waiting: Waiting) => void
  ) {
    this.request = request
    this.resume = resume
    this.onDeadline = onDeadline
  }
  expire(): void {
    this.onDeadline(this)
  }
}

/** A frame waiting for the writer, and (for a oneway request) the signal of its write. */
interface Outgoing {
  readonly frame: EncodedFrame
  readonly written: Deferred.Deferred<void, RemotingError> | undefined
}

/**
 * How many bytes may wait in the socket before callers stop writing to it and frames go to the
 * writer fiber, which waits for `drain`. Not the socket's 16 KiB high-water mark: 64 requests of
 * 1 KiB resumed by one read pass it in one tick, and sending the rest through the writer fiber
 * cost more CPU than the bytes are worth.
 */
const DIRECT_WRITE_LIMIT = 1024 * 1024

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

/** Why opening failed: a timeout, a TLS handshake failure (with its kind), or the TCP connect. */
const openFailure = (address: string, error: Socket.SocketError, options: ConnectionOptions): RemotingErrorReason => {
  const reason = error.reason
  if (reason._tag === "SocketOpenError" && reason.kind === "Timeout") {
    return new ConnectTimedOut({ address, timeoutMillis: options.connectTimeoutMillis })
  }
  const detail = socketErrorDetail(error)
  if (options.tls === undefined) return new ConnectFailed({ address, detail })
  const code = typeof reason.cause === "object" && reason.cause !== null ? Reflect.get(reason.cause, "code") : undefined
  // Refused or unreachable: TCP never connected, so TLS is not the reason.
  if (code === "ECONNREFUSED" || code === "EHOSTUNREACH" || code === "ENETUNREACH" || code === "ENOTFOUND") {
    return new ConnectFailed({ address, detail })
  }
  return new TlsFailed({ address, kind: tlsFailureKind(reason.cause), detail })
}

/**
 * Why an open connection closed. Under TLS 1.3 a server refuses a client certificate after the
 * handshake, with an alert the first read reports: that is a TLS failure, not a dropped connection.
 */
const closedReason = (
  address: string,
  error: Socket.SocketError,
  options: ConnectionOptions,
  receivedAny: boolean
): RemotingErrorReason => {
  const detail = socketErrorDetail(error)
  if (options.tls !== undefined && error.reason._tag === "SocketReadError") {
    const kind = tlsFailureKind(error.reason.cause)
    if (kind !== "Handshake") return new TlsFailed({ address, kind, detail })
  }
  // A server that requires TLS closes a plain connection without sending a byte.
  const hint = options.tls === undefined && !receivedAny && error.reason._tag === "SocketCloseError"
    ? " before sending a byte (a server that requires TLS closes plain connections this way: if it does, turn TLS on)"
    : ""
  return new ConnectionClosed({ address, detail: detail + hint })
}

/**
 * Dials like `NodeSocket.makeNet`/`makeTls` (the socket is destroyed when the reader's scope
 * closes), and hands over the Node socket once connected: requests are written to it by their callers.
 *
 * @since 0.1.0
 * @category internals
 */
export const dial = (
  tcp: Net.TcpNetConnectOpts,
  tls: NodeTls.ConnectionOptions | undefined,
  openTimeout: number,
  onConnected: (socket: Net.Socket) => void
): Effect.Effect<Socket.Socket> =>
  NodeSocket.fromDuplex(
    Effect.flatMap(Effect.scope, (scope) => {
      let opened: Net.Socket | undefined
      return Effect.andThen(
        Scope.addFinalizer(scope, Effect.sync(() => opened?.destroy())),
        Effect.callback<Net.Socket, Socket.SocketError>((resume) => {
          const socket = tls === undefined ? Net.createConnection(tcp) : NodeTls.connect({ ...tcp, ...tls })
          opened = socket
          socket.once(tls === undefined ? "connect" : "secureConnect", () => {
            onConnected(socket)
            resume(Effect.succeed(socket))
          })
          // Kept for the socket's life: an error nobody listens to would crash the process.
          socket.on("error", (cause: Error) => {
            resume(Effect.fail(new Socket.SocketError({ reason: new Socket.SocketOpenError({ kind: "Unknown", cause }) })))
          })
        })
      )
    }),
    { openTimeout }
  )

/**
 * Opens a connection to `address`; it lives in `clientScope` (closing that scope closes it), e.g.
 * the scope of its entry in the client's pool.
 *
 * @since 0.1.0
 * @category constructors
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
    const { host, port } = target.success
    const tcp = { host, port, noDelay: true, keepAlive: true, keepAliveInitialDelay: 30_000 }
    /** The Node socket, once connected: requests are written to it by their callers. */
    let direct: Net.Socket | undefined
    let cork: CorkedWrites | undefined
    const socket = yield* dial(
      tcp,
      options.tls === undefined ? undefined : tlsConnectOptions(options.tls, host, port),
      options.connectTimeoutMillis,
      (connected) => {
        direct = connected
        cork = makeCorkedWrites(connected)
      }
    )
    const { pull } = yield* socket.reader.pipe(
      Scope.provide(scope),
      Effect.onError(() => Scope.close(scope, Exit.void)),
      Effect.mapError((error) => remotingError(openFailure(address, error, options)))
    )
    const writer = yield* socket.writer.pipe(Scope.provide(scope))
    // Closing destroys the socket: bytes not yet written are dropped instead of waiting for a
    // flush that a peer which stopped reading never allows (a zero receive window).
    yield* Scope.addFinalizer(scope, Effect.ignore(writer.write(new Socket.CloseEvent())))
    const pending = new ResponseTable<Waiting>()
    const decoder = new FrameDecoder({ maxFrameSize: options.maxFrameSize })
    let closedWith: RemotingError | undefined

    /** Frames waiting for the writer fiber. */
    const outgoing = yield* Queue.unbounded<Outgoing>()
    /** Asked for by a request that timed out with `closeOnTimeout`; a fiber of the client closes the scope. */
    const closeRequested = Deferred.makeUnsafe<void>()

    /** Marks the connection closed and fails everything waiting on it; true if it was open. */
    const closeNow = (reason: RemotingErrorReason): boolean => {
      if (closedWith !== undefined) return false
      const error = remotingError(reason)
      closedWith = error
      cork?.stop()
      options.onClose(connection)
      const failed = Exit.fail(error)
      const waiting = pending.takeAll()
      for (const request of waiting) {
        request.entry?.cancel()
        request.resume(failed)
      }
      for (let item = Queue.takeUnsafe(outgoing); item !== undefined; item = Queue.takeUnsafe(outgoing)) {
        if (Exit.isSuccess(item) && item.value.written !== undefined) Deferred.doneUnsafe(item.value.written, failed)
      }
      return true
    }

    /** What follows `closeNow`: the pool forgets the connection, then its scope closes. */
    const release = Effect.suspend(() => Effect.andThen(options.release(connection), Scope.close(scope, Exit.void)))

    const close = (reason: RemotingErrorReason): Effect.Effect<void> =>
      Effect.suspend(() => (closeNow(reason) ? release : Effect.void))

    /**
     * Frames offered to the writer fiber and not yet written by it (queued, or in the batch it is
     * writing, or waiting for the socket to drain): while any is, a request may not skip the queue.
     */
    let unwritten = 0

    const enqueue = (frame: EncodedFrame, written?: Deferred.Deferred<void, RemotingError>) => {
      unwritten++
      Queue.offerUnsafe(outgoing, { frame, written })
    }

    /**
     * Writes a frame from its caller, if it can keep its place in line: nothing queued for or being
     * written by the writer fiber, and no more than `DIRECT_WRITE_LIMIT` bytes waiting in the socket
     * (else the writer fiber, which waits for `drain`, keeps the backpressure). The caller does not
     * wait: the socket keeps what the peer cannot take yet, and the request's deadline bounds it. A
     * frame alone on the connection is written at once; with others in flight the socket is corked
     * (`CorkedWrites`), so the frames of the callers one read resumed go out together. Returns false
     * if it did not write.
     */
    const writeDirect = (frame: EncodedFrame, othersInFlight: number): boolean => {
      const target = direct
      if (unwritten !== 0 || target === undefined || target.writableLength > DIRECT_WRITE_LIMIT) return false
      if (othersInFlight !== 0) cork?.beforeWrite(othersInFlight)
      // A small body is in the head's buffer already (see `EncodedFrame`).
      if (frame.body === undefined) target.write(frame.head, afterDirectWrite)
      else {
        // A large body is not copied: head and body in two writes, sent together.
        target.cork()
        target.write(frame.head)
        target.write(frame.body, afterDirectWrite)
        target.uncork()
      }
      return true
    }

    /** A direct write that failed closes the connection, as a failed write of the writer fiber does. */
    const afterDirectWrite = (error: Error | null | undefined) => {
      if (error === null || error === undefined) return
      if (closeNow(new WriteFailed({ address, detail: describe(error) }))) Deferred.doneUnsafe(closeRequested, Exit.void)
    }

    /** Writes everything queued since its last write, in one `writev`. */
    const writeLoop: Effect.Effect<never, RemotingErrorReason> = Effect.gen(function*() {
      while (true) {
        // Everything offered since the last write: the writer resumes only after the fibers that
        // were ready before it ran, so their frames join this write.
        const batch = yield* Queue.takeAll(outgoing)
        const chunks: Array<Uint8Array> = []
        for (const { frame } of batch) {
          chunks.push(frame.head)
          if (frame.body !== undefined) chunks.push(frame.body)
        }
        if (!Arr.isArrayNonEmpty(chunks)) continue
        yield* Effect.mapError(
          writer.writeAll(chunks),
          (error) => new WriteFailed({ address, detail: socketErrorDetail(error) })
        )
        unwritten -= batch.length
        for (const { written } of batch) if (written !== undefined) Deferred.doneUnsafe(written, Exit.void)
      }
    })

    /** Takes a request out of the table; false if it is no longer there (answered, expired or failed). */
    const leave = (waiting: Waiting): boolean => {
      if (pending.get(waiting.request.opaque) !== waiting) return false
      pending.delete(waiting.request.opaque)
      return true
    }

    /** A request's deadline passed: it leaves the table and fails (closing the connection if it asks to). */
    const expire = (waiting: Waiting) => {
      if (!leave(waiting)) return
      const { request } = waiting
      // Close first: resuming may run the caller on, and it must see the connection gone.
      if (request.closeOnTimeout && closeNow(new ConnectionClosed({ address, detail: "closed after a request timed out" }))) {
        Deferred.doneUnsafe(closeRequested, Exit.void)
      }
      waiting.resume(Exit.fail(remotingError(new RequestTimedOut({ address, code: request.code, timeoutMillis: request.timeoutMillis }))))
    }

    /** What an interrupted caller runs: its request leaves the table (built here, so it holds the request alone). */
    const cancelled = (waiting: Waiting) =>
      Effect.sync(() => {
        if (leave(waiting)) waiting.entry?.cancel()
      })

    const request = (pendingRequest: PendingRequest, frame: EncodedFrame): Effect.Effect<RemotingCommand, RemotingError> =>
      Effect.callback<RemotingCommand, RemotingError>((resume) => {
        if (closedWith !== undefined) return resume(Exit.fail(closedWith))
        const waiting = new Waiting(pendingRequest, resume, expire)
        waiting.entry = options.deadlines.add(pendingRequest.deadline, waiting)
        pending.set(pendingRequest.opaque, waiting)
        if (!writeDirect(frame, pending.size - 1)) enqueue(frame)
        return cancelled(waiting)
      })

    const requestOneway = (frame: EncodedFrame): Effect.Effect<void, RemotingError> =>
      Effect.suspend(() => {
        if (closedWith !== undefined) return Effect.fail(closedWith)
        const written = Deferred.makeUnsafe<void, RemotingError>()
        enqueue(frame, written)
        return Deferred.await(written)
      })

    /** Writes an answer to a request the server sent (dropped once the connection is closed). */
    const respond = (response: RemotingCommand) => {
      if (closedWith !== undefined) return
      const frame = encodeFrameParts(response, { maxFrameSize: options.maxFrameSize })
      if (Result.isSuccess(frame)) enqueue(frame.success)
    }

    const dispatch = (command: RemotingCommand) => {
      if (!isResponse(command)) return options.onServerRequest(command, address, respond)
      const waiting = pending.delete(command.opaque)
      if (waiting === undefined) return // late or unknown: dropped, as Java drops it
      waiting.entry?.cancel()
      waiting.resume(waiting.request.onResponse(command))
    }

    let receivedAny = false
    /** Decodes what one read brought; an invalid frame closes the connection. */
    const decode = (chunks: ReadonlyArray<Uint8Array | string>): RemotingErrorReason | undefined => {
      receivedAny = true
      for (const chunk of chunks) {
        // A net or TLS socket without an encoding reads bytes; a string is never expected.
        const error = decoder.push(typeof chunk === "string" ? Buffer.from(chunk) : chunk, dispatch)
        if (error !== undefined) return new ConnectionClosed({ address, detail: `the peer sent an invalid frame: ${error.message}` })
      }
      cork?.afterRead(pending.size)
      return undefined
    }
    // One step per read: the socket's error is mapped once, outside the loop.
    const readLoop: Effect.Effect<never, RemotingErrorReason> = Effect.gen(function*() {
      while (true) {
        const invalid = decode(yield* pull)
        if (invalid !== undefined) return yield* Effect.fail(invalid)
      }
    }).pipe(
      Effect.mapError((error) => Socket.isSocketError(error) ? closedReason(address, error, options, receivedAny) : error)
    )

    // Closes the connection's scope from a fiber of the client when a timed-out request asks for it
    // (the deadline fires in a plain callback).
    yield* Deferred.await(closeRequested).pipe(
      Effect.andThen(release),
      Effect.forkIn(clientScope)
    )

    for (const loop of [readLoop, writeLoop]) {
      yield* loop.pipe(
        Effect.catch((reason) => close(reason)),
        Effect.onInterrupt(() => close(new ClientClosed({ address }))),
        Effect.forkIn(scope)
      )
    }

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
