/**
 * The remoting client: what Java's `NettyRemotingClient` does. One long-lived connection per
 * `"host:port"`, shared by every request to that address (NameServer and broker traffic alike),
 * requests pipelined on it and matched to responses by opaque.
 *
 * @since 0.1.0
 */
import { Context, Deferred, Effect, Exit, Layer, Result } from "effect"
import type { Scope } from "effect"
import { DEFAULT_MAX_FRAME_SIZE, encodeFrameParts } from "../protocol/Frame.ts"
import { withOpaque } from "../protocol/RemotingCommand.ts"
import type { RemotingCommand } from "../protocol/RemotingCommand.ts"
import { ResponseCode } from "../protocol/ResponseCode.ts"
import { openConnection } from "./Connection.ts"
import { makeDeadlines } from "./Deadlines.ts"
import type { Connection } from "./Connection.ts"
import { ClientClosed, ConnectionClosed, ConnectTimedOut, InvalidRequest, RemotingError, WriteTimedOut } from "./RemotingError.ts"
import { applyRequestHooks } from "./RequestHook.ts"
import type { RequestHook } from "./RequestHook.ts"
import type { TlsSettings } from "./Tls.ts"

/**
 * Settings of the remoting client.
 *
 * @since 0.1.0
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
 * Options of one request.
 *
 * @since 0.1.0
 */
export interface InvokeOptions {
  /** The request's whole budget: connecting (if needed), writing and the response. */
  readonly timeoutMillis: number
  /**
   * Close the connection when the request times out, failing the other requests on it, so that
   * the next request dials again (Java's `clientCloseSocketIfTimeout`). Default false.
   */
  readonly closeOnTimeout?: boolean | undefined
}

/**
 * A connection as seen from outside, for monitoring and tests.
 *
 * @since 0.1.0
 */
export interface ConnectionInfo {
  readonly address: string
  readonly pendingRequests: number
}

/**
 * The remoting client service.
 *
 * @since 0.1.0
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
}>()("effect-rocketmq/transport/RemotingClient") {
  /**
   * The client as a layer: closing the layer's scope closes every connection and interrupts every
   * fiber it started.
   */
  static readonly layer = (options?: RemotingClientOptions): Layer.Layer<RemotingClient> =>
    Layer.effect(RemotingClient, makeRemotingClient(options))
}

/**
 * Builds the client in the current scope.
 *
 * @since 0.1.0
 */
export const makeRemotingClient = (options?: RemotingClientOptions) =>
  Effect.gen(function*() {
    const scope: Scope.Scope = yield* Effect.scope
    const connectTimeoutMillis = options?.connectTimeoutMillis ?? 3000
    const maxFrameSize = options?.maxFrameSize ?? DEFAULT_MAX_FRAME_SIZE
    const connections = new Map<string, Connection>()
    const dialing = new Map<string, Deferred.Deferred<Connection, RemotingError>>()
    let shutDown = false
    let nextOpaque = 0

    const deadlines = yield* makeDeadlines
    const requestHooks = options?.requestHooks ?? []
    const tlsFor = options?.tlsFor
    const connectionOptions = {
      connectTimeoutMillis,
      maxFrameSize,
      deadlines,
      onClose: (connection: Connection) => {
        if (connections.get(connection.address) === connection) connections.delete(connection.address)
      }
    }

    yield* Effect.addFinalizer(() =>
      Effect.sync(() => {
        shutDown = true
        for (const [address, deferred] of dialing) {
          Deferred.doneUnsafe(deferred, Exit.fail(new RemotingError({ reason: new ClientClosed({ address }) })))
        }
        dialing.clear()
      })
    )

    /** Dials in a fiber of its own, so a caller that gives up does not cancel it for the others. */
    const dial = (address: string): Effect.Effect<Connection, RemotingError> => {
      const deferred = Deferred.makeUnsafe<Connection, RemotingError>()
      dialing.set(address, deferred)
      const attempt = openConnection(address, scope, { ...connectionOptions, tls: tlsFor?.(address) }).pipe(
        Effect.onExit((exit) => {
          if (dialing.get(address) === deferred) dialing.delete(address)
          if (Exit.isSuccess(exit) && shutDown) {
            Deferred.doneUnsafe(deferred, Exit.fail(new RemotingError({ reason: new ClientClosed({ address }) })))
            return exit.value.close(new ClientClosed({ address }))
          }
          if (Exit.isSuccess(exit)) connections.set(address, exit.value)
          Deferred.doneUnsafe(deferred, exit)
          return Effect.void
        })
      )
      return Effect.andThen(Effect.forkIn(attempt, scope), Deferred.await(deferred))
    }

    const connectionTo = (address: string): Effect.Effect<Connection, RemotingError> =>
      Effect.suspend(() => {
        if (shutDown) return Effect.fail(new RemotingError({ reason: new ClientClosed({ address }) }))
        const open = connections.get(address)
        if (open !== undefined && open.isOpen()) return Effect.succeed(open)
        const inFlight = dialing.get(address)
        return inFlight === undefined ? dial(address) : Deferred.await(inFlight)
      })

    /**
     * A fresh opaque, the request hooks (signing goes last: every other field is final by then)
     * and the encoded frame; bad input fails here, before any dialing.
     */
    const encode = (address: string, request: RemotingCommand) => {
      const opaque = (nextOpaque = (nextOpaque + 1) | 0)
      const final = applyRequestHooks(requestHooks, withOpaque(request, opaque), address)
      return Result.match(encodeFrameParts(final, { maxFrameSize }), {
        onSuccess: (frame) => Result.succeed({ opaque, frame }),
        onFailure: (error) =>
          Result.fail(new RemotingError({ reason: new InvalidRequest({ address, detail: error.message }) }))
      })
    }

    /** One request with an absolute deadline (a resend after GO_AWAY keeps the first one's). */
    const invokeUntil = (
      address: string,
      request: RemotingCommand,
      deadline: number,
      options: InvokeOptions
    ): Effect.Effect<RemotingCommand, RemotingError> =>
      Effect.suspend(() => {
        const encoded = encode(address, request)
        if (Result.isFailure(encoded)) return Effect.fail(encoded.failure)
        const spec = {
          opaque: encoded.success.opaque,
          code: request.code,
          frame: encoded.success.frame,
          deadline,
          timeoutMillis: options.timeoutMillis,
          closeOnTimeout: options.closeOnTimeout === true
        }
        const open = connections.get(address)
        if (open !== undefined && open.isOpen()) return open.request(spec)
        // Not connected yet: dial (or join the dial under way) within what is left of the budget.
        return connectionTo(address).pipe(
          Effect.timeoutOrElse({
            duration: Math.max(1, deadline - deadlines.now()),
            orElse: () =>
              Effect.fail(new RemotingError({ reason: new ConnectTimedOut({ address, timeoutMillis: options.timeoutMillis }) }))
          }),
          Effect.flatMap((connection) => connection.request(spec))
        )
      })

    const invoke = (
      address: string,
      request: RemotingCommand,
      options: InvokeOptions
    ): Effect.Effect<RemotingCommand, RemotingError> =>
      Effect.suspend(() => {
        const deadline = deadlines.now() + options.timeoutMillis
        return Effect.flatMap(invokeUntil(address, request, deadline, options), (response) =>
          response.code !== ResponseCode.GO_AWAY
            ? Effect.succeed(response)
            : Effect.andThen(
              closeConnection(address, "the server answered GO_AWAY"),
              invokeUntil(address, request, deadline, options)
            ))
      })

    const invokeOneway = (address: string, request: RemotingCommand, timeoutMillis: number) =>
      Effect.suspend(() => {
        const encoded = encode(address, request)
        if (Result.isFailure(encoded)) return Effect.fail(encoded.failure)
        let connected = false
        return connectionTo(address).pipe(
          Effect.flatMap((connection) => {
            connected = true
            return connection.requestOneway(encoded.success.frame)
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
        const connection = connections.get(address)
        return connection === undefined ? Effect.void : connection.close(new ConnectionClosed({ address, detail }))
      })

    return RemotingClient.of({
      invoke,
      invokeOneway,
      closeConnection: (address) => closeConnection(address),
      connections: Effect.sync(() =>
        [...connections.values()].map((connection) => ({
          address: connection.address,
          pendingRequests: connection.pendingCount()
        }))
      )
    })
  })
