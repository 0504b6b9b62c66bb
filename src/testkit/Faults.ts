/**
 * Fault injection for the testkit servers: rules that make a server misbehave for chosen request
 * codes — delay answers, never answer, drop the connection, answer an error code, send garbage or
 * trickle the answer byte by byte.
 *
 * @since 0.1.0
 */

/**
 * What a server does instead of (or before) answering normally.
 *
 * @since 0.1.0
 */
export type Fault =
  /** Answer normally after `millis`. */
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
 */
export interface FaultRule {
  readonly code?: number | undefined
  readonly fault: Fault
  readonly times?: number | undefined
}

/**
 * The fault rules of one server. The first matching rule applies.
 *
 * @since 0.1.0
 */
export class FaultInjector {
  private rules: Array<{ readonly rule: FaultRule; remaining: number }> = []

  /** Adds a rule; returns a function that removes it. */
  add(rule: FaultRule): () => void {
    const entry = { rule, remaining: rule.times ?? Number.POSITIVE_INFINITY }
    this.rules.push(entry)
    return () => {
      this.rules = this.rules.filter((candidate) => candidate !== entry)
    }
  }

  /** Removes every rule. */
  clear(): void {
    this.rules = []
  }

  /** The fault for a request with `code`, using up one of its times. */
  take(code: number): Fault | undefined {
    const entry = this.rules.find((candidate) => candidate.rule.code === undefined || candidate.rule.code === code)
    if (entry === undefined) return undefined
    entry.remaining -= 1
    if (entry.remaining <= 0) this.rules = this.rules.filter((candidate) => candidate !== entry)
    return entry.rule.fault
  }
}
