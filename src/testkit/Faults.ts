/**
 * Fault rules for the testkit servers: shorthands over control hooks (see `Control.ts`) that make a
 * server misbehave for chosen request codes — answer late, never answer, drop the connection,
 * answer an error code, send garbage or trickle the answer byte by byte. A rule is a hook that
 * always takes the same decision.
 *
 * @since 0.1.0
 */
import { Control } from "./Control.ts"
import type { ControlDecision, ControlTable } from "./Control.ts"

/**
 * What a server does instead of (or before) answering normally.
 *
 * @since 0.1.0
 * @category models
 */
export type Fault =
  /** Answer normally after `millis` (wall clock). */
  | { readonly _tag: "Delay"; readonly millis: number }
  /** Never answer (the request is swallowed). */
  | { readonly _tag: "NoResponse" }
  /** Close the connection on receiving the request. */
  | { readonly _tag: "CloseConnection" }
  /** Answer with this response code and remark instead of handling the request. */
  | { readonly _tag: "RespondWith"; readonly code: number; readonly remark?: string | undefined }
  /** Answer with bytes that are not a frame. */
  | { readonly _tag: "Garbage"; readonly bytes: Uint8Array }
  /** Answer normally, but one byte every `intervalMillis`. */
  | { readonly _tag: "Trickle"; readonly intervalMillis: number }

/**
 * A fault applied to requests with `code` (every code when absent), `times` times (until removed
 * when absent).
 *
 * @since 0.1.0
 * @category models
 */
export interface FaultRule {
  readonly code?: number | undefined
  readonly fault: Fault
  readonly times?: number | undefined
}

/**
 * The decision a fault stands for.
 *
 * @since 0.1.0
 * @category conversions
 */
export const faultDecision = (fault: Fault): ControlDecision => {
  switch (fault._tag) {
    case "Delay":
      return Control.answerLate(fault.millis)
    case "NoResponse":
      return Control.drop
    case "CloseConnection":
      return Control.closeConnection
    case "RespondWith":
      return Control.respond(fault.code, fault.remark)
    case "Garbage":
      return Control.garbage(fault.bytes)
    case "Trickle":
      return Control.trickle(fault.intervalMillis)
  }
}

/**
 * The fault rules of one server, kept in its control table among the other hooks. The first
 * matching rule or hook applies.
 *
 * @since 0.1.0
 * @category models
 */
export class FaultInjector {
  private readonly controls: ControlTable
  private readonly removers = new Set<() => void>()

  constructor(controls: ControlTable) {
    this.controls = controls
  }

  /** Adds a rule; returns a function that removes it. */
  add(rule: FaultRule): () => void {
    const remove = this.controls.add(rule.code, Control.always(faultDecision(rule.fault)), { times: rule.times })
    const remover = () => {
      this.removers.delete(remover)
      remove()
    }
    this.removers.add(remover)
    return remover
  }

  /** Removes every fault rule (hooks added with `control` stay). */
  clear(): void {
    for (const remove of [...this.removers]) remove()
  }
}
