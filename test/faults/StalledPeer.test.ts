import { assert, describe, it } from "@effect/vitest"
import { Context, Effect, Exit, Fiber, Layer, Result, Scope } from "effect"
import { encodeFrame } from "../../src/protocol/Frame.ts"
import { makeRequest, withOpaque } from "../../src/protocol/RemotingCommand.ts"
import { RemotingClient } from "../../src/transport/RemotingClient.ts"
import { failureTag } from "../helpers.ts"
import { leftoversOf } from "./leaks.ts"
import { clientSocketsOf, clientSocketsTo, nonReadingPeer, settle } from "./peers.ts"

const MiB = 1024 * 1024
const bigRequest = (oneway = false) => makeRequest({ code: 310, body: new Uint8Array(MiB), oneway })
/** The bytes of `bigRequest()`'s frame, as encoded. */
const bigRequestSize = Result.getOrThrow(encodeFrame(withOpaque(bigRequest(), 1))).length

describe("a peer that stops reading", () => {
  it.live("timed-out 1 MiB sends and a oneway, then the scope closed: no client socket, timer or fiber is left", () =>
    Effect.gen(function*() {
      const [, left] = yield* leftoversOf(Effect.gen(function*() {
        const peer = yield* nonReadingPeer
        const scope = yield* Scope.make()
        const client = Context.get(yield* Layer.buildWithScope(RemotingClient.layer({ connectTimeoutMillis: 1000 }), scope), RemotingClient)

        // Five rounds of eight concurrent 1 MiB requests: more than the socket buffers take, so each
        // connection holds unwritten bytes when its first timeout closes it.
        for (let round = 0; round < 5; round++) {
          const exits = yield* Effect.forEach(
            Array.from({ length: 8 }),
            () => Effect.exit(client.invoke(peer.address, bigRequest(), { timeoutMillis: 300, closeOnTimeout: true })),
            { concurrency: "unbounded" }
          )
          for (const exit of exits) assert.oneOf(failureTag(exit), ["RequestTimedOut", "ConnectionClosed"])
        }
        assert.strictEqual(peer.accepted(), 5) // each round dialled anew: the timeout closed the connection
        // Timed-out connections are destroyed at once, not left to flush into a closed window.
        assert.strictEqual(yield* settle(() => clientSocketsTo(peer.port), 0), 0, "sockets left after timeout-close")

        // A connection filled up by requests that wait, then a oneway that cannot be written.
        const waiting = yield* Effect.forkChild(Effect.forEach(
          Array.from({ length: 8 }),
          () => Effect.exit(client.invoke(peer.address, bigRequest(), { timeoutMillis: 60_000 })),
          { concurrency: "unbounded" }
        ))
        const oneway = yield* Effect.exit(client.invokeOneway(peer.address, bigRequest(true), 300))
        assert.strictEqual(failureTag(oneway), "WriteTimedOut")
        assert.match(String(oneway), /not written within 300 ms/)
        assert.strictEqual(clientSocketsTo(peer.port), 1)

        yield* Scope.close(scope, Exit.void)
        const pending = yield* Fiber.join(waiting)
        for (const exit of pending) assert.strictEqual(failureTag(exit), "ClientClosed")
        assert.strictEqual(yield* settle(() => clientSocketsTo(peer.port), 0), 0, "sockets left after the scope closed")
      }))
      assert.deepStrictEqual(left, { sockets: 0, timers: 0, fibers: 0 })
    }), 30_000)

  it.live("a lone request whose write cannot finish still fails at its deadline, without closeOnTimeout", () =>
    Effect.gen(function*() {
      const [, left] = yield* leftoversOf(Effect.gen(function*() {
        const peer = yield* nonReadingPeer
        const scope = yield* Scope.make()
        const client = Context.get(yield* Layer.buildWithScope(RemotingClient.layer({ connectTimeoutMillis: 1000 }), scope), RemotingClient)
        // 8 MiB alone on a fresh connection: more than the socket buffers take, so its write waits.
        const big = makeRequest({ code: 310, body: new Uint8Array(8 * MiB) })
        const started = Date.now()
        const exit = yield* Effect.exit(client.invoke(peer.address, big, { timeoutMillis: 400 }))
        assert.strictEqual(failureTag(exit), "RequestTimedOut")
        // Its own 400 ms, with generous slack for a loaded machine; without the deadline it would hang.
        assert.isBelow(Date.now() - started, 5_000)
        yield* Scope.close(scope, Exit.void)
        assert.strictEqual(yield* settle(() => clientSocketsTo(peer.port), 0), 0, "sockets left after the scope closed")
      }))
      assert.deepStrictEqual(left, { sockets: 0, timers: 0, fibers: 0 })
    }), 30_000)

  it.live("requests after a lone one that filled the socket wait in the queue, not in the socket, and each fails at its deadline", () =>
    Effect.gen(function*() {
      const [, left] = yield* leftoversOf(Effect.gen(function*() {
        const peer = yield* nonReadingPeer
        const scope = yield* Scope.make()
        const client = Context.get(yield* Layer.buildWithScope(RemotingClient.layer({ connectTimeoutMillis: 1000 }), scope), RemotingClient)
        const started = Date.now()
        // 8 MiB alone, written by its caller: the socket keeps what the peer does not take.
        const first = yield* Effect.exit(client.invoke(peer.address, makeRequest({ code: 310, body: new Uint8Array(8 * MiB) }), { timeoutMillis: 300 }))
        assert.strictEqual(failureTag(first), "RequestTimedOut")
        const [socket] = clientSocketsOf(peer.port)
        assert.isDefined(socket)
        const handedOver = socket?.bytesWritten ?? 0
        assert.isAtLeast(handedOver, 8 * MiB)
        // Each alone on the connection too, but the socket holds more than 1 MiB unsent: the first goes
        // to the writer fiber, which waits for the socket to drain; the others queue behind it.
        for (let i = 0; i < 3; i++) {
          const exit = yield* Effect.exit(client.invoke(peer.address, bigRequest(), { timeoutMillis: 300 }))
          assert.strictEqual(failureTag(exit), "RequestTimedOut")
        }
        const oneway = yield* Effect.exit(client.invokeOneway(peer.address, bigRequest(true), 300))
        assert.strictEqual(failureTag(oneway), "WriteTimedOut")
        // One more 1 MiB frame reached the socket, not three or four.
        assert.strictEqual((socket?.bytesWritten ?? 0) - handedOver, bigRequestSize)
        // Five deadlines of 300 ms, with generous slack for a loaded machine.
        assert.isBelow(Date.now() - started, 10_000)
        assert.strictEqual(clientSocketsTo(peer.port), 1)
        yield* Scope.close(scope, Exit.void)
        assert.strictEqual(yield* settle(() => clientSocketsTo(peer.port), 0), 0, "sockets left after the scope closed")
      }))
      assert.deepStrictEqual(left, { sockets: 0, timers: 0, fibers: 0 })
    }), 30_000)
})
