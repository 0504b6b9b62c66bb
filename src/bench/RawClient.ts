/**
 * The raw pipelined reference client: one SEND_MESSAGE_V2 frame encoded once (binary header, so the
 * opaque sits at a fixed offset), then per send only a copy with a new opaque, written to one
 * socket (writes of a tick corked together) and answered by opaque, the requests kept in the
 * transport's `ResponseTable` (a `Map` would have the garbage collector promote them, see there).
 * About the least CPU a Node client can spend per send on this protocol; the producer benchmark's
 * floor.
 *
 * @since 0.1.0
 */
import { Buffer } from "node:buffer"
import * as Net from "node:net"
import { ResponseTable } from "../transport/ResponseTable.ts"

/**
 * Offset of the opaque in a frame with a binary header: length 4, type 4, code 2, language 1, version 2.
 *
 * @since 0.1.0
 */
export const OPAQUE_OFFSET = 13

/**
 * A copy of `template` (a frame with a binary header) with `opaque` written at `OPAQUE_OFFSET`: what
 * the raw clients send per request.
 *
 * @since 0.1.0
 */
export const copyWithOpaque = (template: Buffer, opaque: number): Buffer => {
  const bytes = Buffer.allocUnsafe(template.length)
  template.copy(bytes)
  bytes.writeInt32BE(opaque, OPAQUE_OFFSET)
  return bytes
}

/**
 * A connected raw client.
 *
 * @since 0.1.0
 */
export interface RawClient {
  /** Sends the template frame with a fresh opaque; resolves with the response code. */
  readonly send: () => Promise<number>
  readonly close: () => void
}

interface Waiter {
  readonly resolve: (code: number) => void
  readonly reject: (error: Error) => void
}

/**
 * Reads each whole frame in `bytes`, an answer with a binary or a JSON header (5.x answers with
 * JSON whatever the request used), and calls `onAnswer` with its code and opaque; returns the offset
 * after the last whole frame.
 *
 * @since 0.1.0
 */
export const readAnswers = (bytes: Buffer, onAnswer: (code: number, opaque: number) => void): number => {
  let offset = 0
  while (bytes.length - offset >= 8) {
    const length = bytes.readInt32BE(offset)
    if (bytes.length - offset < 4 + length) break
    const typeWord = bytes.readUInt32BE(offset + 4)
    if (typeWord >>> 24 === 1) onAnswer(bytes.readInt16BE(offset + 8), bytes.readInt32BE(offset + OPAQUE_OFFSET))
    else {
      const header: unknown = JSON.parse(bytes.toString("utf8", offset + 8, offset + 8 + (typeWord & 0xffffff)))
      if (typeof header === "object" && header !== null && "code" in header && "opaque" in header) {
        onAnswer(Number(header.code), Number(header.opaque))
      }
    }
    offset += 4 + length
  }
  return offset
}

/**
 * Connects to `address` and sends copies of `frame` (a request with a binary header).
 *
 * @since 0.1.0
 */
export const connectRawClient = (address: string, frame: Uint8Array): Promise<RawClient> =>
  new Promise((resolve, reject) => {
    const [host, port] = address.split(":")
    const socket = Net.connect({ host: host ?? "127.0.0.1", port: Number(port), noDelay: true })
    const template = Buffer.from(frame)
    const waiting = new ResponseTable<Waiter>()
    let nextOpaque = 1
    let corked = false
    let pending: Buffer | undefined

    const uncork = () => {
      corked = false
      socket.uncork()
    }

    const onAnswer = (code: number, opaque: number) => {
      waiting.delete(opaque)?.resolve(code)
    }

    socket.on("data", (chunk: Buffer) => {
      const bytes = pending === undefined ? chunk : Buffer.concat([pending, chunk])
      const offset = readAnswers(bytes, onAnswer)
      pending = offset === bytes.length ? undefined : bytes.subarray(offset)
    })
    const failAll = (error: Error) => {
      for (const waiter of waiting.takeAll()) waiter.reject(error)
    }
    socket.on("error", (error) => {
      failAll(error)
      reject(error)
    })
    socket.on("close", () => failAll(new Error("connection closed")))
    socket.on("connect", () =>
      resolve({
        send: () =>
          new Promise<number>((resolveSend, rejectSend) => {
            const opaque = nextOpaque
            nextOpaque = nextOpaque === 0x7fffffff ? 1 : nextOpaque + 1
            const copy = copyWithOpaque(template, opaque)
            waiting.set(opaque, { resolve: resolveSend, reject: rejectSend })
            if (!corked) {
              corked = true
              socket.cork()
              process.nextTick(uncork)
            }
            socket.write(copy)
          }),
        close: () => socket.destroy()
      }))
  })
