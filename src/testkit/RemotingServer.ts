/**
 * A remoting server on a loopback port, the base of the testkit NameServer and broker: it accepts
 * connections, decodes frames, passes each request through the control hooks registered for its
 * code (see `Control.ts`) and then to a handler, and writes the answer. It can also refuse
 * connections or drop every connection.
 *
 * @since 0.1.0
 */
import * as Net from "node:net"
import * as Tls from "node:tls"
import { Cause, Effect, FiberSet, Result, Schema } from "effect"
import type { Scope } from "effect"
import { encodeFrameParts } from "../protocol/Frame.ts"
import { FrameDecoder } from "../protocol/FrameDecoder.ts"
import type { LanguageCode } from "../protocol/LanguageCode.ts"
import { FLAG_ONEWAY, isOneway, isResponse, makeResponse } from "../protocol/RemotingCommand.ts"
import type { RemotingCommand, ResponseOptions } from "../protocol/RemotingCommand.ts"
import { ResponseCode } from "../protocol/ResponseCode.ts"
import { makeAclCheck } from "./AclAccounts.ts"
import type { AclAccount } from "./AclAccounts.ts"
import { ControlTable } from "./Control.ts"
import type { ControlDecision, ControlHook, ControlOptions } from "./Control.ts"
import { FaultInjector } from "./Faults.ts"
import { profileTraits } from "./ServerProfile.ts"
import type { ServerProfile } from "./ServerProfile.ts"
import type { Session } from "./Session.ts"

/**
 * A server that could not start listening.
 *
 * @since 0.1.0
 * @category errors
 */
export class ServerStartFailed extends Schema.TaggedError<ServerStartFailed>()("ServerStartFailed", {
  detail: Schema.String
}) {
  override get message(): string {
    return `testkit server could not start: ${this.detail}`
  }
}

/**
 * Answers a request: the response fields, or `undefined` to send nothing (oneway requests get
 * nothing whatever the handler returns).
 *
 * @since 0.1.0
 * @category models
 */
export type RequestHandler = (request: RemotingCommand, session: Session) => ResponseOptions | undefined

/**
 * How the server identifies itself in its answers.
 *
 * @since 0.1.0
 * @category models
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
  /**
   * Which server line to answer as: 4.9.8 (the default) answers in the request's header
   * serialization and refuses ACL with code 1 and an `AclException` remark; 5.3.3 answers with
   * JSON headers whatever the request used, and refuses ACL with code 16.
   */
  readonly profile?: ServerProfile | undefined
  /** Serve TLS only (a plain client's connection is closed without a byte, as a real broker does). */
  readonly tls?: ServerTlsSettings | undefined
}

/**
 * How a testkit server serves TLS.
 *
 * @since 0.1.0
 * @category models
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
 * @category models
 */
export interface RemotingServer {
  /** `host:port` the server listens on. */
  readonly address: string
  readonly port: number
  /**
   * Adds a control hook for requests with `code` (every request when `undefined`) until the current
   * scope closes or, with `times`, until it has decided that many times; see `Control.ts`.
   */
  readonly control: (code: number | undefined, hook: ControlHook, options?: ControlOptions) => Effect.Effect<void, never, Scope.Scope>
  /** The control hooks, for adding and removing them outside a scope. */
  readonly controls: ControlTable
  /** Fault rules (hooks that always decide the same); see `FaultInjector`. */
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
  /** The open client connections. */
  readonly sessions: () => ReadonlyArray<Session>
}

/**
 * Starts a server in the current scope; closing the scope closes it and every connection.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeRemotingServer = (
  handler: RequestHandler,
  options?: ServerOptions
): Effect.Effect<RemotingServer, ServerStartFailed, Scope.Scope> =>
  Effect.gen(function*() {
    const host = options?.host ?? "127.0.0.1"
    const answerAs = {
      version: options?.version ?? 409,
      language: options?.language ?? "JAVA",
      serializeType: profileTraits[options?.profile ?? "4.9.8"].answerSerializeType
    } as const
    const controls = new ControlTable()
    const faults = new FaultInjector(controls)
    // Hooks run in fibers of this set: interrupted when the server closes, under the services
    // (Clock included) of the scope that started the server.
    const runFork = yield* FiberSet.makeRuntime<never, void, never>()
    const counts = new Map<number, number>()
    let total = 0
    const sockets = new Set<Net.Socket>()
    const sessions = new Map<Net.Socket, Session>()
    /** Calls to clients waiting for their answer, by opaque. */
    const awaiting = new Map<number, (response: RemotingCommand | undefined) => void>()
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
      : makeAclCheck(options.acl, { checkPermissions: options.aclPermissions ?? true, profile: options.profile })

    /** A handler that throws answers SYSTEM_ERROR with the reason, as a Java server does; it never crashes the server. */
    const handleSafely = (request: RemotingCommand, session: Session): ResponseOptions | undefined => {
      try {
        // As a Java server's RPC hook, the ACL check runs before the request's processor.
        return aclCheck?.(request) ?? handler(request, session)
      } catch (cause) {
        return { code: ResponseCode.SYSTEM_ERROR, remark: cause instanceof Error ? cause.message : String(cause) }
      }
    }

    const answer = (socket: Net.Socket, session: Session, request: RemotingCommand, decision: ControlDecision) => {
      if (socket.destroyed) return
      if (decision._tag === "CloseConnection") return void socket.destroy()
      if (decision._tag === "Drop") return
      if (decision._tag === "Garbage") return void socket.write(decision.bytes)
      const responseOptions: ResponseOptions | undefined = decision._tag === "Respond"
        ? decision.response
        : handleSafely(request, session)
      if (isOneway(request) || responseOptions === undefined) return
      const response = makeResponse(request, { ...answerAs, ...responseOptions })
      if (decision._tag === "AnswerLate") later(decision.millis, () => write(socket, response))
      else if (decision._tag === "Trickle") trickle(socket, response, decision.intervalMillis)
      else write(socket, response)
    }

    /**
     * Without a hook for its code a request is answered at once; with one, in a fiber of the hooks.
     * A hook that dies is answered SYSTEM_ERROR with the defect, as a throwing handler is.
     */
    const onRequest = (socket: Net.Socket, session: Session, request: RemotingCommand) => {
      if (!controls.has(request.code)) return answer(socket, session, request, { _tag: "Pass" })
      runFork(Effect.matchCause(controls.decide(request, session), {
        onSuccess: (decision) => answer(socket, session, request, decision),
        onFailure: (cause) => {
          if (Cause.hasInterruptsOnly(cause)) return
          const defect = Cause.squash(cause)
          answer(socket, session, request, {
            _tag: "Respond",
            response: { code: ResponseCode.SYSTEM_ERROR, remark: defect instanceof Error ? defect.message : String(defect) }
          })
        }
      }))
    }

    const onConnection = (socket: Net.Socket) => {
      sockets.add(socket)
      socket.setNoDelay(true)
      const decoder = new FrameDecoder()
      const calls = new Set<number>()
      const session: Session = {
        remoteAddress: `${socket.remoteAddress ?? "?"}:${socket.remotePort ?? 0}`,
        push: (command) => write(socket, { ...command, opaque: pushOpaque++ }),
        call: (command, timeoutMillis) =>
          Effect.callback<RemotingCommand | undefined>((resume) => {
            const opaque = pushOpaque++
            const settle = (response: RemotingCommand | undefined) => {
              clearTimeout(timer)
              calls.delete(opaque)
              awaiting.delete(opaque)
              resume(Effect.succeed(response))
            }
            const timer = setTimeout(() => settle(undefined), timeoutMillis)
            calls.add(opaque)
            awaiting.set(opaque, settle)
            write(socket, { ...command, flag: command.flag & ~FLAG_ONEWAY, opaque })
            return Effect.sync(() => {
              clearTimeout(timer)
              calls.delete(opaque)
              awaiting.delete(opaque)
            })
          })
      }
      sessions.set(socket, session)
      socket.on("data", (chunk: Buffer) => {
        const error = decoder.push(chunk, (command) => {
          if (isResponse(command)) return awaiting.get(command.opaque)?.(command)
          total++
          counts.set(command.code, (counts.get(command.code) ?? 0) + 1)
          onRequest(socket, session, command)
        })
        // A real server logs and closes the connection on a bad frame.
        if (error !== undefined) socket.destroy()
      })
      socket.on("error", () => socket.destroy())
      socket.on("close", () => {
        sockets.delete(socket)
        sessions.delete(socket)
        for (const opaque of [...calls]) awaiting.get(opaque)?.(undefined)
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
      control: (code, hook, controlOptions) =>
        Effect.asVoid(Effect.acquireRelease(
          Effect.sync(() => controls.add(code, hook, controlOptions)),
          (remove) => Effect.sync(remove)
        )),
      controls,
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
      },
      sessions: () => [...sessions.values()]
    } satisfies RemotingServer
  })
