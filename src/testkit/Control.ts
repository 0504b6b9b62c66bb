/**
 * Control hooks of the testkit servers, in the manner of franz-go's kfake: a test registers an
 * Effect for a request code, and every request with that code goes through it before the server's
 * handler. The hook sees the request and the client connection and decides what happens: let the
 * handler answer (`pass`), answer with a given code instead (`respond`), never answer (`drop`),
 * close the connection, send garbage, trickle the answer, or answer late. Because the hook is an
 * Effect it can also wait (`Effect.sleep`, driven by `TestClock` when the server was started under
 * it), block on a `Deferred` until the test lets the request through, count requests, or change the
 * server's tables first; so any fault can be scripted without a new option.
 *
 * ```ts
 * // the third SEND_MESSAGE_V2 is refused once with SYSTEM_BUSY; the others are answered normally
 * let seen = 0
 * yield* broker.control(RequestCode.SEND_MESSAGE_V2, () =>
 *   Effect.sync(() => (++seen === 3 ? Control.respond(ResponseCode.SYSTEM_BUSY, "busy") : Control.pass)))
 * ```
 *
 * Hooks are consulted in the order they were added; a hook that passes lets the next one decide, and
 * the handler answers when every hook has passed. A hook added with `times` is removed after it has
 * decided (anything but `pass`) that many times; every hook is removed when the scope it was added
 * in closes. A hook that dies is answered SYSTEM_ERROR with the defect's message (and counts as a
 * decision). A request without any hook for its code is answered at once, without an Effect.
 *
 * @since 0.1.0
 */
import { Cause, Effect, Exit } from "effect"
import type { RemotingCommand, ResponseOptions } from "../protocol/RemotingCommand.ts"
import type { Session } from "./Session.ts"

/**
 * What the server does with a request, as a control hook decides.
 *
 * @since 0.1.0
 * @category models
 */
export type ControlDecision =
  /** Let the next hook, then the handler, answer. */
  | { readonly _tag: "Pass" }
  /** Answer with these response fields instead of handling the request. */
  | { readonly _tag: "Respond"; readonly response: ResponseOptions }
  /** Never answer (the request is swallowed). */
  | { readonly _tag: "Drop" }
  /** Close the connection. */
  | { readonly _tag: "CloseConnection" }
  /** Answer with bytes that are not a frame. */
  | { readonly _tag: "Garbage"; readonly bytes: Uint8Array }
  /** Let the handler answer, but write the answer one byte every `intervalMillis` (wall clock). */
  | { readonly _tag: "Trickle"; readonly intervalMillis: number }
  /** Let the handler answer now, and write the answer `millis` later (wall clock). */
  | { readonly _tag: "AnswerLate"; readonly millis: number }

/**
 * A control hook: decides what happens to one request.
 *
 * @since 0.1.0
 * @category models
 */
export type ControlHook = (request: RemotingCommand, session: Session) => Effect.Effect<ControlDecision>

/**
 * Options of a hook.
 *
 * @since 0.1.0
 * @category models
 */
export interface ControlOptions {
  /** Remove the hook after it has decided (anything but `pass`) this many times; default never. */
  readonly times?: number | undefined
}

/**
 * The decisions, and hooks that always take one.
 *
 * @since 0.1.0
 * @category constructors
 */
export const Control: {
  readonly pass: ControlDecision
  readonly drop: ControlDecision
  readonly closeConnection: ControlDecision
  readonly respond: (code: number, remark?: string, extra?: Omit<ResponseOptions, "code" | "remark">) => ControlDecision
  readonly garbage: (bytes: Uint8Array) => ControlDecision
  readonly trickle: (intervalMillis: number) => ControlDecision
  readonly answerLate: (millis: number) => ControlDecision
  readonly always: (decision: ControlDecision) => ControlHook
  readonly delay: (millis: number) => ControlHook
} = {
  /** Let the handler answer. */
  pass: { _tag: "Pass" },
  /** Never answer. */
  drop: { _tag: "Drop" },
  /** Close the connection. */
  closeConnection: { _tag: "CloseConnection" },
  /** Answer with `code` (and `remark`, `extFields`, `body`) instead of handling the request. */
  respond: (code, remark, extra) => ({
    _tag: "Respond",
    response: { ...extra, code, ...(remark === undefined ? {} : { remark }) }
  }),
  /** Answer with bytes that are not a frame. */
  garbage: (bytes) => ({ _tag: "Garbage", bytes }),
  /** Let the handler answer, one byte every `intervalMillis`. */
  trickle: (intervalMillis) => ({ _tag: "Trickle", intervalMillis }),
  /** Let the handler answer now, and write the answer `millis` later. */
  answerLate: (millis) => ({ _tag: "AnswerLate", millis }),
  /** A hook that always takes `decision`. */
  always: (decision) => () => Effect.succeed(decision),
  /** A hook that waits `millis` on the Effect clock (TestClock under test), then lets the handler answer. */
  delay: (millis) => () => Effect.as(Effect.sleep(millis), Control.pass)
}

interface Entry {
  readonly code: number | undefined
  readonly hook: ControlHook
  remaining: number
}

/**
 * The hooks of one server, in the order they were added.
 *
 * @since 0.1.0
 * @category models
 */
export class ControlTable {
  private entries: ReadonlyArray<Entry> = []

  /** Adds a hook for `code` (every code when `undefined`); returns a function that removes it. */
  add(code: number | undefined, hook: ControlHook, options?: ControlOptions): () => void {
    const entry: Entry = { code, hook, remaining: options?.times ?? Number.POSITIVE_INFINITY }
    this.entries = [...this.entries, entry]
    return () => this.remove(entry)
  }

  /** Removes every hook. */
  clear(): void {
    this.entries = []
  }

  /** `true` when some hook applies to `code`. */
  has(code: number): boolean {
    return this.entries.some((entry) => entry.code === undefined || entry.code === code)
  }

  /**
   * Runs the hooks of `request` in order until one decides; `pass` when none does. A hook's use is
   * counted when it decides, or dies.
   */
  decide(request: RemotingCommand, session: Session): Effect.Effect<ControlDecision> {
    const hooks = this.entries.filter((entry) => entry.code === undefined || entry.code === request.code)
    const step = (index: number): Effect.Effect<ControlDecision> => {
      const entry = hooks[index]
      if (entry === undefined) return Effect.succeed(Control.pass)
      // A hook used up (or removed) while an earlier one ran is skipped.
      if (!this.entries.includes(entry)) return step(index + 1)
      return entry.hook(request, session).pipe(
        Effect.onExit((exit) =>
          Effect.sync(() => {
            if (Exit.isFailure(exit) && !Cause.hasInterruptsOnly(exit.cause)) this.use(entry)
          })
        ),
        Effect.flatMap((decision) => {
          if (decision._tag === "Pass") return step(index + 1)
          this.use(entry)
          return Effect.succeed(decision)
        })
      )
    }
    return step(0)
  }

  private use(entry: Entry): void {
    entry.remaining -= 1
    if (entry.remaining <= 0) this.remove(entry)
  }

  private remove(entry: Entry): void {
    this.entries = this.entries.filter((candidate) => candidate !== entry)
  }
}
