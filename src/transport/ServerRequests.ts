/**
 * Requests the server sends to the client (REMOTING.md §6.2): a broker asks a producer for the
 * state of a transaction (CHECK_TRANSACTION_STATE), or pushes the reply to a request
 * (PUSH_REPLY_MESSAGE_TO_CLIENT). What Java's `ClientRemotingProcessor` and the processor table
 * of `NettyRemotingAbstract` do: handlers registered by request code, each run as an Effect in a
 * fiber of its own with bounded concurrency; an unknown code is answered
 * `REQUEST_CODE_NOT_SUPPORTED`, a handler's failure `SYSTEM_ERROR`, and a handler that is full
 * `SYSTEM_BUSY`. Oneway requests are never answered. Nothing a handler does closes the connection.
 *
 * @since 0.1.0
 */
import { Cause, Effect, Exit, Fiber, Semaphore } from "effect"
import type { Scope } from "effect"
import { isOneway, makeResponse } from "../protocol/RemotingCommand.ts"
import type { ExtFields, RemotingCommand } from "../protocol/RemotingCommand.ts"
import { ResponseCode } from "../protocol/ResponseCode.ts"
import { ResponseTable } from "./ResponseTable.ts"

/**
 * A request the server sent, as a handler sees it.
 *
 * @since 0.1.0
 * @category models
 */
export interface ServerRequest {
  /** The request as decoded. */
  readonly command: RemotingCommand
  /** The `host:port` of the connection it came in on (answers to it go to that address). */
  readonly address: string
  /** `true` for a oneway request: whatever the handler returns, nothing is answered. */
  readonly oneway: boolean
}

/**
 * The answer to a two-way request. A handler that returns nothing answers `SUCCESS`.
 *
 * @since 0.1.0
 * @category models
 */
export interface ServerAnswer {
  readonly code: number
  readonly remark?: string | undefined
  readonly extFields?: ExtFields | undefined
  readonly body?: Uint8Array | undefined
}

/**
 * A handler of one request code.
 *
 * @since 0.1.0
 * @category models
 */
export type ServerRequestHandler<E> = (request: ServerRequest) => Effect.Effect<ServerAnswer | void, E>

/**
 * How a handler runs.
 *
 * @since 0.1.0
 * @category models
 */
export interface ServerRequestHandlerOptions {
  /** Requests handled at once; default 1 (Java's check executor has one thread). */
  readonly concurrency?: number | undefined
  /**
   * Requests waiting for a turn beyond those running; default 2000 (Java's check queue). Past
   * that a two-way request is answered `SYSTEM_BUSY` and a oneway one is dropped.
   */
  readonly maxPending?: number | undefined
  /** Longest a handler may run before it is interrupted and answered `SYSTEM_ERROR`; default none. */
  readonly timeoutMillis?: number | undefined
  /**
   * Which requests of the code this handler takes, when several are registered for one code (two
   * transactional producers of different groups on one client): the first that accepts wins.
   */
  readonly accepts?: ((request: ServerRequest) => boolean) | undefined
}

/**
 * The remark of a Java endpoint for a request code it has no processor for.
 *
 * @since 0.1.0
 * @category constructors
 */
export const notSupportedRemark = (code: number): string => ` request type ${code} not supported`

/**
 * The remark of a Java endpoint whose processor's queue is full.
 *
 * @since 0.1.0
 * @category constructors
 */
export const overloadRemark = "[OVERLOAD]system busy, start flow control for a while"

interface Registration {
  readonly accepts: ((request: ServerRequest) => boolean) | undefined
  readonly submit: (request: ServerRequest, respond: (response: RemotingCommand) => void) => void
}

/**
 * The table of handlers of one client, and the dispatch of a connection's requests to them.
 *
 * @since 0.1.0
 * @category models
 */
export interface ServerRequests {
  /**
   * Registers `handler` for `code` for as long as the current scope is open; closing it removes
   * the handler and interrupts the requests it is handling.
   */
  readonly register: <E>(
    code: number,
    handler: ServerRequestHandler<E>,
    options?: ServerRequestHandlerOptions
  ) => Effect.Effect<void, never, Scope.Scope>
  /**
   * Hands a request that came in on `address` to its handler; `respond` writes an answer on that
   * connection. Never blocks and never fails.
   */
  readonly dispatch: (command: RemotingCommand, address: string, respond: (response: RemotingCommand) => void) => void
}

const describeCause = (cause: Cause.Cause<unknown>): string => {
  const error: unknown = Cause.squash(cause)
  if (error instanceof Error) return error.message
  if (typeof error === "object" && error !== null && "message" in error && typeof error.message === "string") return error.message
  return String(error)
}

/**
 * An empty handler table.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeServerRequests = (): ServerRequests => {
  const handlers = new Map<number, Array<Registration>>()

  const register = <E>(
    code: number,
    handler: ServerRequestHandler<E>,
    options?: ServerRequestHandlerOptions
  ): Effect.Effect<void, never, Scope.Scope> =>
    Effect.gen(function*() {
      const concurrency = Math.max(1, options?.concurrency ?? 1)
      const capacity = concurrency + Math.max(0, options?.maxPending ?? 2000)
      const timeoutMillis = options?.timeoutMillis
      const permits = yield* Semaphore.make(concurrency)
      // Each request runs in a fiber of its own, tracked in a `ResponseTable` by a number of its
      // own (not a `FiberSet`, whose `Set` has the garbage collector promote every request after a
      // full collection, as a `Map` does: see `ResponseTable`) and interrupted when the scope closes.
      const fork = Effect.runForkWith(yield* Effect.context<never>())
      const running = new ResponseTable<Fiber.Fiber<void>>()
      let lastId = 0
      const run = (effect: Effect.Effect<void>) => {
        const id = (lastId = (lastId + 1) | 0)
        const fiber = fork(effect)
        running.set(id, fiber)
        fiber.addObserver(() => running.delete(id))
      }
      yield* Effect.addFinalizer(() => Effect.suspend(() => Fiber.interruptAll(running.takeAll())))
      let admitted = 0

      const handle = (request: ServerRequest, respond: (response: RemotingCommand) => void): Effect.Effect<void> => {
        const answer = (response: ServerAnswer) => {
          if (!request.oneway) respond(makeResponse(request.command, response))
        }
        // A handler that throws instead of failing is a defect like any other, answered the same way.
        const started = Effect.suspend(() => handler(request))
        const handled = timeoutMillis === undefined
          ? started
          : Effect.timeoutOrElse(started, {
            duration: timeoutMillis,
            orElse: () => Effect.die(new Error(`the handler of request ${code} took longer than ${timeoutMillis} ms`))
          })
        return Effect.exit(handled).pipe(
          Effect.flatMap((exit) => {
            if (Exit.isSuccess(exit)) return Effect.sync(() => answer(exit.value ?? { code: ResponseCode.SUCCESS }))
            if (Cause.hasInterruptsOnly(exit.cause)) return Effect.void
            const remark = describeCause(exit.cause)
            return Effect.logWarning(`handling request ${code} from ${request.address} failed: ${remark}`).pipe(
              Effect.andThen(Effect.sync(() => answer({ code: ResponseCode.SYSTEM_ERROR, remark })))
            )
          }),
          Semaphore.withPermit(permits),
          Effect.ensuring(Effect.sync(() => admitted--))
        )
      }

      const registration: Registration = {
        accepts: options?.accepts,
        submit: (request, respond) => {
          if (admitted >= capacity) {
            if (!request.oneway) {
              respond(makeResponse(request.command, { code: ResponseCode.SYSTEM_BUSY, remark: overloadRemark }))
            }
            return
          }
          admitted++
          run(handle(request, respond))
        }
      }
      yield* Effect.acquireRelease(
        Effect.sync(() => handlers.set(code, [...(handlers.get(code) ?? []), registration])),
        () =>
          Effect.sync(() => {
            const left = (handlers.get(code) ?? []).filter((other) => other !== registration)
            if (left.length === 0) handlers.delete(code)
            else handlers.set(code, left)
          })
      )
    })

  const dispatch = (command: RemotingCommand, address: string, respond: (response: RemotingCommand) => void) => {
    const request: ServerRequest = { command, address, oneway: isOneway(command) }
    const registration = handlers.get(command.code)?.find((candidate) => {
      try {
        return candidate.accepts === undefined || candidate.accepts(request)
      } catch {
        return false
      }
    })
    if (registration !== undefined) return registration.submit(request, respond)
    // A Java client answers a request code it does not handle "not supported" (never a oneway).
    if (!request.oneway) {
      respond(makeResponse(command, { code: ResponseCode.REQUEST_CODE_NOT_SUPPORTED, remark: notSupportedRemark(command.code) }))
    }
  }

  return { register, dispatch }
}
