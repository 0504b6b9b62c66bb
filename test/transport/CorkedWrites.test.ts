/**
 * When written requests reach the peer, on real loopback sockets: to the end of the tick with few
 * on the wire; held while enough are, until a read leaves fewer or the time bound passes; and on a
 * connection whose peer answers nothing, every request still goes out.
 */
import { assert, describe, it } from "@effect/vitest"
import { Buffer } from "node:buffer"
import * as Net from "node:net"
import { Deferred, Effect, Exit, Fiber, Result, Scope } from "effect"
import { DEFAULT_MAX_FRAME_SIZE, encodeFrameParts } from "../../src/protocol/Frame.ts"
import { FrameDecoder } from "../../src/protocol/FrameDecoder.ts"
import { makeRequest } from "../../src/protocol/RemotingCommand.ts"
import { openConnection } from "../../src/transport/Connection.ts"
import { defaultCorkedWritesOptions, makeCorkedWrites } from "../../src/transport/CorkedWrites.ts"
import type { CorkedWritesOptions } from "../../src/transport/CorkedWrites.ts"
import { makeDeadlines } from "../../src/transport/Deadlines.ts"
import { rawPeer } from "../faults/peers.ts"

/** A peer that keeps every byte it receives; `received(n)` completes once it holds `n` bytes. */
const bytePeer = Effect.gen(function*() {
  const chunks: Array<Buffer> = []
  let total = 0
  const waiters: Array<{ readonly n: number; readonly done: Deferred.Deferred<void> }> = []
  const peer = yield* rawPeer((socket) => {
    socket.on("data", (chunk: Buffer) => {
      chunks.push(chunk)
      total += chunk.length
      for (const waiter of waiters) if (total >= waiter.n) Deferred.doneUnsafe(waiter.done, Effect.void)
    })
  })
  return {
    address: peer.address,
    port: peer.port,
    bytes: () => Buffer.concat(chunks),
    received: (n: number) =>
      Effect.suspend(() => {
        const done = Deferred.makeUnsafe<void>()
        waiters.push({ n, done })
        if (total >= n) Deferred.doneUnsafe(done, Effect.void)
        return Deferred.await(done)
      })
  }
})

/** A connected client socket, destroyed with the scope. */
const clientSocket = (port: number) =>
  Effect.acquireRelease(
    Effect.callback<Net.Socket>((resume) => {
      const socket: Net.Socket = Net.connect(port, "127.0.0.1", () => resume(Effect.succeed(socket)))
      socket.on("error", (error) => resume(Effect.die(error)))
    }),
    (socket) => Effect.sync(() => socket.destroy())
  )

/** Lets the event loop turn `n` times (ticks, microtasks and the check phase). */
const turns = (n: number) =>
  Effect.promise(async () => {
    for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve))
  })

/**
 * A client socket to a byte-keeping peer, with its cork; `write(others, text)` writes a request
 * with `others` in flight as the connection does.
 */
const corkedSocket = (options: CorkedWritesOptions = { holdWhileOnTheWire: 8, maxHoldMillis: 60_000 }) =>
  Effect.gen(function*() {
    const peer = yield* bytePeer
    const socket = yield* clientSocket(peer.port)
    const cork = makeCorkedWrites(socket, options)
    yield* Effect.addFinalizer(() => Effect.sync(() => cork.stop()))
    const write = (othersInFlight: number, text: string) => {
      cork.beforeWrite(othersInFlight)
      socket.write(Buffer.from(text))
    }
    return { peer, socket, cork, write }
  })

describe("CorkedWrites", () => {
  it.live("with fewer than the threshold on the wire, a request waits for the end of its tick only", () =>
    Effect.gen(function*() {
      const { peer, socket, write } = yield* corkedSocket()
      write(7, "a")
      write(8, "b")
      assert.strictEqual(socket.writableLength, 2, "corked within the tick")
      yield* turns(1)
      assert.strictEqual(socket.writableLength, 0, "written once the tick ended")
      yield* peer.received(2)
      assert.strictEqual(peer.bytes().toString(), "ab")
    }))

  it.live("held while enough are on the wire, released together by the read that leaves fewer", () =>
    Effect.gen(function*() {
      const { cork, peer, socket, write } = yield* corkedSocket()
      // 8 others on the wire: held.
      write(8, "x")
      write(9, "y")
      write(10, "z")
      yield* turns(5)
      assert.strictEqual(socket.writableLength, 3, "held across turns of the loop")
      // 11 in flight, 3 of them held: 8 on the wire, still held.
      cork.afterRead(11)
      assert.strictEqual(socket.writableLength, 3)
      // 10 in flight, 3 held: 7 on the wire, released in one write.
      cork.afterRead(10)
      assert.strictEqual(socket.writableLength, 0)
      yield* peer.received(3)
      assert.strictEqual(peer.bytes().toString(), "xyz")
      // Nothing held any more: the next request below the threshold waits for its tick only.
      write(1, "w")
      yield* turns(1)
      assert.strictEqual(socket.writableLength, 0)
      yield* peer.received(4)
      assert.strictEqual(peer.bytes().toString(), "xyzw")
    }))

  it.live("a hold no read releases ends after maxHoldMillis", () =>
    Effect.gen(function*() {
      const { peer, socket, write } = yield* corkedSocket({ holdWhileOnTheWire: 8, maxHoldMillis: 5 })
      write(20, "late")
      assert.strictEqual(socket.writableLength, 4)
      // No read comes: the time bound writes it.
      yield* peer.received(4)
      assert.strictEqual(peer.bytes().toString(), "late")
      assert.strictEqual(socket.writableLength, 0)
    }))

  it.live("on a connection whose peer answers nothing, requests beyond the threshold still reach it", () =>
    Effect.gen(function*() {
      const frames: Array<number> = []
      const allSeen = Deferred.makeUnsafe<void>()
      const total = defaultCorkedWritesOptions.holdWhileOnTheWire * 3
      const peer = yield* rawPeer((socket) => {
        const decoder = new FrameDecoder()
        socket.on("data", (chunk: Buffer) => {
          decoder.push(chunk, (command) => {
            frames.push(command.opaque)
            if (frames.length === total) Deferred.doneUnsafe(allSeen, Effect.void)
          })
        })
      })
      const deadlines = yield* makeDeadlines
      const scope = yield* Scope.make()
      yield* Effect.addFinalizer(() => Scope.close(scope, Exit.void))
      const connection = yield* openConnection(peer.address, scope, {
        connectTimeoutMillis: 1000,
        maxFrameSize: DEFAULT_MAX_FRAME_SIZE,
        deadlines,
        onClose: () => {},
        release: () => Effect.void,
        onServerRequest: () => {}
      })
      const request = (opaque: number) => {
        const frame = Result.getOrThrow(encodeFrameParts(makeRequest({ code: 10, opaque }), { maxFrameSize: DEFAULT_MAX_FRAME_SIZE }))
        return connection.request({
          opaque,
          code: 10,
          deadline: deadlines.now() + 60_000,
          timeoutMillis: 60_000,
          closeOnTimeout: false,
          onResponse: Effect.succeed
        }, frame)
      }
      // One by one, each in a tick of its own: from the ninth on, enough are on the wire to hold it.
      const fibers: Array<Fiber.Fiber<unknown, unknown>> = []
      for (let opaque = 1; opaque <= total; opaque++) {
        fibers.push(yield* Effect.forkChild(request(opaque)))
        yield* turns(1)
      }
      yield* Deferred.await(allSeen)
      assert.deepStrictEqual(frames, Array.from({ length: total }, (_, i) => i + 1))
      assert.strictEqual(connection.pendingCount(), total, "none answered, none lost")
      for (const fiber of fibers) yield* Fiber.interrupt(fiber)
    }))
})
