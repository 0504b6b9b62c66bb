/**
 * The raw client's work done the Effect way: the same template frame, a copy with a new opaque per
 * send, answers read as the raw client reads them (`readAnswers`), but each send is an Effect
 * (`Effect.callback`) run by a fiber of the benchmark's Effect driver. Two sockets:
 * - `"node:net"`: writes corked to the end of the tick and a `data` listener, as the raw client;
 * - `"platform"`: the `@effect/platform-node` socket, as this client's transport uses it: a reader
 *   fiber pulling the socket, and each frame written by its caller to the Node socket under it,
 *   corked as the transport corks it (`CorkedWrites`).
 *
 * The second is about the least CPU per send an Effect client on the `@effect/platform-node` socket
 * can spend: what the producer adds to it is its own work (headers, route, metrics, retries).
 *
 * @since 0.1.0
 */
import { Buffer } from "node:buffer"
import * as Net from "node:net"
import { Data, Effect, Exit, Scope } from "effect"
import { dial } from "../transport/Connection.ts"
import { makeCorkedWrites } from "../transport/CorkedWrites.ts"
import { ResponseTable } from "../transport/ResponseTable.ts"
import { copyWithOpaque, readAnswers } from "./RawClient.ts"

/**
 * The socket under the Effect raw client.
 *
 * @since 0.1.0
 */
export type EffectRawSocket = "node:net" | "platform"

/**
 * The connection failed or closed.
 *
 * @since 0.1.0
 */
export class EffectRawClientError extends Data.TaggedError("EffectRawClientError")<{ readonly detail: string }> {}

type Resume = (effect: Effect.Effect<number, EffectRawClientError>) => void

/**
 * Connects to `address`, in the current scope, and returns the send: the template `frame` (a
 * request with a binary header) with a fresh opaque, succeeding with the response code.
 *
 * @since 0.1.0
 */
export const connectEffectRawClient = (
  address: string,
  frame: Uint8Array,
  socketKind: EffectRawSocket
): Effect.Effect<Effect.Effect<number, EffectRawClientError>, EffectRawClientError, Scope.Scope> =>
  Effect.gen(function*() {
    const [host = "127.0.0.1", port = "0"] = address.split(":")
    const template = Buffer.from(frame)
    const waiting = new ResponseTable<Resume>()
    let nextOpaque = 1
    let pending: Buffer | undefined

    const onAnswer = (code: number, opaque: number) => {
      waiting.delete(opaque)?.(Exit.succeed(code))
    }
    const onChunk = (chunk: Uint8Array) => {
      const bytes = pending === undefined ? Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length) : Buffer.concat([pending, chunk])
      const offset = readAnswers(bytes, onAnswer)
      pending = offset === bytes.length ? undefined : bytes.subarray(offset)
    }
    const failAll = (detail: string) => {
      const failed = Exit.fail(new EffectRawClientError({ detail }))
      for (const resume of waiting.takeAll()) resume(failed)
    }
    const copy = (): { readonly opaque: number; readonly bytes: Buffer } => {
      const opaque = nextOpaque
      nextOpaque = nextOpaque === 0x7fffffff ? 1 : nextOpaque + 1
      return { opaque, bytes: copyWithOpaque(template, opaque) }
    }
    const sendWith = (write: (bytes: Buffer) => void): Effect.Effect<number, EffectRawClientError> =>
      Effect.callback<number, EffectRawClientError>((resume) => {
        const { opaque, bytes } = copy()
        waiting.set(opaque, resume)
        write(bytes)
        return Effect.sync(() => {
          waiting.delete(opaque)
        })
      })
    if (socketKind === "node:net") {
      const socket = yield* Effect.acquireRelease(
        Effect.callback<Net.Socket, EffectRawClientError>((resume) => {
          const socket = Net.connect({ host, port: Number(port), noDelay: true })
          socket.once("connect", () => resume(Effect.succeed(socket)))
          socket.on("error", (error) => {
            failAll(error.message)
            resume(Effect.fail(new EffectRawClientError({ detail: error.message })))
          })
        }),
        (socket) => Effect.sync(() => socket.destroy())
      )
      socket.on("data", onChunk)
      socket.on("close", () => failAll("connection closed"))
      // As the raw client: every write corked to the end of its tick, never held.
      const cork = makeCorkedWrites(socket, { holdWhileOnTheWire: Infinity, maxHoldMillis: 0 })
      return sendWith((bytes) => {
        cork.beforeWrite(0)
        socket.write(bytes)
      })
    }

    // The platform socket, dialled by the transport's own `dial` (3 s to connect; the socket is
    // destroyed when this scope closes): the Node socket is kept for the writes.
    let node: Net.Socket | undefined
    const socket = yield* dial({ host, port: Number(port), noDelay: true }, undefined, 3000, (connected) => {
      node = connected
    })
    const { pull } = yield* socket.reader.pipe(Effect.mapError((error) => new EffectRawClientError({ detail: error.message })))
    if (node === undefined) return yield* new EffectRawClientError({ detail: "the socket opened without a Node socket" })
    const target = node
    const cork = makeCorkedWrites(target)
    const readLoop = Effect.gen(function*() {
      while (true) {
        for (const chunk of yield* pull) onChunk(typeof chunk === "string" ? Buffer.from(chunk) : chunk)
        cork.afterRead(waiting.size)
      }
    })
    yield* readLoop.pipe(Effect.catch((error) => Effect.sync(() => failAll(error.message))), Effect.forkScoped)
    yield* Effect.addFinalizer(() => Effect.sync(() => cork.stop()))
    // Registered before it is written: the others in flight are the rest of `waiting`.
    return sendWith((bytes) => {
      const others = waiting.size - 1
      if (others !== 0) cork.beforeWrite(others)
      target.write(bytes)
    })
  })
