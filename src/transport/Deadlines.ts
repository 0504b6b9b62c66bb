/**
 * Request deadlines for many requests at once, on one fiber: each request registers when it
 * expires; a single fiber sleeps on the `Clock` (so `TestClock` drives it in tests) until the
 * earliest deadline, and expires what is due. A request that completes cancels its entry.
 *
 * Racing every request against its own sleep (`Effect.timeout`) costs two fibers per request; at
 * tens of thousands of requests per second that is the largest cost of the send path, so the
 * client uses this instead.
 *
 * @since 0.1.0
 */
import { Clock, Effect, Latch } from "effect"
import type { Scope } from "effect"

/**
 * A registered deadline.
 *
 * @since 0.1.0
 * @category models
 */
export interface DeadlineEntry {
  readonly deadline: number
  /** Stops the deadline from firing (idempotent). */
  cancel(): void
}

/**
 * What a deadline expires: an object with a method rather than a closure, so a request can be its
 * own target and register without allocating a callback.
 *
 * @since 0.1.0
 * @category models
 */
export interface DeadlineTarget {
  /** Called once, when the deadline passes. */
  expire(): void
}

/**
 * The deadline scheduler.
 *
 * @since 0.1.0
 * @category models
 */
export interface Deadlines {
  /** The clock's current time in milliseconds. */
  readonly now: () => number
  /** Calls `target.expire()` once the clock reaches `deadline`, unless cancelled first. */
  readonly add: (deadline: number, target: DeadlineTarget) => DeadlineEntry
  /** Entries registered and not yet expired or cancelled. */
  readonly size: () => number
}

class Entry implements DeadlineEntry {
  readonly deadline: number
  /** `undefined` once expired or cancelled. */
  target: DeadlineTarget | undefined
  private readonly heap: DeadlineHeap
  constructor(deadline: number, target: DeadlineTarget, heap: DeadlineHeap) {
    this.deadline = deadline
    this.target = target
    this.heap = heap
  }
  cancel(): void {
    if (this.target === undefined) return
    this.target = undefined
    this.heap.cancelled()
  }
}

/**
 * A binary min-heap of entries by deadline. Cancelled entries are dropped when they surface, or
 * all at once when they outnumber the live ones: with one request at a time every entry is
 * cancelled long before it would surface, and they would pile up for a whole timeout (and be
 * sifted through on every push).
 */
class DeadlineHeap {
  private items: Array<Entry> = []
  live = 0

  /** One entry was cancelled: drops the cancelled entries once they are most of the heap. */
  cancelled(): void {
    this.live--
    if (this.live === 0) {
      if (this.items.length > 0) this.items = []
    } else if (this.items.length > 32 && this.live * 2 < this.items.length) {
      const items = this.items.filter((entry) => entry.target !== undefined)
      this.items = items
      for (let i = (items.length >> 1) - 1; i >= 0; i--) {
        const entry = items[i]
        if (entry !== undefined) this.siftDown(i, entry)
      }
    }
  }

  get length(): number {
    return this.items.length
  }

  peek(): Entry | undefined {
    return this.items[0]
  }

  push(entry: Entry): void {
    const items = this.items
    items.push(entry)
    let i = items.length - 1
    while (i > 0) {
      const parent = (i - 1) >> 1
      const p = items[parent]
      if (p === undefined || p.deadline <= entry.deadline) break
      items[i] = p
      i = parent
    }
    items[i] = entry
  }

  pop(): Entry | undefined {
    const items = this.items
    const top = items[0]
    const last = items.pop()
    if (top === undefined || last === undefined || items.length === 0) return top
    this.siftDown(0, last)
    return top
  }

  /** Puts `entry` at `i`, or below it where the heap order wants it. */
  private siftDown(start: number, entry: Entry): void {
    const items = this.items
    const n = items.length
    let i = start
    while (true) {
      const left = 2 * i + 1
      if (left >= n) break
      const right = left + 1
      const l = items[left]
      const r = items[right]
      if (l === undefined) break
      const child = r !== undefined && r.deadline < l.deadline ? right : left
      const c = items[child]
      if (c === undefined || c.deadline >= entry.deadline) break
      items[i] = c
      i = child
    }
    items[i] = entry
  }
}

/**
 * Starts a deadline scheduler whose fiber lives in the current scope.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeDeadlines: Effect.Effect<Deadlines, never, Scope.Scope> = Effect.gen(function*() {
  const clock = yield* Clock.Clock
  const heap = new DeadlineHeap()
  /** Opened when an entry becomes the earliest, to wake the fiber from a longer sleep. */
  const earlier = Latch.makeUnsafe(false)
  let sleepingUntil = Number.POSITIVE_INFINITY

  const expireDue = (now: number) => {
    let top = heap.peek()
    while (top !== undefined && (top.target === undefined || top.deadline <= now)) {
      heap.pop()
      const target = top.target
      if (target !== undefined) {
        top.target = undefined
        heap.live--
        target.expire()
      }
      top = heap.peek()
    }
  }

  const loop = Effect.gen(function*() {
    while (true) {
      expireDue(clock.currentTimeMillisUnsafe())
      earlier.closeUnsafe()
      const next = heap.peek()
      if (next === undefined) {
        sleepingUntil = Number.POSITIVE_INFINITY
        yield* earlier.await
        continue
      }
      sleepingUntil = next.deadline
      const millis = Math.max(1, next.deadline - clock.currentTimeMillisUnsafe())
      yield* Effect.raceFirst(Effect.sleep(millis), earlier.await)
    }
  })
  yield* Effect.forkScoped(loop)

  return {
    now: () => clock.currentTimeMillisUnsafe(),
    add: (deadline, target) => {
      const entry = new Entry(deadline, target, heap)
      heap.push(entry)
      heap.live++
      if (deadline < sleepingUntil) earlier.openUnsafe()
      return entry
    },
    size: () => heap.live
  }
})
