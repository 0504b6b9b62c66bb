/**
 * Raw TCP exchanges with a testkit server: recorded bytes replayed, or requests sent on the protocol
 * layer alone.
 */
import { Buffer } from "node:buffer"
import * as Net from "node:net"
import { Deferred, Effect, Result } from "effect"
import type { Scope } from "effect"
import { encodeFrame } from "../src/protocol/Frame.ts"
import { FrameDecoder } from "../src/protocol/FrameDecoder.ts"
import type { RemotingCommand } from "../src/protocol/RemotingCommand.ts"

/** Sends raw bytes and collects the answer until `expectedLength` bytes have arrived. */
export const exchange = (port: number, request: Uint8Array, expectedLength: number) =>
  Effect.callback<Buffer>((resume) => {
    const chunks: Array<Buffer> = []
    let received = 0
    const socket = Net.connect(port, "127.0.0.1", () => socket.write(request))
    socket.on("data", (chunk) => {
      chunks.push(chunk)
      received += chunk.length
      if (received >= expectedLength) {
        socket.destroy()
        resume(Effect.succeed(Buffer.concat(chunks)))
      }
    })
    socket.on("error", (error) => resume(Effect.die(error)))
  }).pipe(Effect.timeout("5 seconds"))

/** A client connection that sends requests and matches answers by opaque, protocol layer only. */
export interface RawConnection {
  /** Sends `command` with the next opaque and waits for its answer. */
  readonly request: (command: RemotingCommand) => Effect.Effect<RemotingCommand>
  /** Completes when the server closes the connection. */
  readonly closed: Effect.Effect<void>
}

/** Opens a connection to a loopback server in the current scope. */
export const rawConnection = (port: number): Effect.Effect<RawConnection, never, Scope.Scope> =>
  Effect.gen(function*() {
    const socket = yield* Effect.acquireRelease(
      Effect.callback<Net.Socket>((resume) => {
        const socket: Net.Socket = Net.connect(port, "127.0.0.1", () => resume(Effect.succeed(socket)))
        socket.on("error", (error) => resume(Effect.die(error)))
      }),
      (socket) => Effect.sync(() => socket.destroy())
    )
    const pending = new Map<number, Deferred.Deferred<RemotingCommand>>()
    const closed = Deferred.makeUnsafe<void>()
    const decoder = new FrameDecoder()
    socket.on("data", (chunk: Buffer) => {
      decoder.push(chunk, (command) => {
        const deferred = pending.get(command.opaque)
        pending.delete(command.opaque)
        if (deferred !== undefined) Deferred.doneUnsafe(deferred, Effect.succeed(command))
      })
    })
    socket.on("close", () => Deferred.doneUnsafe(closed, Effect.void))
    let opaque = 1
    return {
      request: (command) =>
        Effect.suspend(() => {
          const deferred = Deferred.makeUnsafe<RemotingCommand>()
          const sent = { ...command, opaque: opaque++ }
          pending.set(sent.opaque, deferred)
          socket.write(Result.getOrThrow(encodeFrame(sent)))
          return Deferred.await(deferred)
        }),
      closed: Deferred.await(closed)
    }
  })
