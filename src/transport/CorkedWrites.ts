/**
 * When the requests written to a socket reach the peer. A request alone on its connection is
 * written at once. With others in flight the socket is corked to the end of the tick, so the
 * requests of one tick go out in one `writev`. While enough requests are on the wire (written,
 * their answers not yet read), the broker has work queued for as long as it takes to answer them.
 * A new request would wait in its queue anyway, so the socket stays corked (the requests are
 * held) until a read leaves fewer on the wire, or `maxHoldMillis` at most if none does.
 *
 * A held batch costs the client one write instead of one per tick, and the broker one read, and it
 * leaves the broker no less work: at 64 sends in flight the client's CPU per message falls by about
 * 5 % and latency does not change (docs/benchmarks.md). The time bound keeps a request from waiting
 * on answers that do not come (a hung broker).
 *
 * Every request in flight counts as on the wire, which holds for requests a broker answers as soon
 * as it has handled them (all this client sends today). A long poll (a consumer's `PULL_MESSAGE`,
 * which the broker keeps until messages come or its suspend time ends) must not be counted, or eight
 * of them would hold every other request on the connection to the time bound.
 *
 * @since 0.1.0
 */
import type * as Net from "node:net"

/**
 * When requests are held.
 *
 * @since 0.1.0
 * @category models
 */
export interface CorkedWritesOptions {
  /** Requests are held while at least this many others are on the wire. */
  readonly holdWhileOnTheWire: number
  /** The longest a request is held. */
  readonly maxHoldMillis: number
}

/**
 * Held while 8 or more requests are on the wire, for 1 ms at most.
 *
 * @since 0.1.0
 * @category constructors
 */
export const defaultCorkedWritesOptions: CorkedWritesOptions = { holdWhileOnTheWire: 8, maxHoldMillis: 1 }

/**
 * The cork of one socket.
 *
 * @since 0.1.0
 * @category models
 */
export interface CorkedWrites {
  /**
   * Called before a request that is not alone is written, with the number of other requests in
   * flight: corks the socket to the end of the tick, or holds it if enough of them are on the wire.
   */
  readonly beforeWrite: (othersInFlight: number) => void
  /**
   * Called after a read was handled, with the requests still in flight: releases the held
   * requests once fewer than `holdWhileOnTheWire` are on the wire.
   */
  readonly afterRead: (inFlight: number) => void
  /** Stops the time bound of a hold (the socket is closing). */
  readonly stop: () => void
}

/**
 * The cork of `socket`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeCorkedWrites = (socket: Net.Socket, options: CorkedWritesOptions = defaultCorkedWritesOptions): CorkedWrites => {
  let corked = false
  /** Requests written into the current hold; a hold is on while `bound` is set. */
  let held = 0
  let bound: ReturnType<typeof setTimeout> | undefined
  const endOfTick = () => {
    if (bound !== undefined) return
    corked = false
    socket.uncork()
  }
  const stop = () => {
    if (bound !== undefined) clearTimeout(bound)
    bound = undefined
  }
  const release = () => {
    stop()
    held = 0
    corked = false
    socket.uncork()
  }
  return {
    beforeWrite: (othersInFlight) => {
      if (!corked) {
        corked = true
        socket.cork()
        // Not corked, so none of the others is held: all are on the wire.
        if (othersInFlight >= options.holdWhileOnTheWire) bound = setTimeout(release, options.maxHoldMillis)
        else process.nextTick(endOfTick)
      }
      if (bound !== undefined) held++
    },
    afterRead: (inFlight) => {
      if (bound !== undefined && inFlight - held < options.holdWhileOnTheWire) release()
    },
    stop
  }
}
