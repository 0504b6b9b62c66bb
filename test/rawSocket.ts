/**
 * Raw TCP exchanges for tests that replay recorded bytes to a testkit server.
 */
import { Buffer } from "node:buffer"
import * as Net from "node:net"
import { Effect } from "effect"

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
