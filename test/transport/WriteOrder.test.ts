/**
 * Frames written by their callers (requests, while nothing waits for the writer fiber) and by the
 * connection's writer fiber (oneways, answers to the server's requests, and whatever follows them
 * while they wait) reach the peer in the order they were handed to the connection, each exactly
 * once.
 */
import { assert, describe, it } from "@effect/vitest"
import { Buffer } from "node:buffer"
import { Context, Deferred, Effect, Exit, Fiber, Layer, Result, Scope } from "effect"
import type { Exit as ExitType } from "effect"
import { DEFAULT_MAX_FRAME_SIZE, encodeFrame, encodeFrameParts } from "../../src/protocol/Frame.ts"
import { FrameDecoder } from "../../src/protocol/FrameDecoder.ts"
import { isOneway, isResponse, makeRequest, makeResponse, withOpaque } from "../../src/protocol/RemotingCommand.ts"
import type { RemotingCommand } from "../../src/protocol/RemotingCommand.ts"
import { openConnection } from "../../src/transport/Connection.ts"
import type { Connection } from "../../src/transport/Connection.ts"
import { makeDeadlines } from "../../src/transport/Deadlines.ts"
import type { RemotingError } from "../../src/transport/RemotingError.ts"
import { RemotingClient } from "../../src/transport/RemotingClient.ts"
import { leftoversOf } from "../faults/leaks.ts"
import { rawPeer } from "../faults/peers.ts"

/** A frame as the peer saw it, in arrival order. */
interface Seen {
  readonly code: number
  readonly response: boolean
  readonly oneway: boolean
  readonly opaque: number
  readonly remark: string | undefined
}

/**
 * A raw loopback peer that records every frame it receives, answers every two-way request at
 * once (remark: the request's `tag` field), and can send requests to the client it accepted.
 */
const recordingPeer = Effect.gen(function*() {
  const seen: Array<Seen> = []
  const peer = yield* rawPeer((socket) => {
    const decoder = new FrameDecoder()
    socket.on("data", (chunk) => {
      decoder.push(chunk, (command) => {
        seen.push({
          code: command.code,
          response: isResponse(command),
          oneway: isOneway(command),
          opaque: command.opaque,
          remark: isResponse(command) ? command.remark : command.extFields?.["tag"]
        })
        if (isResponse(command) || isOneway(command)) return
        const answer = makeResponse(command, { code: 0, remark: command.extFields?.["tag"] })
        socket.write(Result.getOrThrow(encodeFrame(answer)))
      })
    })
  })
  return {
    address: peer.address,
    seen,
    /** Sends a request to every accepted client. */
    push: (command: RemotingCommand) => {
      const frame = Buffer.from(Result.getOrThrow(encodeFrame(command)))
      for (const socket of peer.sockets()) socket.write(frame)
    }
  }
})

const tagged = (code: number, tag: string, oneway = false) => makeRequest({ code, extFields: { tag }, oneway })

describe("frame order on one connection", () => {
  it.live("a request alone on its connection never overtakes a oneway or an answer to the server queued before it", () =>
    Effect.gen(function*() {
      const peer = yield* recordingPeer
      const deadlines = yield* makeDeadlines
      const scope = yield* Scope.make()
      let opaque = 0
      /** What the client's answer to a server request lets run right after it, synchronously. */
      let afterAnswer: (() => void) | undefined
      const connection: Connection = yield* openConnection(peer.address, scope, {
        connectTimeoutMillis: 1000,
        maxFrameSize: DEFAULT_MAX_FRAME_SIZE,
        deadlines,
        onClose: () => {},
        release: () => Effect.void,
        onServerRequest: (command, _address, respond) => {
          respond(makeResponse(command, { code: 0, remark: "answer" }))
          afterAnswer?.()
        }
      })
      const frame = (command: RemotingCommand) => Result.getOrThrow(encodeFrameParts(command))
      const request = (code: number, tag: string) => {
        const withId = withOpaque(tagged(code, tag), ++opaque)
        return connection.request({
          opaque: withId.opaque,
          code,
          deadline: deadlines.now() + 5000,
          timeoutMillis: 5000,
          closeOnTimeout: false,
          onResponse: Exit.succeed
        }, frame(withId))
      }

      // Alone: written by its caller.
      assert.strictEqual((yield* request(1, "first")).remark, "first")

      // A oneway handed to the connection, then, before the writer fiber ran, a request that is alone
      // among requests: it must wait behind the oneway.
      const oneway = yield* Effect.forkChild(connection.requestOneway(frame(withOpaque(tagged(2, "oneway", true), ++opaque))), {
        startImmediately: true
      })
      const behind = yield* Effect.forkChild(request(3, "after the oneway"), { startImmediately: true })
      yield* Fiber.join(oneway)
      assert.strictEqual((yield* Fiber.join(behind)).remark, "after the oneway")

      // The client answers a server request, and a request sent right after that answer was handed over.
      const answered = Deferred.makeUnsafe<RemotingCommand, RemotingError>()
      afterAnswer = () => {
        afterAnswer = undefined
        Effect.runFork(Effect.exit(request(4, "after the answer")).pipe(
          Effect.flatMap((exit: ExitType.Exit<RemotingCommand, RemotingError>) => Deferred.done(answered, exit))
        ))
      }
      peer.push(withOpaque(makeRequest({ code: 39 }), 900))
      assert.strictEqual((yield* Deferred.await(answered)).remark, "after the answer")

      // Alone again, now that nothing is queued.
      assert.strictEqual((yield* request(5, "last")).remark, "last")

      assert.deepStrictEqual(
        peer.seen.map((frame) => frame.response ? `answer to ${frame.opaque}` : `${frame.code} ${frame.remark}`),
        ["1 first", "2 oneway", "3 after the oneway", "answer to 900", "4 after the answer", "5 last"]
      )
      yield* Scope.close(scope, Exit.void)
    }).pipe(Effect.scoped))

  it.live("a lone request's body arrives intact whatever its size (joined to its head when small, corked after it when large)", () =>
    Effect.gen(function*() {
      const bodies: Array<string> = []
      const server = yield* rawPeer((socket) => {
        const decoder = new FrameDecoder()
        socket.on("data", (chunk) => {
          decoder.push(chunk, (command) => {
            const body = Buffer.from(command.body ?? new Uint8Array(0))
            bodies.push(body.toString("base64"))
            socket.write(Result.getOrThrow(encodeFrame(makeResponse(command, { code: 0, remark: String(body.length) }))))
          })
        })
      })
      const client = Context.get(yield* Layer.build(Layer.fresh(RemotingClient.layer({ connectTimeoutMillis: 1000 }))), RemotingClient)
      const sizes = [1, 1024, 64 * 1024, 64 * 1024 + 1, 1024 * 1024]
      const sent: Array<string> = []
      for (const [i, size] of sizes.entries()) {
        const body = Buffer.alloc(size)
        for (let b = 0; b < size; b++) body[b] = (b * 31 + i) & 0xff
        sent.push(body.toString("base64"))
        const response = yield* client.invoke(server.address, makeRequest({ code: 1, body }), { timeoutMillis: 5000 })
        assert.strictEqual(response.remark, String(size))
      }
      assert.deepStrictEqual(bodies, sent)
    }).pipe(Effect.scoped))

  it.live("lone and concurrent requests, oneways and answers to server requests: each frame arrives once, each sender's in its order; nothing is left behind", () =>
    Effect.gen(function*() {
      const [, left] = yield* leftoversOf(mixedSenders)
      assert.deepStrictEqual(left, { sockets: 0, timers: 0, fibers: 0 })
    }))
})

/** Ten senders over one connection, alone, then eight at once, then alone again; checks what the peer saw. */
const mixedSenders = Effect.gen(function*() {
  const peer = yield* recordingPeer
  const client = Context.get(yield* Layer.build(Layer.fresh(RemotingClient.layer({ connectTimeoutMillis: 1000 }))), RemotingClient)
  yield* client.handle(39, () => Effect.succeed({ code: 0, remark: "answer" }))

  /** Sender `id`'s steps: requests, oneways, and (sometimes) a request to the client from the peer. */
  const sender = (id: number, steps: number) =>
    Effect.gen(function*() {
      for (let n = 0; n < steps; n++) {
        const tag = `${id}.${n}`
        switch ((id + n) % 4) {
          case 0:
          case 1: {
            const response = yield* client.invoke(peer.address, tagged(1, tag), { timeoutMillis: 5000 })
            assert.strictEqual(response.remark, tag)
            break
          }
          case 2:
            yield* client.invokeOneway(peer.address, tagged(2, tag, true), 5000)
            break
          case 3:
            peer.push(withOpaque(makeRequest({ code: 39 }), 100_000 + id * 1000 + n))
            yield* client.invoke(peer.address, tagged(1, tag), { timeoutMillis: 5000 })
            break
        }
      }
    })

  // Alone, then eight senders at once, then alone again: the connection goes from lone writes
  // to batches and back.
  yield* sender(0, 40)
  yield* Effect.forEach([1, 2, 3, 4, 5, 6, 7, 8], (n) => sender(n, 40), { concurrency: "unbounded", discard: true })
  yield* sender(9, 40)
  // The answers to the last server requests may still be on their way.
  for (let i = 0; i < 200 && peer.seen.filter((frame) => frame.response).length < 10 * 10; i++) {
    yield* Effect.sleep("10 millis")
  }

  const tags = peer.seen.filter((frame) => !frame.response).map((frame) => frame.remark ?? "")
  assert.strictEqual(tags.length, 10 * 40)
  assert.strictEqual(new Set(tags).size, tags.length, "a frame arrived twice")
  for (let s = 0; s < 10; s++) {
    const order = tags.filter((tag) => tag.startsWith(`${s}.`)).map((tag) => Number(tag.slice(tag.indexOf(".") + 1)))
    assert.deepStrictEqual(order, Array.from({ length: 40 }, (_, n) => n), `sender ${s}'s frames out of order`)
  }
  const answers = peer.seen.filter((frame) => frame.response).map((frame) => frame.opaque)
  assert.strictEqual(answers.length, 10 * 10)
  assert.strictEqual(new Set(answers).size, answers.length, "a server request answered twice")
})
