/**
 * The remoting client: what Java's `NettyRemotingClient` does. One long-lived connection per
 * `"host:port"`, shared by every request to that address (NameServer and broker traffic alike),
 * requests pipelined on it and matched to responses by opaque.
 *
 * @since 0.1.0
 */
import { Cause, Context, Duration, Effect, Exit, Fiber, Layer, RcMap, Result } from "effect"
import type { Scope } from "effect"
import { DEFAULT_MAX_FRAME_SIZE, encodeFrameParts, withFrameOpaque } from "../protocol/Frame.ts"
import type { EncodedFrame } from "../protocol/Frame.ts"
import { withOpaque } from "../protocol/RemotingCommand.ts"
import type { RemotingCommand } from "../protocol/RemotingCommand.ts"
import { ResponseCode } from "../protocol/ResponseCode.ts"
import { openConnection } from "./Connection.ts"
import { makeDeadlines } from "./Deadlines.ts"
import type { Connection, PendingRequest } from "./Connection.ts"
import { ClientClosed, ConnectionClosed, ConnectTimedOut, InvalidRequest, RemotingError, WriteTimedOut } from "./RemotingError.ts"
import { makeServerRequests } from "./ServerRequests.ts"
import type { ServerRequestHandler, ServerRequestHandlerOptions } from "./ServerRequests.ts"
import { applyRequestHooks } from "./RequestHook.ts"
import type { RequestHook } from "./RequestHook.ts"
import type { TlsSettings } from "./Tls.ts"

/**
 * Settings of the remoting client.
 *
 * @since 0.1.0
 * @category models
 */
export interface RemotingClientOptions {
  /** How long opening a TCP connection may take; default 3000 ms (Java `connectTimeoutMillis`). */
  readonly connectTimeoutMillis?: number | undefined
  /** Largest frame accepted or sent, length word included; default 16 MiB. */
  readonly maxFrameSize?: number | undefined
  /**
   * Steps every request passes through before it is encoded, in order (e.g. `aclSigning`); see
   * `RequestHook`.
   */
  readonly requestHooks?: ReadonlyArray<RequestHook> | undefined
  /** TLS settings of the connection to an address, `undefined` for plain TCP; default plain everywhere. */
  readonly tlsFor?: ((address: string) => TlsSettings | undefined) | undefined
}

/**
 * Options of one request: its time, as a relative `timeoutMillis` or an absolute `deadline`.
 *
 * @since 0.1.0
 * @category models
 */
export type InvokeOptions =
  & {
    /**
     * Close the connection when the request times out, failing the other requests on it, so that
     * the next request dials again (Java's `clientCloseSocketIfTimeout`). Default false.
     */
    readonly closeOnTimeout?: boolean | undefined
  }
  & (
    | {
      /** The request's whole budget: connecting (if needed), writing and the response. */
      readonly timeoutMillis: number
      readonly deadline?: undefined
    }
    | {
      /**
       * When the request times out, in epoch milliseconds on the `Clock`: one absolute deadline a
       * caller passes down through its steps.
       */
      readonly deadline: number
      /**
       * The time the caller gave this request, as its errors report it (`RequestTimedOut`,
       * `ConnectTimedOut`); default what is left until the deadline when the request starts.
       */
      readonly timeoutMillis?: number | undefined
    }
  )

/**
 * A connection as seen from outside, for monitoring and tests.
 *
 * @since 0.1.0
 * @category models
 */
export interface ConnectionInfo {
  readonly address: string
  readonly pendingRequests: number
}

/**
 * The remoting client service.
 *
 * @since 0.1.0
 * @category services
 */
export class RemotingClient extends Context.Service<RemotingClient, {
  /**
   * Sends a request to `address` and waits for its response. A `GO_AWAY` answer (a 5.x server
   * shutting down) makes the client reconnect and send the request once more, as Java does.
   */
  readonly invoke: (
    address: string,
    request: RemotingCommand,
    options: InvokeOptions
  ) => Effect.Effect<RemotingCommand, RemotingError>
  /** Sends a oneway request: complete once written, within `timeoutMillis` (connecting included). */
  readonly invokeOneway: (
    address: string,
    request: RemotingCommand,
    timeoutMillis: number
  ) => Effect.Effect<void, RemotingError>
  /** Closes the connection to `address`, if any; requests waiting on it fail. */
  readonly closeConnection: (address: string) => Effect.Effect<void>
  /** The open connections and their requests in flight. */
  readonly connections: Effect.Effect<ReadonlyArray<ConnectionInfo>>
  /**
   * Handles the requests servers send with `code` (REMOTING.md §6.2) for as long as the current
   * scope is open. Codes nobody handles are answered `REQUEST_CODE_NOT_SUPPORTED`.
   */
  readonly handle: <E>(
    code: number,
    handler: ServerRequestHandler<E>,
    options?: ServerRequestHandlerOptions
  ) => Effect.Effect<void, never, Scope.Scope>
}>()("effect-rocketmq/transport/RemotingClient") {
  /**
   * The client as a layer: closing the layer's scope closes every connection and interrupts every
   * fiber it started.
   */
  static readonly layer = (options?: RemotingClientOptions): Layer.Layer<RemotingClient> =>
    Layer.effect(RemotingClient, makeRemotingClient(options))
}

/**
 * A request on its connection: what the connection reads while it waits, and what a GO_AWAY
 * answer needs to send it again (the frame it was sent in, and its time). One object per request,
 * with the client's resend shared: nothing per request but this. It keeps the frame rather than
 * the request the frame was made from: a request in flight survives young collections, and the
 * frame is the smaller.
 */
class ClientRequest implements PendingRequest {
  readonly address: string
  readonly frame: EncodedFrame
  readonly opaque: number
  readonly code: number
  readonly deadline: number
  readonly timeoutMillis: number
  readonly closeOnTimeout: boolean
  /** Sends the request again on a new connection, after a GO_AWAY answer closed this one. */
  private readonly resend: (request: ClientRequest) => Effect.Effect<RemotingCommand, RemotingError>
  constructor(
    address: string,
    frame: EncodedFrame,
    opaque: number,
    code: number,
    deadline: number,
    timeoutMillis: number,
    closeOnTimeout: boolean,
    resend: (request: ClientRequest) => Effect.Effect<RemotingCommand, RemotingError>
  ) {
    this.address = address
    this.frame = frame
    this.opaque = opaque
    this.code = code
    this.deadline = deadline
    this.timeoutMillis = timeoutMillis
    this.closeOnTimeout = closeOnTimeout
    this.resend = resend
  }
  onResponse(response: RemotingCommand): Effect.Effect<RemotingCommand, RemotingError> {
    return response.code !== ResponseCode.GO_AWAY ? Exit.succeed(response) : this.resend(this)
  }
}

/**
 * Builds the client in the current scope.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeRemotingClient = (options?: RemotingClientOptions) =>
  Effect.gen(function*() {
    const clientScope: Scope.Scope = yield* Effect.scope
    const connectTimeoutMillis = options?.connectTimeoutMillis ?? 3000
    const maxFrameSize = options?.maxFrameSize ?? DEFAULT_MAX_FRAME_SIZE
    let nextOpaque = 0
    const deadlines = yield* makeDeadlines
    const requestHooks = options?.requestHooks ?? []
    const tlsFor = options?.tlsFor

    /**
     * The open connections by address, read by the hot path without a scope per request: an index
     * of the pool's live entries, kept by the connections themselves (added when one opens,
     * removed the moment it closes).
     */
    const open = new Map<string, Connection>()

    /**
     * The pool: one connection per address, opened on first use (concurrent first uses share the
     * dial, which goes on when a caller gives up), living in its entry's scope until it closes
     * (then the entry is invalidated) or the client's scope closes (then every entry closes).
     */
    const pool: RcMap.RcMap<string, Connection, RemotingError> = yield* RcMap.make({
      lookup: (address: string) =>
        Effect.flatMap(Effect.scope, (entryScope) => openConnection(address, entryScope, { ...connectionOptions, tls: tlsFor?.(address) })).pipe(
          Effect.tap((connection) => Effect.sync(() => open.set(address, connection))),
          // A failed dial is not kept: the pool forgets it before its callers hear of the failure, so
          // the next request dials again. (From a fiber of the client: with no caller left, the
          // invalidation closes the entry's scope, and with it this lookup.)
          Effect.tapError(() => Effect.flatMap(Effect.forkIn(RcMap.invalidate(pool, address), clientScope), Fiber.await))
        ),
      idleTimeToLive: Duration.infinity
    })

    const serverRequests = makeServerRequests()
    const connectionOptions = {
      connectTimeoutMillis,
      maxFrameSize,
      deadlines,
      onServerRequest: serverRequests.dispatch,
      onClose: (connection: Connection) => {
        if (open.get(connection.address) === connection) open.delete(connection.address)
      },
      release: (connection: Connection) => RcMap.invalidate(pool, connection.address)
    }

    const clientClosed = (address: string) => new RemotingError({ reason: new ClientClosed({ address }) })

    /** The pool's connection to `address`; after the client's scope closed, `ClientClosed`. */
    const fromPool = (address: string): Effect.Effect<Connection, RemotingError> =>
      Effect.scoped(RcMap.get(pool, address)).pipe(
        Effect.catchCause((cause) =>
          Cause.hasInterruptsOnly(cause) ? Effect.fail(clientClosed(address)) : Effect.failCause(cause)
        )
      )

    const connectionTo = (address: string): Effect.Effect<Connection, RemotingError> =>
      Effect.flatMap(fromPool(address), (connection) =>
        connection.isOpen()
          ? Effect.succeed(connection)
          // closed, and the pool not told yet: forget it and dial again
          : Effect.andThen(RcMap.invalidate(pool, address), fromPool(address)))

    /**
     * A fresh opaque, the request hooks (signing goes last: every other field is final by then)
     * and the encoded frame; bad input fails here, before any dialing.
     */
    const frameOptions = { maxFrameSize }
    const encode = (address: string, request: RemotingCommand, opaque: number): EncodedFrame | RemotingError => {
      const final = applyRequestHooks(requestHooks, withOpaque(request, opaque), address)
      const frame = encodeFrameParts(final, frameOptions)
      return Result.isSuccess(frame)
        ? frame.success
        : new RemotingError({ reason: new InvalidRequest({ address, detail: frame.failure.message }) })
    }
    const nextOpaqueValue = () => (nextOpaque = (nextOpaque + 1) | 0)

    /**
     * A GO_AWAY answer: the connection closes, and the request goes again on a new one, in the
     * caller's fiber, with a fresh opaque and the first one's deadline (its hooks ran when it was
     * first encoded: the frame already carries what they added).
     */
    const resend = (pending: ClientRequest): Effect.Effect<RemotingCommand, RemotingError> =>
      Effect.andThen(
        closeConnection(pending.address, "the server answered GO_AWAY"),
        // Built after the close: it looks up the connection to use.
        Effect.suspend(() => {
          const opaque = nextOpaqueValue()
          const frame = withFrameOpaque(pending.frame, opaque, frameOptions)
          if (Result.isFailure(frame)) {
            return Effect.fail(new RemotingError({ reason: new InvalidRequest({ address: pending.address, detail: frame.failure.message }) }))
          }
          const { address, code, deadline, timeoutMillis, closeOnTimeout } = pending
          return send(new ClientRequest(address, frame.success, opaque, code, deadline, timeoutMillis, closeOnTimeout, resend))
        })
      )

    /**
     * One request with an absolute deadline (a resend after GO_AWAY keeps the first one's). Runs
     * as it is built: callers build it inside a step of their own. A GO_AWAY answer closes the
     * connection and sends the request again on a new one, in the caller's fiber as it resumes.
     */
    const invokeUntil = (
      address: string,
      request: RemotingCommand,
      deadline: number,
      timeoutMillis: number,
      closeOnTimeout: boolean
    ): Effect.Effect<RemotingCommand, RemotingError> => {
      const opaque = nextOpaqueValue()
      const frame = encode(address, request, opaque)
      if (frame instanceof RemotingError) return Effect.fail(frame)
      return send(new ClientRequest(address, frame, opaque, request.code, deadline, timeoutMillis, closeOnTimeout, resend))
    }

    /** Sends an encoded request on its address's connection, dialing first if there is none. */
    const send = (pending: ClientRequest): Effect.Effect<RemotingCommand, RemotingError> => {
      const { address, frame } = pending
      const connection = open.get(address)
      if (connection !== undefined && connection.isOpen()) return connection.request(pending, frame)
      // Not connected yet: dial (or join the dial under way) within what is left of the budget.
      return connectionTo(address).pipe(
        Effect.timeoutOrElse({
          duration: Math.max(1, pending.deadline - deadlines.now()),
          orElse: () =>
            Effect.fail(new RemotingError({ reason: new ConnectTimedOut({ address, timeoutMillis: pending.timeoutMillis }) }))
        }),
        Effect.flatMap((connection) => connection.request(pending, frame))
      )
    }

    const invoke = (
      address: string,
      request: RemotingCommand,
      options: InvokeOptions
    ): Effect.Effect<RemotingCommand, RemotingError> =>
      Effect.suspend(() => {
        const deadline = options.deadline ?? deadlines.now() + options.timeoutMillis
        const timeoutMillis = options.timeoutMillis ?? Math.max(0, Math.round(deadline - deadlines.now()))
        return invokeUntil(address, request, deadline, timeoutMillis, options.closeOnTimeout === true)
      })

    const invokeOneway = (address: string, request: RemotingCommand, timeoutMillis: number) =>
      Effect.suspend(() => {
        const frame = encode(address, request, nextOpaqueValue())
        if (frame instanceof RemotingError) return Effect.fail(frame)
        let connected = false
        return connectionTo(address).pipe(
          Effect.flatMap((connection) => {
            connected = true
            return connection.requestOneway(frame)
          }),
          Effect.timeoutOrElse({
            duration: timeoutMillis,
            orElse: () =>
              Effect.fail(new RemotingError({
                reason: connected
                  ? new WriteTimedOut({ address, code: request.code, timeoutMillis })
                  : new ConnectTimedOut({ address, timeoutMillis })
              }))
          })
        )
      })

    const closeConnection = (address: string, detail = "closed by the client") =>
      Effect.suspend(() => {
        const connection = open.get(address)
        return connection === undefined ? Effect.void : connection.close(new ConnectionClosed({ address, detail }))
      })

    return RemotingClient.of({
      invoke,
      invokeOneway,
      closeConnection: (address) => closeConnection(address),
      handle: serverRequests.register,
      connections: Effect.sync(() =>
        [...open.values()].map((connection) => ({
          address: connection.address,
          pendingRequests: connection.pendingCount()
        }))
      )
    })
  })
