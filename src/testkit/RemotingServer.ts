/**
 * A remoting server on a loopback port, the base of the testkit NameServer and broker: it accepts
 * connections, decodes frames, hands each request to a handler and writes the answer, and it can
 * be scripted to misbehave (see `Faults.ts`), to refuse connections, or to drop every connection.
 *
 * @since 0.1.0
 */
import * as Net from "node:net"
import * as Tls from "node:tls"
import { Effect, Result, Schema } from "effect"
import type { Scope } from "effect"
import { encodeFrameParts } from "../protocol/Frame.ts"
import { FrameDecoder } from "../protocol/FrameDecoder.ts"
import type { LanguageCode } from "../protocol/LanguageCode.ts"
import { isOneway, isResponse, makeResponse } from "../protocol/RemotingCommand.ts"
import type { RemotingCommand, ResponseOptions } from "../protocol/RemotingCommand.ts"
import { ResponseCode } from "../protocol/ResponseCode.ts"
import { makeAclCheck } from "./AclAccounts.ts"
import type { AclAccount } from "./AclAccounts.ts"
import { FaultInjector } from "./Faults.ts"
import type { Fault } from "./Faults.ts"

/**
 * A server that could not start listening.
 *
 * @since 0.1.0
 */
export class ServerStartFailed extends Schema.TaggedError<ServerStartFailed>()("ServerStartFailed", {
  detail: Schema.String
}) {
  override get message(): string {
    return `testkit server could not start: ${this.detail}`
  }
}

/**
 * One client connection, as a handler sees it.
 *
 * @since 0.1.0
 */
export interface Session {
  /** The client's `ip:port`. */
  readonly remoteAddress: string
  /** Sends a request to the client (as a broker sends CHECK_TRANSACTION_STATE). */
  readonly push: (command: RemotingCommand) => void
}

/**
 * Answers a request: the response fields, or `undefined` to send nothing (oneway requests get
 * nothing whatever the handler returns).
 *
 * @since 0.1.0
 */
export type RequestHandler = (request: RemotingCommand, session: Session) => ResponseOptions | undefined

/**
 * How the server identifies itself in its answers.
 *
 * @since 0.1.0
 */
export interface ServerOptions {
  /** Loopback host to listen on; default 127.0.0.1. */
  readonly host?: string | undefined
  /** Port; default 0 (an ephemeral port). */
  readonly port?: number | undefined
  /** The `version` of answers; default 409 (4.9.8). */
  readonly version?: number | undefined
  /** The `language` of answers; default JAVA. */
  readonly language?: LanguageCode | undefined
  /** Called when a client connection closes. */
  readonly onDisconnect?: ((session: Session) => void) | undefined
  /**
   * Require ACL: every request must be signed by one of these accounts (and, with
   * `aclPermissions`, have the permission on its topic); rejected as a 4.9.8 broker rejects.
   */
  readonly acl?: ReadonlyArray<AclAccount> | undefined
  /** Check topic permissions as well as signatures; default true. */
  readonly aclPermissions?: boolean | undefined
  /** Serve TLS only (a plain client's connection is closed without a byte, as a real broker does). */
  readonly tls?: ServerTlsSettings | undefined
}

/**
 * How a testkit server serves TLS.
 *
 * @since 0.1.0
 */
export interface ServerTlsSettings {
  /** Server certificate chain (PEM). */
  readonly cert: string | Uint8Array
  /** Its private key (PEM). */
  readonly key: string | Uint8Array
  /** CAs client certificates must be signed by; with it, clients must present one (mutual TLS). */
  readonly clientCa?: string | Uint8Array | undefined
}

/**
 * A running testkit server.
 *
 * @since 0.1.0
 */
export interface RemotingServer {
  /** `host:port` the server listens on. */
  readonly address: string
  readonly port: number
  /** Fault rules; see `FaultInjector`. */
  readonly faults: FaultInjector
  /** Requests received with `code` (every code when absent), oneway ones included. */
  readonly requestCount: (code?: number) => number
  /** Connections currently open. */
  readonly connectionCount: () => number
  /** Stops listening: new connections are refused, open ones stay. */
  readonly refuseConnections: Effect.Effect<void>
  /** Listens again on the same port. */
  readonly acceptConnections: Effect.Effect<void, ServerStartFailed>
  /** Closes every open connection. */
  readonly dropConnections: Effect.Effect<void>
  /** Sends a request to every connected client. */
  readonly pushToClients: (command: RemotingCommand) => void
}

/**
 * Starts a server in the current scope; closing the scope closes it and every connection.
 *
 * @since 0.1.0
 */
export const makeRemotingServer = (
  handler: RequestHandler,
  options?: ServerOptions
): Effect.Effect<RemotingServer, ServerStartFailed, Scope.Scope> =>
  Effect.gen(function*() {
    const host = options?.host ?? "127.0.0.1"
    const answerAs = { version: options?.version ?? 409, language: options?.language ?? "JAVA" } as const
    const faults = new FaultInjector()
    const counts = new Map<number, number>()
    let total = 0
    const sockets = new Set<Net.Socket>()
    const timers = new Set<ReturnType<typeof setTimeout>>()
    let pushOpaque = 1_000_000

    const later = (millis: number, action: () => void) => {
      const timer = setTimeout(() => {
        timers.delete(timer)
        action()
      }, millis)
      timers.add(timer)
    }

    const write = (socket: Net.Socket, command: RemotingCommand) => {
      const frame = encodeFrameParts(command)
      if (Result.isFailure(frame) || socket.destroyed) return
      socket.cork()
      socket.write(frame.success.head)
      if (frame.success.body !== undefined) socket.write(frame.success.body)
      socket.uncork()
    }

    const trickle = (socket: Net.Socket, command: RemotingCommand, intervalMillis: number) => {
      const frame = encodeFrameParts(command)
      if (Result.isFailure(frame)) return
      const bytes = Buffer.concat(frame.success.body === undefined ? [frame.success.head] : [frame.success.head, frame.success.body])
      const step = (index: number) => {
        if (index >= bytes.length || socket.destroyed) return
        socket.write(bytes.subarray(index, index + 1))
        later(intervalMillis, () => step(index + 1))
      }
      step(0)
    }

    const aclCheck = options?.acl === undefined
      ? undefined
      : makeAclCheck(options.acl, { checkPermissions: options.aclPermissions ?? true })

    /** A handler that throws answers SYSTEM_ERROR with the reason, as a Java server does; it never crashes the server. */
    const handleSafely = (request: RemotingCommand, session: Session): ResponseOptions | undefined => {
      try {
        // As a Java server's RPC hook, the ACL check runs before the request's processor.
        return aclCheck?.(request) ?? handler(request, session)
      } catch (cause) {
        return { code: ResponseCode.SYSTEM_ERROR, remark: cause instanceof Error ? cause.message : String(cause) }
      }
    }

    const answer = (socket: Net.Socket, session: Session, request: RemotingCommand, fault: Fault | undefined) => {
      if (fault?._tag === "CloseConnection") return void socket.destroy()
      if (fault?._tag === "NoResponse") return
      if (fault?._tag === "Garbage") return void socket.write(fault.bytes)
      const responseOptions: ResponseOptions | undefined = fault?._tag === "RespondWith"
        ? { code: fault.code, remark: fault.remark }
        : handleSafely(request, session)
      if (isOneway(request) || responseOptions === undefined) return
      const response = makeResponse(request, { ...answerAs, ...responseOptions })
      if (fault?._tag === "Delay") later(fault.millis, () => write(socket, response))
      else if (fault?._tag === "Trickle") trickle(socket, response, fault.intervalMillis)
      else write(socket, response)
    }

    const onConnection = (socket: Net.Socket) => {
      sockets.add(socket)
      socket.setNoDelay(true)
      const decoder = new FrameDecoder()
      const session: Session = {
        remoteAddress: `${socket.remoteAddress ?? "?"}:${socket.remotePort ?? 0}`,
        push: (command) => write(socket, { ...command, opaque: pushOpaque++ })
      }
      socket.on("data", (chunk: Buffer) => {
        const error = decoder.push(chunk, (command) => {
          if (isResponse(command)) return
          total++
          counts.set(command.code, (counts.get(command.code) ?? 0) + 1)
          answer(socket, session, command, faults.take(command.code))
        })
        // A real server logs and closes the connection on a bad frame.
        if (error !== undefined) socket.destroy()
      })
      socket.on("error", () => socket.destroy())
      socket.on("close", () => {
        sockets.delete(socket)
        options?.onDisconnect?.(session)
      })
    }

    const tls = options?.tls
    const server = tls === undefined ? Net.createServer(onConnection) : Tls.createServer({
      cert: Buffer.from(tls.cert),
      key: Buffer.from(tls.key),
      minVersion: "TLSv1.2",
      ...(tls.clientCa === undefined ? {} : { ca: Buffer.from(tls.clientCa), requestCert: true, rejectUnauthorized: true })
    }, onConnection)
    // A client that fails the handshake (plain bytes, a refused certificate) is closed, nothing more.
    server.on("tlsClientError", (_error, socket) => socket.destroy())
    const listen = (port: number) =>
      Effect.callback<number, ServerStartFailed>((resume) => {
        const onError = (error: Error) => resume(Effect.fail(new ServerStartFailed({ detail: error.message })))
        server.once("error", onError)
        server.listen({ host, port }, () => {
          server.off("error", onError)
          const address = server.address()
          resume(Effect.succeed(typeof address === "object" && address !== null ? address.port : port))
        })
      })

    const port = yield* Effect.acquireRelease(listen(options?.port ?? 0), () =>
      Effect.sync(() => {
        for (const timer of timers) clearTimeout(timer)
        timers.clear()
        for (const socket of sockets) socket.destroy()
        if (server.listening) server.close()
      }))

    // close() stops accepting at once; open connections stay until dropped.
    const stopListening = Effect.sync(() => {
      if (server.listening) server.close()
    })

    return {
      address: `${host}:${port}`,
      port,
      faults,
      requestCount: (code) => (code === undefined ? total : counts.get(code) ?? 0),
      connectionCount: () => sockets.size,
      refuseConnections: stopListening,
      acceptConnections: Effect.suspend(() => (server.listening ? Effect.void : Effect.asVoid(listen(port)))),
      dropConnections: Effect.sync(() => {
        for (const socket of sockets) socket.destroy()
      }),
      pushToClients: (command) => {
        for (const socket of sockets) write(socket, { ...command, opaque: pushOpaque++ })
      }
    } satisfies RemotingServer
  })

/**
 * The answer a Java server gives to a request code it does not handle.
 *
 * @since 0.1.0
 */
export const notSupported = (request: RemotingCommand): ResponseOptions => ({
  code: ResponseCode.REQUEST_CODE_NOT_SUPPORTED,
  remark: ` request type ${request.code} not supported`
})
