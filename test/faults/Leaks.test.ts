import { assert, describe, it } from "@effect/vitest"
import * as Net from "node:net"
import { Effect, Fiber } from "effect"
import { leftoversOf } from "./leaks.ts"
import { rawPeer } from "./peers.ts"

/** The leftover counter itself: it must see what a scenario leaks, or the suite's zeros mean nothing. */
describe("leftoversOf", () => {
  it.live("counts a socket, a timer and a fiber left behind, and nothing after a clean scenario", () =>
    Effect.gen(function*() {
      const peer = yield* rawPeer(() => {})
      let socket: Net.Socket | undefined
      let timer: ReturnType<typeof setTimeout> | undefined
      let fiber: Fiber.Fiber<never> | undefined

      const [, leaky] = yield* leftoversOf(
        Effect.gen(function*() {
          socket = Net.connect(peer.port, "127.0.0.1")
          timer = setTimeout(() => {}, 60_000)
          fiber = yield* Effect.forkDetach(Effect.never)
          yield* Effect.sleep("20 millis")
        }),
        200
      )
      socket?.destroy()
      clearTimeout(timer)
      if (fiber !== undefined) yield* Fiber.interrupt(fiber)
      // The client socket and the one the peer accepted; the 60 s timer; the detached fiber.
      assert.deepStrictEqual(leaky, { sockets: 2, timers: 1, fibers: 1 })

      const [, clean] = yield* leftoversOf(Effect.gen(function*() {
        const scoped = Net.connect(peer.port, "127.0.0.1")
        yield* Effect.addFinalizer(() => Effect.sync(() => scoped.destroy()))
        yield* Effect.forkScoped(Effect.never)
        yield* Effect.forkScoped(Effect.sleep("1 minute"))
        yield* Effect.sleep("20 millis")
      }))
      assert.deepStrictEqual(clean, { sockets: 0, timers: 0, fibers: 0 })
    }))
})
