/**
 * What the demo reads to tell its story: the producer's own spans (route lookups, NameServer
 * calls, sends, with their timings and outcomes), recorded by a tracer that keeps them.
 *
 * @since 0.1.0
 */
import { Cause, Exit, Option, Tracer } from "effect"

/**
 * A finished span as the demo uses it.
 *
 * @since 0.1.0
 * @category models
 */
export interface RecordedSpan {
  readonly name: string
  readonly spanId: string
  readonly attributes: ReadonlyMap<string, unknown>
  readonly startNanos: bigint
  readonly endNanos: bigint
  /** The tag of the error the span ended with (its reason's, for an error with reasons), if it failed. */
  readonly failure: string | undefined
  /** The span ids of its ancestors, nearest first. */
  readonly ancestors: ReadonlyArray<string>
}

/**
 * A tracer that records every span that ends, in the order they end.
 *
 * @since 0.1.0
 * @category tracing
 */
export interface SpanRecorder {
  readonly tracer: Tracer.Tracer
  /** How many spans have ended so far: a mark for {@link SpanRecorder.since}. */
  readonly mark: () => number
  /** The spans that ended after `mark`. */
  readonly since: (mark: number) => ReadonlyArray<RecordedSpan>
}

const ancestorsOf = (parent: Option.Option<Tracer.AnySpan>): ReadonlyArray<string> => {
  const ids: Array<string> = []
  let current = parent
  while (Option.isSome(current)) {
    ids.push(current.value.spanId)
    current = current.value._tag === "Span" ? current.value.parent : Option.none()
  }
  return ids
}

const tagOf = (value: unknown): string | undefined =>
  typeof value === "object" && value !== null && "_tag" in value && typeof value._tag === "string" ? value._tag : undefined

/** The tag of the error a span ended with: its `reason`'s for an error with reasons. */
const failureOf = (exit: Exit.Exit<unknown, unknown>): string | undefined => {
  if (Exit.isSuccess(exit)) return undefined
  const error = Cause.squash(exit.cause)
  const reason = typeof error === "object" && error !== null && "reason" in error ? tagOf(error.reason) : undefined
  return reason ?? tagOf(error) ?? "Failure"
}

/**
 * A new recorder.
 *
 * @since 0.1.0
 * @category tracing
 */
export const makeSpanRecorder = (): SpanRecorder => {
  const ended: Array<RecordedSpan> = []
  const tracer = Tracer.make({
    span(options) {
      const span = new Tracer.NativeSpan(options)
      const end = span.end.bind(span)
      span.end = (endTime, exit) => {
        end(endTime, exit)
        ended.push({
          name: span.name,
          spanId: span.spanId,
          attributes: span.attributes,
          startNanos: span.startTime,
          endNanos: endTime,
          failure: failureOf(exit),
          ancestors: ancestorsOf(span.parent)
        })
      }
      return span
    }
  })
  return { tracer, mark: () => ended.length, since: (mark) => ended.slice(mark) }
}

/**
 * A span's duration in milliseconds.
 *
 * @since 0.1.0
 * @category tracing
 */
export const spanMillis = (span: RecordedSpan): number => Number(span.endNanos - span.startNanos) / 1e6

/**
 * Milliseconds written for a reader: `0.42 ms`, `3.1 ms`, `120 ms`.
 *
 * @since 0.1.0
 * @category formatting
 */
export const formatMillis = (millis: number): string =>
  millis < 1 ? `${millis.toFixed(2)} ms` : millis < 100 ? `${millis.toFixed(1)} ms` : `${Math.round(millis)} ms`
