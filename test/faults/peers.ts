/**
 * Hostile peers on loopback for the fault suite, and counters of what a client leaves behind.
 */
import * as Net from "node:net"
import { Effect } from "effect"
import type { Scope } from "effect"

/** A raw TCP server on 127.0.0.1 that counts its open connections. */
export interface RawPeer {
  readonly port: number
  readonly address: string
  /** Connections open now, as the server sees them. */
  readonly openConnections: () => number
  /** Connections accepted so far. */
  readonly accepted: () => number
  /** The connections open now. */
  readonly sockets: () => ReadonlySet<Net.Socket>
}

/**
 * Starts a raw server whose connections are handed to `onConnection`; closing the scope destroys
 * every connection and the server.
 */
export const rawPeer = (onConnection: (socket: Net.Socket) => void): Effect.Effect<RawPeer, never, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.callback<{ server: Net.Server; sockets: Set<Net.Socket>; port: number; accepted: { n: number } }>((resume) => {
      const sockets = new Set<Net.Socket>()
      const accepted = { n: 0 }
      const server = Net.createServer((socket) => {
        accepted.n++
        sockets.add(socket)
        socket.on("close", () => sockets.delete(socket))
        socket.on("error", () => socket.destroy())
        onConnection(socket)
      })
      server.listen({ host: "127.0.0.1", port: 0 }, () => {
        const address = server.address()
        resume(Effect.succeed({ server, sockets, accepted, port: typeof address === "object" && address !== null ? address.port : 0 }))
      })
    }),
    ({ server, sockets }) =>
      Effect.sync(() => {
        for (const socket of sockets) socket.destroy()
        server.close()
      })
  ).pipe(Effect.map(({ sockets, port, accepted }) => ({
    port,
    address: `127.0.0.1:${port}`,
    openConnections: () => sockets.size,
    accepted: () => accepted.n,
    sockets: () => sockets
  })))

/** A peer that accepts connections and never reads from them: its receive window closes. */
export const nonReadingPeer = rawPeer((socket) => socket.pause())

const activeHandles = (): ReadonlyArray<unknown> => {
  const get: unknown = Reflect.get(process, "_getActiveHandles")
  if (typeof get !== "function") return []
  const handles: unknown = Reflect.apply(get, process, [])
  return Array.isArray(handles) ? handles : []
}

/**
 * The client sockets of this process connected to `port` whose file descriptor is still open
 * (a socket closed by `destroy` leaves the active handles once its close completes).
 */
export const clientSocketsTo = (port: number): number => clientSocketsOf(port).length

/** The client sockets of this process connected to `port` (as `clientSocketsTo` counts them). */
export const clientSocketsOf = (port: number): ReadonlyArray<Net.Socket> =>
  activeHandles().filter((handle): handle is Net.Socket => handle instanceof Net.Socket && handle.remotePort === port)

/** Every TCP socket of this process still open (clients and servers' connections). */
export const openSockets = (): number => activeHandles().filter((handle) => handle instanceof Net.Socket).length

/** Every timer of this process still pending. */
export const pendingTimers = (): number =>
  activeHandles().filter((handle) => typeof handle === "object" && handle !== null && handle.constructor.name === "Timeout").length

/**
 * Waits until `count()` is `expected`, checking every 10 ms up to `millis` (closing sockets is
 * asynchronous); returns the last count.
 */
export const settle = (count: () => number, expected: number, millis = 3000): Effect.Effect<number> =>
  Effect.gen(function*() {
    const until = Date.now() + millis
    let now = count()
    while (now !== expected && Date.now() < until) {
      yield* Effect.sleep("10 millis")
      now = count()
    }
    return now
  })
